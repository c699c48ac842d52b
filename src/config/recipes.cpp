// Recipe definitions, `extends` resolution and expansion into nodes.
#include "recipes.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "merge.hpp"
#include "pattern_block.hpp"
#include "placeholders.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::config {
namespace {

const std::vector<std::string> RECIPE_KEYS = {"description", "extends", "required_vars", "optional_vars", "template"};
const std::vector<std::string> FORBIDDEN_TEMPLATE_KEYS = {"name", "recipe", "recipe_vars", "_source_yaml"};

struct EffectiveRecipe {
    ConfigValue template_value = ConfigValue::MakeMap({});
    std::vector<std::string> required;
    ConfigValue optional = ConfigValue::MakeMap({});
};

Error RecipeError(std::string message, SourceLocation location, std::string suggestion) {
    Error error(ErrorCode::RECIPE_ERROR, ErrorSource::USER, std::move(message));
    error.WithLocation(std::move(location));
    error.WithSuggestion(std::move(suggestion));
    return error;
}

class RecipeResolver {
public:
    RecipeResolver(const ConfigEntry* recipes, DiagnosticList& diagnostics) : diagnostics_(diagnostics) {
        if (recipes == nullptr || recipes->value.IsNull()) {
            return;
        }
        if (!recipes->value.IsMap()) {
            diagnostics_.AddError(ConfigError::InvalidType("recipes",
                                                           "a mapping of recipe name to recipe",
                                                           recipes->value.Describe(),
                                                           MakeLocation(recipes->value.mark, "recipes")));
            return;
        }
        for (const auto& entry : recipes->value.entries) {
            definitions_.emplace(entry.key, &entry);
            names_.push_back(entry.key);
        }
        for (const auto& builtin : BuiltinRecipeNames()) {
            if (std::find(names_.begin(), names_.end(), builtin) == names_.end()) {
                names_.push_back(builtin);
            }
        }
    }

    const EffectiveRecipe* Resolve(const std::string& name, const SourceLocation& used_at) {
        if (auto done = resolved_.find(name); done != resolved_.end()) {
            return done->second ? &*done->second : nullptr;
        }
        if (auto position = std::find(resolving_.begin(), resolving_.end(), name); position != resolving_.end()) {
            std::vector<std::string> cycle(position, resolving_.end());
            cycle.push_back(name);
            diagnostics_.AddError(RecipeError(fmt::format("recipe extends cycle: {}", Join(cycle, " -> ")),
                                              used_at,
                                              "remove one of the extends: links so the chain ends"));
            return nullptr;
        }
        auto definition = definitions_.find(name);
        if (definition == definitions_.end()) {
            ReportUnknown(name, used_at);
            resolved_[name] = std::nullopt;
            return nullptr;
        }
        resolving_.push_back(name);
        std::optional<EffectiveRecipe> result = Build(name, *definition->second);
        resolving_.pop_back();
        resolved_[name] = std::move(result);
        return resolved_[name] ? &*resolved_[name] : nullptr;
    }

    [[nodiscard]] const std::vector<std::string>& Names() const { return names_; }

private:
    void ReportUnknown(const std::string& name, const SourceLocation& used_at) {
        const auto& builtins = BuiltinRecipeNames();
        if (std::find(builtins.begin(), builtins.end(), name) != builtins.end()) {
            Error error = ConfigError::NotSupportedYet(
                fmt::format("recipe: {}", name), "built-in recipes are not shipped with odibi yet", used_at);
            error.WithSuggestion(
                fmt::format("define a recipe named \"{}\" under the top-level recipes: mapping", name));
            diagnostics_.AddError(error);
            return;
        }
        std::string message = fmt::format("unknown recipe \"{}\"", name);
        std::string hint = DidYouMean(name, names_);
        if (!hint.empty()) {
            message += ". " + hint;
        }
        diagnostics_.AddError(RecipeError(message,
                                          used_at,
                                          definitions_.empty()
                                              ? "define the recipe under a top-level recipes: mapping"
                                              : fmt::format("defined recipes: {}", QuotedList(DefinedNames()))));
    }

