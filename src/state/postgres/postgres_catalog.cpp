// The PostgreSQL catalog: every meta_* table in one schema of a shared database, so that runs on many
// machines share one run history and one state store. One connection per Catalog behind a mutex;
// every write is one short transaction; read-then-write operations lock the rows (or an advisory key)
// they depend on.
#include <algorithm>
#include <mutex>
#include <type_traits>

#include "catalog_migrations.hpp"
#include "catalog_queries.hpp"
#include "catalog_records.hpp"
#include "catalog_text.hpp"
#include "catalog_time.hpp"
#include "postgres/postgres_connection.hpp"
#include "postgres/postgres_migrator.hpp"
#include "process_liveness.hpp"
#include "schema_diff.hpp"
#include <fmt/format.h>

#include "odibi/common/clock.hpp"
#include "odibi/common/error.hpp"
#include "odibi/common/identity.hpp"
#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::state {
namespace {

constexpr std::string_view RUNNING = "RUNNING";
constexpr std::string_view DEFAULT_OUTPUT_TYPE = "external_table";
// A transaction that lost a deadlock or serialization race is run again this many times in all.
constexpr int TRANSACTION_ATTEMPTS = 5;
// Keys of transaction-scoped advisory locks; the schema is part of the key, so catalogs in other
// schemas of the same database never wait for each other.
constexpr std::string_view SCHEMA_LOCK_PREFIX = "odibi meta_schemas: ";
// The largest identifier PostgreSQL keeps whole (NAMEDATALEN - 1).
constexpr size_t MAXIMUM_IDENTIFIER_BYTES = 63;

std::optional<int64_t> PositiveOrNull(int64_t value) {
    return value > 0 ? std::optional<int64_t>(value) : std::nullopt;
}

/// Reads the columns of one result row left to right (catalog_records.hpp).
class RowReader {
public:
    RowReader(const PostgresResult& result, int row) : result_(result), row_(row) {}

    std::string Text() { return result_.Text(row_, next_column_++); }
    int64_t Int64() { return result_.Int64(row_, next_column_++); }
    int Int() { return static_cast<int>(result_.Int64(row_, next_column_++)); }
    std::optional<int64_t> NullableInt64() { return result_.NullableInt64(row_, next_column_++); }
    double Double() { return result_.Double(row_, next_column_++); }
    std::optional<double> NullableDouble() { return result_.NullableDouble(row_, next_column_++); }

private:
    const PostgresResult& result_;
    int row_;
    int next_column_ = 0;
};

template <typename Record, typename Read> std::vector<Record> ReadRows(const PostgresResult& result, Read read) {
    std::vector<Record> records;
    records.reserve(static_cast<size_t>(result.Rows()));
    for (int row = 0; row < result.Rows(); ++row) {
        RowReader reader(result, row);
        records.push_back(read(reader));
    }
    return records;
}

// Parameters of a pipeline run in the order of PipelineRunBeginColumns / PipelineRunFinishColumns.
PostgresParameters PipelineRunParameters(const PipelineRunRecord& record, const std::string& created_at) {
    PostgresParameters parameters;
    parameters.Text(record.run_id)
        .NullableText(record.project)
        .Text(record.pipeline_name)
        .NullableText(record.owner)
        .NullableText(record.layer)
        .Text(record.run_start_at)
        .NullableText(record.run_end_at)
        .Int64(record.duration_ms)
        .Text(record.status)
        .Int64(record.nodes_total)
        .Int64(record.nodes_succeeded)
        .Int64(record.nodes_failed)
        .Int64(record.nodes_skipped)
        .Int64(record.rows_processed)
        .NullableText(RedactForCatalog(record.error_summary, ERROR_SUMMARY_MAX_CHARACTERS))
        .NullableText(record.terminal_nodes)
        .NullableText(record.environment)
        .NullableText(record.host)
        .NullableInt64(PositiveOrNull(record.pid))
        .NullableText(record.heartbeat_at)
        .NullableText(record.story_path)
        .Text(created_at);
    return parameters;
}

PostgresParameters TextParameters(const std::vector<std::string>& values) {
    PostgresParameters parameters;
    for (const auto& value : values) {
        parameters.Text(value);
    }
    return parameters;
}

Error IntentNotOpenError(const std::string& intent_id, const std::string& catalog) {
    Error error(ErrorCode::WRITE_INTENT_NOT_OPEN,
                ErrorSource::INTERNAL,
                fmt::format("write intent {} is not open: another process recovered or rolled it back first; nothing "
                            "was committed",
                            intent_id));
    error.WithPhase("catalog");
    error.WithContext("catalog", catalog);
    error.WithContext("intent_id", intent_id);
    error.WithSuggestion("do not run recovery (odibi run) while another run of the same pipeline is writing; check "
                         "the node's target and state, then run it again");
    return error;
}

class PostgresCatalog final : public Catalog {
public:
    explicit PostgresCatalog(std::unique_ptr<PostgresConnection> connection) : connection_(std::move(connection)) {}

