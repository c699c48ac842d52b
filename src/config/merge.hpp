// Deep merges of config trees: imports and environment overrides, and recipe templates.
#pragma once

#include "config_value.hpp"

namespace odibi::config {

/// The import / `--env` merge: `overlay` is deep-merged INTO `base`. Mappings merge recursively,
/// the top-level `pipelines` list and the `semantic.{metrics,dimensions,views,materializations}`
/// lists are appended, every other key takes the overlay's value (with the overlay's locations).
void MergeDocument(ConfigValue& base, ConfigValue overlay);

/// The recipe merge: `overlay` (the node) over `base` (the template). Mappings merge recursively,
/// lists and scalars are replaced by the overlay's value.
void MergeReplacingLists(ConfigValue& base, ConfigValue overlay);

} // namespace odibi::config
