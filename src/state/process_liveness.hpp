// Whether the process that owns a RUNNING run is still there (same host only).
#pragma once

#include <cstdint>

namespace odibi::state {

/// The id of this process.
[[nodiscard]] int64_t CurrentProcessId();

/// True only when no process with `pid` exists on this host (kill(pid, 0) fails with ESRCH).
/// A process owned by another user counts as alive; pids <= 0 are never reported gone.
[[nodiscard]] bool IsProcessGone(int64_t pid);

} // namespace odibi::state