    void BeginPipelineRun(const PipelineRunRecord& record) override {
        std::string now = FormatIsoUtc(Now());
        PipelineRunRecord row = BeginRunRow(record, now);
        InTransaction("begin pipeline run", [&]() {
            Run(UpsertSql("meta_pipeline_runs", PipelineRunBeginColumns(), "run_id"),
                PipelineRunParameters(row, now),
                "begin pipeline run");
        });
    }

    void FinishPipelineRun(const PipelineRunRecord& record) override {
        RequireRecordField(record.run_id, "run_id", "finish pipeline run");
        RequireRecordField(record.pipeline_name, "pipeline_name", "finish pipeline run");
        RequireRecordField(record.status, "status", "finish pipeline run");
        std::string now = FormatIsoUtc(Now());
        PipelineRunRecord row = record;
        row.run_end_at = ValueOrDefault(record.run_end_at, now);
        // Used only when BeginPipelineRun never got through; otherwise the stored start is kept.
        row.run_start_at = ValueOrDefault(record.run_start_at, row.run_end_at);
        row.status = NormalizeStatus(record.status);
        InTransaction("finish pipeline run", [&]() {
            Run(UpsertSql("meta_pipeline_runs", PipelineRunFinishColumns(), "run_id"),
                PipelineRunParameters(row, now),
                "finish pipeline run");
        });
    }

    void RecordNodeRun(const NodeRunRecord& record) override {
        InTransaction("record node run", [&]() { WriteNodeRun(record, "record node run"); });
    }

    void RecordFailure(const FailureRecord& record) override {
        RequireRecordField(record.run_id, "run_id", "record failure");
        RequireRecordField(record.pipeline_name, "pipeline_name", "record failure");
        RequireRecordField(record.node_name, "node_name", "record failure");
        RequireRecordField(record.error_type, "error_type", "record failure");
        std::string timestamp = ValueOrDefault(record.timestamp, FormatIsoUtc(Now()));
        PostgresParameters parameters;
        parameters.Text(ValueOrDefault(record.failure_id, NewUuid()))
            .Text(record.run_id)
            .NullableText(record.project)
            .Text(record.pipeline_name)
            .Text(record.node_name)
            .Text(record.error_type)
            .NullableText(RedactForCatalog(record.error_message, ERROR_MESSAGE_MAX_CHARACTERS))
            .NullableText(record.error_code)
            .NullableText(RedactForCatalog(record.stack_trace, STACK_TRACE_MAX_CHARACTERS))
            .NullableText(record.environment)
            .Text(timestamp)
            .Text(DateOf(timestamp));
        InTransaction("record failure", [&]() {
            Run(UpsertSql("meta_failures", FailureColumns(), "failure_id"), parameters, "record failure");
        });
    }

