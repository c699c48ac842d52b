// EvaluateTests: the flags table (one scan), the aggregate query (one scan), samples of failing
// rows, the results in test order and the quarantine split.
#include <cctype>

#include "aggregate_query.hpp"
#include "batch_checks.hpp"
#include "check_outcome.hpp"
#include "column_lookup.hpp"
#include "failing_samples.hpp"
#include "messages.hpp"
#include "quarantine.hpp"
#include "row_checks.hpp"
#include "temporary_objects.hpp"

#include "odibi/common/strings.hpp"
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

} // namespace

TestEvaluation EvaluateTests(engine::Connection& connection,
                             const std::string& relation,
                             const std::vector<config::QualityTestConfig>& tests,
                             CheckPhase phase,
                             const config::ValidationConfig* validation,
                             const QualityContext& context) {
    TestEvaluation evaluation;
    const std::string& relation_sql = relation;
    ColumnLookup columns(DescribeRelation(connection, relation, context));
    bool in_validation = phase == CheckPhase::VALIDATION && validation != nullptr;
    bool quarantine_configured = in_validation && validation->quarantine.has_value();

    // Which tests can run, and the flag of each row-level one.
    std::vector<std::optional<std::string>> unavailable(tests.size());
    std::vector<RowCheck> row_checks;
    std::vector<std::optional<size_t>> row_check_of_test(tests.size());
    for (size_t index = 0; index < tests.size(); ++index) {
        unavailable[index] = FindUnavailableReason(connection, tests[index], columns);
        if (unavailable[index] || !IsRowLevel(tests[index].type)) {
            continue;
        }
        row_check_of_test[index] = row_checks.size();
        row_checks.push_back(CompileRowCheck(
            connection, relation_sql, columns, tests[index], index, FlagColumn(index, columns), context));
    }
    std::vector<QuarantineFlag> quarantine_flags;
    std::vector<bool> is_quarantine_check(row_checks.size(), false);
    for (size_t check = 0; check < row_checks.size(); ++check) {
        const auto& test = tests[row_checks[check].test_index];
        if (quarantine_configured && test.on_fail == QualitySeverity::QUARANTINE) {
            quarantine_flags.push_back({TestName(test), row_checks[check].flag_column});
            is_quarantine_check[check] = true;
        }
    }
    const bool split = !quarantine_flags.empty();
    const StatusRules rules{split, in_validation && validation->mode == config::ValidationMode::WARN};
    const std::string kept_rows = split ? "NOT " + AnyFlagSql(quarantine_flags) : "true";

    // One scan: the relation plus one failure flag per row-level test, materialised once.
    TemporaryObjectScope scope(connection);
    std::string base;
    std::string from_sql = relation_sql;
    if (!row_checks.empty()) {
        base = UniqueTemporaryName(connection,
                                   TEMPORARY_PREFIX + Readable(context.node) + "_" + ToLower(CheckPhaseName(phase)));
        std::vector<std::string> select = {"*"};
        for (const auto& check : row_checks) {
            select.push_back(check.flag_sql + " AS " + QuoteIdentifier(check.flag_column));
        }
        scope.Add(TemporaryObjectKind::TABLE, base);
        connection.Execute("CREATE TEMP TABLE " + QuoteIdentifier(base) + " AS SELECT " + Join(select, ", ") +
                           " FROM " + relation_sql);
        from_sql = QuoteIdentifier(base);
    }

    // One more scan: every count and batch metric.
    AggregateQuery query;
    size_t total_index = query.Add("count(*)");
    size_t kept_index = query.Add(Filtered("count(*)", kept_rows));
    std::optional<size_t> passing_index;
    std::vector<RowMeasure> measures(row_checks.size());
    if (!row_checks.empty()) {
        std::vector<std::string> flags;
        for (const auto& check : row_checks) {
            flags.push_back(QuoteIdentifier(check.flag_column));
        }
        passing_index = query.Add(Filtered("count(*)", "NOT (" + Join(flags, " OR ") + ")"));
    }
    for (size_t check = 0; check < row_checks.size(); ++check) {
        auto& measure = measures[check];
        measure.valid_rows_only = split && !is_quarantine_check[check];
        std::string scope_condition = measure.valid_rows_only ? " AND " + kept_rows : "";
        measure.violations =
            query.Add(Filtered("count(*)", QuoteIdentifier(row_checks[check].flag_column) + scope_condition));
        for (const auto& column : row_checks[check].null_counted_columns) {
            measure.null_counts.push_back(
                query.Add(Filtered("count(*)", QuoteIdentifier(column) + " IS NULL" + scope_condition)));
        }
    }
    std::vector<std::optional<size_t>> metric_of_test(tests.size());
    for (size_t index = 0; index < tests.size(); ++index) {
        if (!unavailable[index] && !IsRowLevel(tests[index].type)) {
            metric_of_test[index] = PlanBatchMetric(tests[index], columns, kept_rows, query);
        }
    }
    query.Run(connection, from_sql);

    evaluation.rows_total = query.Count(total_index);
    int64_t kept = query.Count(kept_index);
    evaluation.rows_passing_all = passing_index ? query.Count(*passing_index) : evaluation.rows_total;
    evaluation.rows_quarantined = split ? evaluation.rows_total - kept : 0;

    for (size_t index = 0; index < tests.size(); ++index) {
        const auto& test = tests[index];
        if (unavailable[index]) {
            StatusRules unsplit = rules;
            unsplit.quarantine_split = false;
            evaluation.results.push_back(MakeResult(
                test, phase, UnavailableOutcome(test, context, *unavailable[index], evaluation.rows_total), unsplit));
            continue;
        }
        if (!row_check_of_test[index]) {
            BatchFacts facts{kept, evaluation.rows_total, std::nullopt};
            if (metric_of_test[index]) {
                facts.metric = query.Number(*metric_of_test[index]);
            }
            // A batch has no rows to set aside: on_fail quarantine fails like fail.
            StatusRules batch_rules = rules;
            batch_rules.quarantine_split = false;
            evaluation.results.push_back(
                MakeResult(test, phase, EvaluateBatchCheck(test, columns, facts, context), batch_rules));
            continue;
        }
        size_t check = *row_check_of_test[index];
        const auto& row_check = row_checks[check];
        const auto& measure = measures[check];
        CheckOutcome outcome;
        outcome.columns = row_check.columns;
        outcome.rows_checked = measure.valid_rows_only ? kept : evaluation.rows_total;
        outcome.violation_count = query.Count(measure.violations);
        outcome.passed = outcome.violation_count == 0;
        bool custom_sql = test.type == config::QualityTestType::CUSTOM_SQL;
        if (custom_sql) {
            outcome.threshold = test.threshold;
            // Rows routed to quarantine fail whatever the threshold: the split is per row.
            if (!outcome.passed && !is_quarantine_check[check] && outcome.rows_checked > 0) {
                double failing = static_cast<double>(outcome.violation_count) / outcome.rows_checked;
                outcome.passed = failing <= test.threshold;
            }
        }
        if (outcome.violation_count > 0) {
            std::string where = QuoteIdentifier(row_check.flag_column);
            if (measure.valid_rows_only) {
                where += " AND " + kept_rows;
            }
            outcome.failing_sample =
                SampleFailingRows(connection, from_sql, where, row_check.columns, context, custom_sql);
        }
        if (!outcome.passed) {
            RowFailure failure;
            failure.columns = row_check.columns;
            failure.violations = outcome.violation_count;
            failure.rows = outcome.rows_checked;
            failure.valid_rows_only = measure.valid_rows_only;
            for (size_t column = 0; column < measure.null_counts.size(); ++column) {
                failure.null_counts.emplace_back(row_check.null_counted_columns[column],
                                                 query.Count(measure.null_counts[column]));
            }
            failure.sample = outcome.failing_sample;
            outcome.message = RowFailureMessage(test, context, failure);
        }
        evaluation.results.push_back(MakeResult(test, phase, std::move(outcome), rules));
    }

    if (row_checks.empty()) {
        return evaluation;
    }
    // The views are registered before they are created, so that a failure part-way still drops them.
    std::string passing = base + "_passing";
    scope.Add(TemporaryObjectKind::VIEW, passing);
    std::vector<std::string> all_flags;
    for (const auto& check : row_checks) {
        all_flags.push_back(QuoteIdentifier(check.flag_column));
    }
    connection.Execute("CREATE TEMP VIEW " + QuoteIdentifier(passing) + " AS SELECT " +
                       engine::QuoteIdentifierList(columns.Names()) + " FROM " + QuoteIdentifier(base) +
                       " WHERE NOT (" + Join(all_flags, " OR ") + ")");
    evaluation.all_passing_relation = QuoteIdentifier(passing);
    if (split) {
        scope.Add(TemporaryObjectKind::VIEW, base + "_valid");
        scope.Add(TemporaryObjectKind::VIEW, base + "_quarantined");
        auto views = CreateQuarantineViews(
            connection, base, base, columns.Names(), quarantine_flags, *validation->quarantine, context);
        evaluation.valid_relation = QuoteIdentifier(views.valid);
        evaluation.quarantined_relation = QuoteIdentifier(views.quarantined);
    }
    evaluation.temporary_objects = scope.Release();
    return evaluation;
}

} // namespace odibi::quality
