// Runs a child process with captured stdout/stderr, a hard time limit and an optional signal plan.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace odibi::e2e {

// Send `signal` once `delay` has passed, or `delay_after_trigger` after `trigger_text` first
// appeared on stdout or stderr.
struct SignalPlan {
    int signal = 0;
    std::optional<std::chrono::milliseconds> delay;
    std::string trigger_text;
    std::chrono::milliseconds delay_after_trigger{0};
};

struct ProcessSpec {
    std::vector<std::string> argv;        // argv[0] is the program path
    std::vector<std::string> environment; // NAME=value entries, the child's whole environment
    std::string working_directory;
    std::optional<std::string> stdin_path; // /dev/null when absent
    std::chrono::milliseconds time_limit{0};
    std::optional<SignalPlan> signal_plan;
};

struct ProcessOutcome {
    int exit_code = -1; // exit status, or 128 + signal when killed by a signal
    std::optional<int> killed_by_signal;
    bool timed_out = false;   // killed with SIGKILL after the time limit
    bool signal_sent = false; // the signal plan fired
    std::chrono::milliseconds signal_sent_after{0};
    std::chrono::milliseconds elapsed{0};
    std::string stdout_text;
    std::string stderr_text;
    std::string start_error; // set when the program could not be started
};

// Starts the process in its own process group, feeds stdin, captures both streams until the process
// exits, and enforces the time limit (SIGKILL to the whole group).
[[nodiscard]] ProcessOutcome RunProcess(const ProcessSpec& spec);

// "SIGTERM" for 15.
[[nodiscard]] std::string SignalName(int signal);

} // namespace odibi::e2e
