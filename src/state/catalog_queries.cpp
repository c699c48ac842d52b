// Builds the catalog's SQL text from fixed column lists; user values only ever travel as parameters.
#include "catalog_queries.hpp"

#include <array>
#include <optional>

#include "catalog_text.hpp"
#include "catalog_time.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::state {
namespace {

using enum OnConflict;

constexpr std::array PIPELINE_RUN_BEGIN_COLUMNS = {
    UpsertColumn{"run_id", REPLACE},
    UpsertColumn{"project", REPLACE},
    UpsertColumn{"pipeline_name", REPLACE},
    UpsertColumn{"owner", REPLACE},
    UpsertColumn{"layer", REPLACE},
    UpsertColumn{"run_start_at", REPLACE},
    UpsertColumn{"run_end_at", REPLACE},
    UpsertColumn{"duration_ms", REPLACE},
    UpsertColumn{"status", REPLACE},
    UpsertColumn{"nodes_total", REPLACE},
    UpsertColumn{"nodes_succeeded", REPLACE},
    UpsertColumn{"nodes_failed", REPLACE},
    UpsertColumn{"nodes_skipped", REPLACE},
    UpsertColumn{"rows_processed", REPLACE},
    UpsertColumn{"error_summary", REPLACE},
    UpsertColumn{"terminal_nodes", REPLACE},
    UpsertColumn{"environment", REPLACE},
    UpsertColumn{"host", REPLACE},
    UpsertColumn{"pid", REPLACE},
    UpsertColumn{"heartbeat_at", REPLACE},
    UpsertColumn{"story_path", REPLACE},
    UpsertColumn{"created_at", KEEP},
};

// A finishing run overwrites its outcome; what only the start knew (owner, host, pid...) survives a
// finish record that leaves it empty, and the start time stays the one BeginPipelineRun wrote.
constexpr std::array PIPELINE_RUN_FINISH_COLUMNS = {
    UpsertColumn{"run_id", REPLACE},
    UpsertColumn{"project", KEEP_WHEN_NULL},
    UpsertColumn{"pipeline_name", REPLACE},
    UpsertColumn{"owner", KEEP_WHEN_NULL},
    UpsertColumn{"layer", KEEP_WHEN_NULL},
    UpsertColumn{"run_start_at", KEEP},
    UpsertColumn{"run_end_at", REPLACE},
    UpsertColumn{"duration_ms", REPLACE},
    UpsertColumn{"status", REPLACE},
    UpsertColumn{"nodes_total", REPLACE},
    UpsertColumn{"nodes_succeeded", REPLACE},
    UpsertColumn{"nodes_failed", REPLACE},
    UpsertColumn{"nodes_skipped", REPLACE},
    UpsertColumn{"rows_processed", REPLACE},
    UpsertColumn{"error_summary", REPLACE},
    UpsertColumn{"terminal_nodes", KEEP_WHEN_NULL},
    UpsertColumn{"environment", KEEP_WHEN_NULL},
    UpsertColumn{"host", KEEP_WHEN_NULL},
    UpsertColumn{"pid", KEEP_WHEN_NULL},
    UpsertColumn{"heartbeat_at", KEEP_WHEN_NULL},
    UpsertColumn{"story_path", KEEP_WHEN_NULL},
    UpsertColumn{"created_at", KEEP},
};

constexpr std::array RUN_COLUMNS = {
    UpsertColumn{"run_id"},
    UpsertColumn{"project"},
    UpsertColumn{"pipeline_name"},
    UpsertColumn{"node_name"},
    UpsertColumn{"status"},
    UpsertColumn{"rows_processed"},
    UpsertColumn{"duration_ms"},
    UpsertColumn{"metrics_json"},
    UpsertColumn{"environment"},
    UpsertColumn{"timestamp"},
    UpsertColumn{"date"},
};

// node_id identifies the first recording of a node in a run; re-recording keeps it.
constexpr std::array NODE_RUN_COLUMNS = {
    UpsertColumn{"run_id"},
    UpsertColumn{"node_id", KEEP},
    UpsertColumn{"project"},
    UpsertColumn{"pipeline_name"},
    UpsertColumn{"node_name"},
    UpsertColumn{"status"},
    UpsertColumn{"run_start_at"},
    UpsertColumn{"run_end_at"},
    UpsertColumn{"duration_ms"},
    UpsertColumn{"rows_processed"},
    UpsertColumn{"metrics_json"},
    UpsertColumn{"environment"},
    UpsertColumn{"created_at", KEEP},
};

constexpr std::array FAILURE_COLUMNS = {
    UpsertColumn{"failure_id"},
    UpsertColumn{"run_id"},
    UpsertColumn{"project"},
    UpsertColumn{"pipeline_name"},
    UpsertColumn{"node_name"},
    UpsertColumn{"error_type"},
    UpsertColumn{"error_message"},
    UpsertColumn{"error_code"},
    UpsertColumn{"stack_trace"},
    UpsertColumn{"environment"},
    UpsertColumn{"timestamp"},
    UpsertColumn{"date"},
};

constexpr std::array OUTPUT_COLUMNS = {
    UpsertColumn{"pipeline_name"},
    UpsertColumn{"node_name"},
    UpsertColumn{"output_type"},
    UpsertColumn{"connection_name"},
    UpsertColumn{"path"},
    UpsertColumn{"format"},
    UpsertColumn{"table_name"},
    UpsertColumn{"last_run"},
    UpsertColumn{"row_count"},
    UpsertColumn{"updated_at"},
};

constexpr std::array STATE_COLUMNS = {
    UpsertColumn{"key"},
    UpsertColumn{"value"},
    UpsertColumn{"environment"},
    UpsertColumn{"updated_at"},
};

constexpr std::array TABLE_COLUMNS = {
    UpsertColumn{"project"},
    UpsertColumn{"table_name"},
    UpsertColumn{"path"},
    UpsertColumn{"format"},
    UpsertColumn{"pattern_type"},
    UpsertColumn{"schema_hash"},
    UpsertColumn{"updated_at"},
};

constexpr std::array WRITE_INTENT_COLUMNS = {
    UpsertColumn{"intent_id"},
    UpsertColumn{"run_id"},
    UpsertColumn{"pipeline_name"},
    UpsertColumn{"node_name"},
    UpsertColumn{"target"},
    UpsertColumn{"staging"},
    UpsertColumn{"mode"},
    UpsertColumn{"format"},
    UpsertColumn{"published_marker"},
    UpsertColumn{"commit_json"},
    UpsertColumn{"created_at", KEEP},
};

constexpr std::array OBSERVABILITY_ERROR_COLUMNS = {
    UpsertColumn{"error_id"},
    UpsertColumn{"run_id"},
    UpsertColumn{"pipeline_name"},
    UpsertColumn{"component"},
    UpsertColumn{"error_message"},
    UpsertColumn{"timestamp"},
    UpsertColumn{"date"},
};

constexpr std::array QUALITY_COLUMNS = {
    UpsertColumn{"quality_id"},     UpsertColumn{"run_id"},       UpsertColumn{"pipeline_name"},
    UpsertColumn{"node_name"},      UpsertColumn{"check_name"},   UpsertColumn{"check_type"},
    UpsertColumn{"phase"},          UpsertColumn{"columns"},      UpsertColumn{"severity"},
    UpsertColumn{"status"},         UpsertColumn{"rows_checked"}, UpsertColumn{"violation_count"},
    UpsertColumn{"pass_rate"},      UpsertColumn{"threshold"},    UpsertColumn{"observed_value"},
    UpsertColumn{"failing_sample"}, UpsertColumn{"message"},      UpsertColumn{"timestamp"},
    UpsertColumn{"date"},
};

std::string WithFilters(std::string_view select, const std::vector<std::string>& conditions) {
    std::string sql(select);
    if (!conditions.empty()) {
        sql += " WHERE " + Join(conditions, " AND ");
    }
    return sql;
}

void AppendLimit(std::string& sql, int limit) {
    if (limit > 0) {
        sql += fmt::format(" LIMIT {}", limit);
    }
}

bool HasDays(const std::optional<int>& days) {
    return days.has_value() && *days > 0;
}

// The WHERE conditions of a history query and their parameters, in binding order.
class Filters {
public:
    // `column = ?` when `value` is set.
    void Equal(std::string_view column, const std::optional<std::string>& value) {
        if (value) {
            Add(fmt::format("{} = ?", column), *value);
        }
    }
    // `column >= cutoff` for "the last N days" when `days` is a positive number.
    void WithinDays(std::string_view column, const std::optional<int>& days, TimePoint now) {
        if (HasDays(days)) {
            Add(fmt::format("{} >= ?", column), CutoffForDays(now, *days));
        }
    }
    void Add(std::string condition, std::string parameter) {
        conditions_.push_back(std::move(condition));
        parameters_.push_back(std::move(parameter));
    }
    // `select` with the conditions, ORDER BY `order` and the limit.
    [[nodiscard]] BoundQuery Bind(std::string_view select, std::string_view order, int limit) && {
        BoundQuery bound{WithFilters(select, conditions_) + " ORDER BY " + std::string(order), std::move(parameters_)};
        AppendLimit(bound.sql, limit);
        return bound;
    }

private:
    std::vector<std::string> conditions_;
    std::vector<std::string> parameters_;
};

// Node-level history of a run that is still RUNNING stays with its run, however old it is.
constexpr std::string_view NOT_OF_A_RUNNING_RUN =
    "run_id NOT IN (SELECT run_id FROM meta_pipeline_runs WHERE status = 'RUNNING')";

// Which rows of each history table a cutoff removes; one `?`, the cutoff.
struct HistoryTable {
    std::string_view table;
    std::optional<std::string> HistoryCutoff::*cutoff;
    std::string condition;
};

std::vector<HistoryTable> HistoryTables() {
    std::string not_running(NOT_OF_A_RUNNING_RUN);
    return {
        {"meta_pipeline_runs", &HistoryCutoff::runs, "status <> 'RUNNING' AND run_start_at < ?"},
        {"meta_runs", &HistoryCutoff::runs, "timestamp < ? AND " + not_running},
        {"meta_node_runs", &HistoryCutoff::runs, "run_start_at < ? AND " + not_running},
        {"meta_failures", &HistoryCutoff::failures, "timestamp < ? AND " + not_running},
        // run_id is optional here; NOT IN would never match a NULL.
        {"meta_observability_errors",
         &HistoryCutoff::observability_errors,
         "timestamp < ? AND (run_id IS NULL OR " + not_running + ")"},
        {"meta_quality", &HistoryCutoff::quality, "timestamp < ? AND " + not_running},
    };
}

constexpr std::array<std::string_view, 11> CATALOG_TABLES = {
    "meta_pipeline_runs",
    "meta_runs",
    "meta_node_runs",
    "meta_failures",
    "meta_outputs",
    "meta_state",
    "meta_schemas",
    "meta_tables",
    "meta_write_intents",
    "meta_observability_errors",
    "meta_quality",
};

} // namespace

