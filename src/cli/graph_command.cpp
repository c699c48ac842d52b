// `odibi graph` draws a pipeline's DAG; `odibi plan` prints the whole plan as JSON.
#include <filesystem>
#include <iostream>
#include <map>
#include <numeric>

#include "commands.hpp"
#include "project_loader.hpp"
#include "terminal.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/execute/catalog_open.hpp"
#include "odibi/execute/runner.hpp"

namespace odibi::cli {
namespace {

constexpr double PERCENT = 100.0;

struct GraphArguments {
    ProjectRequest request;
    std::optional<std::string> pipeline;
    std::string format = "ascii";
};

// How many quality records `odibi graph` reads to find each node's latest checks.
constexpr int QUALITY_RECORDS_READ = 1000;

/// Each node's data-quality score from its latest run with checks ("DQ 97.5%"), or the number of
/// checks it declares when none ran yet. A catalog that does not exist yet is not created for this.
std::map<std::string, std::string> QualityAnnotations(const config::ProjectConfig& project,
                                                      const graph::PipelinePlan& pipeline) {
    std::map<std::string, std::string> annotations;
    for (const auto& node : pipeline.nodes) {
        size_t declared = node.config->contracts.size() + (node.config->cross_check ? 1 : 0) +
                          (node.config->validation ? node.config->validation->tests.size() : 0);
        if (declared > 0) {
            annotations[node.name] = fmt::format("{} checks", declared);
        }
    }
    if (!execute::UsesPostgresCatalog(project) && !std::filesystem::exists(execute::CatalogPath(project))) {
        return annotations;
    }
    try {
        auto catalog = execute::OpenCatalog(project);
        state::QualityQuery query;
        query.pipeline = pipeline.name;
        query.limit = QUALITY_RECORDS_READ;
        std::map<std::string, std::string> latest_run;
        std::map<std::string, std::vector<double>> pass_rates;
        for (const auto& record : catalog->ListQualityResults(query)) {
            auto [run, inserted] = latest_run.emplace(record.node_name, record.run_id);
            if (run->second == record.run_id) {
                pass_rates[record.node_name].push_back(record.pass_rate);
            }
        }
        for (const auto& [node, rates] : pass_rates) {
            double mean = std::accumulate(rates.begin(), rates.end(), 0.0) / static_cast<double>(rates.size());
            annotations[node] = fmt::format("DQ {:.1f}%", mean * PERCENT);
        }
    } catch (const std::exception& error) {
        std::cerr << Terminal::Yellow(fmt::format("note: no data-quality scores: {}", error.what())) << "\n";
    }
    return annotations;
}

ExitCode Graph(const GraphArguments& arguments) {
    LoadedProject loaded = LoadAndPlan(arguments.request);
    const graph::PipelinePlan* pipeline = nullptr;
    if (arguments.pipeline) {
        pipeline = loaded.plan.TryGetPipeline(*arguments.pipeline);
        if (pipeline == nullptr) {
            std::vector<std::string> names;
            for (const auto& candidate : loaded.plan.pipelines) {
                names.push_back(candidate.name);
            }
            throw Error(
                ErrorCode::SELECTION_NOT_FOUND,
                ErrorSource::USER,
                fmt::format("no pipeline named '{}'. {}", *arguments.pipeline, DidYouMean(*arguments.pipeline, names)))
                .WithSuggestion(fmt::format("pipelines: {}", Join(names, ", ")));
        }
    } else if (!loaded.plan.pipelines.empty()) {
        pipeline = &loaded.plan.pipelines.front();
    }
    if (pipeline == nullptr) {
        return ExitCode::INVALID;
    }
    auto format = graph::TryParseGraphFormat(arguments.format);
    std::cout << graph::RenderGraph(
        *pipeline, format.value_or(graph::GraphFormat::ASCII), QualityAnnotations(*loaded.project, *pipeline));
    return ExitCode::SUCCESS;
}

struct PlanArguments {
    ProjectRequest request;
    std::string format = "json";
};

ExitCode PrintPlan(const PlanArguments& arguments) {
    LoadedProject loaded = LoadAndPlan(arguments.request);
    std::cout << loaded.plan.ToJson().dump(2) << std::endl;
    return ExitCode::SUCCESS;
}

} // namespace

void AddGraphCommands(CLI::App& app, CommandAction& action) {
    auto graph_arguments = std::make_shared<GraphArguments>();
    auto* graph_command = app.add_subcommand("graph", "Draw a pipeline's DAG");
    graph_command->add_option("config", graph_arguments->request.config_path, "Project file")
        ->default_val("odibi.yaml");
    graph_command->add_option("--pipeline", graph_arguments->pipeline, "Pipeline to draw (default: the first)");
    graph_command->add_option("--env", graph_arguments->request.environment, "Environment overrides to apply");
    graph_command->add_option("--engine", graph_arguments->request.engine, "Treat the project as DuckDB")
        ->check(CLI::IsMember({"duckdb"}));
    graph_command->add_option("--format", graph_arguments->format, "Drawing format")
        ->check(CLI::IsMember({"ascii", "mermaid", "dot"}));
    graph_command->callback(
        [graph_arguments, &action] { action = [graph_arguments] { return Graph(*graph_arguments); }; });

    auto plan_arguments = std::make_shared<PlanArguments>();
    auto* plan_command =
        app.add_subcommand("plan", "Print the execution plan (pipelines, nodes, layers, hashes) as JSON");
    plan_command->add_option("config", plan_arguments->request.config_path, "Project file")->default_val("odibi.yaml");
    plan_command->add_option("--env", plan_arguments->request.environment, "Environment overrides to apply");
    plan_command->add_option("--engine", plan_arguments->request.engine, "Treat the project as DuckDB")
        ->check(CLI::IsMember({"duckdb"}));
    plan_command->add_option("--format", plan_arguments->format, "Output format")->check(CLI::IsMember({"json"}));
    plan_command->add_option("--pipeline", plan_arguments->request.selection.pipelines, "Only these pipelines");
    plan_command->add_option("--node", plan_arguments->request.selection.nodes, "Only these nodes and their upstream");
    plan_command->add_option("--tag", plan_arguments->request.selection.tags, "Only nodes with these tags");
    plan_command->callback(
        [plan_arguments, &action] { action = [plan_arguments] { return PrintPlan(*plan_arguments); }; });
}

} // namespace odibi::cli
