// Checks of a plan against what this build can do: formats, connections, transformer params.
#include "node_runner.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/execute/catalog_open.hpp"
#include "odibi/execute/runner.hpp"
#include "odibi/io/formats.hpp"
#include "odibi/io/storage.hpp"
#include "odibi/transform/transformer.hpp"

namespace odibi::execute {
namespace {

void CheckStorage(const config::ProjectConfig& project,
                  const std::string& connection_name,
                  const std::string& config_path,
                  DiagnosticList& diagnostics) {
    const auto* connection = project.TryGetConnection(connection_name);
    if (connection == nullptr) {
        return; // the loader already reported the unknown connection
    }
    try {
        (void)io::OpenStorage(*connection);
    } catch (const Error& error) {
        Error located = error;
        located.WithLocation(project.locations.Find(config_path));
        diagnostics.AddError(located);
    }
}

// The catalog lives in storage (a SQLite file) or in a PostgreSQL database, whose connection fields are
// checked here so that a missing host fails validation rather than the first catalog call.
void CheckCatalogConnection(const config::ProjectConfig& project, DiagnosticList& diagnostics) {
    if (!UsesPostgresCatalog(project)) {
        CheckStorage(project, project.system.connection, "system.connection", diagnostics);
        return;
    }
    try {
        (void)PostgresCatalogOptionsFor(project.GetConnection(project.system.connection), project.system.path);
    } catch (const Error& error) {
        Error located = error;
        located.WithLocation(project.locations.Find("system.connection"));
        diagnostics.AddError(located);
    }
}

void CheckFormat(const config::ProjectConfig& project,
                 const std::string& format,
                 const std::string& config_path,
                 DiagnosticList& diagnostics) {
    auto supported = io::SupportedFormats();
    // An empty or unknown format was already reported by the loader (missing key, invalid value).
    const auto& known = config::FormatNames();
    if (format.empty() || std::find(known.begin(), known.end(), format) == known.end() ||
        std::find(supported.begin(), supported.end(), format) != supported.end()) {
        return;
    }
    diagnostics.AddError(
        ConfigError::NotSupportedYet(fmt::format("format: {}", format),
                                     fmt::format("this build reads and writes {}", Join(supported, ", ")),
                                     project.locations.Find(config_path)));
}

/// Adds io's diagnostics, pointing each at the file, line and column of its config path.
void AppendLocated(const config::ProjectConfig& project, const DiagnosticList& found, DiagnosticList& diagnostics) {
    for (auto diagnostic : found.Items()) {
        diagnostic.location = project.locations.Find(diagnostic.location.path);
        diagnostics.Add(std::move(diagnostic));
    }
}

void CheckRead(const config::ProjectConfig& project, const config::ReadConfig& read, DiagnosticList& diagnostics) {
    CheckStorage(project, read.connection.value_or(""), read.config_path + ".connection", diagnostics);
    CheckFormat(project, read.format, read.config_path + ".format", diagnostics);
    AppendLocated(project, io::ValidateRead(read), diagnostics);
}

void CheckTransformer(const config::ProjectConfig& project,
                      const std::string& name,
                      const config::Json& params,
                      const std::string& params_path,
                      DiagnosticList& diagnostics) {
    const auto* transformer = transform::TransformerRegistry::Builtins().TryGet(name);
    if (transformer == nullptr) {
        return; // BuildPlan reported unknown and not-yet-supported names
    }
    diagnostics.Append(transform::ValidateParams(*transformer, params, params_path, project.locations));
}

} // namespace

DiagnosticList ValidatePlan(const graph::Plan& plan) {
    const auto& project = *plan.project;
    DiagnosticList diagnostics;
    CheckCatalogConnection(project, diagnostics);
    CheckStorage(project, project.story.connection, "story.connection", diagnostics);
    for (const auto& pipeline : plan.pipelines) {
        for (const auto& node : pipeline.nodes) {
            const auto& config = *node.config;
            if (config.read) {
                CheckRead(project, *config.read, diagnostics);
            }
            for (const auto& input : config.inputs) {
                if (input.read) {
                    CheckRead(project, *input.read, diagnostics);
                }
            }
            if (config.write && node.input_kind == graph::InputKind::NONE && !config.transformer &&
                config.transform_steps.empty()) {
                diagnostics.AddError(
                    NothingToWrite(node.name).WithLocation(project.locations.Find(config.write->config_path)));
            }
            if (config.write) {
                CheckStorage(project, config.write->connection, config.write->config_path + ".connection", diagnostics);
                CheckFormat(project, config.write->format, config.write->config_path + ".format", diagnostics);
                AppendLocated(project, io::ValidateWrite(*config.write), diagnostics);
            }
            // The config layer typed the params of a cross_check node (config.cross_check).
            if (config.transformer && !config.cross_check) {
                CheckTransformer(
                    project, *config.transformer, config.params, config.config_path + ".params", diagnostics);
            }
            for (const auto& step : config.transform_steps) {
                if (step.kind == config::StepKind::FUNCTION || step.kind == config::StepKind::OPERATION) {
                    CheckTransformer(project, step.text, step.params, step.config_path + ".params", diagnostics);
                }
            }
        }
    }
    return diagnostics;
}

std::vector<std::string> KnownTransformerNames() {
    return transform::TransformerRegistry::Builtins().Names();
}

std::vector<std::string> PlannedTransformerNames() {
    return transform::TransformerRegistry::PlannedNames();
}

} // namespace odibi::execute
