// Schedules a pipeline's nodes on worker threads as their dependencies finish, and records the run.
#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <thread>

#include "catalog_maintenance.hpp"
#include "node_runner.hpp"
#include "quality_phase.hpp"
#include "recovery.hpp"
#include "resume.hpp"
#include <fmt/format.h>
#include <unistd.h>

#include "odibi/common/identity.hpp"
#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/execute/catalog_open.hpp"
#include "odibi/execute/runner.hpp"
#include "odibi/io/formats.hpp"
#include "odibi/io/storage.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::execute {
namespace {

constexpr size_t MAXIMUM_ERROR_SUMMARY = 500;
constexpr size_t MAXIMUM_FAILURE_MESSAGE = 1000;
constexpr size_t MAXIMUM_STACK_TRACE = 2000;

std::string HostName() {
    constexpr size_t HOST_NAME_BUFFER = 256;
    char buffer[HOST_NAME_BUFFER] = {};
    if (gethostname(buffer, sizeof(buffer) - 1) != 0) {
        return "unknown";
    }
    return buffer;
}

std::string Truncate(const std::string& text, size_t limit) {
    return text.size() <= limit ? text : text.substr(0, limit);
}

std::string
StorageBase(const config::ProjectConfig& project, const std::string& connection_name, const std::string& relative) {
    const auto& connection = project.GetConnection(connection_name);
    auto storage = io::OpenStorage(connection);
    return storage->Resolve(relative);
}

/// Calls the catalog, turning its failures into printed, recorded warnings: a catalog problem
/// never fails a pipeline silently, and never loses the data work that was done.
template <typename Action>
void GuardCatalog(state::Catalog* catalog, std::vector<std::string>& problems, const std::string& what, Action action) {
    if (catalog == nullptr) {
        return;
    }
    try {
        action(*catalog);
    } catch (const std::exception& error) {
        std::string message = SecretRegistry::Redact(fmt::format("catalog: could not {}: {}", what, error.what()));
        Log::Error(message);
        problems.push_back(message);
    }
}

class PipelineExecution {
public:
    PipelineExecution(const graph::Plan& plan,
                      const graph::PipelinePlan& pipeline,
                      const RunOptions& options,
                      engine::Database& database,
                      const std::map<std::string, std::unique_ptr<io::Storage>>& storages,
                      state::Catalog* catalog,
                      Cancellation& cancellation,
                      RunObserver& observer,
                      ResumeMemory& resume_memory)
        : plan_(plan), pipeline_(pipeline), options_(options), database_(database), storages_(storages),
          catalog_(catalog), cancellation_(cancellation), observer_(observer), resume_memory_(resume_memory) {}

