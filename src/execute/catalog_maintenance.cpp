// Retention and compaction of the system catalog after a run (system.retention_days,
// system.optimize_catalog): failures are reported, never raised, so the run's outcome stands.
#include "catalog_maintenance.hpp"

#include <chrono>

#include <fmt/format.h>

#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"

namespace odibi::execute {
namespace {

std::string DaysBefore(TimePoint now, int days) {
    return state::CutoffBefore(now, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::days(days)));
}

std::string Describe(const state::HistoryDeleted& deleted) {
    std::vector<std::string> parts;
    for (const auto& table : deleted.tables) {
        parts.push_back(fmt::format("{} {}", table.table, table.rows));
    }
    return Join(parts, ", ");
}

// A failed step as the run reports it: what odibi tried, the catalog's error, and what to do.
std::string Problem(std::string_view what, const std::exception& error, std::string_view fix) {
    return SecretRegistry::Redact(
        fmt::format("catalog: could not {}: {} (the run's result stands; fix: {})", what, error.what(), fix));
}

} // namespace

std::optional<state::HistoryCutoff> RetentionCutoff(const config::SystemConfig& system, TimePoint now) {
    if (!system.retention_days) {
        return std::nullopt;
    }
    const config::CatalogRetention& retention = *system.retention_days;
    state::HistoryCutoff cutoff;
    cutoff.failures = DaysBefore(now, retention.failures);
    cutoff.observability_errors = DaysBefore(now, retention.observability_errors);
    cutoff.quality = DaysBefore(now, retention.quality);
    if (retention.runs) {
        cutoff.runs = DaysBefore(now, *retention.runs);
    }
    return cutoff;
}

std::vector<std::string>
MaintainCatalog(const config::SystemConfig& system, state::Catalog& catalog, const MaintainedRun& run) {
    std::vector<std::string> problems;
    if (auto cutoff = RetentionCutoff(system, Now())) {
        try {
            state::HistoryDeleted deleted = catalog.DeleteHistory(*cutoff);
            if (deleted.Total() > 0) {
                Log::Info(fmt::format("catalog retention (system.retention_days) deleted {} rows: {}",
                                      deleted.Total(),
                                      Describe(deleted)));
            }
        } catch (const std::exception& error) {
            problems.push_back(Problem("delete history older than system.retention_days",
                                       error,
                                       "check the catalog, or run `odibi catalog vacuum` by hand"));
        }
    }
    if (system.optimize_catalog) {
        try {
            state::CatalogOptimization optimization = catalog.Optimize();
            std::string sizes;
            if (optimization.bytes_before && optimization.bytes_after) {
                sizes = fmt::format(" ({} -> {} bytes)", *optimization.bytes_before, *optimization.bytes_after);
            }
            Log::Info(fmt::format("catalog optimized (system.optimize_catalog){}", sizes));
        } catch (const std::exception& error) {
            problems.push_back(Problem("optimize the catalog (system.optimize_catalog)",
                                       error,
                                       "run `odibi catalog optimize` when no other run is active, or set "
                                       "optimize_catalog: false"));
        }
    }
    for (const auto& problem : problems) {
        Log::Warning(problem);
        state::ObservabilityErrorRecord record;
        record.run_id = run.run_id;
        record.pipeline_name = run.pipeline;
        record.component = "catalog";
        record.error_message = problem;
        try {
            catalog.RecordObservabilityError(record);
        } catch (const std::exception& error) {
            // The catalog refuses writes altogether: the warning above is all that can be kept.
            Log::Debug(SecretRegistry::Redact(
                fmt::format("catalog: could not record the maintenance problem either: {}", error.what())));
        }
    }
    return problems;
}

} // namespace odibi::execute