std::string UpsertSql(std::string_view table, std::span<const UpsertColumn> columns, std::string_view conflict_key) {
    std::vector<std::string> names;
    std::vector<std::string> placeholders;
    std::vector<std::string> assignments;
    for (const auto& column : columns) {
        names.emplace_back(column.name);
        placeholders.emplace_back("?");
        switch (column.on_conflict) {
        case OnConflict::REPLACE:
            assignments.push_back(fmt::format("{0} = excluded.{0}", column.name));
            break;
        case OnConflict::KEEP_WHEN_NULL:
            assignments.push_back(fmt::format("{0} = COALESCE(excluded.{0}, {1}.{0})", column.name, table));
            break;
        case OnConflict::KEEP:
            break;
        }
    }
    return fmt::format("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}",
                       table,
                       Join(names, ", "),
                       Join(placeholders, ", "),
                       conflict_key,
                       Join(assignments, ", "));
}

std::span<const UpsertColumn> PipelineRunBeginColumns() {
    return PIPELINE_RUN_BEGIN_COLUMNS;
}
std::span<const UpsertColumn> PipelineRunFinishColumns() {
    return PIPELINE_RUN_FINISH_COLUMNS;
}
std::span<const UpsertColumn> RunColumns() {
    return RUN_COLUMNS;
}
std::span<const UpsertColumn> NodeRunColumns() {
    return NODE_RUN_COLUMNS;
}
std::span<const UpsertColumn> FailureColumns() {
    return FAILURE_COLUMNS;
}
std::span<const UpsertColumn> OutputColumns() {
    return OUTPUT_COLUMNS;
}
std::span<const UpsertColumn> StateColumns() {
    return STATE_COLUMNS;
}
std::span<const UpsertColumn> TableColumns() {
    return TABLE_COLUMNS;
}