    [[nodiscard]] std::vector<std::string> DefinedNames() const {
        std::vector<std::string> names;
        for (const auto& [name, entry] : definitions_) {
            names.push_back(name);
        }
        return names;
    }

    std::optional<EffectiveRecipe> Build(const std::string& name, const ConfigEntry& entry) {
        std::string path = ChildPath("recipes", name);
        const ConfigValue& definition = entry.value;
        if (!definition.IsMap()) {
            diagnostics_.AddError(
                ConfigError::InvalidType(path,
                                         "a mapping (description, extends, required_vars, optional_vars, template)",
                                         definition.Describe(),
                                         MakeLocation(definition.mark, path)));
            return std::nullopt;
        }
        bool valid = true;
        for (const auto& key_entry : definition.entries) {
            if (std::find(RECIPE_KEYS.begin(), RECIPE_KEYS.end(), key_entry.key) == RECIPE_KEYS.end()) {
                diagnostics_.AddError(
                    ConfigError::UnknownKey("RecipeConfig",
                                            key_entry.key,
                                            RECIPE_KEYS,
                                            MakeLocation(key_entry.key_mark, ChildPath(path, key_entry.key))));
                valid = false;
            }
        }
        EffectiveRecipe recipe;
        if (const ConfigEntry* extends = definition.FindEntry("extends");
            extends != nullptr && !extends->value.IsNull()) {
            if (!extends->value.IsScalar()) {
                diagnostics_.AddError(
                    ConfigError::InvalidType("extends",
                                             "a recipe name",
                                             extends->value.Describe(),
                                             MakeLocation(extends->value.mark, ChildPath(path, "extends"))));
                return std::nullopt;
            }
            const EffectiveRecipe* parent =
                Resolve(extends->value.text, MakeLocation(extends->value.mark, ChildPath(path, "extends")));
            if (parent == nullptr) {
                return std::nullopt;
            }
            recipe = *parent;
        }
        if (const ConfigEntry* required = definition.FindEntry("required_vars");
            required != nullptr && !required->value.IsNull()) {
            std::string required_path = ChildPath(path, "required_vars");
            if (!required->value.IsSequence()) {
                diagnostics_.AddError(ConfigError::InvalidType("required_vars",
                                                               "a list of variable names",
                                                               required->value.Describe(),
                                                               MakeLocation(required->value.mark, required_path)));
                valid = false;
            } else {
                for (const auto& item : required->value.items) {
                    if (!item.IsScalar()) {
                        diagnostics_.AddError(ConfigError::InvalidType("required_vars",
                                                                       "a list of variable names",
                                                                       item.Describe(),
                                                                       MakeLocation(item.mark, required_path)));
                        valid = false;
                        continue;
                    }
                    if (std::find(recipe.required.begin(), recipe.required.end(), item.text) == recipe.required.end()) {
                        recipe.required.push_back(item.text);
                    }
                }
            }
        }
        if (const ConfigEntry* optional = definition.FindEntry("optional_vars");
            optional != nullptr && !optional->value.IsNull()) {
            std::string optional_path = ChildPath(path, "optional_vars");
            if (optional->value.IsMap()) {
                for (const auto& variable : optional->value.entries) {
                    recipe.optional.Set(variable.key, variable.value, variable.key_mark);
                }
            } else if (optional->value.IsSequence()) {
                for (const auto& item : optional->value.items) {
                    if (item.IsScalar()) {
                        recipe.optional.Set(item.text, ConfigValue::MakeNull(item.mark), item.mark);
                    }
                }
            } else {
                diagnostics_.AddError(ConfigError::InvalidType("optional_vars",
                                                               "a mapping of variable name to default",
                                                               optional->value.Describe(),
                                                               MakeLocation(optional->value.mark, optional_path)));
                valid = false;
            }
        }
        if (const ConfigEntry* template_entry = definition.FindEntry("template");
            template_entry != nullptr && !template_entry->value.IsNull()) {
            std::string template_path = ChildPath(path, "template");
            if (!template_entry->value.IsMap()) {
                diagnostics_.AddError(
                    ConfigError::InvalidType("template",
                                             "a mapping of node keys",
                                             template_entry->value.Describe(),
                                             MakeLocation(template_entry->value.mark, template_path)));
                return std::nullopt;
            }
            for (const auto& key_entry : template_entry->value.entries) {
                if (std::find(FORBIDDEN_TEMPLATE_KEYS.begin(), FORBIDDEN_TEMPLATE_KEYS.end(), key_entry.key) !=
                    FORBIDDEN_TEMPLATE_KEYS.end()) {
                    diagnostics_.AddError(RecipeError(
                        fmt::format("a recipe template may not set \"{}\"", key_entry.key),
                        MakeLocation(key_entry.key_mark, ChildPath(template_path, key_entry.key)),
                        fmt::format("remove \"{}\" from the template; each node sets it itself", key_entry.key)));
                    valid = false;
                }
            }
            ConfigValue own_template = template_entry->value;
            MergeReplacingLists(recipe.template_value, std::move(own_template));
        }
        if (!valid) {
            return std::nullopt;
        }
        return recipe;
    }

