// Renders a transformer's example params as the `transform.steps` entry that `odibi explain` shows.
#pragma once

#include <string>

#include "odibi/config/project.hpp"

namespace odibi::transform {

/// "- function: <name>\n  params:\n    key: value\n..." (block maps, flow lists of scalars, strings
/// double-quoted unless they are plain words).
[[nodiscard]] std::string ExampleStepYaml(const std::string& transformer, const config::Json& params);

} // namespace odibi::transform
