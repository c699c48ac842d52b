// Status names, ISO timestamp parsing and human-readable durations and counts for the story.
#include "story_format.hpp"

#include <charconv>

#include <fmt/format.h>

namespace odibi::observe {
namespace {

constexpr int64_t MILLISECONDS_PER_SECOND = 1000;
constexpr int64_t SECONDS_PER_MINUTE = 60;
constexpr int64_t MINUTES_PER_HOUR = 60;
constexpr int64_t HOURS_PER_DAY = 24;
constexpr int64_t MILLISECONDS_PER_MINUTE = MILLISECONDS_PER_SECOND * SECONDS_PER_MINUTE;
constexpr int64_t MILLISECONDS_PER_HOUR = MILLISECONDS_PER_MINUTE * MINUTES_PER_HOUR;
constexpr int64_t SECONDS_PER_DAY = SECONDS_PER_MINUTE * MINUTES_PER_HOUR * HOURS_PER_DAY;
constexpr int MONTHS_PER_YEAR = 12;
constexpr int MAX_DAY_OF_MONTH = 31;
constexpr int MAX_HOUR = 23;
constexpr int MAX_MINUTE = 59;
constexpr int MAX_SECOND = 60; // a leap second is accepted as written
constexpr size_t THOUSANDS_GROUP = 3;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day) {
    constexpr int64_t DAYS_PER_ERA = 146097;
    constexpr int64_t YEARS_PER_ERA = 400;
    constexpr int64_t EPOCH_SHIFT = 719468;
    constexpr int64_t MARCH_BASED_MONTH_SHIFT = 3;
    constexpr int64_t DAYS_PER_FIVE_MONTHS = 153;
    constexpr int64_t FIVE_MONTHS = 5;
    constexpr int64_t DAYS_PER_YEAR = 365;
    constexpr int64_t LEAP_EVERY = 4;
    constexpr int64_t CENTURY = 100;
    year -= month <= 2 ? 1 : 0;
    int64_t era = (year >= 0 ? year : year - (YEARS_PER_ERA - 1)) / YEARS_PER_ERA;
    int64_t year_of_era = year - era * YEARS_PER_ERA;
    int64_t month_index = (month + MONTHS_PER_YEAR - MARCH_BASED_MONTH_SHIFT) % MONTHS_PER_YEAR;
    int64_t day_of_year = (DAYS_PER_FIVE_MONTHS * month_index + 2) / FIVE_MONTHS + day - 1;
    int64_t day_of_era = year_of_era * DAYS_PER_YEAR + year_of_era / LEAP_EVERY - year_of_era / CENTURY + day_of_year;
    return era * DAYS_PER_ERA + day_of_era - EPOCH_SHIFT;
}

// Reads exactly `digits` decimal digits at `position` and advances it.
std::optional<int> ReadDigits(std::string_view text, size_t& position, size_t digits) {
    if (position + digits > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    const char* begin = text.data() + position;
    auto [end, error] = std::from_chars(begin, begin + digits, value);
    if (error != std::errc() || end != begin + digits) {
        return std::nullopt;
    }
    position += digits;
    return value;
}

bool Expect(std::string_view text, size_t& position, char expected) {
    if (position >= text.size() || text[position] != expected) {
        return false;
    }
    ++position;
    return true;
}

} // namespace

std::string NodeStatusText(execute::NodeStatus status) {
    switch (status) {
    case execute::NodeStatus::SUCCESS:
        return "success";
    case execute::NodeStatus::FAILED:
        return "failed";
    case execute::NodeStatus::SKIPPED:
        return "skipped";
    }
    return "skipped";
}

std::string RunStatusText(execute::RunStatus status) {
    switch (status) {
    case execute::RunStatus::RUNNING:
        return "RUNNING";
    case execute::RunStatus::SUCCESS:
        return "SUCCESS";
    case execute::RunStatus::FAILED:
        return "FAILED";
    case execute::RunStatus::INTERRUPTED:
        return "INTERRUPTED";
    case execute::RunStatus::ABANDONED:
        return "ABANDONED";
    }
    return "RUNNING";
}

std::optional<int64_t> ParseIsoMilliseconds(std::string_view text) {
    constexpr size_t YEAR_DIGITS = 4;
    constexpr size_t FIELD_DIGITS = 2;
    size_t position = 0;
    auto year = ReadDigits(text, position, YEAR_DIGITS);
    if (!year || !Expect(text, position, '-')) {
        return std::nullopt;
    }
    auto month = ReadDigits(text, position, FIELD_DIGITS);
    if (!month || !Expect(text, position, '-')) {
        return std::nullopt;
    }
    auto day = ReadDigits(text, position, FIELD_DIGITS);
    if (!day || !Expect(text, position, 'T')) {
        return std::nullopt;
    }
    auto hour = ReadDigits(text, position, FIELD_DIGITS);
    if (!hour || !Expect(text, position, ':')) {
        return std::nullopt;
    }
    auto minute = ReadDigits(text, position, FIELD_DIGITS);
    if (!minute || !Expect(text, position, ':')) {
        return std::nullopt;
    }
    auto second = ReadDigits(text, position, FIELD_DIGITS);
    if (!second) {
        return std::nullopt;
    }
    if (*month < 1 || *month > MONTHS_PER_YEAR || *day < 1 || *day > MAX_DAY_OF_MONTH || *hour > MAX_HOUR ||
        *minute > MAX_MINUTE || *second > MAX_SECOND) {
        return std::nullopt;
    }
    int64_t fraction_milliseconds = 0;
    if (position < text.size() && text[position] == '.') {
        ++position;
        int64_t scale = MILLISECONDS_PER_SECOND;
        size_t digits = 0;
        while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
            scale /= 10;
            fraction_milliseconds += (text[position] - '0') * scale;
            ++position;
            ++digits;
        }
        if (digits == 0) {
            return std::nullopt;
        }
    }
    if (!Expect(text, position, 'Z') || position != text.size()) {
        return std::nullopt;
    }
    int64_t days = DaysFromCivil(*year, *month, *day);
    int64_t seconds = days * SECONDS_PER_DAY + static_cast<int64_t>(*hour) * SECONDS_PER_MINUTE * MINUTES_PER_HOUR +
                      static_cast<int64_t>(*minute) * SECONDS_PER_MINUTE + *second;
    return seconds * MILLISECONDS_PER_SECOND + fraction_milliseconds;
}

