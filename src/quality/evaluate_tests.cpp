// EvaluateTests: duplicate keys of unique tests, the table of failing rows (one scan that computes
// every flag), the row count and batch metrics, samples, the results in test order and the split.
#include <cctype>
#include <memory>

#include "aggregate_query.hpp"
#include "batch_checks.hpp"
#include "check_outcome.hpp"
#include "column_lookup.hpp"
#include "failing_samples.hpp"
#include "messages.hpp"
#include "quarantine.hpp"
#include "row_checks.hpp"
#include "temporary_objects.hpp"
#include <fmt/format.h>

#include "odibi/common/error.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/row_sink.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/quality/quality.hpp"

namespace odibi::quality {

namespace {

using config::QualitySeverity;
using config::QualityTestConfig;
using engine::QuoteIdentifier;

constexpr const char* TEMPORARY_PREFIX = "__odibi_quality_";
constexpr const char* FLAG_PREFIX = "__odibi_failed_";

std::string TestName(const QualityTestConfig& test) {
    return test.name.empty() ? config::QualityTestTypeName(test.type) : test.name;
}

// Node names are identifiers already; anything else becomes '_' so temporary names stay readable.
std::string Readable(const std::string& text) {
    std::string result;
    for (char c : text) {
        result.push_back(std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_');
    }
    return result;
}

std::vector<engine::ColumnInfo>
DescribeRelation(engine::Connection& connection, const std::string& relation, const QualityContext& context) {
    try {
        return connection.Describe(relation);
    } catch (Error& error) {
        error.WithContext("node", context.node).WithContext("step", "quality checks");
        throw;
    }
}

// A flag column name that no column of the relation uses.
std::string FlagColumn(size_t test_index, const ColumnLookup& columns) {
    std::string name = FLAG_PREFIX + std::to_string(test_index);
    while (columns.TryFind(name) != nullptr) {
        name = "_" + name;
    }
    return name;
}

std::string Filtered(const std::string& aggregate, const std::string& condition) {
    return aggregate + " FILTER (WHERE " + condition + ")";
}

// What one row check measures in the aggregate query.
struct RowMeasure {
    size_t violations = 0;
    std::vector<size_t> null_counts;
    bool valid_rows_only = false;
};

CheckOutcome UnavailableOutcome(const QualityTestConfig& test,
                                const QualityContext& context,
                                const std::string& reason,
                                int64_t rows) {
    CheckOutcome outcome;
    outcome.passed = false;
    outcome.rows_checked = rows;
    outcome.violation_count = 1;
    outcome.pass_rate = 0.0;
    outcome.columns = NamedColumns(test);
    outcome.message = UnavailableMessage(test, context, reason);
    return outcome;
}

// What every evaluation of one node's tests decides before its scan: which tests run, the relation
// the flags read, duplicate keys, the flag of each row-level test and the quarantine split.
struct TestPlan {
    TestPlan(engine::Connection& connection, const std::string& relation, const QualityContext& context)
        : scope(connection), columns(DescribeRelation(connection, relation, context)), rows_sql(relation) {}

    TemporaryObjectScope scope;
    ColumnLookup columns;
    std::string rows_sql;    ///< the relation the checks read (a copy of it when it is not stable)
    std::string base;        ///< unquoted prefix of the temporary names; the failing rows' table
    std::string failing_sql; ///< the failing rows' table as SQL (base, temporary or in main)
    std::vector<std::optional<std::string>> unavailable;
    std::vector<RowCheck> row_checks;
    std::vector<std::optional<size_t>> row_check_of_test;
    std::vector<QuarantineFlag> quarantine_flags;
    std::vector<bool> is_quarantine_check;
    bool split = false;
    StatusRules rules;
    std::string quarantined_rows; ///< "the row fails a quarantine test", over the failing rows

    /// SELECT of every column plus one flag per row-level test.
    [[nodiscard]] std::string FlaggedRowsSql() const {
        std::vector<std::string> select = {"*"};
        for (const auto& check : row_checks) {
            select.push_back(check.flag_sql + " AS " + QuoteIdentifier(check.flag_column));
        }
        return "SELECT " + Join(select, ", ") + " FROM " + rows_sql + " AS " + ROW_ALIAS;
    }
    /// "the row fails some row-level test", over FlaggedRowsSql.
    [[nodiscard]] std::string AnyFailureSql() const {
        std::vector<std::string> flags;
        for (const auto& check : row_checks) {
            flags.push_back(QuoteIdentifier(check.flag_column));
        }
        return "(" + Join(flags, " OR ") + ")";
    }
};

std::unique_ptr<TestPlan> PlanTests(engine::Connection& connection,
                                    const std::string& relation,
                                    const std::vector<config::QualityTestConfig>& tests,
                                    CheckPhase phase,
                                    const config::ValidationConfig* validation,
                                    const QualityContext& context) {
    auto plan = std::make_unique<TestPlan>(connection, relation, context);
    bool in_validation = phase == CheckPhase::VALIDATION && validation != nullptr;
    bool quarantine_configured = in_validation && validation->quarantine.has_value();

    // Which tests can run.
    plan->unavailable.resize(tests.size());
    bool any_row_level = false;
    for (size_t index = 0; index < tests.size(); ++index) {
        plan->unavailable[index] = FindUnavailableReason(connection, tests[index], plan->columns);
        any_row_level = any_row_level || (!plan->unavailable[index] && IsRowLevel(tests[index].type));
    }
    plan->base = UniqueTemporaryName(connection,
                                     TEMPORARY_PREFIX + Readable(context.node) + "_" + ToLower(CheckPhaseName(phase)));
    plan->failing_sql = QuoteIdentifier(plan->base);
    // The checks read the relation more than once (duplicate keys, failing rows, the write's
    // anti-join); a relation that could read differently the next time is copied once first.
    if (any_row_level && !context.relation_is_stable) {
        std::string copy = plan->base + "_rows";
        plan->scope.Add(TemporaryObjectKind::TABLE, copy);
        connection.Execute("CREATE TEMP TABLE " + QuoteIdentifier(copy) + " AS SELECT * FROM " + relation);
        plan->rows_sql = QuoteIdentifier(copy);
    }

    // The flag of each row-level test; a unique test first finds its duplicate keys (one sort).
    plan->row_check_of_test.resize(tests.size());
    for (size_t index = 0; index < tests.size(); ++index) {
        if (plan->unavailable[index] || !IsRowLevel(tests[index].type)) {
            continue;
        }
        std::string duplicate_keys;
        if (tests[index].type == config::QualityTestType::UNIQUE) {
            duplicate_keys = plan->base + "_duplicates_" + std::to_string(index);
            plan->scope.Add(TemporaryObjectKind::TABLE, duplicate_keys);
            connection.Execute("CREATE TEMP TABLE " + QuoteIdentifier(duplicate_keys) + " AS " +
                               DuplicateKeysSql(plan->rows_sql, plan->columns, tests[index]));
        }
        plan->row_check_of_test[index] = plan->row_checks.size();
        plan->row_checks.push_back(CompileRowCheck(connection,
                                                   plan->rows_sql,
                                                   plan->columns,
                                                   tests[index],
                                                   index,
                                                   FlagColumn(index, plan->columns),
                                                   duplicate_keys,
                                                   context));
    }
    plan->is_quarantine_check.assign(plan->row_checks.size(), false);
    for (size_t check = 0; check < plan->row_checks.size(); ++check) {
        const auto& test = tests[plan->row_checks[check].test_index];
        if (quarantine_configured && test.on_fail == QualitySeverity::QUARANTINE) {
            plan->quarantine_flags.push_back({TestName(test), plan->row_checks[check].flag_column});
            plan->is_quarantine_check[check] = true;
        }
    }
    plan->split = !plan->quarantine_flags.empty();
    plan->rules = StatusRules{plan->split, in_validation && validation->mode == config::ValidationMode::WARN};
    plan->quarantined_rows = AnyFlagSql(plan->quarantine_flags);
    return plan;
}

// Everything after the failing rows are in `plan.base`: counts, the kept and passing views, batch
// metrics, results in test order and samples. `rows_total` is the relation's row count when the
// caller knows it (a streamed scan counted it); otherwise one aggregate counts it.
TestEvaluation ConcludeTests(engine::Connection& connection,
                             TestPlan& plan,
                             const std::vector<config::QualityTestConfig>& tests,
                             CheckPhase phase,
                             const config::ValidationConfig* validation,
                             const QualityContext& context,
                             std::optional<int64_t> rows_total) {
    TestEvaluation evaluation;
    const auto& row_checks = plan.row_checks;
    const std::string& failing = plan.failing_sql;
    AggregateQuery failing_query;
    std::optional<size_t> failing_index;
    std::optional<size_t> quarantined_index;
    std::vector<RowMeasure> measures(row_checks.size());
    if (!row_checks.empty()) {
        failing_index = failing_query.Add("count(*)");
        quarantined_index = failing_query.Add(Filtered("count(*)", plan.quarantined_rows));
        for (size_t check = 0; check < row_checks.size(); ++check) {
            auto& measure = measures[check];
            measure.valid_rows_only = plan.split && !plan.is_quarantine_check[check];
            std::string scope_condition = measure.valid_rows_only ? " AND NOT " + plan.quarantined_rows : "";
            measure.violations = failing_query.Add(
                Filtered("count(*)", QuoteIdentifier(row_checks[check].flag_column) + scope_condition));
            for (const auto& column : row_checks[check].null_counted_columns) {
                measure.null_counts.push_back(
                    failing_query.Add(Filtered("count(*)", QuoteIdentifier(column) + " IS NULL" + scope_condition)));
            }
        }
        failing_query.Run(connection, failing);
    }
    const int64_t rows_failing = failing_index ? failing_query.Count(*failing_index) : 0;
    evaluation.rows_quarantined = quarantined_index ? failing_query.Count(*quarantined_index) : 0;

    // The kept rows: the relation without the quarantined ones (an anti-join, no flag computed again).
    std::vector<std::string> names = plan.columns.Names();
    std::string all_columns = "SELECT " + engine::QuoteIdentifierList(names) + " FROM " + plan.rows_sql;
    std::string kept_sql = plan.rows_sql;
    if (plan.split) {
        std::string valid = plan.base + "_valid";
        plan.scope.Add(TemporaryObjectKind::VIEW, valid);
        connection.Execute("CREATE TEMP VIEW " + QuoteIdentifier(valid) + " AS " +
                           (evaluation.rows_quarantined > 0
                                ? RowsOutsideSql(plan.rows_sql, names, failing, plan.quarantined_rows)
                                : all_columns));
        evaluation.valid_relation = QuoteIdentifier(valid);
        kept_sql = evaluation.valid_relation;
    }

    // The row count and every batch metric (over the kept rows), in one query. Without batch metrics
    // it counts the relation, which DuckDB answers without reading column data where it can.
    AggregateQuery batch_query;
    size_t counted_index = batch_query.Add("count(*)");
    std::vector<std::optional<size_t>> metric_of_test(tests.size());
    bool any_metric = false;
    for (size_t index = 0; index < tests.size(); ++index) {
        if (!plan.unavailable[index] && !IsRowLevel(tests[index].type)) {
            metric_of_test[index] = PlanBatchMetric(tests[index], plan.columns, "true", batch_query);
            any_metric = any_metric || metric_of_test[index].has_value();
        }
    }
    if (any_metric || !rows_total) {
        bool counts_kept_rows = any_metric && kept_sql != plan.rows_sql;
        batch_query.Run(connection, counts_kept_rows ? kept_sql : plan.rows_sql);
        int64_t counted = batch_query.Count(counted_index);
        evaluation.rows_total = counts_kept_rows ? counted + evaluation.rows_quarantined : counted;
    } else {
        evaluation.rows_total = *rows_total;
    }
    int64_t kept = evaluation.rows_total - evaluation.rows_quarantined;
    evaluation.rows_passing_all = evaluation.rows_total - rows_failing;

    for (size_t index = 0; index < tests.size(); ++index) {
        const auto& test = tests[index];
        if (plan.unavailable[index]) {
            StatusRules unsplit = plan.rules;
            unsplit.quarantine_split = false;
            evaluation.results.push_back(
                MakeResult(test,
                           phase,
                           UnavailableOutcome(test, context, *plan.unavailable[index], evaluation.rows_total),
                           unsplit));
            continue;
        }
        if (!plan.row_check_of_test[index]) {
            BatchFacts facts{kept, evaluation.rows_total, std::nullopt};
            if (metric_of_test[index]) {
                facts.metric = batch_query.Number(*metric_of_test[index]);
            }
            // A batch has no rows to set aside: on_fail quarantine fails like fail.
            StatusRules batch_rules = plan.rules;
            batch_rules.quarantine_split = false;
            evaluation.results.push_back(
                MakeResult(test, phase, EvaluateBatchCheck(test, plan.columns, facts, context), batch_rules));
            continue;
        }
        size_t check = *plan.row_check_of_test[index];
        const auto& row_check = row_checks[check];
        const auto& measure = measures[check];
        CheckOutcome outcome;
        outcome.columns = row_check.columns;
        outcome.rows_checked = measure.valid_rows_only ? kept : evaluation.rows_total;
        outcome.violation_count = failing_query.Count(measure.violations);
        outcome.passed = outcome.violation_count == 0;
        bool custom_sql = test.type == config::QualityTestType::CUSTOM_SQL;
        if (custom_sql) {
            outcome.threshold = test.threshold;
            // Rows routed to quarantine fail whatever the threshold: the split is per row.
            if (!outcome.passed && !plan.is_quarantine_check[check] && outcome.rows_checked > 0) {
                double failing_share = static_cast<double>(outcome.violation_count) / outcome.rows_checked;
                outcome.passed = failing_share <= test.threshold;
            }
        }
        if (outcome.violation_count > 0) {
            std::string where = QuoteIdentifier(row_check.flag_column);
            if (measure.valid_rows_only) {
                where += " AND NOT " + plan.quarantined_rows;
            }
            outcome.failing_sample =
                SampleFailingRows(connection, failing, where, row_check.columns, context, custom_sql);
        }
        if (!outcome.passed) {
            RowFailure failure;
            failure.columns = row_check.columns;
            failure.violations = outcome.violation_count;
            failure.rows = outcome.rows_checked;
            failure.valid_rows_only = measure.valid_rows_only;
            for (size_t column = 0; column < measure.null_counts.size(); ++column) {
                failure.null_counts.emplace_back(row_check.null_counted_columns[column],
                                                 failing_query.Count(measure.null_counts[column]));
            }
            failure.sample = outcome.failing_sample;
            outcome.message = RowFailureMessage(test, context, failure);
        }
        evaluation.results.push_back(MakeResult(test, phase, std::move(outcome), plan.rules));
    }

    if (row_checks.empty()) {
        return evaluation;
    }
    std::string passing = plan.base + "_passing";
    plan.scope.Add(TemporaryObjectKind::VIEW, passing);
    connection.Execute("CREATE TEMP VIEW " + QuoteIdentifier(passing) + " AS " +
                       (rows_failing > 0 ? RowsOutsideSql(plan.rows_sql, names, failing, "true") : all_columns));
    evaluation.all_passing_relation = QuoteIdentifier(passing);
    if (plan.split) {
        std::string quarantined = plan.base + "_quarantined";
        plan.scope.Add(TemporaryObjectKind::VIEW, quarantined);
        connection.Execute("CREATE TEMP VIEW " + QuoteIdentifier(quarantined) + " AS " +
                           QuarantinedRowsSql(failing, names, plan.quarantine_flags, *validation->quarantine, context));
        evaluation.quarantined_relation = QuoteIdentifier(quarantined);
    }
    evaluation.temporary_objects = plan.scope.Release();
    return evaluation;
}

} // namespace

TestEvaluation EvaluateTests(engine::Connection& connection,
                             const std::string& relation,
                             const std::vector<config::QualityTestConfig>& tests,
                             CheckPhase phase,
                             const config::ValidationConfig* validation,
                             const QualityContext& context) {
    auto plan = PlanTests(connection, relation, tests, phase, validation, context);
    // One scan computes every flag and keeps only the rows that fail a test (few, as a rule), with
    // their flags: every count, sample and the quarantine come from that table.
    if (!plan->row_checks.empty()) {
        plan->scope.Add(TemporaryObjectKind::TABLE, plan->base);
        connection.Execute("CREATE TEMP TABLE " + QuoteIdentifier(plan->base) + " AS SELECT * FROM (" +
                           plan->FlaggedRowsSql() + ") WHERE " + plan->AnyFailureSql());
    }
    return ConcludeTests(connection, *plan, tests, phase, validation, context, std::nullopt);
}

bool CanStreamTests(const std::vector<config::QualityTestConfig>& tests) {
    bool any_row_level = false;
    for (const auto& test : tests) {
        if (test.type == config::QualityTestType::DISTRIBUTION || test.type == config::QualityTestType::FRESHNESS) {
            return false;
        }
        any_row_level = any_row_level || IsRowLevel(test.type);
    }
    return any_row_level;
}

struct StreamedTests::State {
    std::unique_ptr<TestPlan> plan;
    std::unique_ptr<engine::RowSink> sink;
    std::vector<config::QualityTestConfig> tests;
    const config::ValidationConfig* validation = nullptr;
    QualityContext context;
};

StreamedTests::StreamedTests(engine::Connection& connection,
                             const std::string& relation,
                             const std::vector<config::QualityTestConfig>& tests,
                             const config::ValidationConfig* validation,
                             const QualityContext& context)
    : connection_(connection), state_(std::make_unique<State>()) {
    state_->plan = PlanTests(connection, relation, tests, CheckPhase::VALIDATION, validation, context);
    state_->tests = tests;
    state_->validation = validation;
    state_->context = context;
    TestPlan& plan = *state_->plan;
    if (plan.row_checks.empty()) {
        throw InternalError("quality: StreamedTests without a row-level test");
    }
    // The write's scan computes every flag once per row; a sink appends the rows with a true flag
    // (their columns, then their flags) to a table of the database, on a connection of its own, and
    // the write keeps the rows without a quarantine flag.
    plan.failing_sql = "main." + QuoteIdentifier(plan.base);
    plan.scope.Add(TemporaryObjectKind::SHARED_TABLE, plan.base);
    connection.Execute("CREATE TABLE " + plan.failing_sql + " AS SELECT * FROM (" + plan.FlaggedRowsSql() +
                       ") LIMIT 0");
    state_->sink = engine::OpenRowSink(connection, "main", plan.base, plan.is_quarantine_check);
    std::vector<std::string> names = plan.columns.Names();
    std::vector<std::string> values;
    for (const auto& name : names) {
        values.push_back(QuoteIdentifier(name));
    }
    std::vector<std::string> flags;
    for (const auto& check : plan.row_checks) {
        flags.push_back(QuoteIdentifier(check.flag_column));
    }
    std::string streamed = plan.base + "_streamed";
    plan.scope.Add(TemporaryObjectKind::VIEW, streamed);
    connection.Execute("CREATE TEMP VIEW " + QuoteIdentifier(streamed) + " AS SELECT " +
                       engine::QuoteIdentifierList(names) + " FROM (" + plan.FlaggedRowsSql() + ") WHERE " +
                       state_->sink->FilterSql(flags, values));
    relation_ = QuoteIdentifier(streamed);
}

StreamedTests::~StreamedTests() = default;

TestEvaluation StreamedTests::Finish(int64_t rows_kept) {
    State& state = *state_;
    state.sink->Close();
    int64_t rows_seen = state.sink->RowsSeen();
    TestEvaluation evaluation = ConcludeTests(
        connection_, *state.plan, state.tests, CheckPhase::VALIDATION, state.validation, state.context, rows_seen);
    int64_t expected = evaluation.rows_total - evaluation.rows_quarantined;
    if (rows_kept != expected) {
        DropTemporaryObjects(connection_, evaluation);
        throw InternalError(fmt::format("quality: the write of node '{}' kept {} row(s) while its checks saw {} "
                                        "and set {} aside; the validated rows were read more than once",
                                        state.context.node,
                                        rows_kept,
                                        evaluation.rows_total,
                                        evaluation.rows_quarantined));
    }
    return evaluation;
}

} // namespace odibi::quality
