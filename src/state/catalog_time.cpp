// Parsing and arithmetic on the catalog's ISO-8601 UTC timestamps.
#include "catalog_time.hpp"

#include <charconv>
#include <chrono>

namespace odibi::state {
namespace {

constexpr size_t DATE_LENGTH = 10;      // "YYYY-MM-DD"
constexpr size_t DATE_TIME_LENGTH = 19; // "YYYY-MM-DDTHH:MM:SS"
constexpr int HOURS_PER_DAY = 24;
constexpr int MILLISECOND_DIGITS = 3;

// Reads a fixed-width unsigned number at `offset`; nullopt unless all `width` characters are digits.
std::optional<int> ReadNumber(std::string_view text, size_t offset, size_t width) {
    int value = 0;
    const char* first = text.data() + offset;
    const char* last = first + width;
    auto [end, error] = std::from_chars(first, last, value);
    if (error != std::errc() || end != last) {
        return std::nullopt;
    }
    return value;
}

bool HasSeparator(std::string_view text, size_t offset, char expected) { return text[offset] == expected; }

} // namespace

std::optional<TimePoint> ParseIsoUtc(std::string_view text) {
    if (text.size() < DATE_TIME_LENGTH || !HasSeparator(text, 4, '-') || !HasSeparator(text, 7, '-') ||
        !(HasSeparator(text, 10, 'T') || HasSeparator(text, 10, ' ')) || !HasSeparator(text, 13, ':') ||
        !HasSeparator(text, 16, ':')) {
        return std::nullopt;
    }
    auto year = ReadNumber(text, 0, 4);
    auto month = ReadNumber(text, 5, 2);
    auto day = ReadNumber(text, 8, 2);
    auto hour = ReadNumber(text, 11, 2);
    auto minute = ReadNumber(text, 14, 2);
    auto second = ReadNumber(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second) {
        return std::nullopt;
    }
    std::chrono::year_month_day date{std::chrono::year(*year),
                                     std::chrono::month(static_cast<unsigned>(*month)),
                                     std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok() || *hour >= HOURS_PER_DAY || *minute >= 60 || *second >= 60) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(DATE_TIME_LENGTH);
    int milliseconds = 0;
    if (!rest.empty() && rest.front() == '.') {
        size_t digits = 1;
        while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
            ++digits;
        }
        if (digits == 1) {
            return std::nullopt;
        }
        // Digits after the third (microseconds, nanoseconds) are ignored: the catalog keeps milliseconds.
        for (int position = 1; position <= MILLISECOND_DIGITS; ++position) {
            milliseconds *= 10;
            if (static_cast<size_t>(position) < digits) {
                milliseconds += rest[position] - '0';
            }
        }
        rest = rest.substr(digits);
    }
    if (rest == "Z" || rest == "+00:00") {
        rest = {};
    }
    if (!rest.empty()) {
        return std::nullopt;
    }
    return TimePoint(std::chrono::sys_days(date)) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
           std::chrono::seconds(*second) + std::chrono::milliseconds(milliseconds);
}

std::string CutoffForDays(TimePoint now, int days) {
    return FormatIsoUtc(now - std::chrono::hours(static_cast<int64_t>(days) * HOURS_PER_DAY));
}

std::string DateOf(std::string_view iso_timestamp) { return std::string(iso_timestamp.substr(0, DATE_LENGTH)); }

} // namespace odibi::state
