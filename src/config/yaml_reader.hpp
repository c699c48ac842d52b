// YAML text -> ConfigValue tree (the only place that includes yaml-cpp).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config_value.hpp"
#include "text_positions.hpp"

namespace odibi::config {

/// Parses one YAML document. `text` is the substituted text; `positions` maps it back to the file
/// as written. An empty document is an empty mapping. On a syntax error, a YAML_PARSE_ERROR with
/// file:line:col is added to `diagnostics` and nullopt returned. Duplicate keys keep the last value
/// (with a warning); `<<` merge keys are applied.
[[nodiscard]] std::optional<ConfigValue> ParseYaml(const std::string& text,
                                                   const TextPositions& positions,
                                                   const std::shared_ptr<const SourceFile>& file,
                                                   DiagnosticList& diagnostics);

} // namespace odibi::config
