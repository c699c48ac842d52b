// Matching JSON values against the param type language, and turning scalars into SQL text.
#include "param_types.hpp"

#include <charconv>
#include <cmath>
#include <vector>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::transform {
namespace {

// Splits "A|B|list[C|D]" at the '|' that are not inside brackets.
std::vector<std::string_view> SplitAlternatives(std::string_view type) {
    std::vector<std::string_view> alternatives;
    int depth = 0;
    size_t start = 0;
    for (size_t index = 0; index < type.size(); ++index) {
        char character = type[index];
        if (character == '[') {
            ++depth;
        } else if (character == ']') {
            --depth;
        } else if (character == '|' && depth == 0) {
            alternatives.push_back(type.substr(start, index - start));
            start = index + 1;
        }
    }
    alternatives.push_back(type.substr(start));
    return alternatives;
}

bool IsScalar(const config::Json& value) {
    return value.is_string() || value.is_number() || value.is_boolean();
}

bool MatchesSingleType(const config::Json& value, std::string_view type) {
    constexpr std::string_view LIST_PREFIX = "list[";
    constexpr std::string_view MAP_PREFIX = "map[string,";
    if (type == "any") {
        return true;
    }
    if (type == "string") {
        return value.is_string();
    }
    if (type == "int") {
        return JsonToInt(value).has_value();
    }
    if (type == "number") {
        return JsonToNumber(value).has_value();
    }
    if (type == "bool") {
        return JsonToBool(value).has_value();
    }
    if (type == "sql" || type == "scalar") {
        return IsScalar(value);
    }
    if (type == "null") {
        return value.is_null();
    }
    if (type == "object") {
        return value.is_object();
    }
    if (StartsWith(type, LIST_PREFIX) && EndsWith(type, "]")) {
        if (!value.is_array()) {
            return false;
        }
        std::string_view element_type = type.substr(LIST_PREFIX.size(), type.size() - LIST_PREFIX.size() - 1);
        for (const auto& element : value) {
            if (!MatchesParamType(element, element_type)) {
                return false;
            }
        }
        return true;
    }
    if (StartsWith(type, MAP_PREFIX) && EndsWith(type, "]")) {
        if (!value.is_object()) {
            return false;
        }
        std::string_view value_type = type.substr(MAP_PREFIX.size(), type.size() - MAP_PREFIX.size() - 1);
        for (const auto& item : value.items()) {
            if (!MatchesParamType(item.value(), value_type)) {
                return false;
            }
        }
        return true;
    }
    return false;
}

} // namespace

bool MatchesParamType(const config::Json& value, std::string_view type) {
    for (auto alternative : SplitAlternatives(type)) {
        if (MatchesSingleType(value, alternative)) {
            return true;
        }
    }
    return false;
}

std::string JsonKindName(const config::Json& value) {
    if (value.is_null()) {
        return "null";
    }
    if (value.is_boolean()) {
        return "bool";
    }
    if (value.is_number_integer()) {
        return "int";
    }
    if (value.is_number()) {
        return "number";
    }
    if (value.is_string()) {
        return "string";
    }
    if (value.is_array()) {
        return "list";
    }
    return "map";
}

std::optional<int64_t> JsonToInt(const config::Json& value) {
    if (value.is_number_integer()) {
        return value.get<int64_t>();
    }
    if (value.is_number_float()) {
        double number = value.get<double>();
        if (std::isfinite(number) && std::floor(number) == number) {
            return static_cast<int64_t>(number);
        }
        return std::nullopt;
    }
    if (value.is_string()) {
        std::string text = Trim(value.get<std::string>());
        int64_t result = 0;
        const char* end = text.data() + text.size();
        auto [pointer, error] = std::from_chars(text.data(), end, result);
        if (error == std::errc() && pointer == end && !text.empty()) {
            return result;
        }
    }
    return std::nullopt;
}

std::optional<double> JsonToNumber(const config::Json& value) {
    if (value.is_number()) {
        return value.get<double>();
    }
    if (value.is_string()) {
        std::string text = Trim(value.get<std::string>());
        double result = 0.0;
        const char* end = text.data() + text.size();
        auto [pointer, error] = std::from_chars(text.data(), end, result);
        if (error == std::errc() && pointer == end && !text.empty()) {
            return result;
        }
    }
    return std::nullopt;
}

std::optional<bool> JsonToBool(const config::Json& value) {
    if (value.is_boolean()) {
        return value.get<bool>();
    }
    if (value.is_string()) {
        std::string text = ToLower(Trim(value.get<std::string>()));
        if (text == "true") {
            return true;
        }
        if (text == "false") {
            return false;
        }
    }
    return std::nullopt;
}

std::string JsonToSqlText(const config::Json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_boolean()) {
        return value.get<bool>() ? "TRUE" : "FALSE";
    }
    if (value.is_null()) {
        return "NULL";
    }
    return value.dump();
}

std::string JsonToSqlLiteral(const config::Json& value) {
    if (value.is_string()) {
        return engine::QuoteLiteral(value.get<std::string>());
    }
    return JsonToSqlText(value);
}

std::string JsonToText(const config::Json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    return value.dump();
}

} // namespace odibi::transform
