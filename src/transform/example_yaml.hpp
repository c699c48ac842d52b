// Renders a transformer's example params as the YAML that `odibi explain` shows.
#pragma once

#include <string>

#include "odibi/config/project.hpp"

namespace odibi::transform {

/// "- function: <name>\n  params:\n    key: value\n..." (block maps, flow lists of scalars, strings
/// double-quoted unless they are plain words).
[[nodiscard]] std::string ExampleStepYaml(const std::string& transformer, const config::Json& params);

/// "transformer: <name>\nparams:\n  key: value\n...": a pattern's example, as the keys of a node
/// (patterns that read their target run only as the node's transformer).
[[nodiscard]] std::string ExampleNodeYaml(const std::string& pattern, const config::Json& params);

} // namespace odibi::transform
