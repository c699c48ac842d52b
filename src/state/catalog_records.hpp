// How catalog records map to rows, shared by the backends: required fields, defaults, JSON columns,
// the column order of the SELECT lists in catalog_queries.hpp, and the order of state values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "odibi/state/catalog.hpp"

namespace odibi::state {

/// Rejects a record whose required field is empty: the caller has a bug, and a NOT NULL column would
/// otherwise end up holding an empty string that no query finds.
void RequireRecordField(const std::string& value, std::string_view field, std::string_view operation);

[[nodiscard]] inline std::string ValueOrDefault(const std::string& value, const std::string& fallback) {
    return value.empty() ? fallback : value;
}

/// The row BeginPipelineRun writes for `record`: required fields checked, start time and heartbeat
/// defaulting to `now`, status RUNNING when empty (else normalised).
[[nodiscard]] PipelineRunRecord BeginRunRow(const PipelineRunRecord& record, const std::string& now);

/// Rejects a write intent that lacks a field recovery needs (every one but the commit).
void RequireWriteIntentFields(const WriteIntent& intent);

/// A RUNNING run whose process is gone, as MarkAbandonedRuns closes it: status ABANDONED, ended at its
/// last heartbeat (the latest moment it is known to have been alive; `now` without one), its duration
/// up to then, and an error summary that says so unless it had one.
[[nodiscard]] PipelineRunRecord AbandonedRunRow(PipelineRunRecord run, const std::string& host, const std::string& now);

/// The row RecordQualityResults writes for `record`: required fields checked (run_id, pipeline_name,
/// check_name, check_type, status), the id a new UUID and the timestamp `now` when empty, the message
/// redacted and cut to ERROR_MESSAGE_MAX_CHARACTERS, a null sample an empty array. A pass rate that is
/// not a number is a bug of the caller; a threshold or observed value that is not a number is stored as
/// NULL (SQLite cannot store NaN).
[[nodiscard]] QualityRecord QualityRow(const QualityRecord& record, const std::string& now);

/// Compact JSON text; invalid UTF-8 is replaced rather than thrown.
[[nodiscard]] std::string DumpCatalogJson(const nlohmann::json& value);

/// Stored JSON is odibi's own output; text edited by hand into something else is kept as a JSON string.
[[nodiscard]] nlohmann::json ParseCatalogJson(const std::string& text, nlohmann::json empty);

/// Whether `candidate` is larger than `stored` under AdvanceState's max semantics: JSON numbers compare
/// as numbers, JSON strings as text (ISO timestamps sort as time). Values of different kinds, or text
/// that is not JSON, cannot be compared: the candidate replaces the stored value, as a deliberate reset
/// by the caller would.
[[nodiscard]] bool IsLargerStateValue(const std::string& candidate, const std::string& stored);

// Readers of one result row. `Row` reads columns left to right: Text(), Int64(), Int(),
// NullableInt64(), Double(), NullableDouble(); the order is that of the SELECT lists in catalog_queries.hpp.

template <typename Row> PipelineRunRecord ReadPipelineRunRow(Row& row) {
    PipelineRunRecord record;
    record.run_id = row.Text();
    record.project = row.Text();
    record.pipeline_name = row.Text();
    record.owner = row.Text();
    record.layer = row.Text();
    record.run_start_at = row.Text();
    record.run_end_at = row.Text();
    record.duration_ms = row.Int64();
    record.status = row.Text();
    record.nodes_total = row.Int();
    record.nodes_succeeded = row.Int();
    record.nodes_failed = row.Int();
    record.nodes_skipped = row.Int();
    record.rows_processed = row.Int64();
    record.error_summary = row.Text();
    record.terminal_nodes = row.Text();
    record.environment = row.Text();
    record.host = row.Text();
    record.pid = row.Int64();
    record.heartbeat_at = row.Text();
    record.story_path = row.Text();
    return record;
}

template <typename Row> NodeRunRecord ReadNodeRunRow(Row& row) {
    NodeRunRecord record;
    record.run_id = row.Text();
    record.project = row.Text();
    record.pipeline_name = row.Text();
    record.node_name = row.Text();
    record.status = row.Text();
    record.run_start_at = row.Text();
    record.run_end_at = row.Text();
    record.duration_ms = row.Int64();
    record.rows_processed = row.Int64();
    record.metrics = ParseCatalogJson(row.Text(), nlohmann::json::object());
    record.environment = row.Text();
    return record;
}

template <typename Row> FailureRecord ReadFailureRow(Row& row) {
    FailureRecord record;
    record.failure_id = row.Text();
    record.run_id = row.Text();
    record.project = row.Text();
    record.pipeline_name = row.Text();
    record.node_name = row.Text();
    record.error_type = row.Text();
    record.error_message = row.Text();
    record.error_code = row.Text();
    record.stack_trace = row.Text();
    record.environment = row.Text();
    record.timestamp = row.Text();
    return record;
}

template <typename Row> OutputRecord ReadOutputRow(Row& row) {
    OutputRecord record;
    record.pipeline_name = row.Text();
    record.node_name = row.Text();
    record.output_type = row.Text();
    record.connection_name = row.Text();
    record.path = row.Text();
    record.format = row.Text();
    record.table_name = row.Text();
    record.last_run = row.Text();
    record.row_count = row.NullableInt64();
    record.updated_at = row.Text();
    return record;
}

template <typename Row> StateEntry ReadStateRow(Row& row) {
    StateEntry entry;
    entry.key = row.Text();
    entry.value = row.Text();
    entry.environment = row.Text();
    entry.updated_at = row.Text();
    return entry;
}

template <typename Row> SchemaRecord ReadSchemaRow(Row& row) {
    SchemaRecord record;
    record.table_path = row.Text();
    record.schema_version = row.Int();
    record.schema_hash = row.Text();
    record.columns = ParseCatalogJson(row.Text(), nlohmann::json::object());
    record.captured_at = row.Text();
    record.pipeline = row.Text();
    record.node = row.Text();
    record.run_id = row.Text();
    record.columns_added = ParseCatalogJson(row.Text(), nlohmann::json::array());
    record.columns_removed = ParseCatalogJson(row.Text(), nlohmann::json::array());
    record.columns_type_changed = ParseCatalogJson(row.Text(), nlohmann::json::array());
    return record;
}

template <typename Row> WriteIntent ReadWriteIntentRow(Row& row) {
    WriteIntent intent;
    intent.intent_id = row.Text();
    intent.run_id = row.Text();
    intent.pipeline_name = row.Text();
    intent.node_name = row.Text();
    intent.target = row.Text();
    intent.staging = row.Text();
    intent.mode = row.Text();
    intent.format = row.Text();
    intent.published_marker = row.Text();
    intent.commit = ParseCatalogJson(row.Text(), nlohmann::json::object());
    intent.created_at = row.Text();
    return intent;
}

template <typename Row> QualityRecord ReadQualityRow(Row& row) {
    QualityRecord record;
    record.quality_id = row.Text();
    record.run_id = row.Text();
    record.pipeline_name = row.Text();
    record.node_name = row.Text();
    record.check_name = row.Text();
    record.check_type = row.Text();
    record.phase = row.Text();
    record.columns = row.Text();
    record.severity = row.Text();
    record.status = row.Text();
    record.rows_checked = row.Int64();
    record.violation_count = row.Int64();
    record.pass_rate = row.Double();
    record.threshold = row.NullableDouble();
    record.observed_value = row.NullableDouble();
    record.failing_sample = ParseCatalogJson(row.Text(), nlohmann::json::array());
    record.message = row.Text();
    record.timestamp = row.Text();
    return record;
}

} // namespace odibi::state
