// `odibi run`: load, plan, execute with a signal watcher, write stories, print a summary.
#include <csignal>
#include <iostream>
#include <mutex>
#include <thread>

#include "commands.hpp"
#include "project_loader.hpp"
#include "terminal.hpp"
#include <fmt/format.h>

#include "odibi/common/log.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/execute/runner.hpp"
#include "odibi/observe/story.hpp"

namespace odibi::cli {
namespace {

/// Turns SIGINT/SIGTERM into a cancellation on a dedicated thread (no work in a signal handler).
class SignalWatcher {
public:
    explicit SignalWatcher(execute::Cancellation& cancellation) : cancellation_(cancellation) {
        sigemptyset(&signals_);
        sigaddset(&signals_, SIGINT);
        sigaddset(&signals_, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
        thread_ = std::thread([this] { Watch(); });
    }
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;
    ~SignalWatcher() {
        done_ = true;
        thread_.join();
        pthread_sigmask(SIG_UNBLOCK, &signals_, nullptr);
    }
    [[nodiscard]] int ReceivedSignal() const { return received_.load(); }

private:
    void Watch() {
        constexpr long POLL_NANOSECONDS = 100'000'000;
        timespec timeout{0, POLL_NANOSECONDS};
        while (!done_) {
            int signal = sigtimedwait(&signals_, nullptr, &timeout);
            if (signal == SIGINT || signal == SIGTERM) {
                received_ = signal;
                std::cerr << fmt::format("\nreceived {}: stopping the run, finishing its records...\n",
                                         signal == SIGINT ? "SIGINT" : "SIGTERM");
                cancellation_.Cancel();
            }
        }
    }

    execute::Cancellation& cancellation_;
    sigset_t signals_{};
    std::atomic<bool> done_{false};
    std::atomic<int> received_{0};
    std::thread thread_;
};

/// Prints progress and writes each pipeline's story as soon as the pipeline finishes.
class TerminalObserver final : public execute::RunObserver {
public:
    explicit TerminalObserver(const config::ProjectConfig& project) : project_(project) {}

    void OnNotice(const std::string& text) override {
        std::lock_guard lock(output_mutex_);
        std::cerr << Terminal::Yellow("notice: " + text) << "\n";
    }

    void OnPipelineStart(const graph::PipelinePlan& pipeline, const std::string& run_id) override {
        std::lock_guard lock(output_mutex_);
        std::cout << Terminal::Bold(fmt::format("▶ pipeline '{}'", pipeline.name))
                  << Terminal::Dim(fmt::format(" run {}", run_id)) << std::endl;
    }

    void OnResumePlan(const std::string& /*pipeline*/, const std::vector<execute::ResumeDecision>& decisions) override {
        std::lock_guard lock(output_mutex_);
        for (const auto& decision : decisions) {
            std::string verdict = decision.skip ? "skipped: " + decision.reason : "runs: " + decision.reason;
            std::cout << fmt::format("  ↻ {:<28} {}", decision.node, decision.skip ? Terminal::Dim(verdict) : verdict)
                      << std::endl;
        }
    }

    void OnNodeFinish(const execute::NodeResult& node) override {
        std::lock_guard lock(output_mutex_);
        std::string mark = node.status == execute::NodeStatus::SUCCESS  ? Terminal::Green("✓")
                           : node.status == execute::NodeStatus::FAILED ? Terminal::Red("✗")
                                                                        : Terminal::Yellow("-");
        std::string detail;
        if (node.status == execute::NodeStatus::SKIPPED) {
            detail = node.skip_cause;
        } else {
            detail = FormatDuration(node.duration_ms);
            if (node.rows_written) {
                detail += fmt::format(", {} rows written", *node.rows_written);
            } else if (node.rows_out) {
                detail += fmt::format(", {} rows", *node.rows_out);
            }
            if (node.rows_quarantined) {
                detail += fmt::format(", {} quarantined", *node.rows_quarantined);
            }
            if (!node.quality.empty()) {
                detail +=
                    fmt::format(", DQ {:.1f}% ({} checks)", quality::QualityScore(node.quality), node.quality.size());
            }
            if (node.attempts > 1) {
                detail += fmt::format(", {} attempts", node.attempts);
            }
        }
        std::cout << fmt::format("  {} {:<28} {:<8} {}", mark, node.node, execute::NodeStatusName(node.status), detail)
                  << std::endl;
        for (const auto& warning : node.warnings) {
            std::cout << Terminal::Yellow(fmt::format("      warning: {}", warning)) << std::endl;
        }
        if (node.error) {
            std::cerr << Terminal::Red(RenderNodeFailure(node)) << std::flush;
        }
    }

