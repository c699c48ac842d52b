// The system catalog: run history, failures, outputs, state (HWM), schemas and tables.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "odibi/config/postgres_endpoint.hpp"

namespace odibi::state {

/// Longest texts the catalog keeps, in characters. Longer text is cut after secrets are redacted, so
/// a cut never leaves half a secret behind.
inline constexpr size_t ERROR_SUMMARY_MAX_CHARACTERS = 500;
inline constexpr size_t ERROR_MESSAGE_MAX_CHARACTERS = 1000;
inline constexpr size_t STACK_TRACE_MAX_CHARACTERS = 2000;

/// A pipeline run as meta_pipeline_runs holds it. Written RUNNING before the first node runs and
/// finalised on every path, so a crashed run is never missing from the history.
struct PipelineRunRecord {
    std::string run_id;
    std::string project;
    std::string pipeline_name;
    std::string owner;
    std::string layer;
    std::string run_start_at; ///< ISO-8601 UTC
    std::string run_end_at;
    int64_t duration_ms = 0;
    std::string status; ///< RUNNING | SUCCESS | FAILED | INTERRUPTED | ABANDONED
    int nodes_total = 0;
    int nodes_succeeded = 0;
    int nodes_failed = 0;
    int nodes_skipped = 0;
    int64_t rows_processed = 0;
    std::string error_summary;  ///< at most 500 characters
    std::string terminal_nodes; ///< comma-separated
    std::string environment;
    std::string host;
    int64_t pid = 0;
    std::string heartbeat_at;
    std::string story_path;
};

/// A node's outcome: one row in meta_runs (Odibi's per-node history) and meta_node_runs.
struct NodeRunRecord {
    std::string run_id;
    std::string project;
    std::string pipeline_name;
    std::string node_name;
    std::string status; ///< SUCCESS | FAILED | SKIPPED
    std::string run_start_at;
    std::string run_end_at;
    int64_t duration_ms = 0;
    int64_t rows_processed = 0;
    nlohmann::json metrics = nlohmann::json::object(); ///< scalars only: rows_in/out/written, version_hash, attempts
    std::string environment;
};

/// A failed node, one row in meta_failures. An empty failure_id gets a new UUID; an empty timestamp
/// gets the time of writing.
struct FailureRecord {
    std::string failure_id;
    std::string run_id;
    std::string project;
    std::string pipeline_name;
    std::string node_name;
    std::string error_type;    ///< "SQL_ERROR"
    std::string error_message; ///< at most 1000 characters, redacted
    std::string error_code;    ///< "E300"
    std::string stack_trace;   ///< at most 2000 characters (odibi: the failing step and SQL)
    std::string environment;
    std::string timestamp;
};

/// Where a node's output lives, so that `$pipeline.node` references resolve in other pipelines.
struct OutputRecord {
    std::string pipeline_name;
    std::string node_name;
    std::string output_type = "external_table";
    std::string connection_name;
    std::string path;
    std::string format;
    std::string table_name;
    std::string last_run;
    std::optional<int64_t> row_count;
    std::string updated_at;
};

/// One meta_state row: a high-water mark or another value a node keeps between runs.
struct StateEntry {
    std::string key;
    std::string value; ///< JSON-encoded text
    std::string environment;
    std::string updated_at;
};

/// One version of a written table's schema, as meta_schemas holds it.
struct SchemaRecord {
    std::string table_path;
    int schema_version = 0;
    std::string schema_hash;
    nlohmann::json columns; ///< {column: type}
    std::string captured_at;
    std::string pipeline;
    std::string node;
    std::string run_id;
    nlohmann::json columns_added = nlohmann::json::array();
    nlohmann::json columns_removed = nlohmann::json::array();
    nlohmann::json columns_type_changed = nlohmann::json::array();
};

/// A table odibi wrote (an asset), one meta_tables row per project and table name.
struct TableRecord {
    std::string project;
    std::string table_name;
    std::string path;
    std::string format;
    std::string pattern_type;
    std::string schema_hash;
    std::string updated_at;
};

/// A file write between staging and its state commit (docs/exactly-once.md), one row of
/// meta_write_intents while it is open. Recovery at the next start finds open intents and either
/// finishes them (the data is in place: commit the state) or rolls them back (it is not: drop the
/// staged data; the state never moved).
struct WriteIntent {
    std::string intent_id;
    std::string run_id;
    std::string pipeline_name;
    std::string node_name;
    std::string target;  ///< resolved target path
    std::string staging; ///< resolved staging path
    std::string mode;    ///< overwrite | append | upsert | append_once
    std::string format;
    /// What tells recovery whether the staged data was published (e.g. "<device>:<inode>").
    std::string published_marker;
    /// The commit that belongs to this write: recovery applies it when the data is in place.
    nlohmann::json commit = nlohmann::json::object();
    std::string created_at;
};

/// What commits together with a published write, in one state-store transaction: the state
/// updates (high-water marks), the output registration and the node's run record; the intent, when
/// named, is closed in the same transaction.
struct WriteCommit {
    std::string intent_id;
    std::vector<StateEntry> state_updates;
    std::optional<OutputRecord> output;
    std::optional<NodeRunRecord> node_run;
};

/// The commit as a WriteIntent carries it (every field, so that recovery can apply it unchanged), and
/// back. WriteCommitFromJson throws CATALOG_ERROR naming the intent when the JSON is not such a commit.
[[nodiscard]] nlohmann::json WriteCommitToJson(const WriteCommit& commit);
[[nodiscard]] WriteCommit WriteCommitFromJson(const nlohmann::json& json, const std::string& intent_id);

/// A catalog or other observability write that failed (meta_observability_errors): the run went on, and
/// this row keeps the failure visible afterwards. An empty error_id gets a new UUID; an empty timestamp
/// gets the time of writing.
struct ObservabilityErrorRecord {
    std::string error_id;
    std::string run_id;
    std::string pipeline_name;
    std::string component;     ///< what failed to record, e.g. "catalog" or "story"
    std::string error_message; ///< at most 1000 characters, redacted
    std::string timestamp;
};

/// One data-quality check of one run (meta_quality): every test, contract, gate and cross-node check
/// odibi evaluated, passed or not. An empty quality_id gets a new UUID; an empty timestamp gets the
/// time of writing.
struct QualityRecord {
    std::string quality_id;
    std::string run_id;
    std::string pipeline_name;
    std::string node_name;
    std::string check_name;
    std::string check_type; ///< not_null, unique, ..., gate, row_count_diff, schema_match, sql
    std::string phase;      ///< contract | validation | gate | cross_check
    std::string columns;    ///< comma-joined
    std::string severity;   ///< fail | warn | quarantine
    std::string status;     ///< passed | warned | failed | quarantined
    int64_t rows_checked = 0;
    int64_t violation_count = 0;
    double pass_rate = 1.0;
    std::optional<double> threshold;
    std::optional<double> observed_value;
    nlohmann::json failing_sample = nlohmann::json::array(); ///< strings, already redacted
    std::string message;                                     ///< at most 1000 characters, redacted
    std::string timestamp;
};

/// Filters for ListQualityResults; results come newest first.
struct QualityQuery {
    std::optional<std::string> pipeline;
    std::optional<std::string> node;
    std::optional<std::string> run_id;
    std::optional<int> days; ///< checks recorded within the last N days (N <= 0: no filter)
    int limit = 100;         ///< 0 or less: no limit
};

/// Filters for the List* queries; results come newest first.
struct RunQuery {
    std::optional<std::string> pipeline;
    std::optional<std::string> node;   ///< pipeline runs: runs in which this node ran
    std::optional<std::string> status; ///< compared case-insensitively; ignored by ListFailures
    std::optional<int> days;           ///< runs that started within the last N days (N <= 0: no filter)
    int limit = 20;                    ///< at most this many rows; 0 or less: no limit
};

/// How far back DeleteHistory keeps run history, per kind of row: rows older than a cutoff go, a
/// kind without a cutoff is kept whole. Cutoffs are ISO-8601 UTC instants (CutoffBefore). Rows of a
/// pipeline run that is still RUNNING are always kept, and so is everything that is not history
/// (meta_state, meta_outputs, meta_schemas, meta_tables, open write intents).
struct HistoryCutoff {
    /// meta_pipeline_runs (by run_start_at), meta_runs (by timestamp) and meta_node_runs (by run_start_at).
    std::optional<std::string> runs;
    std::optional<std::string> failures;             ///< meta_failures, by timestamp
    std::optional<std::string> observability_errors; ///< meta_observability_errors, by timestamp
    std::optional<std::string> quality;              ///< meta_quality, by timestamp
};

/// The rows of one table that a history cleanup deleted (or, from CountHistory, would delete).
struct HistoryTableRows {
    std::string table; ///< "meta_pipeline_runs"
    int64_t rows = 0;
};

/// What DeleteHistory deleted: one entry per table it looked at, in a fixed order.
struct HistoryDeleted {
    std::vector<HistoryTableRows> tables;

