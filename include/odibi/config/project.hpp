// The typed project configuration: what `odibi.yaml` means after loading, merging and validation.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "odibi/common/clock.hpp"
#include "odibi/common/error.hpp"

namespace odibi::config {

/// Free-form values (transformer params, reader/writer options) keep their YAML shape as JSON.
using Json = nlohmann::ordered_json;

/// Maps dotted config paths ("pipelines[0].nodes[2].write.mode") to where they were written.
/// Lookups of a path that has no entry walk up to the nearest ancestor (imported, recipe-made keys).
class LocationIndex {
public:
    void Set(const std::string& path, SourceLocation location);
    /// The location of `path` or of its nearest recorded ancestor; the path itself is always kept.
    [[nodiscard]] SourceLocation Find(const std::string& path) const;

private:
    std::map<std::string, SourceLocation> locations_;
};

enum class EngineKind : uint8_t { DUCKDB, PANDAS, POLARS, SPARK };

enum class ConnectionType : uint8_t {
    LOCAL,
    AZURE_BLOB,
    DELTA,
    UNITY_CATALOG,
    SQL_SERVER,
    HTTP,
    POSTGRES,
    CUSTOM, ///< any other type string: kept whole for plugins
};

struct ConnectionConfig {
    std::string name;
    ConnectionType type = ConnectionType::LOCAL;
    std::string type_name;            ///< as written ("local", "azure_adls", ...)
    std::string base_path = "./data"; ///< local: relative paths are resolved by the loader against the config dir
    Json fields = Json::object();     ///< every key as written (minus secrets' plain text in logs)
    std::string config_path;          ///< "connections.landing"
};

enum class IncrementalMode : uint8_t { ROLLING_WINDOW, STATEFUL };

enum class LookbackUnit : uint8_t { HOUR, DAY, MONTH, YEAR };

/// How a string column holds dates (`date_format:`); absent when the column is a date/timestamp/number.
enum class DateFormat : uint8_t { ORACLE, ORACLE_SQLSERVER, SQL_SERVER, US, EU, ISO };

/// `read.incremental` (§6): which rows of the source a run reads.
struct IncrementalConfig {
    IncrementalMode mode = IncrementalMode::ROLLING_WINDOW;
    std::string column; ///< `column` or its alias `key_column`
    std::optional<std::string> fallback_column;
    int64_t lookback = 1; ///< rolling_window only
    LookbackUnit unit = LookbackUnit::DAY;
    std::optional<std::string> state_key;     ///< stateful; "<node>_hwm" when absent
    std::optional<std::string> watermark_lag; ///< as written ("2h"); stateful only
    int64_t watermark_lag_seconds = 0;
    std::optional<DateFormat> date_format;
    std::string config_path; ///< "pipelines[0].nodes[1].read.incremental"
};

/// `read:` and inline `inputs:` entries.
struct ReadConfig {
    std::optional<std::string> connection;
    std::string format;
    std::optional<std::string> table;
    std::optional<std::string> path;
    std::optional<std::string> query;
    std::optional<std::string> sql_file; ///< resolved to an absolute path by the loader
    std::optional<std::string> filter;   ///< SQL WHERE clause
    Json options = Json::object();       ///< reader options (archive_options merged in)
    std::optional<IncrementalConfig> incremental;
    Json time_travel; ///< null when absent; else {as_of_version: int} or {as_of_timestamp: text} (Delta)
    bool streaming = false;
    Json extra = Json::object(); ///< recognised keys of later features (schema_ddl)
    std::string config_path;     ///< "pipelines[0].nodes[1].read"
};

/// How a write combines its rows with the target. MERGE (`mode: merge` + `merge_keys`) upserts by
/// merge_keys on file and Delta targets. DELETE_MATCHING is not a YAML mode: the merge pattern's
/// `strategy: delete_match` and hard delete detection write with it (target rows whose keys are in
/// the batch are removed, nothing is inserted).
enum class WriteMode : uint8_t { OVERWRITE, APPEND, UPSERT, APPEND_ONCE, MERGE, DELETE_MATCHING };

struct WriteConfig {
    std::string connection;
    std::string format;
    std::optional<std::string> table;
    std::optional<std::string> path;
    WriteMode mode = WriteMode::OVERWRITE;
    Json options = Json::object(); ///< writer options; `keys` for upsert/append_once lives here
    std::vector<std::string> partition_by;
    bool merge_schema = false;                           ///< Delta: new columns of the rows join the table's schema
    bool overwrite_schema = false;                       ///< Delta: mode overwrite replaces the schema and partitioning
    std::map<std::string, std::string> table_properties; ///< Delta: metaData.configuration of a new table
    std::vector<std::string> zorder_by;                  ///< Delta: OPTIMIZE ZORDER BY these columns after each write
    /// Delta `auto_optimize`: OPTIMIZE, then VACUUM with this retention (hours), after each write.
    std::optional<double> auto_optimize_vacuum_hours;
    std::optional<std::string> first_run_query;
    std::vector<std::string> merge_keys; ///< `mode: merge`: the columns that identify a row
    /// Delta `skip_if_unchanged`: no commit when the rows hash to the content hash of the last write
    /// of this node; `skip_hash_columns` limits the hash to those columns, `skip_hash_sort_columns`
    /// is accepted for compatibility (the hash does not depend on row order).
    bool skip_if_unchanged = false;
    std::vector<std::string> skip_hash_columns;
    std::vector<std::string> skip_hash_sort_columns;
    /// Upsert only, set by the merge pattern's delete_condition (not a YAML key): a boolean column of
    /// the rows; a row with it true removes its key from the target and is not written. The column
    /// itself is never written.
    std::optional<std::string> delete_flag_column;
    Json extra = Json::object(); ///< recognised keys of later features (register_table, merge_options, ...)
    std::string config_path;
};

/// Which values of one node are masked wherever rows are shown (story samples, failing-row samples of
/// quality checks): the node's `sensitive:` key.
struct SensitiveColumns {
    bool all = false;                 ///< `sensitive: true`: every value is masked
    std::vector<std::string> columns; ///< `sensitive: [a, b]`: these columns (matched case-insensitively)