    void UpsertOutput(const OutputRecord& record) override {
        InTransaction("upsert output", [&]() { WriteOutput(record, "upsert output"); });
    }

    std::optional<OutputRecord> TryGetOutput(const std::string& pipeline, const std::string& node) override {
        auto outputs = Query<OutputRecord>(
            OutputByKeySql(), PostgresParameters().Text(pipeline).Text(node), "read output", ReadOutputRow<RowReader>);
        if (outputs.empty()) {
            return std::nullopt;
        }
        return outputs.front();
    }

    SchemaRecord RecordSchema(const SchemaRecord& record) override {
        RequireRecordField(record.table_path, "table_path", "record schema");
        RequireRecordField(record.schema_hash, "schema_hash", "record schema");
        if (!record.columns.is_null() && !record.columns.is_object()) {
            throw InternalError(fmt::format("catalog record schema: columns of {} must be a {{column: type}} object, "
                                            "got {}",
                                            record.table_path,
                                            record.columns.type_name()));
        }
        return InTransaction("record schema", [&]() {
            // The read of the latest version and the insert of the next happen under a lock on the table
            // path, so two writers of the same table cannot both claim version N + 1.
            Run("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext(?))",
                PostgresParameters().Text(std::string(SCHEMA_LOCK_PREFIX) + connection_->Options().schema + " " +
                                          record.table_path),
                "record schema");
            auto latest_rows = ReadRows<SchemaRecord>(
                Run(LatestSchemaSql(), PostgresParameters().Text(record.table_path), "record schema"),
                ReadSchemaRow<RowReader>);
            std::optional<SchemaRecord> latest;
            if (!latest_rows.empty()) {
                latest = latest_rows.front();
            }
            if (latest && latest->schema_hash == record.schema_hash) {
                return *latest;
            }
            SchemaRecord current = record;
            current.columns = record.columns.is_null() ? nlohmann::json::object() : record.columns;
            current.schema_version = latest ? latest->schema_version + 1 : 1;
            current.captured_at = ValueOrDefault(record.captured_at, FormatIsoUtc(Now()));
            SchemaDiff diff = latest ? DiffColumns(latest->columns, current.columns) : SchemaDiff{};
            current.columns_added = diff.added;
            current.columns_removed = diff.removed;
            current.columns_type_changed = diff.type_changed;
            Run(InsertSchemaSql(),
                PostgresParameters()
                    .Text(current.table_path)
                    .Int64(current.schema_version)
                    .Text(current.schema_hash)
                    .Text(DumpCatalogJson(current.columns))
                    .Text(current.captured_at)
                    .NullableText(current.pipeline)
                    .NullableText(current.node)
                    .NullableText(current.run_id)
                    .Text(DumpCatalogJson(current.columns_added))
                    .Text(DumpCatalogJson(current.columns_removed))
                    .Text(DumpCatalogJson(current.columns_type_changed)),
                "record schema");
            return current;
        });
    }

    void UpsertTable(const TableRecord& record) override {
        RequireRecordField(record.table_name, "table_name", "upsert table");
        PostgresParameters parameters;
        parameters.Text(record.project)
            .Text(record.table_name)
            .NullableText(record.path)
            .NullableText(record.format)
            .NullableText(record.pattern_type)
            .NullableText(record.schema_hash)
            .Text(ValueOrDefault(record.updated_at, FormatIsoUtc(Now())));
        InTransaction("upsert table", [&]() {
            Run(UpsertSql("meta_tables", TableColumns(), "project, table_name"), parameters, "upsert table");
        });
    }

    std::optional<StateEntry> TryGetState(const std::string& key) override {
        auto entries =
            Query<StateEntry>(StateByKeySql(), PostgresParameters().Text(key), "read state", ReadStateRow<RowReader>);
        if (entries.empty()) {
            return std::nullopt;
        }
        return entries.front();
    }

    void SetState(const StateEntry& entry) override {
        InTransaction("set state", [&]() { WriteState(entry, "set state"); });
    }

