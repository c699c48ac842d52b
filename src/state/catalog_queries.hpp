// The catalog's SQL, shared by the backends: portable text with positional `?` parameters. A backend
// binds the parameters in the order the column lists below give and reads result columns in the same
// order.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "odibi/common/clock.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::state {

/// What an upsert does with a column when the row already exists.
enum class OnConflict : uint8_t {
    REPLACE,        ///< take the new value
    KEEP_WHEN_NULL, ///< take the new value unless it is NULL
    KEEP,           ///< keep the stored value
};

struct UpsertColumn {
    std::string_view name;
    OnConflict on_conflict = OnConflict::REPLACE;
};

/// INSERT INTO table (columns) VALUES (?, ...) ON CONFLICT (conflict_key) DO UPDATE SET ...
[[nodiscard]] std::string
UpsertSql(std::string_view table, std::span<const UpsertColumn> columns, std::string_view conflict_key);

/// A query and its text parameters, in order.
struct BoundQuery {
    std::string sql;
    std::vector<std::string> parameters;
};

// Column lists of the write statements, in binding order.
[[nodiscard]] std::span<const UpsertColumn> PipelineRunBeginColumns();
[[nodiscard]] std::span<const UpsertColumn> PipelineRunFinishColumns();
[[nodiscard]] std::span<const UpsertColumn> RunColumns();
[[nodiscard]] std::span<const UpsertColumn> NodeRunColumns();
[[nodiscard]] std::span<const UpsertColumn> FailureColumns();
[[nodiscard]] std::span<const UpsertColumn> OutputColumns();
[[nodiscard]] std::span<const UpsertColumn> StateColumns();
[[nodiscard]] std::span<const UpsertColumn> TableColumns();
[[nodiscard]] std::span<const UpsertColumn> WriteIntentColumns();
[[nodiscard]] std::span<const UpsertColumn> ObservabilityErrorColumns();
[[nodiscard]] std::span<const UpsertColumn> QualityColumns();

// SELECT lists whose columns follow the field order of the matching record struct.
inline constexpr std::string_view SELECT_PIPELINE_RUNS =
    "SELECT run_id, project, pipeline_name, owner, layer, run_start_at, run_end_at, duration_ms, status, "
    "nodes_total, nodes_succeeded, nodes_failed, nodes_skipped, rows_processed, error_summary, terminal_nodes, "
    "environment, host, pid, heartbeat_at, story_path FROM meta_pipeline_runs";
inline constexpr std::string_view SELECT_NODE_RUNS =
    "SELECT run_id, project, pipeline_name, node_name, status, run_start_at, run_end_at, duration_ms, "
    "rows_processed, metrics_json, environment FROM meta_node_runs";
inline constexpr std::string_view SELECT_FAILURES =
    "SELECT failure_id, run_id, project, pipeline_name, node_name, error_type, error_message, error_code, "
    "stack_trace, environment, timestamp FROM meta_failures";
inline constexpr std::string_view SELECT_OUTPUTS =
    "SELECT pipeline_name, node_name, output_type, connection_name, path, format, table_name, last_run, "
    "row_count, updated_at FROM meta_outputs";
inline constexpr std::string_view SELECT_STATE = "SELECT key, value, environment, updated_at FROM meta_state";
inline constexpr std::string_view SELECT_SCHEMAS =
    "SELECT table_path, schema_version, schema_hash, columns, captured_at, pipeline, node, run_id, "
    "columns_added, columns_removed, columns_type_changed FROM meta_schemas";
inline constexpr std::string_view SELECT_WRITE_INTENTS =
    "SELECT intent_id, run_id, pipeline_name, node_name, target, staging, mode, format, published_marker, "
    "commit_json, created_at FROM meta_write_intents";
inline constexpr std::string_view SELECT_QUALITY =
    "SELECT quality_id, run_id, pipeline_name, node_name, check_name, check_type, phase, columns, severity, status, "
    "rows_checked, violation_count, pass_rate, threshold, observed_value, failing_sample, message, timestamp "
    "FROM meta_quality";

/// The newest run of one pipeline (parameters: pipeline_name[, status]); served by
/// idx_meta_pipeline_runs_pipeline_start.
[[nodiscard]] std::string LastPipelineRunSql(bool with_status);
[[nodiscard]] std::string NodeRunsOfRunSql();
/// Node names one LatestNodeRunsSql statement covers (SQLite allows 500 terms in a UNION ALL).
inline constexpr size_t LATEST_NODE_RUNS_PER_QUERY = 200;
/// The newest run that was not SKIPPED of each of `node_count` nodes (parameters: pipeline_name, node_name
/// per node). Each part walks idx_meta_node_runs_pipeline_node_start from the newest row and stops at
/// the first executed run, so the cost does not grow with the history.
[[nodiscard]] std::string LatestNodeRunsSql(size_t node_count);
/// The latest version of one table's schema (parameter: table_path).
[[nodiscard]] std::string LatestSchemaSql();
[[nodiscard]] std::string InsertSchemaSql();
[[nodiscard]] std::string OutputByKeySql();
[[nodiscard]] std::string StateByKeySql();
[[nodiscard]] std::string DeleteStateSql();
[[nodiscard]] std::string ListStateSql();
/// RUNNING runs of a host (parameter: host).
[[nodiscard]] std::string RunningRunsOfHostSql();
/// Parameters: run_end_at, duration_ms, error_summary, run_id.
[[nodiscard]] std::string AbandonRunSql();
/// Parameters: heartbeat_at, run_id.
[[nodiscard]] std::string HeartbeatSql();

/// Open write intents, oldest first.
[[nodiscard]] std::string ListWriteIntentsSql();
/// Parameter: intent_id.
[[nodiscard]] std::string DeleteWriteIntentSql();

/// One table's part of a history cleanup: the count and the delete of its rows older than the cutoff
/// (both bound to the same parameters), so that a dry run counts exactly what the delete removes.
struct HistoryQuery {
    std::string_view table;
    BoundQuery count;
    BoundQuery remove;
};
/// The history tables `cutoff` names, in the order the cleanup visits them; tables without a cutoff
/// are left out. Rows of RUNNING pipeline runs never match.
[[nodiscard]] std::vector<HistoryQuery> HistoryQueries(const HistoryCutoff& cutoff);

/// Every table of the catalog's layout (the meta_* tables), for maintenance such as VACUUM.
[[nodiscard]] std::span<const std::string_view> CatalogTableNames();

/// Pipeline runs matching the filters, newest first; `now` anchors the `days` cutoff.
[[nodiscard]] BoundQuery PipelineRunsQuery(const RunQuery& query, TimePoint now);
[[nodiscard]] BoundQuery NodeRunsQuery(const RunQuery& query, TimePoint now);
[[nodiscard]] BoundQuery FailuresQuery(const RunQuery& query, TimePoint now);
/// Quality results matching the filters, newest first (checks of one moment ordered by pipeline, node and
/// check name).
[[nodiscard]] BoundQuery QualityResultsQuery(const QualityQuery& query, TimePoint now);
/// The newest result of one check of a node from a run in which the node succeeded (parameters:
/// pipeline_name, node_name, check_name); served by idx_meta_quality_pipeline_node_check_timestamp and
/// meta_node_runs' unique (run_id, pipeline_name, node_name).
[[nodiscard]] std::string LastSucceededQualitySql();

} // namespace odibi::state