    void OnPipelineFinish(execute::PipelineResult& result) override {
        if (!project_.story.auto_generate) {
            return;
        }
        try {
            const config::PipelineConfig* pipeline = project_.TryGetPipeline(result.pipeline);
            if (pipeline == nullptr) {
                return;
            }
            auto story = observe::BuildStory(result, observe::MakeStoryOptions(project_.story, *pipeline));
            std::string root = execute::StoryRoot(project_);
            auto paths = observe::WriteStory(story, root);
            observe::ApplyRetention(root, project_.story.retention_days, project_.story.retention_count);
            result.story_html_path = paths.html_path;
            result.story_json_path = paths.json_path;
        } catch (const std::exception& error) {
            std::string message = SecretRegistry::Redact(fmt::format("story: could not be written: {}", error.what()));
            Log::Error(message);
            result.warnings.push_back(message);
        }
    }

private:
    const config::ProjectConfig& project_;
    std::mutex output_mutex_; // guards interleaving of lines on stdout/stderr
};

struct RunArguments {
    ProjectRequest request;
    int workers = 0;
    std::string on_error;
    bool resume = false;
};

ExitCode Run(const RunArguments& arguments) {
    LoadedProject loaded = LoadAndPlan(arguments.request);
    PrintDiagnostics(loaded.diagnostics);
    const auto& project = *loaded.project;
    std::cout << Terminal::Dim(fmt::format(
                     "odibi {} · project '{}' · DuckDB {}", ODIBI_VERSION, project.project, engine::DuckDbVersion()))
              << std::endl;

    execute::RunOptions options;
    options.workers = arguments.workers;
    options.resume = arguments.resume;
    if (!arguments.on_error.empty()) {
        options.on_error = config::TryParseErrorStrategy(arguments.on_error);
    }
    execute::Cancellation cancellation;
    TerminalObserver observer(project);
    execute::RunResult run;
    int signal = 0;
    {
        SignalWatcher watcher(cancellation);
        run = execute::RunPlan(loaded.plan, options, cancellation, observer);
        signal = watcher.ReceivedSignal();
    }
    for (const auto& pipeline : run.pipelines) {
        size_t failed = pipeline.CountWithStatus(execute::NodeStatus::FAILED);
        size_t skipped = pipeline.CountWithStatus(execute::NodeStatus::SKIPPED);
        size_t succeeded = pipeline.CountWithStatus(execute::NodeStatus::SUCCESS);
        std::string counts = fmt::format("{} succeeded, {} failed, {} skipped", succeeded, failed, skipped);
        if (pipeline.status == execute::RunStatus::SUCCESS && pipeline.catalog_write_failures > 0) {
            // The data work succeeded; the message must not read as a clean success over a catalog
            // that missed records (the exit code stays 0: the data is right).
            std::cout << Terminal::Yellow(fmt::format("⚠ Pipeline '{}' completed, but its catalog records are "
                                                      "incomplete",
                                                      pipeline.pipeline))
                      << fmt::format(" in {} ({})", FormatDuration(pipeline.duration_ms), counts) << "\n";
        } else if (pipeline.status == execute::RunStatus::SUCCESS) {
            std::cout << Terminal::Green(fmt::format("✅ Pipeline '{}' completed successfully", pipeline.pipeline))
                      << fmt::format(" in {} ({})", FormatDuration(pipeline.duration_ms), counts) << "\n";
        } else if (pipeline.status == execute::RunStatus::INTERRUPTED) {
            std::cout << Terminal::Yellow(fmt::format("⏹ Pipeline '{}' was interrupted", pipeline.pipeline))
                      << fmt::format(" after {} ({})", FormatDuration(pipeline.duration_ms), counts) << "\n";
        } else {
            std::cout << Terminal::Red(fmt::format("❌ Pipeline '{}' failed", pipeline.pipeline))
                      << fmt::format(" in {} ({})", FormatDuration(pipeline.duration_ms), counts) << "\n";
        }
        for (const auto& warning : pipeline.warnings) {
            std::cout << Terminal::Yellow("   warning: " + warning) << "\n";
        }
        if (!pipeline.story_html_path.empty()) {
            std::cout << fmt::format(
                "   Story: {}\n   View: odibi story show {}\n", pipeline.story_html_path, pipeline.story_html_path);
        }
    }
    std::cout << std::flush;
    if (signal != 0 || run.status == execute::RunStatus::INTERRUPTED) {
        return ExitCode::INTERRUPTED;
    }
    if (run.status == execute::RunStatus::FAILED) {
        return ExitCode::FAILED;
    }
    return ExitCode::SUCCESS;
}

} // namespace

void AddRunCommand(CLI::App& app, CommandAction& action) {
    auto arguments = std::make_shared<RunArguments>();
    auto* command = app.add_subcommand("run", "Run the pipelines of a project");
    command->add_option("config", arguments->request.config_path, "Project file")->default_val("odibi.yaml");
    command->add_option("--env",
                        arguments->request.environment,
                        "Environment overrides to apply (environments.<name>, env.<name>.yaml)");
    command->add_option("--engine", arguments->request.engine, "Run a project written for another engine on DuckDB")
        ->check(CLI::IsMember({"duckdb"}));
    command->add_option("--workers", arguments->workers, "Nodes run at once (default: number of cores)")
        ->check(CLI::PositiveNumber);
    command->add_option("--on-error", arguments->on_error, "Override every node's on_error")
        ->check(CLI::IsMember({"fail_fast", "fail_later", "ignore"}));
    command->add_flag("--resume",
                      arguments->resume,
                      "Skip nodes whose last run succeeded with the same version hash and whose output is still "
                      "there; changed nodes run with everything downstream of them");
    command->add_option("--pipeline", arguments->request.selection.pipelines, "Run only these pipelines");
    command->add_option(
        "--node", arguments->request.selection.nodes, "Run these nodes and everything upstream of them");
    command->add_option("--tag", arguments->request.selection.tags, "Run only nodes with these tags");
    command->callback([arguments, &action] { action = [arguments] { return Run(*arguments); }; });
}

} // namespace odibi::cli
