// LOAD -> VALIDATE -> PLAN, shared by run, validate, plan and graph.
#include "project_loader.hpp"

#include "odibi/execute/runner.hpp"

namespace odibi::cli {

LoadedProject LoadAndPlan(const ProjectRequest& request) {
    config::LoadOptions options;
    options.environment = request.environment;
    options.engine_override = request.engine;
    config::LoadResult loaded = config::LoadProject(request.config_path, options);
    auto project = std::make_shared<const config::ProjectConfig>(std::move(loaded.project));
    graph::Plan plan =
        graph::BuildPlan(project, request.selection, execute::KnownTransformerNames(), execute::PlannedTransformerNames());
    DiagnosticList problems = execute::ValidatePlan(plan);
    problems.ThrowIfErrors(project->config_file);
    LoadedProject result{project, std::move(plan), std::move(loaded.diagnostics)};
    result.diagnostics.Append(problems);
    return result;
}

config::ProjectConfig LoadConfigOnly(const std::string& config_path) {
    return config::LoadProject(config_path).project;
}

} // namespace odibi::cli
