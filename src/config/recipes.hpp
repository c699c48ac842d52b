// Recipes (§3.9): reusable partial nodes with variables, expanded into nodes before validation.
#pragma once

#include <string>
#include <vector>

#include "config_value.hpp"

namespace odibi::config {

/// Removes the top-level `recipes:` mapping and expands every node's `recipe:` + `recipe_vars:`:
/// `extends` chains (cycle-checked), required/optional variables, `${recipe.NAME}` placeholders,
/// then the template is the base and the node's own keys win (mappings deep, lists replaced).
void ResolveRecipes(ConfigValue& root, DiagnosticList& diagnostics);

/// Recipe names that Odibi ships built in; odibi reports them as not supported yet unless the
/// project defines a recipe of the same name.
[[nodiscard]] const std::vector<std::string>& BuiltinRecipeNames();

} // namespace odibi::config
