// Recovery of file writes that a crashed run left between staging and state commit (docs/exactly-once.md).
#pragma once

#include <string>
#include <vector>

#include "odibi/execute/runner.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::execute {

/// What recovery did with the open write intents it found.
struct RecoveryReport {
    int rolled_forward = 0; ///< published writes whose state commit was finished
    int rolled_back = 0;    ///< unpublished writes whose staged data was removed
    int left_open = 0;      ///< intents of runs that are still RUNNING (another live process)
    /// Intents that could be neither finished nor rolled back; their nodes must not run until fixed.
    std::vector<std::string> failures;
};

/// For every open write intent of a run that is no longer RUNNING: when its data was published,
/// applies its commit (state, output, node run) and removes what publication left beside the
/// target (roll forward); otherwise restores the previous output if it was moved aside, removes the
/// staged data and closes the intent (roll back). Each action is reported through
/// observer.OnNotice. Never throws: problems are returned in `failures`.
[[nodiscard]] RecoveryReport RecoverOpenWrites(state::Catalog& catalog, RunObserver& observer);

/// RECOVERY_FAILED listing the failures of a report, for a run that must not start.
[[nodiscard]] Error RecoveryFailed(const RecoveryReport& report);

} // namespace odibi::execute
