// Nested param objects, audit columns, targets and row order, shared by the warehouse patterns.
#include "pattern_support.hpp"

#include "../param_types.hpp"
#include <fmt/format.h>

namespace odibi::transform {

ParamObject::ParamObject(const ParamReader& params, std::string param, const config::Json* value)
    : params_(params), param_(std::move(param)), value_(value) {}

void ParamObject::CheckKeys(const std::vector<std::string>& allowed) const {
    if (value_ == nullptr || value_->is_null()) {
        return;
    }
    if (!value_->is_object()) {
        throw params_.Invalid(param_, fmt::format("\"{}\" must be a map, not a {}", param_, JsonKindName(*value_)));
    }
    for (const auto& [key, value] : value_->items()) {
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) {
            continue;
        }
        Error error = params_.Invalid(param_, fmt::format("\"{}\" has no key \"{}\"", param_, key));
        error.WithSuggestion(DidYouMean(key, allowed));
        error.WithSuggestion("valid keys: " + QuotedList(allowed));
        throw error;
    }
}

bool ParamObject::Has(std::string_view key) const {
    return value_ != nullptr && value_->is_object() && value_->contains(key) && !(*value_)[std::string(key)].is_null();
}

std::optional<std::string> ParamObject::TryGetString(std::string_view key) const {
    if (!Has(key)) {
        return std::nullopt;
    }
    const config::Json& value = (*value_)[std::string(key)];
    if (!value.is_string() && !value.is_number() && !value.is_boolean()) {
        throw Invalid(key, fmt::format("must be text, not a {}", JsonKindName(value)));
    }
    return JsonToText(value);
}

std::string ParamObject::GetString(std::string_view key) const {
    auto value = TryGetString(key);
    if (!value || Trim(*value).empty()) {
        throw Invalid(key, "is required");
    }
    return *value;
}

bool ParamObject::GetBool(std::string_view key, bool default_value) const {
    if (!Has(key)) {
        return default_value;
    }
    auto value = JsonToBool((*value_)[std::string(key)]);
    if (!value) {
        throw Invalid(key, "must be true or false");
    }
    return *value;
}

Error ParamObject::Invalid(std::string_view key, std::string message) const {
    return params_.Invalid(param_, fmt::format("\"{}.{}\" {}", param_, key, message));
}

ParamSpec AuditParam(bool load_timestamp_default) {
    return OptionalParam("audit",
                         "object",
                         "",
                         fmt::format("{{load_timestamp: bool (default {}), source_system: text}}: appends the columns "
                                     "load_timestamp (the run's load time, UTC) and source_system",
                                     load_timestamp_default ? "true" : "false"));
}

void CheckAuditParam(const ParamReader& params) {
    ParamObject audit(params, "audit", params.TryGet("audit"));
    audit.CheckKeys({"load_timestamp", "source_system"});
    static_cast<void>(audit.GetBool("load_timestamp", false));
    static_cast<void>(audit.TryGetString("source_system"));
}

AuditColumns AuditColumnsOf(const ParamReader& params, const TransformInput& input, bool load_timestamp_default) {
    ParamObject audit(params, "audit", params.TryGet("audit"));
    AuditColumns columns;
    if (audit.GetBool("load_timestamp", load_timestamp_default)) {
        columns.names.emplace_back("load_timestamp");
        columns.select_items.push_back(input.load_time + " AS " + engine::QuoteIdentifier("load_timestamp"));
    }
    if (auto source_system = audit.TryGetString("source_system")) {
        columns.names.emplace_back("source_system");
        columns.select_items.push_back(engine::QuoteLiteral(*source_system) + " AS " +
                                       engine::QuoteIdentifier("source_system"));
    }
    return columns;
}

void CheckTargetParams(const ParamReader& params) {
    bool has_target = params.TryGetString("target").has_value();
    bool has_path = params.TryGetString("path").has_value();
    if (has_target == has_path) {
        throw params.Invalid("target", "give either target: <connection>.<path>, or connection and path");
    }
    if (has_path && !params.TryGetString("connection")) {
        throw params.Invalid("connection", "path needs connection: the connection the path is below");
    }
}

std::optional<std::string> TextParam(const config::Json& params, const char* name) {
    if (!params.is_object() || !params.contains(name) || !params[name].is_string()) {
        return std::nullopt;
    }
    std::string value = Trim(params[name].get<std::string>());
    return value.empty() ? std::nullopt : std::optional<std::string>(value);
}

std::optional<TargetReference> TargetReferenceOf(const config::Json& params) {
    if (auto target = TextParam(params, "target")) {
        return TargetReference{TextParam(params, "connection"), *target, "target"};
    }
    if (auto path = TextParam(params, "path")) {
        return TargetReference{TextParam(params, "connection"), *path, "path"};
    }
    return std::nullopt;
}

RelationColumns TargetColumns(const TransformInput& input) {
    if (!input.target) {
        return RelationColumns({});
    }
    return RelationColumns(input.connection.Describe(*input.target));
}

} // namespace odibi::transform
