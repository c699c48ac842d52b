// `odibi catalog runs|state|failures`: read the system catalog as a table or JSON.
#include <iostream>

#include "commands.hpp"
#include "project_loader.hpp"
#include "terminal.hpp"
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "odibi/execute/runner.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::cli {
namespace {

struct CatalogArguments {
    std::string config_path = "odibi.yaml";
    state::RunQuery query;
    std::string format = "table";
};

std::unique_ptr<state::Catalog> OpenCatalog(const std::string& config_path) {
    return state::OpenSqliteCatalog(execute::CatalogPath(LoadConfigOnly(config_path)));
}

void Print(const std::string& format,
           const std::vector<std::string>& header,
           const std::vector<std::vector<std::string>>& rows) {
    if (format == "json") {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& row : rows) {
            nlohmann::ordered_json item;
            for (size_t column = 0; column < header.size(); ++column) {
                item[header[column]] = row[column];
            }
            list.push_back(item);
        }
        std::cout << list.dump(2) << std::endl;
        return;
    }
    std::cout << FormatTable(header, rows);
}

ExitCode Runs(const CatalogArguments& arguments) {
    auto catalog = OpenCatalog(arguments.config_path);
    std::vector<std::vector<std::string>> rows;
    for (const auto& run : catalog->ListPipelineRuns(arguments.query)) {
        rows.push_back({run.run_id,
                        run.pipeline_name,
                        run.status,
                        run.run_start_at,
                        std::to_string(run.duration_ms),
                        fmt::format("{}/{}/{}", run.nodes_succeeded, run.nodes_failed, run.nodes_skipped),
                        std::to_string(run.rows_processed),
                        run.error_summary});
    }
    Print(arguments.format,
          {"run_id", "pipeline", "status", "started_at", "duration_ms", "ok/failed/skipped", "rows", "error"},
          rows);
    return ExitCode::SUCCESS;
}

ExitCode State(const CatalogArguments& arguments) {
    auto catalog = OpenCatalog(arguments.config_path);
    std::vector<std::vector<std::string>> rows;
    for (const auto& entry : catalog->ListState()) {
        rows.push_back({entry.key, entry.value, entry.environment, entry.updated_at});
    }
    Print(arguments.format, {"key", "value", "environment", "updated_at"}, rows);
    return ExitCode::SUCCESS;
}

ExitCode Failures(const CatalogArguments& arguments) {
    auto catalog = OpenCatalog(arguments.config_path);
    std::vector<std::vector<std::string>> rows;
    for (const auto& failure : catalog->ListFailures(arguments.query)) {
        rows.push_back({failure.timestamp,
                        failure.run_id,
                        failure.pipeline_name,
                        failure.node_name,
                        failure.error_code,
                        failure.error_message});
    }
    Print(arguments.format, {"timestamp", "run_id", "pipeline", "node", "code", "message"}, rows);
    return ExitCode::SUCCESS;
}

void AddFilters(CLI::App* command, CatalogArguments& arguments) {
    command->add_option("config", arguments.config_path, "Project file")->default_val("odibi.yaml");
    command->add_option("-p,--pipeline", arguments.query.pipeline, "Only this pipeline");
    command->add_option("-n,--node", arguments.query.node, "Only this node");
    command->add_option("-s,--status", arguments.query.status, "Only runs with this status")
        ->check(CLI::IsMember({"SUCCESS", "FAILED", "RUNNING", "INTERRUPTED", "ABANDONED"}));
    command->add_option("-d,--days", arguments.query.days, "Only the last N days")->default_val(7);
    command->add_option("-l,--limit", arguments.query.limit, "At most N rows")->default_val(20);
    command->add_option("--format", arguments.format, "Output")->check(CLI::IsMember({"table", "json"}));
}

} // namespace

void AddCatalogCommand(CLI::App& app, CommandAction& action) {
    auto* catalog = app.add_subcommand("catalog", "Query the system catalog");
    catalog->require_subcommand(1);

    auto runs_arguments = std::make_shared<CatalogArguments>();
    auto* runs = catalog->add_subcommand("runs", "Pipeline runs, newest first");
    AddFilters(runs, *runs_arguments);
    runs->callback([runs_arguments, &action] { action = [runs_arguments] { return Runs(*runs_arguments); }; });

    auto state_arguments = std::make_shared<CatalogArguments>();
    auto* state_command = catalog->add_subcommand("state", "Stored state (high-water marks)");
    state_command->add_option("config", state_arguments->config_path, "Project file")->default_val("odibi.yaml");
    state_command->add_option("--format", state_arguments->format, "Output")->check(CLI::IsMember({"table", "json"}));
    state_command->callback(
        [state_arguments, &action] { action = [state_arguments] { return State(*state_arguments); }; });

    auto failures_arguments = std::make_shared<CatalogArguments>();
    auto* failures = catalog->add_subcommand("failures", "Node failures, newest first");
    AddFilters(failures, *failures_arguments);
    failures->callback(
        [failures_arguments, &action] { action = [failures_arguments] { return Failures(*failures_arguments); }; });
}

} // namespace odibi::cli