    PipelineResult Run() {
        const auto& project = *plan_.project;
        result_.run_id = NewUuid();
        result_.project = project.project;
        result_.pipeline = pipeline_.name;
        result_.layer = pipeline_.config->layer;
        result_.owner = pipeline_.config->owner.empty() ? project.owner : pipeline_.config->owner;
        result_.environment = project.system.environment ? project.system.environment : project.environment;
        result_.started_at = Now();

        state::PipelineRunRecord record = BaseRecord();
        record.status = "RUNNING";
        GuardCatalog(catalog_, catalog_problems_, "record the start of the run", [&](state::Catalog& catalog) {
            catalog.BeginPipelineRun(record);
        });
        observer_.OnPipelineStart(pipeline_, result_.run_id);
        if (options_.resume) {
            DecideResume();
        }

        schema_ = engine::QuoteIdentifier(pipeline_.name);
        {
            auto setup = database_.Connect();
            setup->Execute(fmt::format("CREATE SCHEMA IF NOT EXISTS {}", schema_));
            RegisterUnselectedOutputs(*setup);
        }
        for (const auto& node : pipeline_.nodes) {
            if (!node.selected) {
                continue;
            }
            NodeResult pending;
            pending.pipeline = pipeline_.name;
            pending.node = node.name;
            pending.dependencies = node.dependencies;
            pending.version_hash = node.version_hash;
            pending.description = node.config->description;
            results_.emplace(node.name, std::move(pending));
            if (!node.enabled) {
                Finish(node.name, Skipped(node.name, node.skip_cause));
            } else if (auto resumed = resumed_.find(node.name); resumed != resumed_.end()) {
                Finish(node.name, Skipped(node.name, resumed->second));
            }
        }
        Schedule();
        Finalise();
        return result_;
    }

private:
    /// --resume: decides which nodes are skipped (resumed_) before anything runs; one catalog read
    /// per pipeline, through the invocation's ResumeMemory.
    void DecideResume() {
        ResumeFacts facts;
        GuardCatalog(catalog_, catalog_problems_, "read the latest node runs for --resume", [&](state::Catalog&) {
            facts.latest = resume_memory_.LatestRuns(pipeline_.name);
        });
        facts.output_present = [this](const graph::PlanNode& node) {
            const auto& write = *node.config->write;
            auto storage = storages_.find(write.connection);
            try {
                return storage != storages_.end() && io::TargetExists(write, *storage->second);
            } catch (const Error&) {
                return false;
            }
        };
        facts.ran_in_this_invocation = [this](const std::string& pipeline, const std::string& node) {
            return resume_memory_.Ran(pipeline, node);
        };
        facts.latest_of_other = [this](const std::string& pipeline,
                                       const std::string& node) -> std::optional<state::NodeRunRecord> {
            try {
                auto runs = resume_memory_.LatestRuns(pipeline);
                auto found = runs.find(node);
                return found == runs.end() ? std::nullopt : std::optional<state::NodeRunRecord>(found->second);
            } catch (const std::exception&) {
                return std::nullopt; // a catalog that fails here failed for this pipeline too, and was reported
            }
        };
        std::vector<ResumeDecision> decisions = PlanResume(pipeline_, facts);
        for (const auto& decision : decisions) {
            if (decision.skip) {
                resumed_.emplace(decision.node, decision.reason);
            }
        }
        observer_.OnResumePlan(pipeline_.name, decisions);
    }

    /// Whether the node runs in this pipeline run (selected, and not skipped by --resume).
    bool Runs(const std::string& name) const { return pipeline_.GetNode(name).selected && !resumed_.contains(name); }

    /// A node left out by --tag/--node, or skipped by --resume, that running nodes depend on is seen
    /// through its written output, under its own name, so that SQL naming it works as in a full run.
    void RegisterUnselectedOutputs(engine::Connection& connection) {
        for (const auto& node : pipeline_.nodes) {
            const auto& write = node.config->write;
            if (Runs(node.name) || !write) {
                continue;
            }
            bool feeds_selected = std::any_of(
                node.dependents.begin(), node.dependents.end(), [&](const std::string& name) { return Runs(name); });
            auto storage = storages_.find(write->connection);
            if (!feeds_selected || storage == storages_.end() || !io::TargetExists(*write, *storage->second)) {
                continue;
            }
            connection.Execute(
                fmt::format("CREATE OR REPLACE VIEW {}.{} AS SELECT * FROM {}",
                            schema_,
                            engine::QuoteIdentifier(node.name),
                            io::BuildPinnedScan(io::ReadBackConfig(*write), *storage->second, connection)));
        }
    }

    state::PipelineRunRecord BaseRecord() const {
        state::PipelineRunRecord record;
        record.run_id = result_.run_id;
        record.project = result_.project;
        record.pipeline_name = result_.pipeline;
        record.owner = result_.owner;
        record.layer = result_.layer;
        record.run_start_at = FormatIsoUtc(result_.started_at);
        record.environment = result_.environment.value_or("");
        record.host = HostName();
        record.pid = getpid();
        record.heartbeat_at = record.run_start_at;
        return record;
    }

    NodeResult Skipped(const std::string& name, const std::string& cause) {
        NodeResult result = results_.at(name);
        result.status = NodeStatus::SKIPPED;
        result.skip_cause = cause;
        result.started_at = Now();
        result.finished_at = result.started_at;
        return result;
    }

    config::ErrorStrategy StrategyOf(const graph::PlanNode& node) const {
        return options_.on_error.value_or(node.config->on_error);
    }

    // Must be called with state_mutex_ held.
    bool IsReady(const graph::PlanNode& node) const {
        for (const auto& dependency : node.dependencies) {
            const graph::PlanNode* upstream = pipeline_.TryGetNode(dependency);
            if (upstream == nullptr || !upstream->selected) {
                continue; // unselected dependencies are read from their written output
            }
            if (!finished_.contains(dependency)) {
                return false;
            }
        }
        return true;
    }

