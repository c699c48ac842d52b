// Typed reads of config values: key checks, type coercion as a lax schema validator does, ranges, enums.
#include "schema_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::config {
namespace {

std::string LastSegment(const std::string& path) {
    size_t dot = path.find_last_of('.');
    std::string last = dot == std::string::npos ? path : path.substr(dot + 1);
    return last.empty() ? path : last;
}

} // namespace

bool SchemaReader::CheckKeys(const ConfigValue& map,
                             const std::string& path,
                             std::string_view model,
                             const std::vector<std::string>& allowed,
                             Strictness strictness,
                             const std::vector<RejectedKey>& rejected) {
    bool clean = true;
    for (const auto& entry : map.entries) {
        if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) {
            continue;
        }
        SourceLocation location = MakeLocation(entry.key_mark, ChildPath(path, entry.key));
        auto special =
            std::find_if(rejected.begin(), rejected.end(), [&](const auto& item) { return item.key == entry.key; });
        if (special != rejected.end()) {
            Error error(ErrorCode::UNKNOWN_KEY,
                        ErrorSource::USER,
                        fmt::format("\"{}\" is not a {} key: {}", entry.key, model, special->hint));
            error.WithLocation(location);
            error.WithSuggestion(special->hint);
            AddError(error);
            clean = false;
            continue;
        }
        Error error = ConfigError::UnknownKey(model, entry.key, allowed, location);
        if (strictness == Strictness::STRICT) {
            AddError(error);
            clean = false;
        } else {
            AddWarning(Error(error.Code(), error.Source(), Trim(error.Message()) + " The key is ignored.")
                           .WithLocation(error.Location())
                           .WithSuggestion(error.Suggestions().empty() ? "" : error.Suggestions().front()));
        }
    }
    return clean;
}

bool SchemaReader::ExpectMap(const ConfigValue& value, const std::string& path, std::string_view what) {
    if (value.IsMap()) {
        return true;
    }
    AddError(ConfigError::InvalidType(LastSegment(path), what, value.Describe(), MakeLocation(value.mark, path)));
    return false;
}

void SchemaReader::TypeError(const ConfigValue& value, const std::string& path, std::string_view expected) {
    AddError(ConfigError::InvalidType(LastSegment(path), expected, value.Describe(), MakeLocation(value.mark, path)));
}

std::optional<std::string> SchemaReader::String(const ConfigValue& value, const std::string& path) {
    if (value.IsScalar()) {
        return value.text;
    }
    TypeError(value, path, "a string");
    return std::nullopt;
}

std::optional<bool> SchemaReader::Bool(const ConfigValue& value, const std::string& path) {
    if (value.IsScalar()) {
        Json resolved = value.quoted ? Json(value.text) : ResolvePlainScalar(value.text);
        if (resolved.is_boolean()) {
            return resolved.get<bool>();
        }
        if (resolved.is_number_integer() && (resolved.get<int64_t>() == 0 || resolved.get<int64_t>() == 1)) {
            return resolved.get<int64_t>() == 1;
        }
        std::string lowered = ToLower(value.text);
        if (lowered == "true" || lowered == "yes" || lowered == "on" || lowered == "1") {
            return true;
        }
        if (lowered == "false" || lowered == "no" || lowered == "off" || lowered == "0") {
            return false;
        }
    }
    TypeError(value, path, "true or false");
    return std::nullopt;
}

std::optional<int64_t> SchemaReader::Integer(const ConfigValue& value,
                                             const std::string& path,
                                             std::optional<int64_t> minimum,
                                             std::optional<int64_t> maximum) {
    std::optional<int64_t> number;
    if (value.IsScalar()) {
        Json resolved = ResolvePlainScalar(value.text);
        if (resolved.is_number_integer()) {
            number = resolved.get<int64_t>();
        } else if (resolved.is_number_float()) {
            double real = resolved.get<double>();
            if (std::isfinite(real) && std::floor(real) == real) {
                number = static_cast<int64_t>(real);
            }
        }
    }
    if (!number) {
        TypeError(value, path, "a whole number");
        return std::nullopt;
    }
    if ((minimum && *number < *minimum) || (maximum && *number > *maximum)) {
        // A maximum of the int range only guards the conversion; users are told about the minimum.
        bool shown_maximum = maximum && *maximum < std::numeric_limits<int32_t>::max();
        std::string range = minimum && shown_maximum        ? fmt::format("between {} and {}", *minimum, *maximum)
                            : minimum && *number < *minimum ? fmt::format("at least {}", *minimum)
                                                            : fmt::format("at most {}", *maximum);
        Error error(ErrorCode::INVALID_VALUE,
                    ErrorSource::USER,
                    fmt::format("\"{}\" must be {}, found {}", LastSegment(path), range, *number));
        error.WithLocation(MakeLocation(value.mark, path));
        error.WithSuggestion(fmt::format("use a value {}", range));
        AddError(error);
        return std::nullopt;
    }
    return number;
}