    [[nodiscard]] bool Masks(const std::string& column) const;
};

/// Reads a node's `sensitive:` value: false/null -> nothing, true -> all, a list -> those columns.
[[nodiscard]] SensitiveColumns ParseSensitiveColumns(const Json& sensitive);

/// The data-quality tests of `validation.tests` and `contracts` (reference §3.8, docs/data-quality.md).
enum class QualityTestType : uint8_t {
    NOT_NULL,
    UNIQUE,
    ACCEPTED_VALUES,
    ROW_COUNT,
    CUSTOM_SQL,
    RANGE,
    REGEX_MATCH,
    VOLUME_DROP,
    SCHEMA,
    DISTRIBUTION,
    FRESHNESS,
    RELATIONSHIPS,
};

/// A test's `on_fail`: what a failing test does to the node.
enum class QualitySeverity : uint8_t { FAIL, WARN, QUARANTINE };

/// How a `distribution` test compares its metric: with a constant (`">100"`, `"<= 0.05"`) or with the
/// same metric of the previous successful run (`"within 10%"`).
struct DistributionThreshold {
    std::string comparison; ///< one of > >= < <= == != ; empty for `within`
    double value = 0.0;     ///< the constant, or the allowed change in percent for `within`
    bool relative_to_previous = false;
    std::string text; ///< as written, for messages
};

struct QualityTestConfig {
    QualityTestType type = QualityTestType::NOT_NULL;
    /// `name`, else the type's name; unique within its list (a repeated name gets "_<index>").
    std::string name;
    QualitySeverity on_fail = QualitySeverity::FAIL; ///< `distribution` defaults to WARN
    std::vector<std::string> columns;                ///< not_null, unique (composite)
    /// accepted_values, range, regex_match, distribution, freshness ("updated_at"), relationships
    std::string column;
    Json values = Json::array();     ///< accepted_values: scalars
    std::optional<int64_t> min_rows; ///< row_count min
    std::optional<int64_t> max_rows; ///< row_count max
    Json min;                        ///< range lower bound (number or string, inclusive); null when absent
    Json max;                        ///< range upper bound; null when absent
    std::string pattern;             ///< regex_match: anchored at the start, as Odibi's re.match
    std::string condition;           ///< custom_sql: SQL boolean over the row, true = valid
    /// custom_sql: allowed fraction of failing rows (0.0); volume_drop: allowed drop against the
    /// average (0.5).
    double threshold = 0.0;
    int lookback_days = 7; ///< volume_drop
    bool strict = true;    ///< schema: the columns equal (true) or include (false) the node's `columns:`
    std::string metric;    ///< distribution: mean | min | max | null_percentage
    std::optional<DistributionThreshold> distribution_threshold;
    int64_t max_age_seconds = 0; ///< freshness: `max_age` ("24h", "7d", "30m")
    std::string max_age;         ///< freshness: as written
    std::string to;              ///< relationships: the node (or view) that holds the referenced keys
    std::string field;           ///< relationships: the key column there (defaults to `column`)
    bool nullable = false;       ///< relationships: null keys pass
    std::string config_path;     ///< "pipelines[0].nodes[1].validation.tests[2]"
};

/// `validation.mode`: whether failing tests fail the node or only warn.
enum class ValidationMode : uint8_t { FAIL, WARN };

/// `validation.quarantine`: where rows failing `on_fail: quarantine` tests are appended, and which
/// metadata columns they get (both spellings, `rejection_reason` and `_rejection_reason`, are read).
struct QuarantineConfig {
    WriteConfig write; ///< connection, format (parquet unless given), path or table; mode append
    bool add_rejection_reason = true;
    bool add_rejected_at = true;
    bool add_source_batch_id = true;
    bool add_failed_tests = true;
    bool add_original_node = false;
    int retention_days = 90;
    std::optional<int64_t> max_rows;
    std::optional<double> sample_fraction; ///< 0..1
    std::string config_path;
};

enum class GateOnFail : uint8_t { ABORT, WARN_AND_WRITE, WRITE_VALID_ONLY };

struct GateThreshold {
    std::string test; ///< a test name
    double min_pass_rate = 0.0;
};

struct GateRowCount {
    std::optional<int64_t> min;
    std::optional<int64_t> max;
    std::optional<double> change_threshold; ///< 0..1 against the previous successful run
};

/// `validation.gate`: the batch-level decision after the tests (reference §3.4).
struct GateConfig {
    double require_pass_rate = 0.95;
    GateOnFail on_fail = GateOnFail::ABORT;
    std::vector<GateThreshold> thresholds;
    std::optional<GateRowCount> row_count;
    std::string config_path;
};

struct ValidationConfig {
    ValidationMode mode = ValidationMode::FAIL;
    std::vector<QualityTestConfig> tests;
    std::optional<QuarantineConfig> quarantine;
    std::optional<GateConfig> gate;
    bool fail_fast = false;
    std::string config_path;
};

/// What a cross-node check (`transformer: cross_check`) asserts over other nodes' outputs.
enum class CrossCheckType : uint8_t { ROW_COUNT_DIFF, SCHEMA_MATCH, SQL };

/// A check node: no output of its own; on failure it stops the pipeline (`on_fail: fail`) or warns.
struct CrossCheckConfig {
    CrossCheckType type = CrossCheckType::ROW_COUNT_DIFF;
    std::string name;                ///< `name` param, else the node's name
    std::vector<std::string> inputs; ///< node names (>= 2 for row_count_diff and schema_match)
    double threshold = 0.0;          ///< row_count_diff: allowed |n - base| / base
    /// sql: a query over the named nodes that returns the violating rows; the check passes when it
    /// returns none.
    std::string sql;
    QualitySeverity on_fail = QualitySeverity::FAIL; ///< fail | warn
    std::string config_path;
};

enum class StepKind : uint8_t { SQL, SQL_FILE, FUNCTION, OPERATION };

struct TransformStep {
    StepKind kind = StepKind::SQL;
    std::string text; ///< SQL text, absolute sql_file path, or function/operation name
    Json params = Json::object();
    std::string config_path; ///< "pipelines[0].nodes[1].transform.steps[2]"
};

/// `inputs:` value: a `$pipeline.node` reference or an inline read.
struct InputConfig {
    std::string alias;
    std::optional<std::string> reference_pipeline; ///< set for "$pipeline.node"
    std::optional<std::string> reference_node;
    std::optional<ReadConfig> read;
    std::string config_path;
};

enum class ErrorStrategy : uint8_t { FAIL_FAST, FAIL_LATER, IGNORE };

enum class BackoffKind : uint8_t { EXPONENTIAL, LINEAR, CONSTANT };

struct RetryConfig {
    bool enabled = true;
    int max_attempts = 3; ///< total attempts, as Odibi's code counts them
    BackoffKind backoff = BackoffKind::EXPONENTIAL;
    /// Seconds to wait before attempt n + 1 (n >= 1): exponential 2^(n-1), linear n, constant 1.
    double base_seconds = 1.0; ///< tests shorten the wait through ODIBI_RETRY_BASE_SECONDS
};

struct NodeConfig {
    std::string name;
    std::string description;
    std::string explanation; ///< markdown; explanation_file contents are loaded into it
    std::string runbook_url;
    bool enabled = true;
    std::vector<std::string> tags;
    std::vector<std::string> depends_on;
    Json columns = Json::object(); ///< data dictionary {col: {description, pii, tags}}
    std::optional<ReadConfig> read;
    std::vector<InputConfig> inputs;
    std::vector<TransformStep> transform_steps;
    std::optional<std::string> transformer;
    Json params = Json::object();
    std::optional<WriteConfig> write;
    std::vector<std::string> pre_sql;
    std::vector<std::string> post_sql;
    bool cache = false;
    std::optional<std::string> log_level;
    ErrorStrategy on_error = ErrorStrategy::FAIL_LATER;
    std::optional<RetryConfig> retry;            ///< never set from YAML (no node-level retry: in Odibi)
    std::optional<ValidationConfig> validation;  ///< post-transform tests, quarantine, gate
    std::vector<QualityTestConfig> contracts;    ///< pre-transform tests on the node's input
    std::optional<CrossCheckConfig> cross_check; ///< set when `transformer: cross_check`
    Json validation_source;                      ///< `validation:` as written (null when absent), for the version hash
    Json contracts_source;                       ///< `contracts:` as written (null when absent), for the version hash
    Json sensitive;                              ///< false, true, or a list of column names
    Json privacy;                                ///< null when absent
    Json schema_policy;                          ///< null when absent
    std::optional<std::string> materialized;     ///< table | view | incremental
    bool streaming = false;
    std::optional<std::string> explanation_file; ///< absolute path; its contents are in `explanation`
    std::string source_file;                     ///< YAML file that defined the node (for relative sql_file)
    std::string config_path;                     ///< "pipelines[0].nodes[2]"
};

struct PipelineConfig {
    std::string name;
    std::string description;
    std::string layer;
    std::string owner;
    std::optional<std::string> freshness_sla;
    std::vector<NodeConfig> nodes;
    std::vector<std::string> tags;
    std::optional<int> auto_cache_threshold = 3; ///< nullopt disables auto-caching
    std::string freshness_anchor = "run_completion";
    std::string config_path;
};

struct StoryConfig {
    std::string connection;
    std::string path;
    int max_sample_rows = 10;
    bool auto_generate = true;
    int retention_days = 30;   ///< 0 when written as null (no age limit)
    int retention_count = 100; ///< 0 when written as null (no count limit)
    int failure_sample_size = 100;
    int max_failure_samples = 500;
    int max_sampled_validations = 5;
    bool async_generation = false;
    bool generate_lineage = true;
    Json docs; ///< null when absent (generated docs are a later feature)
};

/// system.retention_days: how many days of catalog history odibi keeps, per kind of row; older rows
/// are deleted after each run. Keys left out keep Odibi's defaults.
struct CatalogRetention {
    int failures = 90;             ///< meta_failures
    int observability_errors = 90; ///< meta_observability_errors
    int quality = 90;              ///< meta_quality
    int daily_stats = 365;         ///< accepted for Odibi configs: odibi keeps no daily stats table
    /// odibi's own key: meta_pipeline_runs, meta_runs and meta_node_runs. Unset: kept forever.
    std::optional<int> runs;
};

struct SystemConfig {
    std::string connection;
    std::string path = "_odibi_system";
    std::optional<std::string> environment;
    std::optional<double> cost_per_compute_hour;
    std::optional<CatalogRetention> retention_days; ///< unset (or null): the catalog keeps all history
    bool optimize_catalog = false;                  ///< compact the catalog after each run
    Json extra = Json::object(); ///< recognised keys of later features (sync_to, retention_days, ...)
};

struct PerformanceConfig {
    std::optional<std::string> memory_limit;
    std::optional<int> threads;
    std::optional<std::string> temp_directory; ///< resolved against the config dir
    bool skip_null_profiling = false;
    bool skip_catalog_writes = false;
    bool skip_run_logging = false;
    Json delta_table_properties = Json::object(); ///< defaults under write.table_properties (Delta)
};

struct LoggingConfig {
    std::string level = "INFO";
    bool structured = false;
    Json metadata = Json::object();
};

struct ProjectConfig {
    std::string project;
    std::string description;
    std::string version = "1.0.0";
    std::string owner;
    EngineKind engine = EngineKind::PANDAS; ///< as written; odibi always runs DuckDB
    std::map<std::string, ConnectionConfig> connections;
    std::vector<PipelineConfig> pipelines;
    StoryConfig story;
    SystemConfig system;
    RetryConfig retry;
    LoggingConfig logging;
    PerformanceConfig performance;
    Json vars = Json::object();
    Json alerts = Json::array();            ///< kept as written (alerts are a later feature)
    Json lineage;                           ///< null when absent
    Json semantic;                          ///< null when absent
    std::vector<std::string> environments;  ///< names defined under `environments:`
    std::string config_file;                ///< absolute path of the root YAML file
    std::string config_dir;                 ///< its directory: the base of relative paths
    std::optional<std::string> environment; ///< --env NAME
    LocationIndex locations;

