// `odibi delta history|vacuum|optimize <path>`: maintenance of a Delta table given by its directory.
#include <chrono>
#include <iostream>
#include <regex>

#include "commands.hpp"
#include "terminal.hpp"
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "odibi/common/clock.hpp"
#include "odibi/common/error.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/io/delta.hpp"

namespace odibi::cli {
namespace {

struct DeltaArguments {
    std::string path;
    std::optional<int64_t> limit;
    std::string format = "table";
    std::optional<double> retain_hours;
    bool dry_run = false;
    bool force = false;
    std::vector<std::string> zorder_by;
    std::string target_size;
};

constexpr int64_t BYTES_PER_KB = 1000;
constexpr int64_t BYTES_PER_KIB = 1024;

/// "256MB", "1GiB", "1048576" as bytes (KB/MB/GB/TB count 1000s as DuckDB does, KiB/MiB/GiB/TiB 1024s);
/// USAGE_ERROR naming the option otherwise.
int64_t ParseSize(const std::string& text) {
    static const std::regex SIZE(R"(^\s*([0-9]{1,15})\s*([kmgt]i?b|b)?\s*$)", std::regex::icase);
    std::smatch match;
    if (std::regex_match(text, match, SIZE)) {
        int64_t bytes = std::stoll(match[1].str());
        std::string unit = ToLower(match[2].str());
        if (!unit.empty() && unit != "b") {
            int64_t base = unit.size() == 3 ? BYTES_PER_KIB : BYTES_PER_KB;
            int power = static_cast<int>(std::string("kmgt").find(unit[0])) + 1;
            for (int step = 0; step < power; ++step) {
                bytes *= base;
            }
        }
        if (bytes > 0) {
            return bytes;
        }
    }
    throw Error(ErrorCode::USAGE_ERROR,
                ErrorSource::USER,
                fmt::format("--target-size \"{}\" is not a size: write a positive number of bytes, optionally "
                            "followed by KB, MB, GB (1000s) or KiB, MiB, GiB (1024s)",
                            text))
        .WithContext("option", "--target-size")
        .WithSuggestion("for example --target-size 256MB");
}

std::string FormatTimestamp(int64_t milliseconds) {
    return FormatIsoUtc(TimePoint(std::chrono::milliseconds(milliseconds)));
}

/// A failure of something that ran (a commit conflict, a file system error) exits with 1; a bad path
/// or option exits with 2 (cli.cpp).
template <typename Action> ExitCode Guarded(Action&& action) {
    try {
        return action();
    } catch (const Error& error) {
        if (error.Source() != ErrorSource::EXTERNAL) {
            throw;
        }
        PrintError(error);
        return ExitCode::FAILED;
    }
}

ExitCode History(const DeltaArguments& arguments) {
    std::vector<io::delta::HistoryEntry> entries = io::delta::History(arguments.path, arguments.limit);
    if (arguments.format == "json") {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& entry : entries) {
            nlohmann::ordered_json item;
            item["version"] = entry.version;
            item["timestamp"] = FormatTimestamp(entry.timestamp_ms);
            item["operation"] = entry.operation;
            item["operationParameters"] = entry.operation_parameters;
            item["operationMetrics"] = entry.operation_metrics;
            item["readVersion"] = entry.read_version ? nlohmann::ordered_json(*entry.read_version) : nullptr;
            item["isBlindAppend"] = entry.is_blind_append ? nlohmann::ordered_json(*entry.is_blind_append) : nullptr;
            item["engineInfo"] = entry.engine_info ? nlohmann::ordered_json(*entry.engine_info) : nullptr;
            item["userName"] = entry.user_name ? nlohmann::ordered_json(*entry.user_name) : nullptr;
            list.push_back(std::move(item));
        }
        std::cout << list.dump(2) << std::endl;
        return ExitCode::SUCCESS;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& entry : entries) {
        rows.push_back({std::to_string(entry.version),
                        FormatTimestamp(entry.timestamp_ms),
                        entry.operation,
                        entry.operation_parameters.dump(),
                        entry.operation_metrics.dump(),
                        entry.engine_info.value_or("")});
    }
    std::cout << FormatTable({"version", "timestamp", "operation", "parameters", "metrics", "engine"}, rows);
    return ExitCode::SUCCESS;
}

ExitCode Vacuum(const DeltaArguments& arguments) {
    auto database = engine::OpenDuckDb({});
    auto connection = database->Connect();
    io::delta::VacuumResult result =
        io::delta::Vacuum(*connection, arguments.path, arguments.retain_hours, arguments.dry_run, arguments.force);
    std::cout << fmt::format("Delta table {} at version {}: files not referenced by it and older than {} hours\n",
                             arguments.path,
                             result.version,
                             result.retention_hours);
    if (!result.files.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& file : result.files) {
            rows.push_back({file});
        }
        std::cout << FormatTable({result.dry_run ? "file to delete" : "file deleted"}, rows);
    }
    std::string kept =
        result.young_files_kept == 0
            ? ""
            : fmt::format("; {} unreferenced files younger than the retention were kept", result.young_files_kept);
    if (result.dry_run) {
        std::cout << fmt::format("dry run: {} files ({} bytes) would be deleted{}; nothing was changed\n",
                                 result.files.size(),
                                 result.bytes,
                                 kept);
    } else {
        std::cout << fmt::format("deleted {} files ({} bytes){}\n", result.files.size(), result.bytes, kept);
    }
    return ExitCode::SUCCESS;
}