std::optional<double> SchemaReader::Number(const ConfigValue& value,
                                           const std::string& path,
                                           std::optional<double> minimum,
                                           std::optional<double> maximum) {
    std::optional<double> number;
    if (value.IsScalar()) {
        Json resolved = ResolvePlainScalar(value.text);
        if (resolved.is_number()) {
            number = resolved.get<double>();
        }
    }
    if (!number) {
        TypeError(value, path, "a number");
        return std::nullopt;
    }
    if ((minimum && *number < *minimum) || (maximum && *number > *maximum)) {
        std::string range = minimum && maximum ? fmt::format("between {} and {}", *minimum, *maximum)
                            : minimum          ? fmt::format("at least {}", *minimum)
                                               : fmt::format("at most {}", *maximum);
        Error error(ErrorCode::INVALID_VALUE,
                    ErrorSource::USER,
                    fmt::format("\"{}\" must be {}, found {}", LastSegment(path), range, value.text));
        error.WithLocation(MakeLocation(value.mark, path));
        error.WithSuggestion(fmt::format("use a value {}", range));
        AddError(error);
        return std::nullopt;
    }
    return number;
}

std::optional<std::vector<std::string>> SchemaReader::StringList(const ConfigValue& value, const std::string& path) {
    if (!value.IsSequence()) {
        TypeError(value, path, "a list of strings");
        return std::nullopt;
    }
    std::vector<std::string> result;
    bool valid = true;
    for (size_t index = 0; index < value.items.size(); ++index) {
        const ConfigValue& item = value.items[index];
        if (!item.IsScalar()) {
            TypeError(item, ItemPath(path, index), "a string");
            valid = false;
            continue;
        }
        result.push_back(item.text);
    }
    if (!valid) {
        return std::nullopt;
    }
    return result;
}

std::optional<std::string>
SchemaReader::Choice(const ConfigValue& value, const std::string& path, const std::vector<std::string>& allowed) {
    auto text = String(value, path);
    if (!text) {
        return std::nullopt;
    }
    if (std::find(allowed.begin(), allowed.end(), *text) != allowed.end()) {
        return text;
    }
    AddError(ConfigError::InvalidEnum(LastSegment(path), *text, allowed, MakeLocation(value.mark, path)));
    return std::nullopt;
}

std::optional<std::string> SchemaReader::ChoiceIgnoringCase(const ConfigValue& value,
                                                            const std::string& path,
                                                            const std::vector<std::string>& allowed) {
    auto text = String(value, path);
    if (!text) {
        return std::nullopt;
    }
    for (const auto& candidate : allowed) {
        if (ToLower(candidate) == ToLower(*text)) {
            return candidate;
        }
    }
    AddError(ConfigError::InvalidEnum(LastSegment(path), *text, allowed, MakeLocation(value.mark, path)));
    return std::nullopt;
}

const ConfigValue* MapReader::Get(std::string_view key) const {
    const ConfigValue* value = map_.Find(key);
    if (value == nullptr || value->IsNull()) {
        return nullptr;
    }
    return value;
}

SourceLocation MapReader::KeyLocation(std::string_view key) const {
    if (const ConfigEntry* entry = map_.FindEntry(key)) {
        return MakeLocation(entry->key_mark, PathOf(key));
    }
    return MakeLocation(map_.mark, PathOf(key));
}

SourceLocation MapReader::ValueLocation(std::string_view key) const {
    if (const ConfigEntry* entry = map_.FindEntry(key); entry != nullptr && entry->value.mark.line > 0) {
        return MakeLocation(entry->value.mark, PathOf(key));
    }
    return KeyLocation(key);
}

std::optional<std::string> MapReader::String(std::string_view key) {
    const ConfigValue* value = Get(key);
    return value == nullptr ? std::nullopt : reader_.String(*value, PathOf(key));
}

std::optional<std::string> MapReader::RequiredString(std::string_view key, std::string_view model) {
    const ConfigValue* value = Get(key);
    if (value == nullptr) {
        reader_.AddError(ConfigError::MissingKey(model, key, map_.FindEntry(key) ? KeyLocation(key) : Location()));
        return std::nullopt;
    }
    return reader_.String(*value, PathOf(key));
}

std::optional<bool> MapReader::Bool(std::string_view key) {
    const ConfigValue* value = Get(key);
    return value == nullptr ? std::nullopt : reader_.Bool(*value, PathOf(key));
}

std::optional<int64_t>
MapReader::Integer(std::string_view key, std::optional<int64_t> minimum, std::optional<int64_t> maximum) {
    const ConfigValue* value = Get(key);
    return value == nullptr ? std::nullopt : reader_.Integer(*value, PathOf(key), minimum, maximum);
}

std::optional<double>
MapReader::Number(std::string_view key, std::optional<double> minimum, std::optional<double> maximum) {
    const ConfigValue* value = Get(key);
    return value == nullptr ? std::nullopt : reader_.Number(*value, PathOf(key), minimum, maximum);
}

std::optional<std::vector<std::string>> MapReader::StringList(std::string_view key) {
    const ConfigValue* value = Get(key);
    return value == nullptr ? std::nullopt : reader_.StringList(*value, PathOf(key));
}

std::optional<std::string> MapReader::Choice(std::string_view key, const std::vector<std::string>& allowed) {
    const ConfigValue* value = Get(key);
    return value == nullptr ? std::nullopt : reader_.Choice(*value, PathOf(key), allowed);
}

std::optional<Json> MapReader::Mapping(std::string_view key) {
    const ConfigValue* value = Get(key);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!reader_.ExpectMap(*value, PathOf(key), "a mapping")) {
        return std::nullopt;
    }
    return ToJson(*value);
}

Json MapReader::AnyJson(std::string_view key) const {
    const ConfigValue* value = Get(key);
    return value == nullptr ? Json(nullptr) : ToJson(*value);
}

} // namespace odibi::config