    DiagnosticList& diagnostics_;
    std::map<std::string, const ConfigEntry*> definitions_;
    std::vector<std::string> names_;
    std::map<std::string, std::optional<EffectiveRecipe>> resolved_;
    std::vector<std::string> resolving_;
};

void ExpandNode(ConfigValue& node, const std::string& path, RecipeResolver& resolver, DiagnosticList& diagnostics) {
    const ConfigEntry* recipe_entry = node.FindEntry("recipe");
    if (recipe_entry == nullptr) {
        return;
    }
    std::string recipe_path = ChildPath(path, "recipe");
    if (!recipe_entry->value.IsScalar()) {
        diagnostics.AddError(ConfigError::InvalidType("recipe",
                                                      "a recipe name",
                                                      recipe_entry->value.Describe(),
                                                      MakeLocation(recipe_entry->value.mark, recipe_path)));
        return;
    }
    std::string name = recipe_entry->value.text;
    SourceLocation used_at = MakeLocation(recipe_entry->value.mark, recipe_path);
    ConfigValue variables = ConfigValue::MakeMap(node.mark);
    const ConfigEntry* given = node.FindEntry("recipe_vars");
    if (given != nullptr && !given->value.IsNull() && !given->value.IsMap()) {
        diagnostics.AddError(ConfigError::InvalidType("recipe_vars",
                                                      "a mapping of variable name to value",
                                                      given->value.Describe(),
                                                      MakeLocation(given->value.mark, ChildPath(path, "recipe_vars"))));
        return;
    }
    const EffectiveRecipe* recipe = resolver.Resolve(name, used_at);
    if (recipe == nullptr) {
        return;
    }
    for (const auto& entry : recipe->optional.entries) {
        variables.Set(entry.key, entry.value, entry.key_mark);
    }
    std::vector<std::string> declared = recipe->required;
    for (const auto& entry : recipe->optional.entries) {
        declared.push_back(entry.key);
    }
    if (given != nullptr && given->value.IsMap()) {
        for (const auto& entry : given->value.entries) {
            if (!declared.empty() && std::find(declared.begin(), declared.end(), entry.key) == declared.end()) {
                Error warning(ErrorCode::RECIPE_ERROR,
                              ErrorSource::USER,
                              fmt::format("recipe \"{}\" does not declare the variable \"{}\"; it is still available "
                                          "to the template. {}",
                                          name,
                                          entry.key,
                                          DidYouMean(entry.key, declared)));
                warning.WithLocation(
                    MakeLocation(entry.key_mark, ChildPath(ChildPath(path, "recipe_vars"), entry.key)));
                warning.WithSuggestion(fmt::format("declared variables: {}", QuotedList(declared)));
                diagnostics.Add(Diagnostic::FromError(warning, Severity::WARNING));
            }
            variables.Set(entry.key, entry.value, entry.key_mark);
        }
    }
    std::vector<std::string> missing;
    for (const auto& required : recipe->required) {
        if (variables.Find(required) == nullptr) {
            missing.push_back(required);
        }
    }
    if (!missing.empty()) {
        diagnostics.AddError(RecipeError(
            fmt::format(
                "recipe \"{}\" needs the variable{} {}", name, missing.size() == 1 ? "" : "s", QuotedList(missing)),
            used_at,
            fmt::format("add them under recipe_vars:, e.g. recipe_vars: {{{}: ...}}", missing.front())));
        return;
    }
    ConfigValue expanded = recipe->template_value;
    PlaceholderLookup lookup = [&](const std::string& variable, const SourceLocation& location) -> const ConfigValue* {
        if (const ConfigValue* value = variables.Find(variable)) {
            return value;
        }
        std::vector<std::string> known;
        for (const auto& entry : variables.entries) {
            known.push_back(entry.key);
        }
        std::string message = fmt::format(
            "the template of recipe \"{}\" uses ${{recipe.{}}}, which node {} does not set", name, variable, path);
        std::string hint = DidYouMean(variable, known);
        if (!hint.empty()) {
            message += ". " + hint;
        }
        diagnostics.AddError(RecipeError(message,
                                         location,
                                         fmt::format("add {}: ... under recipe_vars: of the node, or declare it in "
                                                     "optional_vars: of the recipe with a default",
                                                     variable)));
        return nullptr;
    };
    SubstitutePlaceholders(expanded, path, "recipe.", lookup);
    ConfigValue own = node;
    own.Remove("recipe");
    own.Remove("recipe_vars");
    MergeReplacingLists(expanded, std::move(own));
    node = std::move(expanded);
    NormalizeNodePattern(node, path, diagnostics);
}

} // namespace