std::span<const UpsertColumn> WriteIntentColumns() {
    return WRITE_INTENT_COLUMNS;
}
std::span<const UpsertColumn> ObservabilityErrorColumns() {
    return OBSERVABILITY_ERROR_COLUMNS;
}
std::span<const UpsertColumn> QualityColumns() {
    return QUALITY_COLUMNS;
}

std::string ListWriteIntentsSql() {
    return std::string(SELECT_WRITE_INTENTS) + " ORDER BY created_at, intent_id";
}

std::string DeleteWriteIntentSql() {
    return "DELETE FROM meta_write_intents WHERE intent_id = ?";
}

std::string LastPipelineRunSql(bool with_status) {
    std::vector<std::string> conditions = {"pipeline_name = ?"};
    if (with_status) {
        conditions.emplace_back("status = ?");
    }
    return WithFilters(SELECT_PIPELINE_RUNS, conditions) + " ORDER BY run_start_at DESC LIMIT 1";
}

std::string NodeRunsOfRunSql() {
    return std::string(SELECT_NODE_RUNS) + " WHERE run_id = ? ORDER BY run_start_at, node_name";
}

std::string LatestNodeRunsSql(size_t node_count) {
    std::vector<std::string> parts;
    parts.reserve(node_count);
    for (size_t index = 0; index < node_count; ++index) {
        parts.push_back(fmt::format("SELECT * FROM ({} WHERE pipeline_name = ? AND node_name = ? AND status <> "
                                    "'SKIPPED' ORDER BY run_start_at DESC LIMIT 1) AS latest_{}",
                                    SELECT_NODE_RUNS,
                                    index));
    }
    return Join(parts, " UNION ALL ");
}