    // Must be called with state_mutex_ held: the first failed or skipped selected dependency.
    std::optional<std::string> BlockedBy(const graph::PlanNode& node) const {
        for (const auto& dependency : node.dependencies) {
            auto found = results_.find(dependency);
            if (found == results_.end() || !finished_.contains(dependency)) {
                continue;
            }
            if (found->second.status == NodeStatus::FAILED) {
                return fmt::format("upstream '{}' failed", dependency);
            }
            if (found->second.status == NodeStatus::SKIPPED && !resumed_.contains(dependency)) {
                return fmt::format("upstream '{}' was skipped", dependency);
            }
        }
        return std::nullopt;
    }

    // Must be called with state_mutex_ held.
    void Finish(const std::string& name, NodeResult result) {
        if (result.status == NodeStatus::SUCCESS) {
            upstream_[name] = UpstreamFacts{result.rows_out};
        }
        if (result.status != NodeStatus::SKIPPED) {
            resume_memory_.MarkRan(pipeline_.name, name);
        }
        results_[name] = std::move(result);
        finished_.insert(name);
        observer_.OnNodeFinish(results_[name]);
    }

    // Must be called with state_mutex_ held: marks every unfinished, not running node skipped.
    void SkipRemaining(const std::string& cause) {
        for (const auto& node : pipeline_.nodes) {
            if (node.selected && !finished_.contains(node.name) && !running_.contains(node.name)) {
                Finish(node.name, Skipped(node.name, cause));
            }
        }
    }

    void Schedule() {
        int workers = options_.workers > 0 ? options_.workers
                                           : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        std::vector<std::thread> threads;
        threads.reserve(static_cast<size_t>(workers));
        for (int index = 0; index < workers; ++index) {
            threads.emplace_back([this] { Work(); });
        }
        for (auto& thread : threads) {
            thread.join();
        }
    }

    // Must be called with state_mutex_ held: true when every selected node has finished.
    bool AllFinished() const {
        for (const auto& node : pipeline_.nodes) {
            if (node.selected && !finished_.contains(node.name)) {
                return false;
            }
        }
        return true;
    }

    void Work() {
        auto connection = database_.Connect();
        connection->Execute(fmt::format("USE {}", schema_));
        cancellation_.Register(connection.get());
        std::unique_lock lock(state_mutex_);
        while (true) {
            if (cancellation_.IsCancelled() && !interrupted_) {
                interrupted_ = true;
                SkipRemaining("the run was interrupted");
                ready_changed_.notify_all();
            }
            if (AllFinished()) {
                break;
            }
            const graph::PlanNode* next = nullptr;
            for (const auto& node : pipeline_.nodes) {
                if (!node.selected || finished_.contains(node.name) || running_.contains(node.name)) {
                    continue;
                }
                if (!IsReady(node)) {
                    continue;
                }
                auto blocked = BlockedBy(node);
                if (blocked) {
                    Finish(node.name, Skipped(node.name, *blocked));
                    ready_changed_.notify_all();
                    continue;
                }
                next = &node;
                break;
            }
            if (next == nullptr) {
                if (AllFinished()) {
                    break;
                }
                ready_changed_.wait(lock);
                continue;
            }
            running_.insert(next->name);
            observer_.OnNodeStart(pipeline_.name, next->name);
            std::map<std::string, UpstreamFacts> upstream = upstream_;
            lock.unlock();
            NodeResult result = RunNode(*next, Context(), upstream, *connection, cancellation_);
            RecordNode(result);
            lock.lock();
            running_.erase(next->name);
            bool failed = result.status == NodeStatus::FAILED;
            if (failed && StrategyOf(*next) == config::ErrorStrategy::IGNORE) {
                result.warnings.push_back(
                    "failure ignored (on_error: ignore): the pipeline does not fail because of it");
                ignored_failures_.insert(next->name);
            }
            std::string name = next->name;
            Finish(name, std::move(result));
            const auto& cross_check = next->config->cross_check;
            if (failed && cross_check && cross_check->on_fail == config::QualitySeverity::FAIL && !stopped_) {
                // A failed check node is a circuit breaker: nothing else of the pipeline starts.
                stopped_ = true;
                SkipRemaining(fmt::format("circuit breaker '{}' tripped", cross_check->name));
            } else if (failed && StrategyOf(*next) == config::ErrorStrategy::FAIL_FAST && !stopped_) {
                stopped_ = true;
                SkipRemaining(fmt::format("pipeline stopped (fail_fast) after '{}' failed", name));
            }
            ready_changed_.notify_all();
        }
        lock.unlock();
        cancellation_.Unregister(connection.get());
    }