const std::vector<std::string>& BuiltinRecipeNames() {
    static const std::vector<std::string> NAMES = {"api_bronze_load",
                                                   "csv_bronze_load",
                                                   "database_bronze_load",
                                                   "reference_snapshot",
                                                   "silver_clean",
                                                   "silver_dedup",
                                                   "silver_merge",
                                                   "silver_validate_and_write",
                                                   "silver_full_conform",
                                                   "gold_aggregate",
                                                   "gold_pivot_report"};
    return NAMES;
}

void ResolveRecipes(ConfigValue& root, DiagnosticList& diagnostics) {
    std::unique_ptr<ConfigEntry> recipes = root.Remove("recipes");
    RecipeResolver resolver(recipes.get(), diagnostics);
    ConfigValue* pipelines = root.Find("pipelines");
    if (pipelines == nullptr || !pipelines->IsSequence()) {
        return;
    }
    for (size_t pipeline_index = 0; pipeline_index < pipelines->items.size(); ++pipeline_index) {
        ConfigValue& pipeline = pipelines->items[pipeline_index];
        ConfigValue* nodes = pipeline.IsMap() ? pipeline.Find("nodes") : nullptr;
        if (nodes == nullptr || !nodes->IsSequence()) {
            continue;
        }
        for (size_t node_index = 0; node_index < nodes->items.size(); ++node_index) {
            if (nodes->items[node_index].IsMap()) {
                ExpandNode(nodes->items[node_index],
                           ItemPath(ChildPath(ItemPath("pipelines", pipeline_index), "nodes"), node_index),
                           resolver,
                           diagnostics);
            }
        }
    }
}

} // namespace odibi::config