    bool DeleteState(const std::string& key) override {
        return InTransaction("delete state", [&]() {
            return Run(DeleteStateSql(), PostgresParameters().Text(key), "delete state").ChangedRows() > 0;
        });
    }

    std::vector<StateEntry> ListState() override {
        return Query<StateEntry>(ListStateSql(), PostgresParameters(), "list state", ReadStateRow<RowReader>);
    }

    StateEntry AdvanceState(const StateEntry& entry) override {
        RequireRecordField(entry.key, "key", "advance state");
        return InTransaction("advance state", [&]() {
            StateEntry written = entry;
            written.updated_at = ValueOrDefault(entry.updated_at, FormatIsoUtc(Now()));
            // A first value is inserted; a concurrent first insert of the same key makes this one wait
            // for it and then insert nothing, and the row lock below takes over.
            auto inserted = Run("INSERT INTO meta_state (key, value, environment, updated_at) VALUES (?, ?, ?, ?) "
                                "ON CONFLICT (key) DO NOTHING",
                                StateParameters(written),
                                "advance state");
            if (inserted.ChangedRows() > 0) {
                return written;
            }
            // The row lock holds back every other advance of this key until this transaction ends, so
            // the comparison and the write see the same stored value.
            auto stored = ReadRows<StateEntry>(
                Run(StateByKeySql() + " FOR UPDATE", PostgresParameters().Text(entry.key), "advance state"),
                ReadStateRow<RowReader>);
            if (!stored.empty() && !IsLargerStateValue(entry.value, stored.front().value)) {
                return stored.front();
            }
            WriteState(written, "advance state");
            return written;
        });
    }

    void RecordWriteIntent(const WriteIntent& intent) override {
        RequireWriteIntentFields(intent);
        PostgresParameters parameters;
        parameters.Text(intent.intent_id)
            .Text(intent.run_id)
            .Text(intent.pipeline_name)
            .Text(intent.node_name)
            .Text(intent.target)
            .Text(intent.staging)
            .Text(intent.mode)
            .Text(intent.format)
            .Text(intent.published_marker)
            .Text(SecretRegistry::Redact(
                DumpCatalogJson(intent.commit.is_null() ? nlohmann::json::object() : intent.commit)))
            .Text(ValueOrDefault(intent.created_at, FormatIsoUtc(Now())));
        InTransaction("record write intent", [&]() {
            Run(UpsertSql("meta_write_intents", WriteIntentColumns(), "intent_id"), parameters, "record write intent");
        });
    }

    void CommitWrite(const WriteCommit& commit) override {
        // Rows are locked in key order, so two commits that touch the same keys cannot deadlock.
        std::vector<StateEntry> state_updates = commit.state_updates;
        std::stable_sort(state_updates.begin(),
                         state_updates.end(),
                         [](const StateEntry& left, const StateEntry& right) { return left.key < right.key; });
        InTransaction("commit write", [&]() {
            if (!commit.intent_id.empty()) {
                auto closed = Run(DeleteWriteIntentSql(), PostgresParameters().Text(commit.intent_id), "commit write");
                if (closed.ChangedRows() == 0) {
                    throw IntentNotOpenError(commit.intent_id, connection_->Describe());
                }
            }
            for (const auto& entry : state_updates) {
                WriteState(entry, "commit write");
            }
            if (commit.output) {
                WriteOutput(*commit.output, "commit write");
            }
            if (commit.node_run) {
                WriteNodeRun(*commit.node_run, "commit write");
            }
        });
    }

    bool AbandonWriteIntent(const std::string& intent_id) override {
        return InTransaction("abandon write intent", [&]() {
            return Run(DeleteWriteIntentSql(), PostgresParameters().Text(intent_id), "abandon write intent")
                       .ChangedRows() > 0;
        });
    }

    std::vector<WriteIntent> ListWriteIntents() override {
        return Query<WriteIntent>(
            ListWriteIntentsSql(), PostgresParameters(), "list write intents", ReadWriteIntentRow<RowReader>);
    }