std::string LatestSchemaSql() {
    return std::string(SELECT_SCHEMAS) + " WHERE table_path = ? ORDER BY schema_version DESC LIMIT 1";
}

std::string InsertSchemaSql() {
    return "INSERT INTO meta_schemas (table_path, schema_version, schema_hash, columns, captured_at, pipeline, node, "
           "run_id, columns_added, columns_removed, columns_type_changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
}

std::string OutputByKeySql() {
    return std::string(SELECT_OUTPUTS) + " WHERE pipeline_name = ? AND node_name = ?";
}

std::string StateByKeySql() {
    return std::string(SELECT_STATE) + " WHERE key = ?";
}

std::string DeleteStateSql() {
    return "DELETE FROM meta_state WHERE key = ?";
}

std::string ListStateSql() {
    return std::string(SELECT_STATE) + " ORDER BY key";
}

std::string RunningRunsOfHostSql() {
    return std::string(SELECT_PIPELINE_RUNS) + " WHERE status = 'RUNNING' AND host = ? ORDER BY run_start_at";
}

std::string AbandonRunSql() {
    return "UPDATE meta_pipeline_runs SET status = 'ABANDONED', run_end_at = ?, duration_ms = ?, "
           "error_summary = COALESCE(error_summary, ?) WHERE run_id = ? AND status = 'RUNNING'";
}

