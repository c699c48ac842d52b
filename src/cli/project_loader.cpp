// LOAD -> VALIDATE -> PLAN, shared by run, validate, plan and graph.
#include "project_loader.hpp"

#include "odibi/execute/runner.hpp"

namespace odibi::cli {
namespace {

void Collect(const Error& error, DiagnosticList& diagnostics) {
    const auto* collected = dynamic_cast<const DiagnosticsError*>(&error);
    if (collected == nullptr) {
        diagnostics.AddError(error);
        return;
    }
    for (const auto& diagnostic : collected->Diagnostics()) {
        diagnostics.Add(diagnostic);
    }
}

} // namespace

LoadedProject LoadAndPlan(const ProjectRequest& request) {
    config::LoadOptions options;
    options.environment = request.environment;
    options.engine_override = request.engine;
    config::CollectedLoad loaded = config::LoadProjectCollecting(request.config_path, options);
    DiagnosticList diagnostics = loaded.diagnostics;
    if (!loaded.validated) {
        // Loading stopped early (file, YAML, env vars, imports, recipes): nothing to plan.
        diagnostics.ThrowIfErrors(request.config_path);
    }
    auto project = std::make_shared<const config::ProjectConfig>(std::move(loaded.project));
    // The planner and the plan checks still run on a project with config errors, so that one
    // report lists every problem of the file.
    graph::Plan plan;
    bool planned = false;
    try {
        plan = graph::BuildPlan(
            project, request.selection, execute::KnownTransformerNames(), execute::PlannedTransformerNames());
        planned = true;
    } catch (const Error& error) {
        Collect(error, diagnostics);
    }
    if (planned) {
        diagnostics.Append(execute::ValidatePlan(plan));
    }
    diagnostics.ThrowIfErrors(project->config_file.empty() ? request.config_path : project->config_file);
    return LoadedProject{project, std::move(plan), std::move(diagnostics)};
}

config::ProjectConfig LoadConfigOnly(const std::string& config_path) {
    return config::LoadProject(config_path).project;
}

} // namespace odibi::cli
