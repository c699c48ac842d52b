// Crash points read ODIBI_CRASH_AT once per process; builds without ODIBI_FAULT_INJECTION get inline no-ops.
#include "odibi/common/fault_injection.hpp"

#if defined(ODIBI_FAULT_INJECTION) && ODIBI_FAULT_INJECTION

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>

#include <unistd.h>

namespace odibi::fault {
namespace {

std::string Environment(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

int DelayMilliseconds() {
    std::string text = Environment("ODIBI_FAULT_DELAY_MS");
    char* end = nullptr;
    long value = std::strtol(text.c_str(), &end, 10);
    return text.empty() || *end != '\0' || value <= 0 ? 0 : static_cast<int>(value);
}

} // namespace

void CrashPoint(std::string_view point) {
    static const std::string CRASH_AT = Environment("ODIBI_CRASH_AT");
    static const std::string PAUSE_AT = Environment("ODIBI_PAUSE_AT");
    static const int DELAY_MILLISECONDS = DelayMilliseconds();
    if (DELAY_MILLISECONDS > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(DELAY_MILLISECONDS));
    }
    if (!PAUSE_AT.empty() && PAUSE_AT == point) {
        // The process stops itself; the test that waits for it changes the world, then sends SIGCONT.
        std::raise(SIGSTOP);
    }
    if (!CRASH_AT.empty() && CRASH_AT == point) {
        ::_exit(CRASH_EXIT_CODE);
    }
}

bool FlagSet(std::string_view flag) {
    static const std::string FLAGS = "," + Environment("ODIBI_FAULT_FLAGS") + ",";
    return FLAGS.find("," + std::string(flag) + ",") != std::string::npos;
}

} // namespace odibi::fault

#endif