std::string FormatDuration(int64_t milliseconds) {
    if (milliseconds < 0) {
        milliseconds = 0;
    }
    if (milliseconds < MILLISECONDS_PER_SECOND) {
        return fmt::format("{} ms", milliseconds);
    }
    if (milliseconds < MILLISECONDS_PER_MINUTE) {
        return fmt::format("{:.1f} s", static_cast<double>(milliseconds) / MILLISECONDS_PER_SECOND);
    }
    if (milliseconds < MILLISECONDS_PER_HOUR) {
        int64_t minutes = milliseconds / MILLISECONDS_PER_MINUTE;
        int64_t seconds = (milliseconds % MILLISECONDS_PER_MINUTE) / MILLISECONDS_PER_SECOND;
        return fmt::format("{} min {:02} s", minutes, seconds);
    }
    int64_t hours = milliseconds / MILLISECONDS_PER_HOUR;
    int64_t minutes = (milliseconds % MILLISECONDS_PER_HOUR) / MILLISECONDS_PER_MINUTE;
    return fmt::format("{} h {:02} min", hours, minutes);
}

std::string FormatCount(int64_t value) {
    std::string digits = std::to_string(value < 0 ? -value : value);
    std::string grouped;
    for (size_t index = 0; index < digits.size(); ++index) {
        if (index > 0 && (digits.size() - index) % THOUSANDS_GROUP == 0) {
            grouped += ',';
        }
        grouped += digits[index];
    }
    return value < 0 ? "-" + grouped : grouped;
}

std::string TextField(const nlohmann::ordered_json& object, std::string_view key) {
    if (!object.is_object()) {
        return "";
    }
    auto found = object.find(key);
    if (found == object.end() || !found->is_string()) {
        return "";
    }
    return found->get<std::string>();
}

std::optional<int64_t> IntegerField(const nlohmann::ordered_json& object, std::string_view key) {
    if (!object.is_object()) {
        return std::nullopt;
    }
    auto found = object.find(key);
    if (found == object.end() || !found->is_number()) {
        return std::nullopt;
    }
    if (found->is_number_float()) {
        return static_cast<int64_t>(found->get<double>());
    }
    return found->get<int64_t>();
}

const nlohmann::ordered_json& ArrayField(const nlohmann::ordered_json& object, std::string_view key) {
    static const nlohmann::ordered_json EMPTY_ARRAY = nlohmann::ordered_json::array();
    if (!object.is_object()) {
        return EMPTY_ARRAY;
    }
    auto found = object.find(key);
    if (found == object.end() || !found->is_array()) {
        return EMPTY_ARRAY;
    }
    return *found;
}

} // namespace odibi::observe
