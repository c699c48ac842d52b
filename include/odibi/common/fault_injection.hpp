// Named crash points for testing the exactly-once commit protocol: ODIBI_CRASH_AT=<point> ends the
// process at that point, at once and without any cleanup, as a power cut or SIGKILL would.
#pragma once

#include <string_view>

namespace odibi::fault {

/// The exit status of a process ended by a crash point (distinct from odibi's own exit codes).
inline constexpr int CRASH_EXIT_CODE = 86;

// The points of the file-write protocol (docs/exactly-once.md), in the order a write passes them.
inline constexpr std::string_view AFTER_STAGE = "after_stage";
inline constexpr std::string_view AFTER_INTENT = "after_intent";
inline constexpr std::string_view AFTER_MOVE_ASIDE = "after_move_aside";
inline constexpr std::string_view AFTER_PUBLISH = "after_publish";
inline constexpr std::string_view AFTER_COMMIT = "after_commit";
inline constexpr std::string_view BEFORE_CLEANUP = "before_cleanup";

#if defined(ODIBI_FAULT_INJECTION) && ODIBI_FAULT_INJECTION

/// Ends the process with _exit(CRASH_EXIT_CODE) when ODIBI_CRASH_AT names `point`. Nothing is flushed,
/// no destructor runs, no catalog record is finalised. With ODIBI_FAULT_DELAY_MS=<n>, every point
/// first sleeps n milliseconds, which widens the protocol's steps for tests that kill the process
/// from outside at a random moment. With ODIBI_PAUSE_AT=<point>, the process stops itself (SIGSTOP)
/// at that point, so that a test can change the world at an exact step (stop a server) and then let
/// it go on with SIGCONT.
void CrashPoint(std::string_view point);

/// True when ODIBI_FAULT_FLAGS (comma-separated) holds `flag`; lets tests take code paths that the
/// local file system would not, such as publication without RENAME_EXCHANGE ("no_rename_exchange").
[[nodiscard]] bool FlagSet(std::string_view flag);

#else

// Compiled out (release builds): the calls vanish.
inline void CrashPoint(std::string_view /*point*/) {}
[[nodiscard]] inline bool FlagSet(std::string_view /*flag*/) {
    return false;
}

#endif

} // namespace odibi::fault
