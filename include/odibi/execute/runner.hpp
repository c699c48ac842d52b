// Runs a plan: pipelines in order, each pipeline's nodes in parallel as their inputs complete.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/execute/run_result.hpp"
#include "odibi/graph/plan.hpp"

namespace odibi::execute {

/// Stops a run from another thread (the CLI's signal watcher): running queries are interrupted,
/// running nodes fail with INTERRUPTED, pending nodes are skipped, every record is still written.
class Cancellation {
public:
    void Cancel();
    [[nodiscard]] bool IsCancelled() const { return cancelled_.load(); }
    /// While registered, a connection is interrupted by Cancel().
    void Register(engine::Connection* connection);
    void Unregister(engine::Connection* connection);

private:
    std::atomic<bool> cancelled_{false};
    std::mutex connections_mutex_; // guards connections_
    std::set<engine::Connection*> connections_;
};

/// What `odibi run --resume` decided for one node before the pipeline ran.
struct ResumeDecision {
    std::string node;
    bool skip = false;
    std::string run_id; ///< the earlier run whose output stands in (when skipped)
    std::string reason; ///< "unchanged since run <id>", or why it runs ("changed since run <id>", ...)
};

/// Progress callbacks; called from worker threads, one call at a time.
class RunObserver {
public:
    virtual ~RunObserver() = default;
    virtual void OnNotice(const std::string& /*text*/) {}
    virtual void OnPipelineStart(const graph::PipelinePlan& /*pipeline*/, const std::string& /*run_id*/) {}
    /// With --resume: every selected, enabled node's decision, in plan order, before any node runs.
    virtual void OnResumePlan(const std::string& /*pipeline*/, const std::vector<ResumeDecision>& /*decisions*/) {}
    virtual void OnNodeStart(const std::string& /*pipeline*/, const std::string& /*node*/) {}
    virtual void OnNodeFinish(const NodeResult& /*result*/) {}
    /// Called before the pipeline's run record is finalised: set story paths on `result` here.
    virtual void OnPipelineFinish(PipelineResult& /*result*/) {}
};

struct RunOptions {
    int workers = 0;                               ///< nodes run at once; 0 = number of cores
    std::optional<config::ErrorStrategy> on_error; ///< --on-error: overrides every node's on_error
    /// --resume: skip nodes whose last run succeeded with the same version hash and whose output is
    /// still there; changed nodes run with their descendants.
    bool resume = false;
};

/// Where the system catalog of a project lives: <system connection base>/<system.path>/catalog.db.
[[nodiscard]] std::string CatalogPath(const config::ProjectConfig& project);
/// The story root: <story connection base>/<story.path>.
[[nodiscard]] std::string StoryRoot(const config::ProjectConfig& project);

/// Runs every selected node of the plan. Node failures are values in the result, not exceptions.
[[nodiscard]] RunResult
RunPlan(const graph::Plan& plan, const RunOptions& options, Cancellation& cancellation, RunObserver& observer);

/// Checks what the loader and planner cannot: formats and connections this build can read and
/// write, transformer params. Returns every problem found.
[[nodiscard]] DiagnosticList ValidatePlan(const graph::Plan& plan);

/// Names for graph::BuildPlan: built-in transformers, and Odibi names recognised but not built yet.
[[nodiscard]] std::vector<std::string> KnownTransformerNames();
[[nodiscard]] std::vector<std::string> PlannedTransformerNames();

} // namespace odibi::execute