    PipelineContext Context() const {
        return PipelineContext{*plan_.project,
                               plan_,
                               pipeline_,
                               storages_,
                               catalog_,
                               schema_,
                               result_.run_id,
                               plan_.project->story.max_sample_rows};
    }

    // Called without state_mutex_: catalog writes happen as soon as a node finishes.
    void RecordNode(const NodeResult& node) {
        state::NodeRunRecord record =
            NodeRunRecordOf(node, result_.run_id, result_.project, result_.environment.value_or(""));
        std::lock_guard lock(problems_mutex_);
        catalog_problems_.insert(catalog_problems_.end(), node.catalog_problems.begin(), node.catalog_problems.end());
        GuardCatalog(
            catalog_, catalog_problems_, fmt::format("record node '{}'", node.node), [&](state::Catalog& catalog) {
                catalog.RecordNodeRun(record);
                if (node.error) {
                    state::FailureRecord failure;
                    failure.failure_id = NewUuid();
                    failure.run_id = result_.run_id;
                    failure.project = result_.project;
                    failure.pipeline_name = result_.pipeline;
                    failure.node_name = node.node;
                    failure.error_type = node.error->type;
                    failure.error_code = node.error->code;
                    failure.error_message = Truncate(node.error->message, MAXIMUM_FAILURE_MESSAGE);
                    failure.stack_trace =
                        Truncate(fmt::format("{} [{}]\n{}", node.error->phase, node.error->step, node.error->sql),
                                 MAXIMUM_STACK_TRACE);
                    failure.environment = record.environment;
                    failure.timestamp = record.run_end_at;
                    catalog.RecordFailure(failure);
                }
            });
        if (!node.quality.empty()) {
            GuardCatalog(
                catalog_,
                catalog_problems_,
                fmt::format("record the quality checks of node '{}'", node.node),
                [&](state::Catalog& catalog) { catalog.RecordQualityResults(QualityRecordsOf(node, result_.run_id)); });
        }
    }

    void Finalise() {
        for (const auto& node : pipeline_.nodes) {
            if (node.selected) {
                result_.nodes.push_back(results_.at(node.name));
            }
        }
        // Nodes skipped without running were not recorded yet.
        for (const auto& node : result_.nodes) {
            if (node.status == NodeStatus::SKIPPED) {
                RecordNode(node);
            }
        }
        bool failed = false;
        for (const auto& node : result_.nodes) {
            if (node.status == NodeStatus::FAILED && !ignored_failures_.contains(node.node)) {
                failed = true;
            }
        }
        result_.status = interrupted_ || cancellation_.IsCancelled() ? RunStatus::INTERRUPTED
                         : failed                                    ? RunStatus::FAILED
                                                                     : RunStatus::SUCCESS;
        result_.finished_at = Now();
        result_.duration_ms = MillisecondsBetween(result_.started_at, result_.finished_at);
        result_.warnings = RunWarnings();
        result_.catalog_write_failures = catalog_problems_.size();
        observer_.OnPipelineFinish(result_);

        state::PipelineRunRecord record = BaseRecord();
        record.status = RunStatusName(result_.status);
        record.run_end_at = FormatIsoUtc(result_.finished_at);
        record.heartbeat_at = record.run_end_at;
        record.duration_ms = result_.duration_ms;
        record.nodes_total = static_cast<int>(result_.nodes.size());
        record.nodes_succeeded = static_cast<int>(result_.CountWithStatus(NodeStatus::SUCCESS));
        record.nodes_failed = static_cast<int>(result_.CountWithStatus(NodeStatus::FAILED));
        record.nodes_skipped = static_cast<int>(result_.CountWithStatus(NodeStatus::SKIPPED));
        std::vector<std::string> errors;
        std::vector<std::string> terminal;
        for (const auto& node : result_.nodes) {
            if (node.error) {
                errors.push_back(fmt::format("{}: {}", node.node, node.error->message));
            }
            const graph::PlanNode& planned = pipeline_.GetNode(node.node);
            bool has_selected_dependent =
                std::any_of(planned.dependents.begin(), planned.dependents.end(), [&](const std::string& name) {
                    return pipeline_.GetNode(name).selected;
                });
            if (!has_selected_dependent) {
                terminal.push_back(node.node);
                record.rows_processed += node.rows_written.value_or(0);
            }
        }
        if (!catalog_problems_.empty()) {
            errors.push_back(CatalogProblemsSummary());
        }
        record.error_summary = Truncate(SecretRegistry::Redact(Join(errors, "; ")), MAXIMUM_ERROR_SUMMARY);
        record.terminal_nodes = Join(terminal, ",");
        record.story_path = result_.story_html_path;
        GuardCatalog(catalog_, catalog_problems_, "record the end of the run", [&](state::Catalog& catalog) {
            catalog.FinishPipelineRun(record);
        });
        RecordObservabilityErrors();
        result_.warnings = RunWarnings();
        result_.catalog_write_failures = catalog_problems_.size();
    }

