// Smart resume (`odibi run --resume`): which nodes to skip because nothing changed since they last succeeded.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "odibi/execute/runner.hpp"
#include "odibi/graph/plan.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::execute {

/// What one invocation of `odibi run --resume` knows: each pipeline's latest node runs, read from
/// the catalog once per pipeline (never once per node), and the nodes that ran in this invocation
/// (a node reading `$pipeline.node` of a node that ran must run too). Thread-safe.
class ResumeMemory {
public:
    ResumeMemory(state::Catalog* catalog, const config::ProjectConfig& project)
        : catalog_(catalog), project_(project) {}

    /// Node name -> its newest executed run; empty without a catalog. Throws what the catalog throws.
    [[nodiscard]] std::map<std::string, state::NodeRunRecord> LatestRuns(const std::string& pipeline);
    void MarkRan(const std::string& pipeline, const std::string& node);
    [[nodiscard]] bool Ran(const std::string& pipeline, const std::string& node) const;

private:
    state::Catalog* catalog_;
    const config::ProjectConfig& project_; ///< names the nodes of each pipeline
    mutable std::mutex mutex_;             // guards latest_ and ran_
    std::map<std::string, std::map<std::string, state::NodeRunRecord>> latest_;
    std::set<std::string> ran_; ///< "<pipeline>.<node>"
};

/// Facts about the world a resume decision needs, as functions so that tests can fake them.
struct ResumeFacts {
    std::map<std::string, state::NodeRunRecord> latest; ///< node -> newest executed run
    std::function<bool(const graph::PlanNode&)> output_present;
    std::function<bool(const std::string& pipeline, const std::string& node)> ran_in_this_invocation;
    /// The newest executed run of a node of another pipeline (for `$pipeline.node` inputs).
    std::function<std::optional<state::NodeRunRecord>(const std::string& pipeline, const std::string& node)>
        latest_of_other;
};

/// One decision per selected, enabled node, in plan order. A node is skipped only when its newest
/// run succeeded with the same version hash, its written output is present, no upstream node
/// runs, and no upstream node ran after it (e.g. alone, with --node or --pipeline); a node that runs makes its
/// descendants run (cascade). A node without a write that would be skipped still runs when a dependent runs, since its
/// output lives only in the run that made it; that does not cascade further.
[[nodiscard]] std::vector<ResumeDecision> PlanResume(const graph::PipelinePlan& pipeline, const ResumeFacts& facts);

} // namespace odibi::execute