    [[nodiscard]] int64_t Total() const;
    /// The rows of `table`; 0 for a table that was not looked at.
    [[nodiscard]] int64_t RowsOf(std::string_view table) const;
};

/// What Optimize did to the store.
struct CatalogOptimization {
    std::vector<std::string> steps; ///< the statements that ran, in order
    /// SQLite: bytes of the catalog file and its WAL before and after; unknown for other stores.
    std::optional<int64_t> bytes_before;
    std::optional<int64_t> bytes_after;
};

/// The instant `age` before `now`, as the catalog writes timestamps: the cutoff that keeps the last `age`.
[[nodiscard]] std::string CutoffBefore(std::chrono::system_clock::time_point now, std::chrono::milliseconds age);

/// The catalog interface, implemented on SQLite and on PostgreSQL. Every method is safe to call from several
/// threads and processes at once (the backend serialises writers).
class Catalog {
public:
    virtual ~Catalog() = default;

    /// Inserts the run (status RUNNING when empty; heartbeat_at defaults to run_start_at). Writing
    /// the same run_id again replaces the row.
    virtual void BeginPipelineRun(const PipelineRunRecord& record) = 0;
    /// Writes the final state of the run (inserting it if BeginPipelineRun never got through). Empty
    /// fields keep what BeginPipelineRun wrote; an empty run_end_at becomes now.
    virtual void FinishPipelineRun(const PipelineRunRecord& record) = 0;
    /// Writes the node's row in meta_runs and in meta_node_runs in one transaction; recording the
    /// same (run_id, pipeline_name, node_name) again replaces both rows.
    virtual void RecordNodeRun(const NodeRunRecord& record) = 0;
    virtual void RecordFailure(const FailureRecord& record) = 0;
    /// Inserts or replaces the output of (pipeline_name, node_name).
    virtual void UpsertOutput(const OutputRecord& record) = 0;
    [[nodiscard]] virtual std::optional<OutputRecord> TryGetOutput(const std::string& pipeline,
                                                                   const std::string& node) = 0;
    /// Records the schema if its hash differs from the latest version for `table_path`; returns
    /// the version now current.
    virtual SchemaRecord RecordSchema(const SchemaRecord& record) = 0;
    /// Inserts or replaces the table of (project, table_name).
    virtual void UpsertTable(const TableRecord& record) = 0;