    void RecordObservabilityError(const ObservabilityErrorRecord& record) override {
        RequireRecordField(record.component, "component", "record observability error");
        std::string timestamp = ValueOrDefault(record.timestamp, FormatIsoUtc(Now()));
        PostgresParameters parameters;
        parameters.Text(ValueOrDefault(record.error_id, NewUuid()))
            .NullableText(record.run_id)
            .NullableText(record.pipeline_name)
            .Text(record.component)
            .NullableText(RedactForCatalog(record.error_message, ERROR_MESSAGE_MAX_CHARACTERS))
            .Text(timestamp)
            .Text(DateOf(timestamp));
        InTransaction("record observability error", [&]() {
            Run(UpsertSql("meta_observability_errors", ObservabilityErrorColumns(), "error_id"),
                parameters,
                "record observability error");
        });
    }

    void RecordQualityResults(const std::vector<QualityRecord>& records) override {
        if (records.empty()) {
            return;
        }
        std::string now = FormatIsoUtc(Now());
        std::vector<PostgresParameters> rows;
        rows.reserve(records.size());
        for (const auto& record : records) {
            QualityRecord row = QualityRow(record, now);
            PostgresParameters parameters;
            parameters.Text(row.quality_id)
                .Text(row.run_id)
                .Text(row.pipeline_name)
                .NullableText(row.node_name)
                .Text(row.check_name)
                .Text(row.check_type)
                .NullableText(row.phase)
                .NullableText(row.columns)
                .NullableText(row.severity)
                .Text(row.status)
                .Int64(row.rows_checked)
                .Int64(row.violation_count)
                .Double(row.pass_rate)
                .NullableDouble(row.threshold)
                .NullableDouble(row.observed_value)
                .Text(SecretRegistry::Redact(DumpCatalogJson(row.failing_sample)))
                .NullableText(row.message)
                .Text(row.timestamp)
                .Text(DateOf(row.timestamp));
            rows.push_back(std::move(parameters));
        }
        std::string sql = UpsertSql("meta_quality", QualityColumns(), "quality_id");
        InTransaction("record quality results", [&]() {
            for (const auto& parameters : rows) {
                Run(sql, parameters, "record quality results");
            }
        });
    }

    std::vector<QualityRecord> ListQualityResults(const QualityQuery& query) override {
        auto bound = QualityResultsQuery(query, Now());
        return Query<QualityRecord>(
            bound.sql, TextParameters(bound.parameters), "list quality results", ReadQualityRow<RowReader>);
    }

    std::optional<QualityRecord> TryGetLastSucceededQuality(const std::string& pipeline,
                                                            const std::string& node,
                                                            const std::string& check_name) override {
        auto records = Query<QualityRecord>(LastSucceededQualitySql(),
                                            PostgresParameters().Text(pipeline).Text(node).Text(check_name),
                                            "read the last succeeded quality result",
                                            ReadQualityRow<RowReader>);
        if (records.empty()) {
            return std::nullopt;
        }
        return records.front();
    }

    std::vector<PipelineRunRecord> ListPipelineRuns(const RunQuery& query) override {
        auto bound = PipelineRunsQuery(query, Now());
        return Query<PipelineRunRecord>(
            bound.sql, TextParameters(bound.parameters), "list pipeline runs", ReadPipelineRunRow<RowReader>);
    }

    std::vector<NodeRunRecord> ListNodeRuns(const RunQuery& query) override {
        auto bound = NodeRunsQuery(query, Now());
        return Query<NodeRunRecord>(
            bound.sql, TextParameters(bound.parameters), "list node runs", ReadNodeRunRow<RowReader>);
    }

    std::vector<FailureRecord> ListFailures(const RunQuery& query) override {
        auto bound = FailuresQuery(query, Now());
        return Query<FailureRecord>(
            bound.sql, TextParameters(bound.parameters), "list failures", ReadFailureRow<RowReader>);
    }