ExitCode Optimize(const DeltaArguments& arguments) {
    int64_t target = arguments.target_size.empty() ? io::delta::TARGET_FILE_BYTES : ParseSize(arguments.target_size);
    auto database = engine::OpenDuckDb({});
    auto connection = database->Connect();
    io::delta::OptimizeResult result = io::delta::Optimize(*connection, arguments.path, arguments.zorder_by, target);
    if (!result.version) {
        std::cout << fmt::format("Delta table {}: nothing to optimize (no partition has two files smaller than {} "
                                 "bytes)\n",
                                 arguments.path,
                                 target);
        return ExitCode::SUCCESS;
    }
    std::cout << fmt::format("Delta table {}: OPTIMIZE committed version {}\n", arguments.path, *result.version);
    std::cout << FormatTable({"partitions", "files removed", "files added", "bytes removed", "bytes added"},
                             {{std::to_string(result.partitions_optimized),
                               std::to_string(result.files_removed),
                               std::to_string(result.files_added),
                               std::to_string(result.bytes_removed),
                               std::to_string(result.bytes_added)}});
    return ExitCode::SUCCESS;
}

void AddPath(CLI::App* command, DeltaArguments& arguments) {
    command->add_option("path", arguments.path, "Directory of the Delta table (the one holding _delta_log)")
        ->required();
}

} // namespace

void AddDeltaCommand(CLI::App& app, CommandAction& action) {
    auto* delta = app.add_subcommand("delta", "Maintain a Delta table: history, vacuum, optimize");
    delta->require_subcommand(1);

    auto history_arguments = std::make_shared<DeltaArguments>();
    auto* history = delta->add_subcommand("history", "The table's commits, newest first (DESCRIBE HISTORY)");
    AddPath(history, *history_arguments);
    history->add_option("-l,--limit", history_arguments->limit, "At most N commits")->check(CLI::NonNegativeNumber);
    history->add_option("--format", history_arguments->format, "Output")->check(CLI::IsMember({"table", "json"}));
    history->callback([history_arguments, &action] {
        action = [history_arguments] { return Guarded([&] { return History(*history_arguments); }); };
    });

    auto vacuum_arguments = std::make_shared<DeltaArguments>();
    auto* vacuum = delta->add_subcommand(
        "vacuum", "Delete data files that the table no longer references and that are older than the retention");
    AddPath(vacuum, *vacuum_arguments);
    vacuum
        ->add_option("--retain-hours",
                     vacuum_arguments->retain_hours,
                     "Keep files removed within this many hours (default: delta.deletedFileRetentionDuration, 168)")
        ->check(CLI::NonNegativeNumber);
    vacuum->add_flag("--dry-run", vacuum_arguments->dry_run, "Only list the files that would be deleted");
    vacuum->add_flag("--force", vacuum_arguments->force, "Allow a retention shorter than the table's minimum");
    vacuum->callback([vacuum_arguments, &action] {
        action = [vacuum_arguments] { return Guarded([&] { return Vacuum(*vacuum_arguments); }); };
    });

    auto optimize_arguments = std::make_shared<DeltaArguments>();
    auto* optimize = delta->add_subcommand("optimize", "Compact small files, optionally Z-ordered by columns");
    AddPath(optimize, *optimize_arguments);
    optimize->add_option("--zorder-by", optimize_arguments->zorder_by, "Columns to Z-order the rows by: a,b")
        ->delimiter(',');
    optimize->add_option(
        "--target-size", optimize_arguments->target_size, "Size of the compacted files (default 256MB)");
    optimize->callback([optimize_arguments, &action] {
        action = [optimize_arguments] { return Guarded([&] { return Optimize(*optimize_arguments); }); };
    });
}

} // namespace odibi::cli
