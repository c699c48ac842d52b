// Smart resume: per-node skip decisions from version hashes, run history and outputs, with cascade.
#include "resume.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace odibi::execute {

std::map<std::string, state::NodeRunRecord> ResumeMemory::LatestRuns(const std::string& pipeline) {
    std::lock_guard lock(mutex_);
    auto found = latest_.find(pipeline);
    if (found != latest_.end()) {
        return found->second;
    }
    std::map<std::string, state::NodeRunRecord> runs;
    const config::PipelineConfig* config = project_.TryGetPipeline(pipeline);
    if (catalog_ != nullptr && config != nullptr) {
        std::vector<std::string> nodes;
        nodes.reserve(config->nodes.size());
        for (const auto& node : config->nodes) {
            nodes.push_back(node.name);
        }
        for (auto& record : catalog_->ListLatestNodeRuns(pipeline, nodes)) {
            runs.emplace(record.node_name, std::move(record));
        }
    }
    latest_.emplace(pipeline, runs);
    return runs;
}

void ResumeMemory::MarkRan(const std::string& pipeline, const std::string& node) {
    std::lock_guard lock(mutex_);
    ran_.insert(pipeline + "." + node);
}

bool ResumeMemory::Ran(const std::string& pipeline, const std::string& node) const {
    std::lock_guard lock(mutex_);
    return ran_.contains(pipeline + "." + node);
}

namespace {

struct Working {
    ResumeDecision decision;
    bool cascades = false; ///< runs for a reason that its descendants inherit
};

std::string HashOf(const state::NodeRunRecord& record) {
    auto found = record.metrics.find("version_hash");
    return found != record.metrics.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// An upstream node whose newest successful run started after `since`: its output is newer than
// what the node read then. Empty when there is none.
std::string RanSince(const graph::PlanNode& node, const state::NodeRunRecord& since, const ResumeFacts& facts) {
    auto is_newer = [&](const std::optional<state::NodeRunRecord>& upstream) {
        return upstream && upstream->status == "SUCCESS" && upstream->run_start_at > since.run_start_at;
    };
    for (const auto& dependency : node.dependencies) {
        auto found = facts.latest.find(dependency);
        if (found != facts.latest.end() && is_newer(found->second)) {
            return dependency;
        }
    }
    for (const auto& reference : node.references) {
        if (!reference.same_pipeline && facts.latest_of_other &&
            is_newer(facts.latest_of_other(reference.pipeline, reference.node))) {
            return reference.pipeline + "." + reference.node;
        }
    }
    return "";
}

} // namespace

std::vector<ResumeDecision> PlanResume(const graph::PipelinePlan& pipeline, const ResumeFacts& facts) {
    std::map<std::string, Working> decided;
    std::vector<std::string> order;
    for (const auto& node : pipeline.nodes) {
        if (!node.selected || !node.enabled) {
            continue;
        }
        Working working;
        working.decision.node = node.name;
        auto runs = [&](std::string reason) {
            working.decision.skip = false;
            working.decision.reason = std::move(reason);
            working.cascades = true;
        };
        auto latest = facts.latest.find(node.name);
        std::string upstream;
        for (const auto& dependency : node.dependencies) {
            auto found = decided.find(dependency);
            if (found != decided.end() && !found->second.decision.skip && found->second.cascades) {
                upstream = dependency;
                break;
            }
        }
        for (const auto& reference : node.references) {
            if (upstream.empty() && !reference.same_pipeline &&
                facts.ran_in_this_invocation(reference.pipeline, reference.node)) {
                upstream = reference.pipeline + "." + reference.node;
            }
        }
        if (latest == facts.latest.end()) {
            runs("no previous run");
        } else if (latest->second.status != "SUCCESS") {
            runs(fmt::format("last run failed (run {})", latest->second.run_id));
        } else if (!upstream.empty()) {
            // Before the hash: a node's hash covers its upstream's, so it changes with them.
            runs(fmt::format("upstream {} runs", upstream));
        } else if (auto newer = RanSince(node, latest->second, facts); !newer.empty()) {
            runs(fmt::format("upstream {} ran since run {}", newer, latest->second.run_id));
        } else if (HashOf(latest->second) != node.version_hash) {
            runs(fmt::format("changed since run {}", latest->second.run_id));
        } else if (node.config->write && !facts.output_present(node)) {
            runs("output missing");
        } else {
            working.decision.skip = true;
            working.decision.run_id = latest->second.run_id;
            working.decision.reason = fmt::format("unchanged since run {}", latest->second.run_id);
        }
        order.push_back(node.name);
        decided.emplace(node.name, std::move(working));
    }
    // Backwards: a skipped node without a write has no output to read, so a running dependent needs it.
    for (auto name = order.rbegin(); name != order.rend(); ++name) {
        Working& working = decided.at(*name);
        const graph::PlanNode& node = pipeline.GetNode(*name);
        if (!working.decision.skip || node.config->write) {
            continue;
        }
        for (const auto& dependent : node.dependents) {
            auto found = decided.find(dependent);
            if (found != decided.end() && !found->second.decision.skip) {
                working.decision.skip = false;
                working.decision.run_id.clear();
                working.decision.reason = fmt::format("needed by {} (its output is not written)", dependent);
                break;
            }
        }
    }
    std::vector<ResumeDecision> decisions;
    decisions.reserve(order.size());
    for (const auto& name : order) {
        decisions.push_back(decided.at(name).decision);
    }
    return decisions;
}

} // namespace odibi::execute