    /// Throws UNKNOWN_CONNECTION with a did-you-mean suggestion.
    [[nodiscard]] const ConnectionConfig& GetConnection(const std::string& name) const;
    [[nodiscard]] const ConnectionConfig* TryGetConnection(const std::string& name) const;
    [[nodiscard]] const PipelineConfig* TryGetPipeline(const std::string& name) const;
};

/// How the CLI asks for a project to be loaded.
struct LoadOptions {
    std::optional<std::string> environment;     ///< --env NAME
    std::optional<std::string> engine_override; ///< --engine duckdb (lets `engine: spark` projects run)
    std::optional<TimePoint> now;               ///< "now" for ${date:...}; the clock when absent
};

/// The loaded project plus every warning/info collected on the way (errors are thrown together as
/// one DiagnosticsError).
struct LoadResult {
    ProjectConfig project;
    DiagnosticList diagnostics; ///< warnings and info lines only
};

/// LoadProject without the throw: every diagnostic (errors included) is returned together with the
/// project as far as it could be built, so that later checks (graph, transformers) can add their
/// problems to the same report. `validated` is false when loading stopped before strict validation
/// (unreadable file, YAML syntax, imports, environment variables, --env, recipes): `project` is then empty.
struct CollectedLoad {
    ProjectConfig project;
    DiagnosticList diagnostics; ///< errors, warnings and info, in file order
    bool validated = false;
};

/// Loads `path` as §0 of the YAML reference describes: .env, ${VAR}, imports, --env, ${vars.x},
/// ${date:...}, recipes, then strict validation. All errors of the file are collected and thrown
/// together as DiagnosticsError; each names file:line:col and the dotted path.
[[nodiscard]] LoadResult LoadProject(const std::string& path, const LoadOptions& options = {});
[[nodiscard]] CollectedLoad LoadProjectCollecting(const std::string& path, const LoadOptions& options = {});

/// String tables (one per enum), used for YAML parsing, JSON output and suggestions.
[[nodiscard]] std::string WriteModeName(WriteMode mode);
[[nodiscard]] std::optional<WriteMode> TryParseWriteMode(const std::string& text);
[[nodiscard]] std::string QualityTestTypeName(QualityTestType type);
[[nodiscard]] std::optional<QualityTestType> TryParseQualityTestType(const std::string& text);
[[nodiscard]] std::string QualitySeverityName(QualitySeverity severity);
[[nodiscard]] std::string GateOnFailName(GateOnFail on_fail);
[[nodiscard]] std::string CrossCheckTypeName(CrossCheckType type);
[[nodiscard]] std::optional<QualitySeverity> TryParseQualitySeverity(const std::string& text);
[[nodiscard]] std::optional<GateOnFail> TryParseGateOnFail(const std::string& text);
[[nodiscard]] std::optional<CrossCheckType> TryParseCrossCheckType(const std::string& text);
[[nodiscard]] std::string ErrorStrategyName(ErrorStrategy strategy);
[[nodiscard]] std::optional<ErrorStrategy> TryParseErrorStrategy(const std::string& text);
[[nodiscard]] std::string EngineName(EngineKind engine);
[[nodiscard]] std::optional<EngineKind> TryParseEngine(const std::string& text);
[[nodiscard]] std::string ConnectionTypeName(ConnectionType type);
[[nodiscard]] std::string StepKindName(StepKind kind);
[[nodiscard]] std::string BackoffName(BackoffKind backoff);
[[nodiscard]] std::string IncrementalModeName(IncrementalMode mode);
[[nodiscard]] std::optional<IncrementalMode> TryParseIncrementalMode(const std::string& text);
[[nodiscard]] std::string LookbackUnitName(LookbackUnit unit);
[[nodiscard]] std::optional<LookbackUnit> TryParseLookbackUnit(const std::string& text);
[[nodiscard]] std::string DateFormatName(DateFormat format);
[[nodiscard]] std::optional<DateFormat> TryParseDateFormat(const std::string& text);
/// Names of each table, in declaration order (for did-you-mean and error messages).
[[nodiscard]] std::vector<std::string> IncrementalModeNames();
[[nodiscard]] std::vector<std::string> QualityTestTypeNames();
[[nodiscard]] std::vector<std::string> QualitySeverityNames();
[[nodiscard]] std::vector<std::string> GateOnFailNames();
[[nodiscard]] std::vector<std::string> CrossCheckTypeNames();
[[nodiscard]] std::vector<std::string> LookbackUnitNames();
[[nodiscard]] std::vector<std::string> DateFormatNames();
/// A `watermark_lag` such as "30m" or "2h" (N{s,m,h,d,w}) in seconds; nullopt when malformed.
[[nodiscard]] std::optional<int64_t> TryParseWatermarkLag(const std::string& text);

/// Every `format:` value of the YAML language (read and write).
[[nodiscard]] const std::vector<std::string>& FormatNames();
/// The formats this build reads and writes; other formats are recognised but rejected as not supported yet.
[[nodiscard]] bool IsFormatSupported(const std::string& format);

} // namespace odibi::config
