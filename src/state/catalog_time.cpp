// Parsing and arithmetic on the catalog's ISO-8601 UTC timestamps.
#include "catalog_time.hpp"

#include <charconv>
#include <chrono>

namespace odibi::state {
namespace {

constexpr size_t DATE_LENGTH = 10;      // "YYYY-MM-DD"
constexpr size_t DATE_TIME_LENGTH = 19; // "YYYY-MM-DDTHH:MM:SS"
constexpr int HOURS_PER_DAY = 24;
constexpr int MINUTES_PER_HOUR = 60;
constexpr int SECONDS_PER_MINUTE = 60;
constexpr int MILLISECOND_DIGITS = 3;
constexpr int DECIMAL_BASE = 10;

// Where each field of "YYYY-MM-DDTHH:MM:SS" starts and how many digits it has.
struct Field {
    size_t offset;
    size_t width;
};
constexpr Field YEAR{0, 4};
constexpr Field MONTH{5, 2};
constexpr Field DAY{8, 2};
constexpr Field HOUR{11, 2};
constexpr Field MINUTE{14, 2};
constexpr Field SECOND{17, 2};

// Reads a fixed-width unsigned number; nullopt unless every character of the field is a digit.
std::optional<int> ReadNumber(std::string_view text, Field field) {
    int value = 0;
    const char* first = text.data() + field.offset;
    const char* last = first + field.width;
    auto [end, error] = std::from_chars(first, last, value);
    if (error != std::errc() || end != last) {
        return std::nullopt;
    }
    return value;
}

// The character right before `field`: the separator that introduces it.
bool SeparatorBeforeIs(std::string_view text, Field field, char expected) {
    return text[field.offset - 1] == expected;
}

bool HasDateTimeShape(std::string_view text) {
    return text.size() >= DATE_TIME_LENGTH && SeparatorBeforeIs(text, MONTH, '-') &&
           SeparatorBeforeIs(text, DAY, '-') &&
           (SeparatorBeforeIs(text, HOUR, 'T') || SeparatorBeforeIs(text, HOUR, ' ')) &&
           SeparatorBeforeIs(text, MINUTE, ':') && SeparatorBeforeIs(text, SECOND, ':');
}

bool IsDigit(char character) {
    return character >= '0' && character <= '9';
}

} // namespace

std::optional<TimePoint> ParseIsoUtc(std::string_view text) {
    if (!HasDateTimeShape(text)) {
        return std::nullopt;
    }
    auto year = ReadNumber(text, YEAR);
    auto month = ReadNumber(text, MONTH);
    auto day = ReadNumber(text, DAY);
    auto hour = ReadNumber(text, HOUR);
    auto minute = ReadNumber(text, MINUTE);
    auto second = ReadNumber(text, SECOND);
    if (!year || !month || !day || !hour || !minute || !second) {
        return std::nullopt;
    }
    std::chrono::year_month_day date{std::chrono::year(*year),
                                     std::chrono::month(static_cast<unsigned>(*month)),
                                     std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok() || *hour >= HOURS_PER_DAY || *minute >= MINUTES_PER_HOUR || *second >= SECONDS_PER_MINUTE) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(DATE_TIME_LENGTH);
    int milliseconds = 0;
    if (!rest.empty() && rest.front() == '.') {
        size_t end_of_fraction = 1;
        while (end_of_fraction < rest.size() && IsDigit(rest[end_of_fraction])) {
            ++end_of_fraction;
        }
        if (end_of_fraction == 1) {
            return std::nullopt;
        }
        // Digits after the third (microseconds, nanoseconds) are ignored: the catalog keeps milliseconds.
        for (size_t position = 1; position <= MILLISECOND_DIGITS; ++position) {
            milliseconds *= DECIMAL_BASE;
            if (position < end_of_fraction) {
                milliseconds += rest[position] - '0';
            }
        }
        rest = rest.substr(end_of_fraction);
    }
    if (rest != "Z" && rest != "+00:00" && !rest.empty()) {
        return std::nullopt;
    }
    return TimePoint(std::chrono::sys_days(date)) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
           std::chrono::seconds(*second) + std::chrono::milliseconds(milliseconds);
}

std::string CutoffForDays(TimePoint now, int days) {
    return FormatIsoUtc(now - std::chrono::hours(static_cast<int64_t>(days) * HOURS_PER_DAY));
}

std::string DateOf(std::string_view iso_timestamp) {
    return std::string(iso_timestamp.substr(0, DATE_LENGTH));
}

} // namespace odibi::state
