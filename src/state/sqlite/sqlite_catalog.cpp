// The SQLite catalog: one connection per Catalog behind a mutex, WAL journal, IMMEDIATE write
// transactions, so threads of one process and separate processes can share one catalog file.
#include <filesystem>
#include <mutex>
#include <system_error>

#include "catalog_migrations.hpp"
#include "catalog_queries.hpp"
#include "catalog_records.hpp"
#include "catalog_text.hpp"
#include "catalog_time.hpp"
#include "process_liveness.hpp"
#include "schema_diff.hpp"
#include "sqlite/sqlite_connection.hpp"
#include "sqlite/sqlite_migrator.hpp"
#include <fmt/format.h>

#include "odibi/common/clock.hpp"
#include "odibi/common/error.hpp"
#include "odibi/common/identity.hpp"
#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::state {
namespace {

constexpr std::string_view IN_MEMORY_PATH = ":memory:";
constexpr std::string_view RUNNING = "RUNNING";
constexpr std::string_view DEFAULT_OUTPUT_TYPE = "external_table";

std::optional<int64_t> PositiveOrNull(int64_t value) {
    return value > 0 ? std::optional<int64_t>(value) : std::nullopt;
}

/// Reads result columns left to right, in the order of the SELECT lists in catalog_queries.hpp.
class RowReader {
public:
    explicit RowReader(const SqliteStatement& statement) : statement_(statement) {}

    std::string Text() { return statement_.ColumnText(next_column_++); }
    int64_t Int64() { return statement_.ColumnInt64(next_column_++); }
    int Int() { return static_cast<int>(statement_.ColumnInt64(next_column_++)); }
    std::optional<int64_t> NullableInt64() { return statement_.ColumnNullableInt64(next_column_++); }
    double Double() { return statement_.ColumnDouble(next_column_++); }
    std::optional<double> NullableDouble() { return statement_.ColumnNullableDouble(next_column_++); }

private:
    const SqliteStatement& statement_;
    int next_column_ = 0;
};

PipelineRunRecord ReadPipelineRun(const SqliteStatement& statement) {
    RowReader row(statement);
    return ReadPipelineRunRow(row);
}

NodeRunRecord ReadNodeRun(const SqliteStatement& statement) {
    RowReader row(statement);
    return ReadNodeRunRow(row);
}

FailureRecord ReadFailure(const SqliteStatement& statement) {
    RowReader row(statement);
    return ReadFailureRow(row);
}

OutputRecord ReadOutput(const SqliteStatement& statement) {
    RowReader row(statement);
    return ReadOutputRow(row);
}

StateEntry ReadState(const SqliteStatement& statement) {
    RowReader row(statement);
    return ReadStateRow(row);
}

SchemaRecord ReadSchema(const SqliteStatement& statement) {
    RowReader row(statement);
    return ReadSchemaRow(row);
}

WriteIntent ReadWriteIntent(const SqliteStatement& statement) {
    RowReader row(statement);
    return ReadWriteIntentRow(row);
}

QualityRecord ReadQuality(const SqliteStatement& statement) {
    RowReader row(statement);
    return ReadQualityRow(row);
}

// Binds a pipeline run in the order of PipelineRunBeginColumns / PipelineRunFinishColumns.
void BindPipelineRun(SqliteStatement& statement, const PipelineRunRecord& record, const std::string& created_at) {
    statement.BindText(record.run_id)
        .BindNullableText(record.project)
        .BindText(record.pipeline_name)
        .BindNullableText(record.owner)
        .BindNullableText(record.layer)
        .BindText(record.run_start_at)
        .BindNullableText(record.run_end_at)
        .BindInt64(record.duration_ms)
        .BindText(record.status)
        .BindInt64(record.nodes_total)
        .BindInt64(record.nodes_succeeded)
        .BindInt64(record.nodes_failed)
        .BindInt64(record.nodes_skipped)
        .BindInt64(record.rows_processed)
        .BindNullableText(RedactForCatalog(record.error_summary, ERROR_SUMMARY_MAX_CHARACTERS))
        .BindNullableText(record.terminal_nodes)
        .BindNullableText(record.environment)
        .BindNullableText(record.host)
        .BindNullableInt64(PositiveOrNull(record.pid))
        .BindNullableText(record.heartbeat_at)
        .BindNullableText(record.story_path)
        .BindText(created_at);
}

template <typename Record, typename Reader> std::vector<Record> ReadAll(SqliteStatement& statement, Reader read) {
    std::vector<Record> records;
    while (statement.Step()) {
        records.push_back(read(statement));
    }
    return records;
}

class SqliteCatalog final : public Catalog {
public:
    explicit SqliteCatalog(std::unique_ptr<SqliteConnection> connection) : connection_(std::move(connection)) {}

