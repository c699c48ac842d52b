// What odibi does to the system catalog after a run: deletes history older than
// system.retention_days and, with system.optimize_catalog, compacts the store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "odibi/common/clock.hpp"
#include "odibi/config/project.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::execute {

/// The cutoffs system.retention_days asks for at `now` (daily_stats has no table and no cutoff);
/// nullopt when retention_days is not set.
[[nodiscard]] std::optional<state::HistoryCutoff> RetentionCutoff(const config::SystemConfig& system, TimePoint now);

/// Which run a maintenance problem is recorded against in meta_observability_errors (the run's last
/// pipeline run).
struct MaintainedRun {
    std::string run_id;
    std::string pipeline;
};

/// Applies system.retention_days, then system.optimize_catalog, to `catalog`; what was done goes to the
/// log. Never throws: each step that failed is logged as a warning, recorded in
/// meta_observability_errors when the catalog takes it, and returned; the run's outcome stands.
[[nodiscard]] std::vector<std::string>
MaintainCatalog(const config::SystemConfig& system, state::Catalog& catalog, const MaintainedRun& run);

} // namespace odibi::execute
