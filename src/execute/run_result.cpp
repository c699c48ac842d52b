// Names of run and node statuses as the catalog, the story and the terminal show them.
#include "odibi/execute/run_result.hpp"

#include <algorithm>

namespace odibi::execute {

std::string NodeStatusName(NodeStatus status) {
    switch (status) {
    case NodeStatus::SUCCESS:
        return "success";
    case NodeStatus::FAILED:
        return "failed";
    case NodeStatus::SKIPPED:
        return "skipped";
    }
    return "skipped";
}

std::string RunStatusName(RunStatus status) {
    switch (status) {
    case RunStatus::RUNNING:
        return "RUNNING";
    case RunStatus::SUCCESS:
        return "SUCCESS";
    case RunStatus::FAILED:
        return "FAILED";
    case RunStatus::INTERRUPTED:
        return "INTERRUPTED";
    case RunStatus::ABANDONED:
        return "ABANDONED";
    }
    return "FAILED";
}

size_t PipelineResult::CountWithStatus(NodeStatus status) const {
    return static_cast<size_t>(
        std::count_if(nodes.begin(), nodes.end(), [status](const NodeResult& node) { return node.status == status; }));
}

} // namespace odibi::execute