    std::optional<PipelineRunRecord> TryGetLastRun(const std::string& pipeline,
                                                   const std::optional<std::string>& status) override {
        PostgresParameters parameters;
        parameters.Text(pipeline);
        if (status) {
            parameters.Text(NormalizeStatus(*status));
        }
        auto runs = Query<PipelineRunRecord>(
            LastPipelineRunSql(status.has_value()), parameters, "read last run", ReadPipelineRunRow<RowReader>);
        if (runs.empty()) {
            return std::nullopt;
        }
        return runs.front();
    }

    std::vector<NodeRunRecord> ListNodeRunsOfRun(const std::string& run_id) override {
        return Query<NodeRunRecord>(
            NodeRunsOfRunSql(), PostgresParameters().Text(run_id), "list node runs", ReadNodeRunRow<RowReader>);
    }

    std::vector<NodeRunRecord> ListLatestNodeRuns(const std::string& pipeline,
                                                  const std::vector<std::string>& nodes) override {
        std::vector<NodeRunRecord> latest;
        for (size_t first = 0; first < nodes.size(); first += LATEST_NODE_RUNS_PER_QUERY) {
            size_t count = std::min(LATEST_NODE_RUNS_PER_QUERY, nodes.size() - first);
            PostgresParameters parameters;
            for (size_t index = first; index < first + count; ++index) {
                parameters.Text(pipeline).Text(nodes[index]);
            }
            for (auto& record : Query<NodeRunRecord>(
                     LatestNodeRunsSql(count), parameters, "list the latest node runs", ReadNodeRunRow<RowReader>)) {
                latest.push_back(std::move(record));
            }
        }
        return latest;
    }

    std::vector<PipelineRunRecord> MarkAbandonedRuns(const std::string& host) override {
        std::string now = FormatIsoUtc(Now());
        int64_t own_pid = CurrentProcessId();
        return InTransaction("mark abandoned runs", [&]() {
            // The rows stay locked until the transaction ends: two processes never both close one run.
            auto running = ReadRows<PipelineRunRecord>(
                Run(RunningRunsOfHostSql() + " FOR UPDATE", PostgresParameters().Text(host), "mark abandoned runs"),
                ReadPipelineRunRow<RowReader>);
            std::vector<PipelineRunRecord> abandoned;
            for (auto& run : running) {
                if (run.pid == own_pid || !IsProcessGone(run.pid)) {
                    continue;
                }
                PipelineRunRecord row = AbandonedRunRow(std::move(run), host, now);
                auto changed = Run(AbandonRunSql(),
                                   PostgresParameters()
                                       .Text(row.run_end_at)
                                       .Int64(row.duration_ms)
                                       .Text(row.error_summary)
                                       .Text(row.run_id),
                                   "mark abandoned runs");
                if (changed.ChangedRows() == 0) {
                    continue;
                }
                abandoned.push_back(std::move(row));
            }
            return abandoned;
        });
    }

    void Heartbeat(const std::string& run_id, const std::string& at) override {
        std::string heartbeat_at = ValueOrDefault(at, FormatIsoUtc(Now()));
        InTransaction("heartbeat", [&]() {
            Run(HeartbeatSql(), PostgresParameters().Text(heartbeat_at).Text(run_id), "heartbeat");
        });
    }

    HistoryDeleted DeleteHistory(const HistoryCutoff& cutoff) override {
        auto queries = HistoryQueries(cutoff);
        return InTransaction("delete history", [&]() {
            HistoryDeleted deleted;
            for (const auto& query : queries) {
                auto result = Run(query.remove.sql, TextParameters(query.remove.parameters), "delete history");
                deleted.tables.push_back(HistoryTableRows{std::string(query.table), result.ChangedRows()});
            }
            return deleted;
        });
    }

