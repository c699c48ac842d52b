// LoadProject: the §0 load order from a path to a validated ProjectConfig.
#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>

#include "config_value.hpp"
#include "document_loader.hpp"
#include "environment.hpp"
#include "placeholders.hpp"
#include "project_builder.hpp"
#include "recipes.hpp"
#include "schema_reader.hpp"
#include <fmt/format.h>

#include "odibi/common/log.hpp"
#include "odibi/config/project.hpp"

namespace odibi::config {
namespace {

// Reports read best in file order: files in the order they were first reported, then by line and
// column within a file (stable for equal places).
void SortByLocation(std::vector<Diagnostic>& diagnostics) {
    std::map<std::string, size_t> file_order;
    for (const auto& diagnostic : diagnostics) {
        file_order.emplace(diagnostic.location.file, file_order.size());
    }
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& left, const Diagnostic& right) {
        return std::tuple(file_order[left.location.file], left.location.line, left.location.column) <
               std::tuple(file_order[right.location.file], right.location.line, right.location.column);
    });
}

// Secrets may have been copied into a message (a value quoted back to the user); none leaves here.
DiagnosticList Redacted(const DiagnosticList& diagnostics) {
    DiagnosticList result;
    std::vector<Diagnostic> items;
    for (const auto& item : diagnostics.Items()) {
        Diagnostic copy = item;
        copy.message = SecretRegistry::Redact(copy.message);
        for (auto& suggestion : copy.suggestions) {
            suggestion = SecretRegistry::Redact(suggestion);
        }
        items.push_back(std::move(copy));
    }
    SortByLocation(items);
    for (auto& item : items) {
        result.Add(std::move(item));
    }
    return result;
}

// Imports and environment overrides append pipelines; a repeated name keeps its first position and
// takes the last definition, as Odibi's pipeline manager does.
void MergeRepeatedPipelines(ConfigValue& root, DiagnosticList& diagnostics) {
    ConfigValue* pipelines = root.Find("pipelines");
    if (pipelines == nullptr || !pipelines->IsSequence()) {
        return;
    }
    std::vector<ConfigValue> merged;
    std::map<std::string, size_t> positions;
    for (auto& item : pipelines->items) {
        const ConfigEntry* name = item.IsMap() ? item.FindEntry("pipeline") : nullptr;
        if (name == nullptr || !name->value.IsScalar()) {
            merged.push_back(std::move(item));
            continue;
        }
        auto [position, inserted] = positions.emplace(name->value.text, merged.size());
        if (inserted) {
            merged.push_back(std::move(item));
            continue;
        }
        const ConfigEntry* first_name = merged[position->second].FindEntry("pipeline");
        Error warning(
            ErrorCode::DUPLICATE_NAME,
            ErrorSource::USER,
            fmt::format("pipeline \"{}\" is defined more than once (first at {}); the last definition is used",
                        name->value.text,
                        MakeLocation(first_name->value.mark, "").ToString()));
        warning.WithLocation(MakeLocation(name->value.mark, "pipelines"));
        warning.WithSuggestion("rename one of the pipelines, or remove the definition that should not run");
        diagnostics.Add(Diagnostic::FromError(warning, Severity::WARNING));
        merged[position->second] = std::move(item);
    }
    pipelines->items = std::move(merged);
}

} // namespace

CollectedLoad LoadProjectCollecting(const std::string& path, const LoadOptions& options) {
    CollectedLoad result;
    DiagnosticList diagnostics;
    auto finish = [&](bool validated) {
        result.validated = validated;
        result.diagnostics = Redacted(diagnostics);
        return std::move(result);
    };
    std::filesystem::path given(path);
    std::error_code filesystem_error;
    std::filesystem::path absolute = std::filesystem::absolute(given, filesystem_error).lexically_normal();
    std::filesystem::path directory = absolute.parent_path();
    std::string display_directory = given.parent_path().string();

    // §0 steps 1-7: .env, ${NAME}, parse, pattern sugar, imports, --env.
    EnvironmentVariables variables = LoadEnvironment(directory.string(), display_directory, diagnostics);
    DocumentLoader loader(variables, diagnostics);
    std::optional<ConfigValue> root = loader.Load(absolute, path, std::nullopt);
    std::vector<std::string> environments;
    if (root) {
        ApplyEnvironment(*root, options.environment, directory, display_directory, loader, diagnostics, environments);
    }
    // Later steps would only report follow-on errors of a document that is not whole.
    if (!root || diagnostics.HasErrors()) {
        return finish(false);
    }

    // Steps 8-9: ${vars.x}, ${date:...}, recipes.
    SubstituteVariablesAndDates(*root, options.now.value_or(Now()), diagnostics);
    ResolveRecipes(*root, diagnostics);
    if (diagnostics.HasErrors()) {
        return finish(false);
    }
    MergeRepeatedPipelines(*root, diagnostics);

    // Step 10: strict validation into the structs.
    ProjectConfig& project = result.project;
    project.config_file = absolute.string();
    project.config_dir = directory.string();
    project.environment = options.environment;
    project.environments = environments;
    SchemaReader reader(diagnostics);
    ProjectBuilder builder(reader, options, variables);
    builder.Build(*root, project);
    RecordLocations(*root, project.locations);
    return finish(true);
}

LoadResult LoadProject(const std::string& path, const LoadOptions& options) {
    CollectedLoad collected = LoadProjectCollecting(path, options);
    collected.diagnostics.ThrowIfErrors(path);
    LoadResult result;
    result.project = std::move(collected.project);
    result.diagnostics = std::move(collected.diagnostics);
    return result;
}

} // namespace odibi::config
