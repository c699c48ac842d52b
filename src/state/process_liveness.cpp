// POSIX liveness check through kill(pid, 0), which probes a process without signalling it.
#include "process_liveness.hpp"

#include <cerrno>
#include <csignal>
#include <limits>

#include <unistd.h>

namespace odibi::state {

int64_t CurrentProcessId() {
    return static_cast<int64_t>(::getpid());
}

bool IsProcessGone(int64_t pid) {
    // kill(0, ...) and kill(-n, ...) address process groups, not a process: never probe those.
    if (pid <= 0 || pid > std::numeric_limits<pid_t>::max()) {
        return false;
    }
    if (::kill(static_cast<pid_t>(pid), 0) == 0) {
        return false;
    }
    return errno == ESRCH;
}

} // namespace odibi::state
