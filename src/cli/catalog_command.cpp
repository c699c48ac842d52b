// `odibi catalog runs|state|failures|quality`: read the system catalog as a table or JSON;
// `odibi catalog vacuum|optimize`: delete old run history and compact the catalog.
#include <chrono>
#include <iostream>
#include <regex>

#include "commands.hpp"
#include "confirmation.hpp"
#include "project_loader.hpp"
#include "terminal.hpp"
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "odibi/common/clock.hpp"
#include "odibi/common/error.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/execute/catalog_open.hpp"
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
    return execute::OpenCatalog(LoadConfigOnly(config_path));
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

struct QualityArguments {
    std::string config_path = "odibi.yaml";
    state::QualityQuery query;
    std::string format = "table";
};

// What `--days` is without the option: a week, as for runs and failures; with --run, the whole run.
constexpr int DEFAULT_QUALITY_DAYS = 7;
// Longest first failing value the table shows; the catalog keeps the whole sample.
constexpr size_t SAMPLE_DISPLAY_CHARACTERS = 40;
constexpr double PERCENT = 100.0;

/// The first `max_characters` UTF-8 characters of `text`, with "..." when something was cut.
std::string Shorten(const std::string& text, size_t max_characters) {
    size_t characters = 0;
    for (size_t index = 0; index < text.size(); ++index) {
        // Continuation bytes (10xxxxxx) belong to the character before them.
        if ((static_cast<unsigned char>(text[index]) & 0xC0U) == 0x80U) {
            continue;
        }
        if (characters == max_characters) {
            return text.substr(0, index) + "...";
        }
        ++characters;
    }
    return text;
}

/// The first item of a check's failing sample, as one short cell: strings as they are, other values as JSON.
std::string FirstSampleItem(const nlohmann::json& sample) {
    if (!sample.is_array() || sample.empty()) {
        return "";
    }
    const nlohmann::json& first = sample.front();
    std::string text = first.is_string() ? first.get<std::string>()
                                         : first.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return Shorten(ReplaceAll(ReplaceAll(text, "\r", " "), "\n", " "), SAMPLE_DISPLAY_CHARACTERS);
}

ExitCode Quality(const QualityArguments& arguments) {
    state::QualityQuery query = arguments.query;
    if (!query.days && !query.run_id) {
        query.days = DEFAULT_QUALITY_DAYS;
    }
    auto catalog = OpenCatalog(arguments.config_path);
    std::vector<std::vector<std::string>> rows;
    for (const auto& result : catalog->ListQualityResults(query)) {
        rows.push_back({result.timestamp,
                        result.pipeline_name,
                        result.node_name,
                        result.check_name,
                        result.check_type,
                        result.status,
                        std::to_string(result.rows_checked),
                        std::to_string(result.violation_count),
                        fmt::format("{:.1f}%", result.pass_rate * PERCENT),
                        FirstSampleItem(result.failing_sample)});
    }
    Print(arguments.format,
          {"timestamp", "pipeline", "node", "check", "type", "status", "rows", "violations", "pass_rate", "sample"},
          rows);
    return ExitCode::SUCCESS;
}

struct MaintenanceArguments {
    std::string config_path = "odibi.yaml";
    std::string older_than;
    bool dry_run = false;
    bool yes = false;
};

constexpr int64_t HOURS_PER_DAY = 24;
// A century: a cutoff the clock can still represent, and far beyond any useful history.
constexpr int64_t MAXIMUM_AGE_DAYS = 36500;

/// "90d" or "12h" as a duration; USAGE_ERROR naming the option and the accepted forms otherwise.
std::chrono::milliseconds ParseAge(const std::string& text) {
    static const std::regex AGE(R"(^\s*([0-9]{1,9})\s*([dh])\s*$)", std::regex::icase);
    std::smatch match;
    if (std::regex_match(text, match, AGE)) {
        int64_t count = std::stoll(match[1].str());
        bool days = ToLower(match[2].str()) == "d";
        int64_t hours = days ? count * HOURS_PER_DAY : count;
        if (count >= 1 && hours <= MAXIMUM_AGE_DAYS * HOURS_PER_DAY) {
            return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours(hours));
        }
    }
    throw Error(ErrorCode::USAGE_ERROR,
                ErrorSource::USER,
                fmt::format("--older-than \"{}\" is not an age: write a whole number of days or hours from 1 up to {} "
                            "days, followed by d or h",
                            text,
                            MAXIMUM_AGE_DAYS))
        .WithContext("option", "--older-than")
        .WithSuggestion("for example --older-than 90d (90 days) or --older-than 12h (12 hours)");
}

std::vector<std::vector<std::string>> HistoryRows(const state::HistoryDeleted& history) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& table : history.tables) {
        rows.push_back({table.table, std::to_string(table.rows)});
    }
    return rows;
}

