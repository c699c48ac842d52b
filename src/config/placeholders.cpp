// ${vars.KEY}, ${date:...} and ${recipe.NAME} substitution over config trees.
#include "placeholders.hpp"

#include <chrono>
#include <ctime>
#include <regex>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::config {
namespace {

constexpr std::string_view PLACEHOLDER_START = "${";
constexpr size_t FIRST_FORMAT_BUFFER = 256;
constexpr size_t LAST_FORMAT_BUFFER = 65536;
constexpr int MONTHS_PER_YEAR = 12;
constexpr int DAYS_PER_WEEK = 7;

void SubstituteScalar(ConfigValue& value,
                      const std::string& path,
                      const std::string& prefix,
                      const PlaceholderLookup& lookup) {
    const std::string opener = std::string(PLACEHOLDER_START) + prefix;
    if (value.text.find(opener) == std::string::npos) {
        return;
    }
    SourceLocation location = MakeLocation(value.mark, path);
    // A scalar that is exactly one placeholder keeps the value's native type.
    if (value.text.size() > opener.size() + 1 && value.text.compare(0, opener.size(), opener) == 0 &&
        value.text.back() == '}' && value.text.find('}') == value.text.size() - 1) {
        std::string name = value.text.substr(opener.size(), value.text.size() - opener.size() - 1);
        const ConfigValue* replacement = lookup(name, location);
        SourceMark mark = value.mark;
        if (replacement == nullptr) {
            value = ConfigValue::MakeScalar("", true, mark);
        } else {
            value = *replacement;
            value.mark = mark;
        }
        return;
    }
    std::string result;
    size_t position = 0;
    while (position < value.text.size()) {
        size_t start = value.text.find(opener, position);
        size_t end = start == std::string::npos ? std::string::npos : value.text.find('}', start);
        if (start == std::string::npos || end == std::string::npos) {
            result.append(value.text, position, std::string::npos);
            break;
        }
        result.append(value.text, position, start - position);
        std::string name = value.text.substr(start + opener.size(), end - start - opener.size());
        const ConfigValue* replacement = lookup(name, location);
        if (replacement != nullptr) {
            result += EmbeddedText(*replacement);
        }
        position = end + 1;
    }
    value.text = std::move(result);
    value.quoted = true;
}

void SubstituteDatesIn(ConfigValue& value, TimePoint now) {
    if (value.IsScalar()) {
        if (value.text.find("${date:") != std::string::npos) {
            std::string replaced = SubstituteDates(value.text, now);
            if (replaced != value.text) {
                value.text = std::move(replaced);
                value.quoted = true;
            }
        }
        return;
    }
    for (auto& item : value.items) {
        SubstituteDatesIn(item, now);
    }
    for (auto& entry : value.entries) {
        SubstituteDatesIn(entry.value, now);
    }
}

std::string Strftime(const std::tm& parts, const std::string& format) {
    if (format.empty()) {
        return "";
    }
    for (size_t size = FIRST_FORMAT_BUFFER; size <= LAST_FORMAT_BUFFER; size *= 2) {
        std::string buffer(size, '\0');
        size_t length = std::strftime(buffer.data(), buffer.size(), format.c_str(), &parts);
        if (length > 0) {
            buffer.resize(length);
            return buffer;
        }
    }
    return "";
}

std::chrono::year_month_day AddMonths(std::chrono::year_month_day date, int months) {
    using namespace std::chrono;
    int total = static_cast<int>(date.year()) * MONTHS_PER_YEAR + static_cast<int>(unsigned(date.month())) - 1 + months;
    int new_year = total >= 0 ? total / MONTHS_PER_YEAR : (total - (MONTHS_PER_YEAR - 1)) / MONTHS_PER_YEAR;
    int new_month = total - new_year * MONTHS_PER_YEAR + 1;
    year_month_day_last last{year{new_year} / month{static_cast<unsigned>(new_month)} / std::chrono::last};
    unsigned new_day = std::min(unsigned(date.day()), unsigned(last.day()));
    return year_month_day{year{new_year}, month{static_cast<unsigned>(new_month)}, day{new_day}};
}

std::tm DateParts(const std::tm& now_parts, std::chrono::year_month_day date) {
    using namespace std::chrono;
    std::tm parts = now_parts; // keeps the zone fields for %Z / %z
    parts.tm_year = static_cast<int>(date.year()) - 1900;
    parts.tm_mon = static_cast<int>(unsigned(date.month())) - 1;
    parts.tm_mday = static_cast<int>(unsigned(date.day()));
    parts.tm_hour = 0;
    parts.tm_min = 0;
    parts.tm_sec = 0;
    sys_days days{date};
    parts.tm_wday = static_cast<int>(weekday{days}.c_encoding());
    parts.tm_yday = static_cast<int>((days - sys_days{date.year() / January / 1}).count());
    return parts;
}

} // namespace

void SubstitutePlaceholders(ConfigValue& value,
                            const std::string& path,
                            const std::string& prefix,
                            const PlaceholderLookup& lookup) {
    if (value.IsScalar()) {
        SubstituteScalar(value, path, prefix, lookup);
        return;
    }
    for (size_t index = 0; index < value.items.size(); ++index) {
        SubstitutePlaceholders(value.items[index], ItemPath(path, index), prefix, lookup);
    }
    for (auto& entry : value.entries) {
        SubstitutePlaceholders(entry.value, ChildPath(path, entry.key), prefix, lookup);
    }
}

