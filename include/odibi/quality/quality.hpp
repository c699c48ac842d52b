// Data-quality checks compiled to DuckDB SQL: tests and contracts over a relation, the quarantine
// split, the gate and cross-node checks. Results are values (QualityResult); nothing here throws for a
// failing check, only for a check that cannot run (bad SQL, a missing relation).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::quality {

/// Where a check ran in the node (and in meta_quality.phase).
enum class CheckPhase : uint8_t { CONTRACT, VALIDATION, GATE, CROSS_CHECK };

/// passed; warned = failed with on_fail warn (or validation.mode warn); failed = failed with
/// on_fail fail (or a quarantine test without a quarantine target); quarantined = its failing rows
/// went to quarantine.
enum class CheckStatus : uint8_t { PASSED, WARNED, FAILED, QUARANTINED };

[[nodiscard]] std::string CheckPhaseName(CheckPhase phase);
[[nodiscard]] std::string CheckStatusName(CheckStatus status);

/// The outcome of one check.
struct QualityResult {
    std::string check_name;
    std::string check_type; ///< not_null, unique, ..., gate, row_count_diff, schema_match, sql
    std::vector<std::string> columns;
    config::QualitySeverity severity = config::QualitySeverity::FAIL;
    CheckPhase phase = CheckPhase::VALIDATION;
    CheckStatus status = CheckStatus::PASSED;
    int64_t rows_checked = 0;
    int64_t violation_count = 0; ///< failing rows (row-level checks) or 1 for a failed batch check
    /// (rows_checked - violation_count) / rows_checked for row-level checks (1.0 on 0 rows); batch
    /// checks (row_count, volume_drop, schema, distribution, freshness, a test whose column is missing)
    /// are 1.0 or 0.0.
    double pass_rate = 1.0;
    std::optional<double> threshold;      ///< the bound the check compared against, if one
    std::optional<double> observed_value; ///< the measured value (metric, count, age in seconds, ...)
    /// Up to QualityContext::sample_size failing rows, each "col=value, col=value" over the key
    /// columns (the checked columns, or all columns for custom_sql); sensitive columns read "***".
    std::vector<std::string> failing_sample;
    /// What failed, where and why, and the fix; empty when passed.
    std::string message;
    std::string config_path; ///< the test's place in the YAML
};

/// What checks read from earlier runs (the system catalog); execute/ implements it. Every lookup may
/// return nullopt (no earlier run, no catalog).
class QualityHistory {
public:
    virtual ~QualityHistory() = default;
    QualityHistory() = default;
    QualityHistory(const QualityHistory&) = delete;
    QualityHistory& operator=(const QualityHistory&) = delete;
    QualityHistory(QualityHistory&&) = delete;
    QualityHistory& operator=(QualityHistory&&) = delete;

    /// The observed value of check `check_name` of this node in the previous run in which the node
    /// succeeded (distribution "within X%").
    [[nodiscard]] virtual std::optional<double> PreviousObservedValue(const std::string& check_name) = 0;
    /// Average rows of the node's successful runs over the last `days` days (volume_drop).
    [[nodiscard]] virtual std::optional<double> AverageRows(int days) = 0;
    /// Rows of the node's previous successful run (gate row_count.change_threshold).
    [[nodiscard]] virtual std::optional<int64_t> PreviousRows() = 0;
};