    [[nodiscard]] virtual std::optional<StateEntry> TryGetState(const std::string& key) = 0;
    /// The entry of `key`; throws STATE_NOT_FOUND when there is none.
    [[nodiscard]] StateEntry GetState(const std::string& key);
    /// Inserts or replaces the entry of `entry.key` (an empty updated_at becomes now).
    virtual void SetState(const StateEntry& entry) = 0;
    /// Removes the entry; false when there was none.
    virtual bool DeleteState(const std::string& key) = 0;
    /// Every entry, ordered by key.
    [[nodiscard]] virtual std::vector<StateEntry> ListState() = 0;
    /// Sets `entry.key` to `entry.value` unless the stored value is larger (max semantics: JSON numbers
    /// compare as numbers, strings as text, e.g. ISO timestamps); returns the entry now stored.
    /// Atomic across threads and processes: of concurrent advances the largest value wins.
    virtual StateEntry AdvanceState(const StateEntry& entry) = 0;

    /// Records an open write intent (before its data is published). An empty created_at becomes now.
    virtual void RecordWriteIntent(const WriteIntent& intent) = 0;
    /// Applies `commit` (state updates, output, node run record) and closes its intent, atomically:
    /// either all of it is stored or none. State updates replace the stored values (the commit carries
    /// the node's new high-water marks). With an intent_id that is not open (closed by a concurrent
    /// recovery), nothing is applied and WRITE_INTENT_NOT_OPEN is thrown.
    virtual void CommitWrite(const WriteCommit& commit) = 0;
    /// Closes an intent whose write was rolled back; false when it was not open.
    virtual bool AbandonWriteIntent(const std::string& intent_id) = 0;
    /// Open intents, oldest first.
    [[nodiscard]] virtual std::vector<WriteIntent> ListWriteIntents() = 0;

    /// Records a failed catalog or observability write of a run (meta_observability_errors).
    virtual void RecordObservabilityError(const ObservabilityErrorRecord& record) = 0;

    /// Inserts the checks of one node (or of a run's cross-node checks) in one transaction.
    virtual void RecordQualityResults(const std::vector<QualityRecord>& records) = 0;
    [[nodiscard]] virtual std::vector<QualityRecord> ListQualityResults(const QualityQuery& query) = 0;
    /// The latest record of check `check_name` of the node from a run in which the node succeeded
    /// (meta_node_runs status SUCCESS), if any: the baseline of "within X% of the previous run".
    [[nodiscard]] virtual std::optional<QualityRecord>
    TryGetLastSucceededQuality(const std::string& pipeline, const std::string& node, const std::string& check_name) = 0;

