// ParamReader: spec-checked, typed reads of transformer params with the spec's defaults.
#include "param_reader.hpp"

#include "param_check.hpp"
#include "param_types.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::transform {

ParamReader::ParamReader(const TransformerInfo& info, const config::Json& params) : info_(info), params_(params) {
    auto problems = CheckParamsAgainstSpec(info, params);
    if (!problems.empty()) {
        throw InvalidParamsError(info.name, problems.front());
    }
}

const ParamSpec& ParamReader::Spec(std::string_view name) const {
    const ParamSpec* spec = info_.TryGetParam(std::string(name));
    if (spec == nullptr) {
        throw InternalError(
            fmt::format("transformer \"{}\" reads param \"{}\" that its spec does not declare", info_.name, name));
    }
    return *spec;
}

const config::Json* ParamReader::TryGet(std::string_view name) const {
    static_cast<void>(Spec(name));
    if (!params_.is_object()) {
        return nullptr;
    }
    auto found = params_.find(std::string(name));
    if (found == params_.end() || found->is_null()) {
        return nullptr;
    }
    return &*found;
}

const std::string& ParamReader::RequiredDefault(std::string_view name) const {
    const ParamSpec& spec = Spec(name);
    if (spec.default_value.empty()) {
        throw InternalError(
            fmt::format("param \"{}\" of transformer \"{}\" is absent and has no default", name, info_.name));
    }
    return spec.default_value;
}

std::optional<std::string> ParamReader::TryGetString(std::string_view name) const {
    const config::Json* value = TryGet(name);
    if (value == nullptr) {
        return std::nullopt;
    }
    return JsonToText(*value);
}

std::string ParamReader::GetString(std::string_view name) const {
    auto value = TryGetString(name);
    return value ? *value : Spec(name).default_value;
}

std::optional<std::string> ParamReader::TryGetSql(std::string_view name) const {
    const config::Json* value = TryGet(name);
    if (value == nullptr) {
        return std::nullopt;
    }
    return JsonToSqlText(*value);
}

std::string ParamReader::GetSql(std::string_view name) const {
    auto value = TryGetSql(name);
    return value ? *value : Spec(name).default_value;
}

std::string ParamReader::GetEnum(std::string_view name) const {
    return ToLower(GetString(name));
}

std::optional<int64_t> ParamReader::TryGetInt(std::string_view name) const {
    const config::Json* value = TryGet(name);
    if (value == nullptr) {
        return std::nullopt;
    }
    return JsonToInt(*value);
}

int64_t ParamReader::GetInt(std::string_view name) const {
    auto value = TryGetInt(name);
    if (value) {
        return *value;
    }
    auto parsed = JsonToInt(config::Json(RequiredDefault(name)));
    if (!parsed) {
        throw InternalError(fmt::format("default of int param \"{}\" is not an integer", name));
    }
    return *parsed;
}

double ParamReader::GetNumber(std::string_view name) const {
    const config::Json* value = TryGet(name);
    auto parsed = JsonToNumber(value != nullptr ? *value : config::Json(RequiredDefault(name)));
    if (!parsed) {
        throw InternalError(fmt::format("param \"{}\" is not a number", name));
    }
    return *parsed;
}

bool ParamReader::GetBool(std::string_view name) const {
    const config::Json* value = TryGet(name);
    auto parsed = JsonToBool(value != nullptr ? *value : config::Json(RequiredDefault(name)));
    if (!parsed) {
        throw InternalError(fmt::format("param \"{}\" is not a bool", name));
    }
    return *parsed;
}

std::optional<std::vector<std::string>> ParamReader::TryGetStringList(std::string_view name) const {
    const config::Json* value = TryGet(name);
    if (value == nullptr) {
        return std::nullopt;
    }
    std::vector<std::string> items;
    if (value->is_array()) {
        for (const auto& element : *value) {
            items.push_back(JsonToText(element));
        }
    } else {
        items.push_back(JsonToText(*value));
    }
    return items;
}

std::vector<std::string> ParamReader::GetStringList(std::string_view name) const {
    return TryGetStringList(name).value_or(std::vector<std::string>{});
}

std::vector<std::string> ParamReader::GetColumnList(std::string_view name) const {
    std::vector<std::string> columns = GetStringList(name);
    if (columns.empty()) {
        throw Invalid(name, fmt::format("\"{}\" must list at least one column", name));
    }
    return columns;
}

std::vector<std::pair<std::string, config::Json>> ParamReader::GetMap(std::string_view name) const {
    std::vector<std::pair<std::string, config::Json>> entries;
    const config::Json* value = TryGet(name);
    if (value == nullptr || !value->is_object()) {
        return entries;
    }
    for (const auto& item : value->items()) {
        entries.emplace_back(item.key(), item.value());
    }
    return entries;
}

std::vector<std::pair<std::string, std::string>> ParamReader::GetStringMap(std::string_view name) const {
    std::vector<std::pair<std::string, std::string>> entries;
    for (auto& [key, value] : GetMap(name)) {
        entries.emplace_back(key, JsonToSqlText(value));
    }
    return entries;
}

Error ParamReader::Invalid(std::string_view param, std::string message) const {
    return InvalidParamsError(info_.name, param, fmt::format("transformer \"{}\": {}", info_.name, message));
}

} // namespace odibi::transform