    void BeginPipelineRun(const PipelineRunRecord& record) override {
        std::string now = FormatIsoUtc(Now());
        PipelineRunRecord row = BeginRunRow(record, now);
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "begin pipeline run");
        auto statement = connection_->Prepare(UpsertSql("meta_pipeline_runs", PipelineRunBeginColumns(), "run_id"),
                                              "begin pipeline run");
        BindPipelineRun(statement, row, now);
        statement.Run();
        transaction.Commit();
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
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "finish pipeline run");
        auto statement = connection_->Prepare(UpsertSql("meta_pipeline_runs", PipelineRunFinishColumns(), "run_id"),
                                              "finish pipeline run");
        BindPipelineRun(statement, row, now);
        statement.Run();
        transaction.Commit();
    }

    void RecordNodeRun(const NodeRunRecord& record) override {
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "record node run");
        WriteNodeRun(record, "record node run");
        transaction.Commit();
    }

    void RecordFailure(const FailureRecord& record) override {
        RequireRecordField(record.run_id, "run_id", "record failure");
        RequireRecordField(record.pipeline_name, "pipeline_name", "record failure");
        RequireRecordField(record.node_name, "node_name", "record failure");
        RequireRecordField(record.error_type, "error_type", "record failure");
        std::string timestamp = ValueOrDefault(record.timestamp, FormatIsoUtc(Now()));
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "record failure");
        connection_->Prepare(UpsertSql("meta_failures", FailureColumns(), "failure_id"), "record failure")
            .BindText(ValueOrDefault(record.failure_id, NewUuid()))
            .BindText(record.run_id)
            .BindNullableText(record.project)
            .BindText(record.pipeline_name)
            .BindText(record.node_name)
            .BindText(record.error_type)
            .BindNullableText(RedactForCatalog(record.error_message, ERROR_MESSAGE_MAX_CHARACTERS))
            .BindNullableText(record.error_code)
            .BindNullableText(RedactForCatalog(record.stack_trace, STACK_TRACE_MAX_CHARACTERS))
            .BindNullableText(record.environment)
            .BindText(timestamp)
            .BindText(DateOf(timestamp))
            .Run();
        transaction.Commit();
    }

    void UpsertOutput(const OutputRecord& record) override {
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "upsert output");
        WriteOutput(record, "upsert output");
        transaction.Commit();
    }

    std::optional<OutputRecord> TryGetOutput(const std::string& pipeline, const std::string& node) override {
        std::lock_guard lock(connection_mutex_);
        auto statement = connection_->Prepare(OutputByKeySql(), "read output");
        statement.BindText(pipeline).BindText(node);
        if (!statement.Step()) {
            return std::nullopt;
        }
        return ReadOutput(statement);
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
        std::lock_guard lock(connection_mutex_);
        // The read of the latest version and the insert of the next share one write transaction, so two
        // writers of the same table cannot both claim version N + 1.
        SqliteTransaction transaction(*connection_, "record schema");
        std::optional<SchemaRecord> latest;
        {
            auto statement = connection_->Prepare(LatestSchemaSql(), "record schema");
            statement.BindText(record.table_path);
            if (statement.Step()) {
                latest = ReadSchema(statement);
            }
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
        connection_->Prepare(InsertSchemaSql(), "record schema")
            .BindText(current.table_path)
            .BindInt64(current.schema_version)
            .BindText(current.schema_hash)
            .BindText(DumpCatalogJson(current.columns))
            .BindText(current.captured_at)
            .BindNullableText(current.pipeline)
            .BindNullableText(current.node)
            .BindNullableText(current.run_id)
            .BindText(DumpCatalogJson(current.columns_added))
            .BindText(DumpCatalogJson(current.columns_removed))
            .BindText(DumpCatalogJson(current.columns_type_changed))
            .Run();
        transaction.Commit();
        return current;
    }

    void UpsertTable(const TableRecord& record) override {
        RequireRecordField(record.table_name, "table_name", "upsert table");
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "upsert table");
        connection_->Prepare(UpsertSql("meta_tables", TableColumns(), "project, table_name"), "upsert table")
            .BindText(record.project)
            .BindText(record.table_name)
            .BindNullableText(record.path)
            .BindNullableText(record.format)
            .BindNullableText(record.pattern_type)
            .BindNullableText(record.schema_hash)
            .BindText(ValueOrDefault(record.updated_at, FormatIsoUtc(Now())))
            .Run();
        transaction.Commit();
    }

    std::optional<StateEntry> TryGetState(const std::string& key) override {
        std::lock_guard lock(connection_mutex_);
        auto statement = connection_->Prepare(StateByKeySql(), "read state");
        statement.BindText(key);
        if (!statement.Step()) {
            return std::nullopt;
        }
        return ReadState(statement);
    }

    void SetState(const StateEntry& entry) override {
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "set state");
        WriteState(entry, "set state");
        transaction.Commit();
    }

    bool DeleteState(const std::string& key) override {
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "delete state");
        connection_->Prepare(DeleteStateSql(), "delete state").BindText(key).Run();
        bool deleted = connection_->ChangedRows() > 0;
        transaction.Commit();
        return deleted;
    }

    std::vector<StateEntry> ListState() override {
        std::lock_guard lock(connection_mutex_);
        auto statement = connection_->Prepare(ListStateSql(), "list state");
        return ReadAll<StateEntry>(statement, ReadState);
    }

    StateEntry AdvanceState(const StateEntry& entry) override {
        RequireRecordField(entry.key, "key", "advance state");
        std::lock_guard lock(connection_mutex_);
        // The read and the write share one IMMEDIATE transaction: no other process can write between
        // them, so of concurrent advances the largest value is the one that stays.
        SqliteTransaction transaction(*connection_, "advance state");
        std::optional<StateEntry> stored;
        {
            auto statement = connection_->Prepare(StateByKeySql(), "advance state");
            statement.BindText(entry.key);
            if (statement.Step()) {
                stored = ReadState(statement);
            }
        }
        if (stored && !IsLargerStateValue(entry.value, stored->value)) {
            transaction.Commit();
            return *stored;
        }
        StateEntry written = entry;
        written.updated_at = ValueOrDefault(entry.updated_at, FormatIsoUtc(Now()));
        WriteState(written, "advance state");
        transaction.Commit();
        return written;
    }

    void RecordWriteIntent(const WriteIntent& intent) override {
        RequireWriteIntentFields(intent);
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "record write intent");
        connection_->Prepare(UpsertSql("meta_write_intents", WriteIntentColumns(), "intent_id"), "record write intent")
            .BindText(intent.intent_id)
            .BindText(intent.run_id)
            .BindText(intent.pipeline_name)
            .BindText(intent.node_name)
            .BindText(intent.target)
            .BindText(intent.staging)
            .BindText(intent.mode)
            .BindText(intent.format)
            .BindText(intent.published_marker)
            .BindText(SecretRegistry::Redact(
                DumpCatalogJson(intent.commit.is_null() ? nlohmann::json::object() : intent.commit)))
            .BindText(ValueOrDefault(intent.created_at, FormatIsoUtc(Now())))
            .Run();
        transaction.Commit();
    }

    void CommitWrite(const WriteCommit& commit) override {
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "commit write");
        if (!commit.intent_id.empty()) {
            connection_->Prepare(DeleteWriteIntentSql(), "commit write").BindText(commit.intent_id).Run();
            if (connection_->ChangedRows() == 0) {
                Error error(ErrorCode::WRITE_INTENT_NOT_OPEN,
                            ErrorSource::INTERNAL,
                            fmt::format("write intent {} is not open: another process recovered or rolled it back "
                                        "first; nothing was committed",
                                        commit.intent_id));
                error.WithPhase("catalog");
                error.WithContext("catalog", connection_->Path());
                error.WithContext("intent_id", commit.intent_id);
                error.WithSuggestion("do not run recovery (odibi run) while another run of the same pipeline is "
                                     "writing; check the node's target and state, then run it again");
                throw error;
            }
        }
        for (const auto& entry : commit.state_updates) {
            WriteState(entry, "commit write");
        }
        if (commit.output) {
            WriteOutput(*commit.output, "commit write");
        }
        if (commit.node_run) {
            WriteNodeRun(*commit.node_run, "commit write");
        }
        transaction.Commit();
    }

    bool AbandonWriteIntent(const std::string& intent_id) override {
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "abandon write intent");
        connection_->Prepare(DeleteWriteIntentSql(), "abandon write intent").BindText(intent_id).Run();
        bool closed = connection_->ChangedRows() > 0;
        transaction.Commit();
        return closed;
    }

    std::vector<WriteIntent> ListWriteIntents() override {
        std::lock_guard lock(connection_mutex_);
        auto statement = connection_->Prepare(ListWriteIntentsSql(), "list write intents");
        return ReadAll<WriteIntent>(statement, ReadWriteIntent);
    }

    void RecordObservabilityError(const ObservabilityErrorRecord& record) override {
        RequireRecordField(record.component, "component", "record observability error");
        std::string timestamp = ValueOrDefault(record.timestamp, FormatIsoUtc(Now()));
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "record observability error");
        connection_
            ->Prepare(UpsertSql("meta_observability_errors", ObservabilityErrorColumns(), "error_id"),
                      "record observability error")
            .BindText(ValueOrDefault(record.error_id, NewUuid()))
            .BindNullableText(record.run_id)
            .BindNullableText(record.pipeline_name)
            .BindText(record.component)
            .BindNullableText(RedactForCatalog(record.error_message, ERROR_MESSAGE_MAX_CHARACTERS))
            .BindText(timestamp)
            .BindText(DateOf(timestamp))
            .Run();
        transaction.Commit();
    }

    void RecordQualityResults(const std::vector<QualityRecord>& records) override {
        if (records.empty()) {
            return;
        }
        std::string now = FormatIsoUtc(Now());
        std::vector<QualityRecord> rows;
        rows.reserve(records.size());
        for (const auto& record : records) {
            rows.push_back(QualityRow(record, now));
        }
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "record quality results");
        std::string sql = UpsertSql("meta_quality", QualityColumns(), "quality_id");
        for (const auto& row : rows) {
            connection_->Prepare(sql, "record quality results")
                .BindText(row.quality_id)
                .BindText(row.run_id)
                .BindText(row.pipeline_name)
                .BindNullableText(row.node_name)
                .BindText(row.check_name)
                .BindText(row.check_type)
                .BindNullableText(row.phase)
                .BindNullableText(row.columns)
                .BindNullableText(row.severity)
                .BindText(row.status)
                .BindInt64(row.rows_checked)
                .BindInt64(row.violation_count)
                .BindDouble(row.pass_rate)
                .BindNullableDouble(row.threshold)
                .BindNullableDouble(row.observed_value)
                .BindText(SecretRegistry::Redact(DumpCatalogJson(row.failing_sample)))
                .BindNullableText(row.message)
                .BindText(row.timestamp)
                .BindText(DateOf(row.timestamp))
                .Run();
        }
        transaction.Commit();
    }

    std::vector<QualityRecord> ListQualityResults(const QualityQuery& query) override {
        return RunQueryRows<QualityRecord>(QualityResultsQuery(query, Now()), "list quality results", ReadQuality);
    }

    std::optional<QualityRecord> TryGetLastSucceededQuality(const std::string& pipeline,
                                                            const std::string& node,
                                                            const std::string& check_name) override {
        auto records = RunQueryRows<QualityRecord>(BoundQuery{LastSucceededQualitySql(), {pipeline, node, check_name}},
                                                   "read the last succeeded quality result",
                                                   ReadQuality);
        if (records.empty()) {
            return std::nullopt;
        }
        return records.front();
    }

    std::vector<PipelineRunRecord> ListPipelineRuns(const RunQuery& query) override {
        return RunQueryRows<PipelineRunRecord>(PipelineRunsQuery(query, Now()), "list pipeline runs", ReadPipelineRun);
    }

    std::vector<NodeRunRecord> ListNodeRuns(const RunQuery& query) override {
        return RunQueryRows<NodeRunRecord>(NodeRunsQuery(query, Now()), "list node runs", ReadNodeRun);
    }

    std::vector<FailureRecord> ListFailures(const RunQuery& query) override {
        return RunQueryRows<FailureRecord>(FailuresQuery(query, Now()), "list failures", ReadFailure);
    }

    std::optional<PipelineRunRecord> TryGetLastRun(const std::string& pipeline,
                                                   const std::optional<std::string>& status) override {
        BoundQuery query{LastPipelineRunSql(status.has_value()), {pipeline}};
        if (status) {
            query.parameters.push_back(NormalizeStatus(*status));
        }
        auto runs = RunQueryRows<PipelineRunRecord>(query, "read last run", ReadPipelineRun);
        if (runs.empty()) {
            return std::nullopt;
        }
        return runs.front();
    }

    std::vector<NodeRunRecord> ListNodeRunsOfRun(const std::string& run_id) override {
        return RunQueryRows<NodeRunRecord>(BoundQuery{NodeRunsOfRunSql(), {run_id}}, "list node runs", ReadNodeRun);
    }

    std::vector<NodeRunRecord> ListLatestNodeRuns(const std::string& pipeline,
                                                  const std::vector<std::string>& nodes) override {
        std::vector<NodeRunRecord> latest;
        for (size_t first = 0; first < nodes.size(); first += LATEST_NODE_RUNS_PER_QUERY) {
            size_t count = std::min(LATEST_NODE_RUNS_PER_QUERY, nodes.size() - first);
            BoundQuery query{LatestNodeRunsSql(count), {}};
            for (size_t index = first; index < first + count; ++index) {
                query.parameters.push_back(pipeline);
                query.parameters.push_back(nodes[index]);
            }
            for (auto& record : RunQueryRows<NodeRunRecord>(query, "list the latest node runs", ReadNodeRun)) {
                latest.push_back(std::move(record));
            }
        }
        return latest;
    }

    std::vector<PipelineRunRecord> MarkAbandonedRuns(const std::string& host) override {
        std::string now = FormatIsoUtc(Now());
        int64_t own_pid = CurrentProcessId();
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "mark abandoned runs");
        std::vector<PipelineRunRecord> running;
        {
            auto statement = connection_->Prepare(RunningRunsOfHostSql(), "mark abandoned runs");
            statement.BindText(host);
            running = ReadAll<PipelineRunRecord>(statement, ReadPipelineRun);
        }
        std::vector<PipelineRunRecord> abandoned;
        for (auto& run : running) {
            if (run.pid == own_pid || !IsProcessGone(run.pid)) {
                continue;
            }
            PipelineRunRecord row = AbandonedRunRow(std::move(run), host, now);
            connection_->Prepare(AbandonRunSql(), "mark abandoned runs")
                .BindText(row.run_end_at)
                .BindInt64(row.duration_ms)
                .BindText(row.error_summary)
                .BindText(row.run_id)
                .Run();
            if (connection_->ChangedRows() == 0) {
                continue;
            }
            abandoned.push_back(std::move(row));
        }
        transaction.Commit();
        return abandoned;
    }

    void Heartbeat(const std::string& run_id, const std::string& at) override {
        std::string heartbeat_at = ValueOrDefault(at, FormatIsoUtc(Now()));
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "heartbeat");
        connection_->Prepare(HeartbeatSql(), "heartbeat").BindText(heartbeat_at).BindText(run_id).Run();
        transaction.Commit();
    }

    HistoryDeleted DeleteHistory(const HistoryCutoff& cutoff) override {
        std::lock_guard lock(connection_mutex_);
        SqliteTransaction transaction(*connection_, "delete history");
        HistoryDeleted deleted;
        for (const auto& query : HistoryQueries(cutoff)) {
            Bound(query.remove, "delete history").Run();
            deleted.tables.push_back(HistoryTableRows{std::string(query.table), connection_->ChangedRows()});
        }
        transaction.Commit();
        return deleted;
    }

    HistoryDeleted CountHistory(const HistoryCutoff& cutoff) override {
        std::lock_guard lock(connection_mutex_);
        HistoryDeleted counted;
        for (const auto& query : HistoryQueries(cutoff)) {
            auto statement = Bound(query.count, "count history");
            int64_t rows = statement.Step() ? statement.ColumnInt64(0) : 0;
            counted.tables.push_back(HistoryTableRows{std::string(query.table), rows});
        }
        return counted;
    }

    CatalogOptimization Optimize() override {
        std::lock_guard lock(connection_mutex_);
        CatalogOptimization optimization;
        optimization.bytes_before = BytesOnDisk();
        // VACUUM rewrites the file under the write lock: busy waits for other writers like any write.
        for (std::string_view statement : {"PRAGMA optimize", "ANALYZE", "VACUUM"}) {
            connection_->Execute(statement, "optimize catalog", true);
            optimization.steps.emplace_back(statement);
        }
        // The checkpoint copies the WAL into the file and truncates it; a reader that still needs the WAL
        // makes it stop short (busy = 1), which is reported rather than failed.
        auto checkpoint = connection_->Prepare("PRAGMA wal_checkpoint(TRUNCATE)", "optimize catalog");
        bool blocked = checkpoint.Step() && checkpoint.ColumnInt64(0) != 0;
        optimization.steps.emplace_back(blocked ? "PRAGMA wal_checkpoint(TRUNCATE) (stopped short: another "
                                                  "connection was reading; the WAL shrinks at a later checkpoint)"
                                                : "PRAGMA wal_checkpoint(TRUNCATE)");
        optimization.bytes_after = BytesOnDisk();
        return optimization;
    }

