// fork/exec based child processes with non-blocking capture of both output streams.
#include "subprocess.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace odibi::e2e {

namespace {

constexpr int POLL_INTERVAL_MS = 20;
constexpr size_t READ_CHUNK = 65536;
constexpr int EXIT_STATUS_SIGNAL_BASE = 128;
constexpr int CHILD_SETUP_FAILED = 127;

// A pipe whose two ends are closed on destruction unless released.
class Pipe {
public:
    Pipe() {
        if (pipe2(descriptors_.data(), O_CLOEXEC) != 0) {
            descriptors_ = {-1, -1};
        }
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    ~Pipe() {
        CloseRead();
        CloseWrite();
    }

    [[nodiscard]] bool Valid() const { return descriptors_[0] >= 0; }
    [[nodiscard]] int Read() const { return descriptors_[0]; }
    [[nodiscard]] int Write() const { return descriptors_[1]; }
    void CloseRead() { Close(0); }
    void CloseWrite() { Close(1); }

private:
    void Close(size_t index) {
        if (descriptors_[index] >= 0) {
            close(descriptors_[index]);
            descriptors_[index] = -1;
        }
    }

    std::array<int, 2> descriptors_{-1, -1};
};

// Reports a setup failure to the parent without allocating (the parent may have other threads).
[[noreturn]] void ChildFail(int report_descriptor, const char* what, const char* subject) {
    const char* reason = std::strerror(errno);
    for (const char* part : {what, " ", subject, ": ", reason}) {
        ssize_t ignored = write(report_descriptor, part, std::strlen(part));
        (void)ignored;
    }
    _exit(CHILD_SETUP_FAILED);
}

// Runs in the forked child: redirects, resets signals, changes directory and execs.
[[noreturn]] void StartChild(const char* stdin_path,
                             const char* working_directory,
                             std::vector<char*>& argv,
                             std::vector<char*>& environment,
                             int stdout_descriptor,
                             int stderr_descriptor,
                             int report_descriptor) {
    setpgid(0, 0);
    sigset_t empty_set;
    sigemptyset(&empty_set);
    sigprocmask(SIG_SETMASK, &empty_set, nullptr);
    for (int signal_number : {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT}) {
        std::signal(signal_number, SIG_DFL);
    }
    int input_descriptor = open(stdin_path, O_RDONLY | O_CLOEXEC);
    if (input_descriptor < 0) {
        ChildFail(report_descriptor, "cannot open the stdin file", stdin_path);
    }
    if (dup2(input_descriptor, STDIN_FILENO) < 0 || dup2(stdout_descriptor, STDOUT_FILENO) < 0 ||
        dup2(stderr_descriptor, STDERR_FILENO) < 0) {
        ChildFail(report_descriptor, "cannot redirect", "stdio");
    }
    if (working_directory[0] != '\0' && chdir(working_directory) != 0) {
        ChildFail(report_descriptor, "cannot change directory to", working_directory);
    }
    execve(argv[0], argv.data(), environment.data());
    ChildFail(report_descriptor, "cannot execute", argv[0]);
}

// Reads what is available; returns false at end of file or on a hard error.
bool Drain(int descriptor, std::string& sink) {
    std::array<char, READ_CHUNK> buffer{};
    while (true) {
        ssize_t count = read(descriptor, buffer.data(), buffer.size());
        if (count > 0) {
            sink.append(buffer.data(), static_cast<size_t>(count));
            continue;
        }
        if (count == 0) {
            return false;
        }
        if (errno == EINTR) {
            continue;
        }
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
}

std::vector<char*> PointersOf(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (auto& text : strings) {
        pointers.push_back(text.data());
    }
    pointers.push_back(nullptr);
    return pointers;
}

} // namespace

std::string SignalName(int signal) {
    switch (signal) {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    case SIGKILL:
        return "SIGKILL";
    case SIGQUIT:
        return "SIGQUIT";
    case SIGUSR1:
        return "SIGUSR1";
    case SIGUSR2:
        return "SIGUSR2";
    case SIGSEGV:
        return "SIGSEGV";
    case SIGABRT:
        return "SIGABRT";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGPIPE:
        return "SIGPIPE";
    default:
        return "signal " + std::to_string(signal);
    }
}

ProcessOutcome RunProcess(const ProcessSpec& spec) {
    ProcessOutcome outcome;
    if (spec.argv.empty()) {
        outcome.start_error = "no program to run";
        return outcome;
    }
    Pipe stdout_pipe;
    Pipe stderr_pipe;
    Pipe report_pipe;
    if (!stdout_pipe.Valid() || !stderr_pipe.Valid() || !report_pipe.Valid()) {
        outcome.start_error = std::string("pipe: ") + std::strerror(errno);
        return outcome;
    }
    std::vector<std::string> argv_strings = spec.argv;
    std::vector<std::string> environment_strings = spec.environment;
    std::vector<char*> argv = PointersOf(argv_strings);
    std::vector<char*> environment = PointersOf(environment_strings);

    std::string stdin_path = spec.stdin_path.value_or("/dev/null");
    auto started = std::chrono::steady_clock::now();
    pid_t child = fork();
    if (child < 0) {
        outcome.start_error = std::string("fork: ") + std::strerror(errno);
        return outcome;
    }
    if (child == 0) {
        StartChild(stdin_path.c_str(),
                   spec.working_directory.c_str(),
                   argv,
                   environment,
                   stdout_pipe.Write(),
                   stderr_pipe.Write(),
                   report_pipe.Write());
    }
    // Also set the group from the parent so that a signal sent right away cannot miss it.
    setpgid(child, child);
    stdout_pipe.CloseWrite();
    stderr_pipe.CloseWrite();
    report_pipe.CloseWrite();

    std::string start_report;
    Drain(report_pipe.Read(), start_report); // blocks until exec succeeds (pipe closes) or fails
    fcntl(stdout_pipe.Read(), F_SETFL, O_NONBLOCK);
    fcntl(stderr_pipe.Read(), F_SETFL, O_NONBLOCK);

    bool stdout_open = true;
    bool stderr_open = true;
    bool exited = false;
    int status = 0;
    std::optional<std::chrono::milliseconds> triggered_at;
    auto elapsed = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    };
    while (!exited) {
        std::array<pollfd, 2> watched{};
        nfds_t count = 0;
        if (stdout_open) {
            watched[count++] = pollfd{stdout_pipe.Read(), POLLIN, 0};
        }
        if (stderr_open) {
            watched[count++] = pollfd{stderr_pipe.Read(), POLLIN, 0};
        }
        if (count > 0) {
            poll(watched.data(), count, POLL_INTERVAL_MS);
        } else {
            usleep(POLL_INTERVAL_MS * 1000);
        }
        if (stdout_open) {
            stdout_open = Drain(stdout_pipe.Read(), outcome.stdout_text);
        }
        if (stderr_open) {
            stderr_open = Drain(stderr_pipe.Read(), outcome.stderr_text);
        }
        pid_t waited = waitpid(child, &status, WNOHANG);
        if (waited == child) {
            exited = true;
            break;
        }
        if (spec.signal_plan && !outcome.signal_sent) {
            const SignalPlan& plan = *spec.signal_plan;
            if (!plan.delay && !triggered_at &&
                (outcome.stdout_text.find(plan.trigger_text) != std::string::npos ||
                 outcome.stderr_text.find(plan.trigger_text) != std::string::npos)) {
                triggered_at = elapsed();
            }
            bool fire = plan.delay ? elapsed() >= *plan.delay
                                   : triggered_at && elapsed() - *triggered_at >= plan.delay_after_trigger;
            if (fire) {
                kill(child, plan.signal);
                outcome.signal_sent = true;
                outcome.signal_sent_after = elapsed();
            }
        }
        if (spec.time_limit.count() > 0 && elapsed() >= spec.time_limit && !outcome.timed_out) {
            outcome.timed_out = true;
            kill(-child, SIGKILL);
            kill(child, SIGKILL);
        }
    }
    // Output written just before the exit is still in the pipes; descendants that outlive the
    // child and keep the pipes open are not waited for.
    if (stdout_open) {
        Drain(stdout_pipe.Read(), outcome.stdout_text);
    }
    if (stderr_open) {
        Drain(stderr_pipe.Read(), outcome.stderr_text);
    }
    outcome.elapsed = elapsed();
    if (WIFEXITED(status)) {
        outcome.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        outcome.killed_by_signal = WTERMSIG(status);
        outcome.exit_code = EXIT_STATUS_SIGNAL_BASE + WTERMSIG(status);
    }
    if (!start_report.empty()) {
        outcome.start_error = start_report;
    }
    return outcome;
}

} // namespace odibi::e2e