void SubstituteVariablesAndDates(ConfigValue& root, TimePoint now, DiagnosticList& diagnostics) {
    ConfigValue variables = ConfigValue::MakeMap({});
    if (const ConfigValue* declared = root.Find("vars"); declared != nullptr && declared->IsMap()) {
        variables = *declared;
    }
    std::vector<std::string> names;
    for (const auto& entry : variables.entries) {
        names.push_back(entry.key);
    }
    PlaceholderLookup lookup = [&](const std::string& name, const SourceLocation& location) -> const ConfigValue* {
        if (const ConfigValue* found = variables.Find(name)) {
            return found;
        }
        // Dotted names reach into nested mappings: ${vars.database.host}.
        const ConfigValue* current = &variables;
        for (const auto& part : Split(name, '.')) {
            current = current->IsMap() ? current->Find(part) : nullptr;
            if (current == nullptr) {
                break;
            }
        }
        if (current != nullptr) {
            return current;
        }
        std::string message =
            fmt::format("${{vars.{}}} is not defined under vars:; it is replaced by an empty string", name);
        std::string hint = DidYouMean(name, names);
        if (!hint.empty()) {
            message += ". " + hint;
        }
        Error warning(ErrorCode::UNKNOWN_VARIABLE, ErrorSource::USER, message);
        warning.WithLocation(location);
        warning.WithSuggestion(fmt::format("add \"{}: <value>\" under the top-level vars: mapping", name));
        diagnostics.Add(Diagnostic::FromError(warning, Severity::WARNING));
        return nullptr;
    };
    for (auto& entry : root.entries) {
        if (entry.key == "vars") {
            continue;
        }
        SubstitutePlaceholders(entry.value, entry.key, "vars.", lookup);
    }
    SubstituteDatesIn(root, now);
}

std::optional<std::string>
EvaluateDateExpression(const std::string& expression, const std::optional<std::string>& format, TimePoint now) {
    using namespace std::chrono;
    std::time_t seconds = system_clock::to_time_t(now);
    std::tm now_parts{};
    localtime_r(&seconds, &now_parts);
    year_month_day today{year{now_parts.tm_year + 1900},
                         month{static_cast<unsigned>(now_parts.tm_mon + 1)},
                         day{static_cast<unsigned>(now_parts.tm_mday)}};
    const std::string date_format = format.value_or("%Y-%m-%d");
    std::string name = Trim(expression);
    if (name == "now") {
        return Strftime(now_parts, format.value_or("%Y-%m-%d %H:%M:%S"));
    }
    if (name == "today") {
        return Strftime(DateParts(now_parts, today), date_format);
    }
    if (name == "yesterday") {
        return Strftime(DateParts(now_parts, year_month_day{sys_days{today} - days{1}}), date_format);
    }
    if (name == "start_of_month") {
        return Strftime(DateParts(now_parts, today.year() / today.month() / day{1}), date_format);
    }
    if (name == "end_of_month") {
        year_month_day last{year_month_day_last{today.year() / today.month() / std::chrono::last}};
        return Strftime(DateParts(now_parts, last), date_format);
    }
    if (name == "start_of_year") {
        return Strftime(DateParts(now_parts, today.year() / January / day{1}), date_format);
    }
    static const std::regex RELATIVE(R"(([+-]?)([0-9]{1,6})([dwmy]))");
    std::smatch match;
    if (!std::regex_match(name, match, RELATIVE)) {
        return std::nullopt;
    }
    int amount = std::stoi(match[2].str()) * (match[1].str() == "-" ? -1 : 1);
    year_month_day result = today;
    switch (match[3].str()[0]) {
    case 'd':
        result = year_month_day{sys_days{today} + days{amount}};
        break;
    case 'w':
        result = year_month_day{sys_days{today} + days{amount * DAYS_PER_WEEK}};
        break;
    case 'm':
        result = AddMonths(today, amount);
        break;
    default:
        result = AddMonths(today, amount * MONTHS_PER_YEAR);
        break;
    }
    return Strftime(DateParts(now_parts, result), date_format);
}

std::string SubstituteDates(const std::string& text, TimePoint now) {
    static const std::string OPENER = "${date:";
    std::string result;
    size_t position = 0;
    while (position < text.size()) {
        size_t start = text.find(OPENER, position);
        size_t end = start == std::string::npos ? std::string::npos : text.find('}', start);
        if (start == std::string::npos || end == std::string::npos) {
            result.append(text, position, std::string::npos);
            break;
        }
        result.append(text, position, start - position);
        std::string inner = text.substr(start + OPENER.size(), end - start - OPENER.size());
        std::optional<std::string> format;
        std::string expression = inner;
        size_t separator = inner.find(':');
        if (separator != std::string::npos) {
            expression = inner.substr(0, separator);
            format = inner.substr(separator + 1);
        }
        auto value = EvaluateDateExpression(expression, format, now);
        result += value ? *value : text.substr(start, end + 1 - start);
        position = end + 1;
    }
    return result;
}

} // namespace odibi::config