private:
    // The Write* helpers run inside a transaction the caller holds (with connection_mutex_ locked), so
    // that single writes and CommitWrite share one definition of each row.
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
        connection_->Prepare(UpsertSql("meta_runs", RunColumns(), "run_id, pipeline_name, node_name"), operation)
            .BindText(record.run_id)
            .BindNullableText(record.project)
            .BindText(record.pipeline_name)
            .BindText(record.node_name)
            .BindText(status)
            .BindInt64(record.rows_processed)
            .BindInt64(record.duration_ms)
            .BindText(metrics_json)
            .BindNullableText(record.environment)
            .BindText(timestamp)
            .BindText(DateOf(timestamp))
            .Run();
        connection_
            ->Prepare(UpsertSql("meta_node_runs", NodeRunColumns(), "run_id, pipeline_name, node_name"), operation)
            .BindText(record.run_id)
            .BindText(NewUuid())
            .BindNullableText(record.project)
            .BindText(record.pipeline_name)
            .BindText(record.node_name)
            .BindText(status)
            .BindText(run_start_at)
            .BindNullableText(record.run_end_at)
            .BindInt64(record.duration_ms)
            .BindInt64(record.rows_processed)
            .BindText(metrics_json)
            .BindNullableText(record.environment)
            .BindText(now)
            .Run();
    }

    void WriteOutput(const OutputRecord& record, std::string_view operation) {
        RequireRecordField(record.pipeline_name, "pipeline_name", operation);
        RequireRecordField(record.node_name, "node_name", operation);
        std::string now = FormatIsoUtc(Now());
        connection_->Prepare(UpsertSql("meta_outputs", OutputColumns(), "pipeline_name, node_name"), operation)
            .BindText(record.pipeline_name)
            .BindText(record.node_name)
            .BindText(ValueOrDefault(record.output_type, std::string(DEFAULT_OUTPUT_TYPE)))
            .BindNullableText(record.connection_name)
            .BindNullableText(record.path)
            .BindNullableText(record.format)
            .BindNullableText(record.table_name)
            .BindText(ValueOrDefault(record.last_run, now))
            .BindNullableInt64(record.row_count)
            .BindText(ValueOrDefault(record.updated_at, now))
            .Run();
    }

    void WriteState(const StateEntry& entry, std::string_view operation) {
        RequireRecordField(entry.key, "key", operation);
        connection_->Prepare(UpsertSql("meta_state", StateColumns(), "key"), operation)
            .BindText(entry.key)
            .BindText(entry.value)
            .BindNullableText(entry.environment)
            .BindText(ValueOrDefault(entry.updated_at, FormatIsoUtc(Now())))
            .Run();
    }

    // The statement of `query` with its parameters bound (connection_mutex_ held by the caller).
    SqliteStatement Bound(const BoundQuery& query, std::string_view operation) {
        auto statement = connection_->Prepare(query.sql, operation);
        for (const auto& parameter : query.parameters) {
            statement.BindText(parameter);
        }
        return statement;
    }

    // The catalog file and its WAL, as `ls` would add them up; unknown for an in-memory catalog.
    std::optional<int64_t> BytesOnDisk() const {
        if (connection_->Path() == IN_MEMORY_PATH) {
            return std::nullopt;
        }
        int64_t bytes = 0;
        for (const std::string& file : {connection_->Path(), connection_->Path() + "-wal"}) {
            std::error_code error_code;
            auto size = std::filesystem::file_size(file, error_code);
            if (!error_code) {
                bytes += static_cast<int64_t>(size);
            }
        }
        return bytes;
    }

    template <typename Record, typename Reader>
    std::vector<Record> RunQueryRows(const BoundQuery& query, std::string_view operation, Reader read) {
        std::lock_guard lock(connection_mutex_);
        auto statement = connection_->Prepare(query.sql, operation);
        for (const auto& parameter : query.parameters) {
            statement.BindText(parameter);
        }
        return ReadAll<Record>(statement, read);
    }

    std::mutex connection_mutex_; // guards connection_ and every statement prepared on it
    std::unique_ptr<SqliteConnection> connection_;
};