    std::string CatalogProblemsSummary() const {
        return fmt::format("{} catalog write(s) failed: the catalog's records of this run are incomplete (listed in "
                           "meta_observability_errors when the catalog could take them)",
                           catalog_problems_.size());
    }

    /// The run's warnings: every catalog problem, then one line that says what they mean, so that the
    /// final run message never reports a clean success over a catalog that missed records.
    std::vector<std::string> RunWarnings() const {
        std::vector<std::string> warnings = catalog_problems_;
        if (!catalog_problems_.empty()) {
            warnings.push_back(CatalogProblemsSummary());
        }
        return warnings;
    }

    /// Each catalog problem of the run becomes a meta_observability_errors row, when the catalog
    /// takes writes at all; a catalog that refuses them too has its problems printed only.
    void RecordObservabilityErrors() {
        if (catalog_ == nullptr) {
            return;
        }
        std::string now = FormatIsoUtc(Now());
        for (const auto& problem : catalog_problems_) {
            state::ObservabilityErrorRecord record;
            record.run_id = result_.run_id;
            record.pipeline_name = result_.pipeline;
            record.component = "catalog";
            record.error_message = problem;
            record.timestamp = now;
            try {
                catalog_->RecordObservabilityError(record);
            } catch (const std::exception& error) {
                Log::Error(SecretRegistry::Redact(
                    fmt::format("catalog: could not record an observability error either: {}", error.what())));
                return;
            }
        }
    }

    const graph::Plan& plan_;
    const graph::PipelinePlan& pipeline_;
    const RunOptions& options_;
    engine::Database& database_;
    const std::map<std::string, std::unique_ptr<io::Storage>>& storages_;
    state::Catalog* catalog_;
    Cancellation& cancellation_;
    RunObserver& observer_;
    ResumeMemory& resume_memory_;
    /// Nodes --resume skips, with the reason; written before the workers start, read-only after.
    std::map<std::string, std::string> resumed_;
    PipelineResult result_;
    std::string schema_;

    std::mutex
        state_mutex_; // guards results_, finished_, running_, upstream_, stopped_, interrupted_, ignored_failures_
    std::condition_variable ready_changed_;
    std::map<std::string, NodeResult> results_;
    std::set<std::string> finished_;
    std::set<std::string> running_;
    std::map<std::string, UpstreamFacts> upstream_;
    std::set<std::string> ignored_failures_;
    bool stopped_ = false;
    bool interrupted_ = false;

    std::mutex problems_mutex_; // guards catalog_problems_ during node recording
    std::vector<std::string> catalog_problems_;
};

engine::DatabaseSettings SettingsFor(const config::ProjectConfig& project) {
    engine::DatabaseSettings settings;
    settings.memory_limit = project.performance.memory_limit;
    settings.threads = project.performance.threads;
    settings.temp_directory = project.performance.temp_directory;
    if (!settings.temp_directory) {
        settings.temp_directory =
            (std::filesystem::temp_directory_path() / fmt::format("odibi-spill-{}", getpid())).string();
    }
    return settings;
}

} // namespace