    HistoryDeleted CountHistory(const HistoryCutoff& cutoff) override {
        HistoryDeleted counted;
        for (const auto& query : HistoryQueries(cutoff)) {
            auto rows = Query<int64_t>(query.count.sql,
                                       TextParameters(query.count.parameters),
                                       "count history",
                                       [](RowReader& row) { return row.Int64(); });
            counted.tables.push_back(HistoryTableRows{std::string(query.table), rows.empty() ? 0 : rows.front()});
        }
        return counted;
    }

    CatalogOptimization Optimize() override {
        std::vector<std::string> tables;
        for (std::string_view table : CatalogTableNames()) {
            tables.emplace_back(table);
        }
        // VACUUM refuses to run inside a transaction block: it runs on its own. It takes no lock that
        // stops concurrent runs from reading or writing the tables.
        std::string vacuum = "VACUUM (ANALYZE) " + Join(tables, ", ");
        std::lock_guard lock(connection_mutex_);
        connection_->EnsureConnected("optimize catalog");
        (void)connection_->Execute(vacuum, "optimize catalog");
        CatalogOptimization optimization;
        optimization.steps.push_back(vacuum);
        return optimization;
    }

private:
    // Runs `work` in one transaction with the connection locked, committing when it returns. A
    // transaction that lost a deadlock or serialization race is rolled back and run again.
    template <typename Work> auto InTransaction(std::string_view operation, Work work) -> decltype(work()) {
        std::lock_guard lock(connection_mutex_);
        for (int attempt = 1;; ++attempt) {
            try {
                PostgresTransaction transaction(*connection_, std::string(operation));
                if constexpr (std::is_void_v<decltype(work())>) {
                    work();
                    transaction.Commit();
                    return;
                } else {
                    auto result = work();
                    transaction.Commit();
                    return result;
                }
            } catch (const Error& error) {
                if (attempt >= TRANSACTION_ATTEMPTS || !IsRetryableConflict(error)) {
                    throw;
                }
            }
        }
    }

    // One statement of the shared catalog SQL (with `?` placeholders) on the locked connection.
    PostgresResult Run(const std::string& sql, const PostgresParameters& parameters, std::string_view operation) {
        return connection_->Execute(NumberPlaceholders(sql), parameters, operation);
    }

    template <typename Record, typename Read>
    std::vector<Record>
    Query(const std::string& sql, const PostgresParameters& parameters, std::string_view operation, Read read) {
        std::lock_guard lock(connection_mutex_);
        connection_->EnsureConnected(operation);
        return ReadRows<Record>(Run(sql, parameters, operation), read);
    }

    static PostgresParameters StateParameters(const StateEntry& entry) {
        PostgresParameters parameters;
        parameters.Text(entry.key)
            .Text(entry.value)
            .NullableText(entry.environment)
            .Text(ValueOrDefault(entry.updated_at, FormatIsoUtc(Now())));
        return parameters;
    }

    // The Write* helpers run inside a transaction the caller holds, so that single writes and
    // CommitWrite share one definition of each row.
    void WriteNodeRun(const NodeRunRecord& record, std::string_view operation) {
        RequireRecordField(record.run_id, "run_id", operation);
        RequireRecordField(record.pipeline_name, "pipeline_name", operation);
        RequireRecordField(record.node_name, "node_name", operation);
        RequireRecordField(record.status, "status", operation);
        std::string now = FormatIsoUtc(Now());
        std::string status = NormalizeStatus(record.status);
        std::string timestamp = ValueOrDefault(record.run_end_at, now);
        // A node that never started (skipped) is dated when it was recorded, so date filters find it.
        std::string run_start_at = ValueOrDefault(record.run_start_at, timestamp);
        std::string metrics_json = SecretRegistry::Redact(
            DumpCatalogJson(record.metrics.is_null() ? nlohmann::json::object() : record.metrics));
        Run(UpsertSql("meta_runs", RunColumns(), "run_id, pipeline_name, node_name"),
            PostgresParameters()
                .Text(record.run_id)
                .NullableText(record.project)
                .Text(record.pipeline_name)
                .Text(record.node_name)
                .Text(status)
                .Int64(record.rows_processed)
                .Int64(record.duration_ms)
                .Text(metrics_json)
                .NullableText(record.environment)
                .Text(timestamp)
                .Text(DateOf(timestamp)),
            operation);
        Run(UpsertSql("meta_node_runs", NodeRunColumns(), "run_id, pipeline_name, node_name"),
            PostgresParameters()
                .Text(record.run_id)
                .Text(NewUuid())
                .NullableText(record.project)
                .Text(record.pipeline_name)
                .Text(record.node_name)
                .Text(status)
                .Text(run_start_at)
                .NullableText(record.run_end_at)
                .Int64(record.duration_ms)
                .Int64(record.rows_processed)
                .Text(metrics_json)
                .NullableText(record.environment)
                .Text(now),
            operation);
    }