void CreateParentDirectories(const std::string& path) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (parent.empty()) {
        return;
    }
    std::error_code error_code;
    std::filesystem::create_directories(parent, error_code);
    if (error_code) {
        Error error(ErrorCode::CATALOG_ERROR,
                    ErrorSource::EXTERNAL,
                    fmt::format("cannot create the catalog directory {}: {}", parent.string(), error_code.message()));
        error.WithPhase("catalog");
        error.WithContext("catalog", path);
        error.WithSuggestion(fmt::format("check that {} can be created and written by this user, or point "
                                         "system.path somewhere writable",
                                         parent.string()));
        throw error;
    }
}

// WAL lets readers work while one writer commits, and lets separate processes share the file.
void ConfigureConnection(SqliteConnection& connection) {
    auto journal = connection.Prepare("PRAGMA journal_mode = WAL", "set journal mode");
    std::string mode = journal.Step() ? ToLower(journal.ColumnText(0)) : std::string();
    if (mode != "wal" && connection.Path() != IN_MEMORY_PATH) {
        Log::Warning(fmt::format("catalog {}: SQLite kept journal mode \"{}\" instead of WAL; concurrent runs will "
                                 "wait longer for each other",
                                 connection.Path(),
                                 mode));
    }
    // The catalog holds high-water marks: a commit must survive a power cut, not only a crash.
    connection.Execute("PRAGMA synchronous = FULL", "set synchronous mode");
}

} // namespace

std::unique_ptr<Catalog> OpenSqliteCatalog(const std::string& path) {
    return OpenSqliteCatalog(path, SqliteCatalogOptions{});
}

std::unique_ptr<Catalog> OpenSqliteCatalog(const std::string& path, const SqliteCatalogOptions& options) {
    if (path.empty()) {
        Error error(ErrorCode::CATALOG_ERROR, ErrorSource::USER, "the catalog path is empty");
        error.WithPhase("catalog");
        error.WithSuggestion("set system.path (default \"_odibi_system\") to a directory for the catalog");
        throw error;
    }
    if (path != IN_MEMORY_PATH) {
        CreateParentDirectories(path);
    }
    auto connection = std::make_unique<SqliteConnection>(path, options.busy_timeout, options.busy_retry);
    ConfigureConnection(*connection);
    ApplyMigrations(*connection, CatalogMigrations());
    return std::make_unique<SqliteCatalog>(std::move(connection));
}

} // namespace odibi::state