    [[nodiscard]] virtual std::vector<PipelineRunRecord> ListPipelineRuns(const RunQuery& query) = 0;
    [[nodiscard]] virtual std::vector<NodeRunRecord> ListNodeRuns(const RunQuery& query) = 0;
    [[nodiscard]] virtual std::vector<FailureRecord> ListFailures(const RunQuery& query) = 0;
    /// The run of `pipeline` that started last, optionally only among runs with `status`.
    [[nodiscard]] virtual std::optional<PipelineRunRecord> TryGetLastRun(const std::string& pipeline,
                                                                         const std::optional<std::string>& status) = 0;
    /// The node runs of one run, in the order they started.
    [[nodiscard]] virtual std::vector<NodeRunRecord> ListNodeRunsOfRun(const std::string& run_id) = 0;
    /// For each of `nodes` of `pipeline`, its newest run that executed (SUCCESS or FAILED: SKIPPED rows,
    /// such as nodes that --resume skipped, are passed over); nodes that never ran have no row. What
    /// `odibi run --resume` compares version hashes with. Indexed: the cost does not grow with the history.
    [[nodiscard]] virtual std::vector<NodeRunRecord> ListLatestNodeRuns(const std::string& pipeline,
                                                                        const std::vector<std::string>& nodes) = 0;

    /// Marks RUNNING runs whose owner (same host, pid not alive) is gone as ABANDONED; returns them.
    virtual std::vector<PipelineRunRecord> MarkAbandonedRuns(const std::string& host) = 0;
    /// Sets heartbeat_at of a RUNNING run (an empty `at` means now); a finished run is left alone.
    virtual void Heartbeat(const std::string& run_id, const std::string& at) = 0;

    /// Deletes run history older than the cutoffs (HistoryCutoff says which tables and rows), in one
    /// transaction: either every table is cleaned or none. Returns the rows deleted per table.
    virtual HistoryDeleted DeleteHistory(const HistoryCutoff& cutoff) = 0;
    /// The rows DeleteHistory(cutoff) would delete now, per table; changes nothing.
    [[nodiscard]] virtual HistoryDeleted CountHistory(const HistoryCutoff& cutoff) = 0;
    /// Compacts the store and refreshes the planner's statistics: on SQLite PRAGMA optimize, ANALYZE,
    /// VACUUM and a WAL checkpoint (TRUNCATE); on PostgreSQL VACUUM (ANALYZE) of the meta_* tables. Runs
    /// outside any transaction; concurrent runs wait for it (SQLite) or go on (PostgreSQL).
    virtual CatalogOptimization Optimize() = 0;
};

/// How long the SQLite catalog waits for other writers before it reports the catalog as locked.
struct SqliteCatalogOptions {
    /// How long one SQLite call waits for a lock another connection holds.
    std::chrono::milliseconds busy_timeout{10000};
    /// How long starting a write transaction keeps retrying while the database stays busy.
    std::chrono::milliseconds busy_retry{30000};
};

/// Opens (creating and migrating if needed) the SQLite catalog file at `path` (WAL mode, busy timeout).
/// Parent directories are created. Throws CATALOG_ERROR when the file cannot be opened or migrated.
/// A Catalog belongs to the process that opened it: a forked child opens its own. ":memory:" opens a
/// private in-memory catalog.
[[nodiscard]] std::unique_ptr<Catalog> OpenSqliteCatalog(const std::string& path);
[[nodiscard]] std::unique_ptr<Catalog> OpenSqliteCatalog(const std::string& path, const SqliteCatalogOptions& options);

/// Where a PostgreSQL catalog lives and how to reach it. The password is only handed to libpq: it
/// never appears in an error, a log line or the catalog.
struct PostgresCatalogOptions : config::PostgresEndpoint {
    /// The schema that holds every meta_* table; created when missing.
    std::string schema = "_odibi_system";
};

/// Opens (creating the schema and migrating it if needed) the catalog in a PostgreSQL database.
/// Concurrent first opens are serialised by an advisory lock. Throws STATE_STORE_UNAVAILABLE when the
/// server cannot be reached or refuses the login, CATALOG_ERROR when the schema cannot be created or
/// migrated. After a lost connection the next call reconnects. A Catalog belongs to the process that
/// opened it: a forked child opens its own.
[[nodiscard]] std::unique_ptr<Catalog> OpenPostgresCatalog(const PostgresCatalogOptions& options);

} // namespace odibi::state