std::string HeartbeatSql() {
    return "UPDATE meta_pipeline_runs SET heartbeat_at = ? WHERE run_id = ? AND status = 'RUNNING'";
}

std::vector<HistoryQuery> HistoryQueries(const HistoryCutoff& cutoff) {
    std::vector<HistoryQuery> queries;
    for (const auto& history : HistoryTables()) {
        const std::optional<std::string>& before = cutoff.*history.cutoff;
        if (!before) {
            continue;
        }
        std::string where = fmt::format(" FROM {} WHERE {}", history.table, history.condition);
        queries.push_back(HistoryQuery{
            history.table, BoundQuery{"SELECT count(*)" + where, {*before}}, BoundQuery{"DELETE" + where, {*before}}});
    }
    return queries;
}

std::span<const std::string_view> CatalogTableNames() {
    return CATALOG_TABLES;
}

BoundQuery PipelineRunsQuery(const RunQuery& query, TimePoint now) {
    Filters filters;
    filters.Equal("pipeline_name", query.pipeline);
    if (query.status) {
        filters.Add("status = ?", NormalizeStatus(*query.status));
    }
    filters.WithinDays("run_start_at", query.days, now);
    if (query.node) {
        filters.Add("run_id IN (SELECT run_id FROM meta_node_runs WHERE node_name = ?)", *query.node);
    }
    return std::move(filters).Bind(SELECT_PIPELINE_RUNS, "run_start_at DESC", query.limit);
}

BoundQuery NodeRunsQuery(const RunQuery& query, TimePoint now) {
    Filters filters;
    filters.Equal("pipeline_name", query.pipeline);
    filters.Equal("node_name", query.node);
    if (query.status) {
        filters.Add("status = ?", NormalizeStatus(*query.status));
    }
    filters.WithinDays("run_start_at", query.days, now);
    return std::move(filters).Bind(SELECT_NODE_RUNS, "run_start_at DESC", query.limit);
}

BoundQuery FailuresQuery(const RunQuery& query, TimePoint now) {
    Filters filters;
    filters.Equal("pipeline_name", query.pipeline);
    filters.Equal("node_name", query.node);
    filters.WithinDays("timestamp", query.days, now);
    return std::move(filters).Bind(SELECT_FAILURES, "timestamp DESC", query.limit);
}

BoundQuery QualityResultsQuery(const QualityQuery& query, TimePoint now) {
    Filters filters;
    filters.Equal("pipeline_name", query.pipeline);
    filters.Equal("node_name", query.node);
    filters.Equal("run_id", query.run_id);
    filters.WithinDays("timestamp", query.days, now);
    // The checks of one node share their timestamp: the names keep the order stable.
    return std::move(filters).Bind(SELECT_QUALITY, "timestamp DESC, pipeline_name, node_name, check_name", query.limit);
}

std::string LastSucceededQualitySql() {
    // The outer columns are meta_quality's; the subquery names its own table, so that run_id and the
    // node's names are compared across the two tables and never with themselves.
    return std::string(SELECT_QUALITY) +
           " WHERE pipeline_name = ? AND node_name = ? AND check_name = ? AND EXISTS (SELECT 1 FROM meta_node_runs "
           "WHERE meta_node_runs.run_id = meta_quality.run_id AND meta_node_runs.pipeline_name = "
           "meta_quality.pipeline_name AND meta_node_runs.node_name = meta_quality.node_name AND "
           "meta_node_runs.status = 'SUCCESS') ORDER BY timestamp DESC LIMIT 1";
}

} // namespace odibi::state