    void WriteOutput(const OutputRecord& record, std::string_view operation) {
        RequireRecordField(record.pipeline_name, "pipeline_name", operation);
        RequireRecordField(record.node_name, "node_name", operation);
        std::string now = FormatIsoUtc(Now());
        Run(UpsertSql("meta_outputs", OutputColumns(), "pipeline_name, node_name"),
            PostgresParameters()
                .Text(record.pipeline_name)
                .Text(record.node_name)
                .Text(ValueOrDefault(record.output_type, std::string(DEFAULT_OUTPUT_TYPE)))
                .NullableText(record.connection_name)
                .NullableText(record.path)
                .NullableText(record.format)
                .NullableText(record.table_name)
                .Text(ValueOrDefault(record.last_run, now))
                .NullableInt64(record.row_count)
                .Text(ValueOrDefault(record.updated_at, now)),
            operation);
    }

    void WriteState(const StateEntry& entry, std::string_view operation) {
        RequireRecordField(entry.key, "key", operation);
        Run(UpsertSql("meta_state", StateColumns(), "key"), StateParameters(entry), operation);
    }

    std::mutex connection_mutex_; // guards connection_ and every result read from it
    std::unique_ptr<PostgresConnection> connection_;
};

void CheckOptions(const PostgresCatalogOptions& options) {
    auto invalid = [&](const std::string& message, const std::string& suggestion) {
        Error error(ErrorCode::CATALOG_ERROR, ErrorSource::USER, message);
        error.WithPhase("catalog");
        error.WithContext("connection", options.connection_name);
        error.WithSuggestion(suggestion);
        return error;
    };
    if (options.host.empty()) {
        throw invalid(
            fmt::format("the PostgreSQL connection \"{}\" of the catalog has no host", options.connection_name),
            "set host: (or server:) on the connection");
    }
    if (options.database.empty()) {
        throw invalid(
            fmt::format("the PostgreSQL connection \"{}\" of the catalog has no database", options.connection_name),
            "set database: on the connection");
    }
    if (options.schema.empty() || options.schema.size() > MAXIMUM_IDENTIFIER_BYTES ||
        options.schema.find('\0') != std::string::npos) {
        throw invalid(fmt::format("the catalog schema \"{}\" is not a usable PostgreSQL schema name (1 to {} bytes)",
                                  options.schema,
                                  MAXIMUM_IDENTIFIER_BYTES),
                      "set system.path to a short name such as _odibi_system: on PostgreSQL it names the schema");
    }
}

} // namespace

std::unique_ptr<Catalog> OpenPostgresCatalog(const PostgresCatalogOptions& options) {
    // Registered before anything can fail, so no message below can ever show it.
    SecretRegistry::Register(options.password);
    CheckOptions(options);
    auto connection = std::make_unique<PostgresConnection>(options);
    ApplyPostgresMigrations(*connection, CatalogMigrations());
    return std::make_unique<PostgresCatalog>(std::move(connection));
}

} // namespace odibi::state
