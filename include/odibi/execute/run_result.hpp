// What a run produced: per node and per pipeline results, the input of the story and the catalog.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "odibi/common/clock.hpp"
#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/quality/quality.hpp"

namespace odibi::execute {

enum class NodeStatus : uint8_t { SUCCESS, FAILED, SKIPPED };
enum class RunStatus : uint8_t { RUNNING, SUCCESS, FAILED, INTERRUPTED, ABANDONED };

[[nodiscard]] std::string NodeStatusName(NodeStatus status); ///< "success" | "failed" | "skipped"
[[nodiscard]] std::string RunStatusName(RunStatus status);   ///< "RUNNING" | "SUCCESS" | ...

/// One executed piece of a node (read, a transform step, write, pre/post SQL) and its SQL.
struct StepRecord {
    std::string phase;       ///< "pre_sql", "read", "transform", "write", "post_sql", ...
    std::string description; ///< "step 2 of 3: sql", "read csv landing/customers.csv"
    std::string sql;         ///< the SQL that ran (redacted)
    int64_t duration_ms = 0;
};

/// A node failure as users see it on the terminal and in the story.
struct ErrorRecord {
    std::string code;    ///< "E300"
    std::string type;    ///< "SQL_ERROR"
    std::string message; ///< DuckDB's text kept whole
    std::string phase;   ///< "transform"
    std::string step;    ///< "step 2 of 3 (sql)"
    std::string sql;
    std::string location; ///< "odibi.yaml:40:11 pipelines[0].nodes[1].transform.steps[1]"
    std::vector<std::string> available_columns;
    std::vector<std::string> suggestions;
};

/// A small, printable sample of rows.
struct Sample {
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
};

struct NodeResult {
    std::string pipeline;
    std::string node;
    std::string operation; ///< "read -> transform -> write" summary
    NodeStatus status = NodeStatus::SKIPPED;
    std::string skip_cause; ///< "upstream 'x' failed", "disabled", "pipeline stopped (fail_fast)"
    TimePoint started_at{};
    TimePoint finished_at{};
    int64_t duration_ms = 0;
    int attempts = 0;
    std::optional<int64_t> rows_in;
    std::optional<int64_t> rows_out;
    std::optional<int64_t> rows_written;
    std::vector<engine::ColumnInfo> schema_in;
    std::vector<engine::ColumnInfo> schema_out;
    Sample sample_in;
    Sample sample_out;
    std::vector<StepRecord> steps;
    std::optional<ErrorRecord> error;
    std::vector<std::string> warnings;
    /// Catalog writes of this node that failed (also among `warnings`); the pipeline reports them
    /// in its run message and in meta_observability_errors.
    std::vector<std::string> catalog_problems;
    /// Every data-quality check the node evaluated (contracts, tests, gate, cross-node check), passed
    /// or not, in the order they ran; recorded in meta_quality and shown in the story.
    std::vector<quality::QualityResult> quality;
    std::optional<int64_t> rows_quarantined; ///< rows appended to the quarantine target
    std::string quarantine_location;
    std::string write_location; ///< resolved path written, if any
    std::string write_format;
    std::string write_mode;
    std::string version_hash;
    std::string description;
    std::string explanation;
    std::string runbook_url;
    std::vector<std::string> dependencies;
    std::string config_yaml; ///< the node's config as JSON text (redacted), for the story
};

struct PipelineResult {
    std::string run_id;
    std::string project;
    std::string pipeline;
    std::string layer;
    std::string owner;
    std::optional<std::string> environment;
    RunStatus status = RunStatus::RUNNING;
    TimePoint started_at{};
    TimePoint finished_at{};
    int64_t duration_ms = 0;
    std::vector<NodeResult> nodes;     ///< plan order; selected nodes only
    std::vector<std::string> warnings; ///< run-level problems, e.g. catalog writes that failed
    size_t catalog_write_failures = 0; ///< catalog writes of the run that failed (each among `warnings`)
    std::string story_html_path;       ///< set once the story is written
    std::string story_json_path;

    [[nodiscard]] size_t CountWithStatus(NodeStatus status) const;
};

/// One `odibi run` invocation: its pipelines in run order, each with its own run_id.
struct RunResult {
    RunStatus status = RunStatus::RUNNING;
    std::vector<PipelineResult> pipelines;
};

} // namespace odibi::execute