ExitCode Vacuum(const MaintenanceArguments& arguments) {
    std::chrono::milliseconds age = ParseAge(arguments.older_than);
    config::ProjectConfig project = LoadConfigOnly(arguments.config_path);
    auto catalog = execute::OpenCatalog(project);
    std::string before = state::CutoffBefore(Now(), age);
    // Every kind of history gets the same cutoff; system.retention_days keeps them apart after runs.
    state::HistoryCutoff cutoff{before, before, before, before};
    std::cout << fmt::format("catalog {}: finished run history from before {} (older than {})\n",
                             execute::CatalogLocation(project),
                             before,
                             Trim(arguments.older_than));
    state::HistoryDeleted counted = catalog->CountHistory(cutoff);
    if (arguments.dry_run) {
        std::cout << FormatTable({"table", "rows to delete"}, HistoryRows(counted));
        std::cout << fmt::format("dry run: {} rows would be deleted; nothing was changed\n", counted.Total());
        return ExitCode::SUCCESS;
    }
    if (counted.Total() == 0) {
        std::cout << "no history is that old: nothing to delete\n";
        return ExitCode::SUCCESS;
    }
    if (!Confirm(fmt::format("delete {} rows of run history older than {}", counted.Total(), before),
                 "this deletes run history for good",
                 arguments.yes)) {
        std::cout << "nothing changed\n";
        return ExitCode::FAILED;
    }
    state::HistoryDeleted deleted = catalog->DeleteHistory(cutoff);
    std::cout << FormatTable({"table", "rows deleted"}, HistoryRows(deleted));
    std::cout << fmt::format("deleted {} rows; state, outputs, schemas, tables, write intents and RUNNING runs are "
                             "kept\n",
                             deleted.Total());
    return ExitCode::SUCCESS;
}

ExitCode Optimize(const MaintenanceArguments& arguments) {
    config::ProjectConfig project = LoadConfigOnly(arguments.config_path);
    auto catalog = execute::OpenCatalog(project);
    std::cout << fmt::format("catalog {}:\n", execute::CatalogLocation(project));
    state::CatalogOptimization optimization = catalog->Optimize();
    for (const auto& step : optimization.steps) {
        std::cout << "  ran " << step << "\n";
    }
    if (optimization.bytes_before && optimization.bytes_after) {
        std::cout << fmt::format("size on disk (catalog file and WAL): {} bytes before, {} bytes after\n",
                                 *optimization.bytes_before,
                                 *optimization.bytes_after);
    }
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

    auto quality_arguments = std::make_shared<QualityArguments>();
    auto* quality = catalog->add_subcommand("quality", "Data-quality check results, newest first");
    quality->add_option("config", quality_arguments->config_path, "Project file")->default_val("odibi.yaml");
    quality->add_option("-p,--pipeline", quality_arguments->query.pipeline, "Only this pipeline");
    quality->add_option("-n,--node", quality_arguments->query.node, "Only this node");
    quality->add_option("-r,--run", quality_arguments->query.run_id, "Only this run (RUN_ID)");
    quality->add_option(
        "-d,--days", quality_arguments->query.days, "Only the last N days (default 7; with --run: all)");
    quality->add_option("-l,--limit", quality_arguments->query.limit, "At most N rows")->default_val(100);
    quality->add_option("--format", quality_arguments->format, "Output")->check(CLI::IsMember({"table", "json"}));
    quality->callback(
        [quality_arguments, &action] { action = [quality_arguments] { return Quality(*quality_arguments); }; });

    auto vacuum_arguments = std::make_shared<MaintenanceArguments>();
    auto* vacuum = catalog->add_subcommand(
        "vacuum", "Delete finished run history older than an age (state, outputs and schemas are kept)");
    vacuum->add_option("config", vacuum_arguments->config_path, "Project file")->default_val("odibi.yaml");
    vacuum->add_option("--older-than", vacuum_arguments->older_than, "Age of the history to delete: 90d, 12h")
        ->required();
    vacuum->add_flag("--dry-run", vacuum_arguments->dry_run, "Only count the rows that would be deleted");
    vacuum->add_flag("-y,--yes", vacuum_arguments->yes, "Delete without asking");
    vacuum->callback(
        [vacuum_arguments, &action] { action = [vacuum_arguments] { return Vacuum(*vacuum_arguments); }; });

    auto optimize_arguments = std::make_shared<MaintenanceArguments>();
    auto* optimize = catalog->add_subcommand("optimize", "Compact the catalog and refresh its query statistics");
    optimize->add_option("config", optimize_arguments->config_path, "Project file")->default_val("odibi.yaml");
    optimize->callback(
        [optimize_arguments, &action] { action = [optimize_arguments] { return Optimize(*optimize_arguments); }; });
}

} // namespace odibi::cli
