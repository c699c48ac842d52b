// `pattern: {type, params}` sugar on nodes, rewritten to `transformer:` + `params:` (§0.4).
#pragma once

#include <string>

#include "config_value.hpp"

namespace odibi::config {

/// Rewrites one node's `pattern:` block: `transformer` = pattern.type, pattern.params merged over
/// the node's own `params`. Malformed blocks are reported and left out.
void NormalizeNodePattern(ConfigValue& node, const std::string& path, DiagnosticList& diagnostics);

/// NormalizeNodePattern for every `pipelines[].nodes[]` mapping of a document.
void NormalizePatterns(ConfigValue& document, DiagnosticList& diagnostics);

} // namespace odibi::config
