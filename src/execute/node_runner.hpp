// Runs one node's phases on a worker's DuckDB connection and reports the outcome as a NodeResult.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "odibi/engine/database.hpp"
#include "odibi/execute/run_result.hpp"
#include "odibi/execute/runner.hpp"
#include "odibi/graph/plan.hpp"
#include "odibi/io/storage.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::execute {

/// What every node of one pipeline run shares. Read-only while nodes run.
struct PipelineContext {
    const config::ProjectConfig& project;
    const graph::Plan& plan;
    const graph::PipelinePlan& pipeline;
    const std::map<std::string, std::unique_ptr<io::Storage>>& storages;
    state::Catalog* catalog = nullptr; ///< null when the catalog could not be opened
    std::string schema;                ///< quoted DuckDB schema that holds this pipeline's relations
    std::string run_id;
    int max_sample_rows = 0;
};

/// Facts about finished upstream nodes that a node needs (row counts for rows_in).
struct UpstreamFacts {
    std::optional<int64_t> rows_out;
};

/// The catalog's record of a node's outcome (meta_runs, meta_node_runs).
[[nodiscard]] state::NodeRunRecord NodeRunRecordOf(const NodeResult& node,
                                                   const std::string& run_id,
                                                   const std::string& project,
                                                   const std::string& environment);

/// NODE_HAS_NO_INPUT for a node with a write and nothing to feed it (found by validation and at run time).
[[nodiscard]] Error NothingToWrite(const std::string& node);

/// Runs the node with retries. Never throws for node-level failures: they become NodeResult errors.
[[nodiscard]] NodeResult RunNode(const graph::PlanNode& node,
                                 const PipelineContext& context,
                                 const std::map<std::string, UpstreamFacts>& upstream,
                                 engine::Connection& connection,
                                 Cancellation& cancellation);

} // namespace odibi::execute