void Cancellation::Cancel() {
    cancelled_ = true;
    std::lock_guard lock(connections_mutex_);
    for (auto* connection : connections_) {
        connection->Interrupt();
    }
}

void Cancellation::Register(engine::Connection* connection) {
    std::lock_guard lock(connections_mutex_);
    connections_.insert(connection);
    if (cancelled_) {
        connection->Interrupt();
    }
}

void Cancellation::Unregister(engine::Connection* connection) {
    std::lock_guard lock(connections_mutex_);
    connections_.erase(connection);
}

std::string CatalogPath(const config::ProjectConfig& project) {
    return (std::filesystem::path(StorageBase(project, project.system.connection, project.system.path)) / "catalog.db")
        .string();
}

std::string StoryRoot(const config::ProjectConfig& project) {
    return StorageBase(project, project.story.connection, project.story.path);
}

RunResult
RunPlan(const graph::Plan& plan, const RunOptions& options, Cancellation& cancellation, RunObserver& observer) {
    const auto& project = *plan.project;
    std::map<std::string, std::unique_ptr<io::Storage>> storages;
    for (const auto& [name, connection] : project.connections) {
        if (connection.type == config::ConnectionType::LOCAL) {
            storages.emplace(name, io::OpenStorage(connection));
        }
    }

    std::unique_ptr<state::Catalog> catalog;
    try {
        catalog = OpenCatalog(project);
        for (const auto& abandoned : catalog->MarkAbandonedRuns(HostName())) {
            observer.OnNotice(fmt::format("run {} of pipeline '{}' (pid {}) was still RUNNING but its process is gone: "
                                          "marked ABANDONED",
                                          abandoned.run_id,
                                          abandoned.pipeline_name,
                                          abandoned.pid));
        }
    } catch (const std::exception& error) {
        std::string message = SecretRegistry::Redact(
            fmt::format("catalog: could not open {}: {}", CatalogLocation(project), error.what()));
        // The fix matters most here (start the server, correct the password): the run goes on without it.
        if (const auto* odibi_error = dynamic_cast<const Error*>(&error);
            odibi_error != nullptr && !odibi_error->Suggestions().empty()) {
            message += SecretRegistry::Redact(" (fix: " + odibi_error->Suggestions().front() + ")");
        }
        Log::Error(message);
        observer.OnNotice(message + " (the run goes on without catalog records)");
        catalog.reset();
    }
    if (catalog) {
        // Before anything reads state or writes a target: finish or roll back what crashed runs left.
        RecoveryReport recovery = RecoverOpenWrites(*catalog, observer);
        if (!recovery.failures.empty()) {
            throw RecoveryFailed(recovery);
        }
    }

    auto database = engine::OpenDuckDb(SettingsFor(project));
    ResumeMemory resume_memory(catalog.get(), project);
    RunResult run;
    run.status = RunStatus::SUCCESS;
    for (const auto& pipeline : plan.pipelines) {
        if (cancellation.IsCancelled()) {
            break;
        }
        PipelineExecution execution(
            plan, pipeline, options, *database, storages, catalog.get(), cancellation, observer, resume_memory);
        run.pipelines.push_back(execution.Run());
        RunStatus status = run.pipelines.back().status;
        if (status == RunStatus::INTERRUPTED) {
            run.status = RunStatus::INTERRUPTED;
        } else if (status == RunStatus::FAILED && run.status != RunStatus::INTERRUPTED) {
            run.status = RunStatus::FAILED;
        }
    }
    if (cancellation.IsCancelled()) {
        run.status = RunStatus::INTERRUPTED;
    }
    if (catalog && !run.pipelines.empty() && run.status != RunStatus::INTERRUPTED) {
        // After every pipeline, so no run waits for it; a problem is a warning, never a failed run.
        PipelineResult& last = run.pipelines.back();
        for (auto& problem : MaintainCatalog(project.system, *catalog, MaintainedRun{last.run_id, last.pipeline})) {
            last.warnings.push_back(std::move(problem));
        }
    }
    return run;
}

} // namespace odibi::execute