struct QualityContext {
    std::string pipeline;
    std::string node;
    std::string run_id;
    std::vector<std::string> sensitive_columns; ///< masked as "***" in failing samples
    /// The node's `columns:` data dictionary (schema test); an object, possibly empty.
    config::Json column_metadata = config::Json::object();
    QualityHistory* history = nullptr; ///< may be null
    int sample_size = 5;
    /// Reading the relation again gives the same rows (a file or table read as it is). The row-level
    /// checks read it several times (duplicate keys, failing rows, then the write's anti-join); any
    /// other relation (a transform may call random() or now()) is first copied into a temporary table.
    bool relation_is_stable = false;
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

/// TABLE and VIEW are temporary (of one connection); SHARED_TABLE is a scratch table of the database
/// (main schema) that another connection fills.
enum class TemporaryObjectKind : uint8_t { TABLE, VIEW, SHARED_TABLE };

/// A temporary table or view that an evaluation created on its connection.
struct TemporaryObject {
    TemporaryObjectKind kind = TemporaryObjectKind::VIEW;
    std::string name; ///< unquoted
};

/// Tests of one node evaluated over one relation.
struct TestEvaluation {
    std::vector<QualityResult> results;
    int64_t rows_total = 0;
    /// Relations (temporary views on the connection, as quoted SQL names) of the rows that pass every
    /// quarantine test, and of those that fail one, with the quarantine metadata columns the config
    /// asks for. Both are empty when no test has on_fail quarantine or no quarantine target is
    /// configured. Temporary objects belong to their connection: read them on `connection` only.
    std::string valid_relation;
    std::string quarantined_relation;
    int64_t rows_quarantined = 0;
    /// Rows that pass every row-level test of any severity (the gate's passed rows).
    int64_t rows_passing_all = 0;
    /// A view of exactly those rows (original columns; temporary, quoted), for the gate's
    /// write_valid_only; empty when there are no row-level tests.
    std::string all_passing_relation;
    /// What EvaluateTests left on the connection for the three relations above (views first, then the
    /// tables they read); empty when there are no row-level tests. Drop them with
    /// DropTemporaryObjects once the node no longer reads those relations (after the writes).
    std::vector<TemporaryObject> temporary_objects;
};

/// Evaluates `tests` over `relation` (SQL naming a table or view, already quoted, e.g. `"p"."orders"`).
/// One scan computes every row-level flag and keeps only the failing rows with their flags; counts,
/// samples and the quarantined rows come from that table, and the valid rows are the relation
/// without them (an anti-join the write streams through). Unique tests first sort their key columns. `phase` CONTRACT
/// never splits (quarantine tests fail). `validation` (nullable) supplies the quarantine config and mode. Throws
/// odibi::Error only when a check cannot be evaluated.
[[nodiscard]] TestEvaluation EvaluateTests(engine::Connection& connection,
                                           const std::string& relation,
                                           const std::vector<config::QualityTestConfig>& tests,
                                           CheckPhase phase,
                                           const config::ValidationConfig* validation,
                                           const QualityContext& context);

/// Whether StreamedTests can check `tests`: at least one is row-level, and none needs an aggregate
/// over the kept rows before they are written (distribution, freshness).
[[nodiscard]] bool CanStreamTests(const std::vector<config::QualityTestConfig>& tests);

/// Validation tests evaluated by the write's own scan instead of a scan of their own: Relation() is a
/// view of the rows to write (those failing no quarantine test) that, while the write reads it, sets
/// every failing row aside with its flags. Unique tests still sort their keys first. After the write
/// has staged (not published) its output, Finish gives the same TestEvaluation EvaluateTests would,
/// with valid_relation a plain view of the kept rows: read the kept rows through that afterwards,
/// never through Relation() again. Only for a write that reads Relation() exactly once and writes
/// every row it reads (overwrite, append); Finish throws INTERNAL when the counts show otherwise.
class StreamedTests {
public:
    StreamedTests(engine::Connection& connection,
                  const std::string& relation,
                  const std::vector<config::QualityTestConfig>& tests,
                  const config::ValidationConfig* validation,
                  const QualityContext& context);
    ~StreamedTests();
    StreamedTests(const StreamedTests&) = delete;
    StreamedTests& operator=(const StreamedTests&) = delete;
    StreamedTests(StreamedTests&&) = delete;
    StreamedTests& operator=(StreamedTests&&) = delete;

    /// The rows to write (quoted name of a temporary view on the connection).
    [[nodiscard]] const std::string& Relation() const { return relation_; }
    /// The results, once the write has read Relation(); `rows_kept` is the number of rows it wrote.
    [[nodiscard]] TestEvaluation Finish(int64_t rows_kept);

private:
    struct State;
    engine::Connection& connection_;
    std::unique_ptr<State> state_;
    std::string relation_;
};

/// Drops `evaluation.temporary_objects` (IF EXISTS, in order) from `connection` (the one EvaluateTests
/// ran on: temporary objects belong to their connection) and clears the list. Never throws: a drop
/// that fails is ignored, the objects die with the connection anyway.
void DropTemporaryObjects(engine::Connection& connection, TestEvaluation& evaluation) noexcept;

/// The gate's decision (reference §3.4), over the whole batch before the quarantine split: the pass
/// rate is rows_passing_all / rows_total (1.0 on an empty batch; equal to require_pass_rate passes),
/// each `thresholds` entry compares that test's pass rate, `row_count` bounds the batch and its change
/// against `previous_rows`.
struct GateOutcome {
    bool passed = true;
    double pass_rate = 1.0;
    int64_t total_rows = 0;
    int64_t passed_rows = 0;
    std::vector<std::string> reasons; ///< one per violated rule
    QualityResult result;             ///< the gate as a check (phase GATE) for meta_quality
};

[[nodiscard]] GateOutcome
EvaluateGate(const config::GateConfig& gate, const TestEvaluation& evaluation, std::optional<int64_t> previous_rows);

/// Evaluates a cross-node check over the nodes' relations (their names are the node names).
[[nodiscard]] QualityResult EvaluateCrossCheck(engine::Connection& connection,
                                               const config::CrossCheckConfig& check,
                                               const QualityContext& context);

/// The data-quality score of a set of results: 100 x the mean pass rate (100 when empty).
[[nodiscard]] double QualityScore(const std::vector<QualityResult>& results);

} // namespace odibi::quality
