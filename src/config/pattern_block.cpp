// Rewrites `pattern:` blocks into `transformer:` + `params:` before validation.
#include "pattern_block.hpp"

#include <fmt/format.h>

namespace odibi::config {

void NormalizeNodePattern(ConfigValue& node, const std::string& path, DiagnosticList& diagnostics) {
    if (!node.IsMap()) {
        return;
    }
    std::unique_ptr<ConfigEntry> pattern = node.Remove("pattern");
    if (!pattern) {
        return;
    }
    std::string pattern_path = ChildPath(path, "pattern");
    if (!pattern->value.IsMap()) {
        diagnostics.AddError(ConfigError::InvalidType("pattern",
                                                      "a mapping with type and params",
                                                      pattern->value.Describe(),
                                                      MakeLocation(pattern->value.mark, pattern_path)));
        return;
    }
    static const std::vector<std::string> ALLOWED = {"type", "params"};
    for (const auto& entry : pattern->value.entries) {
        if (entry.key != "type" && entry.key != "params") {
            diagnostics.AddError(ConfigError::UnknownKey(
                "pattern", entry.key, ALLOWED, MakeLocation(entry.key_mark, ChildPath(pattern_path, entry.key))));
        }
    }
    const ConfigEntry* type = pattern->value.FindEntry("type");
    if (type == nullptr || type->value.IsNull()) {
        diagnostics.AddError(ConfigError::MissingKey("pattern", "type", MakeLocation(pattern->key_mark, pattern_path)));
        return;
    }
    if (!type->value.IsScalar()) {
        diagnostics.AddError(ConfigError::InvalidType("pattern.type",
                                                      "a pattern name",
                                                      type->value.Describe(),
                                                      MakeLocation(type->value.mark, ChildPath(pattern_path, "type"))));
        return;
    }
    if (const ConfigEntry* transformer = node.FindEntry("transformer");
        transformer != nullptr && !(transformer->value.IsScalar() && transformer->value.text == type->value.text)) {
        Error error(ErrorCode::CONFLICTING_KEYS,
                    ErrorSource::USER,
                    fmt::format("the node sets both transformer: {} and pattern.type: {}",
                                EmbeddedText(transformer->value),
                                type->value.text));
        error.WithLocation(MakeLocation(transformer->key_mark, ChildPath(path, "transformer")));
        error.WithSuggestion("keep either transformer: (+ params:) or pattern: {type, params}, not both");
        diagnostics.AddError(error);
        return;
    }
    node.Set("transformer", type->value, type->key_mark);
    ConfigEntry* pattern_params = pattern->value.FindEntry("params");
    if (pattern_params == nullptr || pattern_params->value.IsNull()) {
        return;
    }
    if (!pattern_params->value.IsMap()) {
        diagnostics.AddError(
            ConfigError::InvalidType("pattern.params",
                                     "a mapping",
                                     pattern_params->value.Describe(),
                                     MakeLocation(pattern_params->value.mark, ChildPath(pattern_path, "params"))));
        return;
    }
    ConfigEntry* node_params = node.FindEntry("params");
    if (node_params == nullptr || !node_params->value.IsMap()) {
        node.Set("params", std::move(pattern_params->value), pattern_params->key_mark);
        return;
    }
    // Pattern params win over node params, key by key (a shallow merge, as Odibi does).
    for (auto& entry : pattern_params->value.entries) {
        node_params->value.Set(entry.key, std::move(entry.value), entry.key_mark);
    }
}

void NormalizePatterns(ConfigValue& document, DiagnosticList& diagnostics) {
    ConfigValue* pipelines = document.Find("pipelines");
    if (pipelines == nullptr || !pipelines->IsSequence()) {
        return;
    }
    for (size_t pipeline_index = 0; pipeline_index < pipelines->items.size(); ++pipeline_index) {
        ConfigValue* nodes =
            pipelines->items[pipeline_index].IsMap() ? pipelines->items[pipeline_index].Find("nodes") : nullptr;
        if (nodes == nullptr || !nodes->IsSequence()) {
            continue;
        }
        for (size_t node_index = 0; node_index < nodes->items.size(); ++node_index) {
            std::string path = ItemPath(ChildPath(ItemPath("pipelines", pipeline_index), "nodes"), node_index);
            NormalizeNodePattern(nodes->items[node_index], path, diagnostics);
        }
    }
}

} // namespace odibi::config
