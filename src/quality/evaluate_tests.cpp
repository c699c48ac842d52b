// EvaluateTests: duplicate keys of unique tests, the table of failing rows (one scan that computes
// every flag), the row count and batch metrics, samples, the results in test order and the split.
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
    ColumnLookup columns(DescribeRelation(connection, relation, context));
    bool in_validation = phase == CheckPhase::VALIDATION && validation != nullptr;
    bool quarantine_configured = in_validation && validation->quarantine.has_value();

    // Which tests can run.
    std::vector<std::optional<std::string>> unavailable(tests.size());
    bool any_row_level = false;
    for (size_t index = 0; index < tests.size(); ++index) {
        unavailable[index] = FindUnavailableReason(connection, tests[index], columns);
        any_row_level = any_row_level || (!unavailable[index] && IsRowLevel(tests[index].type));
    }

    TemporaryObjectScope scope(connection);
    std::string base = UniqueTemporaryName(
        connection, TEMPORARY_PREFIX + Readable(context.node) + "_" + ToLower(CheckPhaseName(phase)));
    // The checks read the relation more than once (duplicate keys, failing rows, the write's
    // anti-join); a relation that could read differently the next time is copied once first.
    std::string rows_sql = relation;
    if (any_row_level && !context.relation_is_stable) {
        scope.Add(TemporaryObjectKind::TABLE, base + "_rows");
        connection.Execute("CREATE TEMP TABLE " + QuoteIdentifier(base + "_rows") + " AS SELECT * FROM " + relation);
        rows_sql = QuoteIdentifier(base + "_rows");
    }

    // The flag of each row-level test; a unique test first finds its duplicate keys (one sort).
    std::vector<RowCheck> row_checks;
    std::vector<std::optional<size_t>> row_check_of_test(tests.size());
    for (size_t index = 0; index < tests.size(); ++index) {
        if (unavailable[index] || !IsRowLevel(tests[index].type)) {
            continue;
        }
        std::string duplicate_keys;
        if (tests[index].type == config::QualityTestType::UNIQUE) {
            duplicate_keys = base + "_duplicates_" + std::to_string(index);
            scope.Add(TemporaryObjectKind::TABLE, duplicate_keys);
            connection.Execute("CREATE TEMP TABLE " + QuoteIdentifier(duplicate_keys) + " AS " +
                               DuplicateKeysSql(rows_sql, columns, tests[index]));
        }
        row_check_of_test[index] = row_checks.size();
        row_checks.push_back(CompileRowCheck(
            connection, rows_sql, columns, tests[index], index, FlagColumn(index, columns), duplicate_keys, context));
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
    const std::string quarantined_rows = AnyFlagSql(quarantine_flags);

    // One scan computes every flag and keeps only the rows that fail a test (few, as a rule), with
    // their flags: every count, sample and the quarantine come from that table.
    std::string failing = QuoteIdentifier(base);
    AggregateQuery failing_query;
    std::optional<size_t> failing_index;
    std::optional<size_t> quarantined_index;
    std::vector<RowMeasure> measures(row_checks.size());
    if (!row_checks.empty()) {
        std::vector<std::string> select = {"*"};
        std::vector<std::string> flags;
        for (const auto& check : row_checks) {
            select.push_back(check.flag_sql + " AS " + QuoteIdentifier(check.flag_column));
            flags.push_back(QuoteIdentifier(check.flag_column));
        }
        scope.Add(TemporaryObjectKind::TABLE, base);
        connection.Execute("CREATE TEMP TABLE " + failing + " AS SELECT * FROM (SELECT " + Join(select, ", ") +
                           " FROM " + rows_sql + " AS " + ROW_ALIAS + ") WHERE " + Join(flags, " OR "));
        failing_index = failing_query.Add("count(*)");
        quarantined_index = failing_query.Add(Filtered("count(*)", quarantined_rows));
        for (size_t check = 0; check < row_checks.size(); ++check) {
            auto& measure = measures[check];
            measure.valid_rows_only = split && !is_quarantine_check[check];
            std::string scope_condition = measure.valid_rows_only ? " AND NOT " + quarantined_rows : "";
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
    std::string kept_sql = rows_sql;
    if (split) {
        std::string valid = base + "_valid";
        scope.Add(TemporaryObjectKind::VIEW, valid);
        std::string rows = evaluation.rows_quarantined > 0
                               ? RowsOutsideSql(rows_sql, columns.Names(), failing, quarantined_rows)
                               : "SELECT " + engine::QuoteIdentifierList(columns.Names()) + " FROM " + rows_sql;
        connection.Execute("CREATE TEMP VIEW " + QuoteIdentifier(valid) + " AS " + rows);
        evaluation.valid_relation = QuoteIdentifier(valid);
        kept_sql = evaluation.valid_relation;
    }

    // One more query: the row count and every batch metric (over the kept rows). Without batch metrics
    // it counts the relation, which DuckDB answers without reading column data where it can.
    AggregateQuery batch_query;
    size_t counted_index = batch_query.Add("count(*)");
    std::vector<std::optional<size_t>> metric_of_test(tests.size());
    bool any_metric = false;
    for (size_t index = 0; index < tests.size(); ++index) {
        if (!unavailable[index] && !IsRowLevel(tests[index].type)) {
            metric_of_test[index] = PlanBatchMetric(tests[index], columns, "true", batch_query);
            any_metric = any_metric || metric_of_test[index].has_value();
        }
    }
    bool counts_kept_rows = any_metric && kept_sql != rows_sql;
    batch_query.Run(connection, counts_kept_rows ? kept_sql : rows_sql);
    int64_t counted = batch_query.Count(counted_index);
    evaluation.rows_total = counts_kept_rows ? counted + evaluation.rows_quarantined : counted;
    int64_t kept = evaluation.rows_total - evaluation.rows_quarantined;
    evaluation.rows_passing_all = evaluation.rows_total - rows_failing;

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
                facts.metric = batch_query.Number(*metric_of_test[index]);
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
        outcome.violation_count = failing_query.Count(measure.violations);
        outcome.passed = outcome.violation_count == 0;
        bool custom_sql = test.type == config::QualityTestType::CUSTOM_SQL;
        if (custom_sql) {
            outcome.threshold = test.threshold;
            // Rows routed to quarantine fail whatever the threshold: the split is per row.
            if (!outcome.passed && !is_quarantine_check[check] && outcome.rows_checked > 0) {
                double failing_share = static_cast<double>(outcome.violation_count) / outcome.rows_checked;
                outcome.passed = failing_share <= test.threshold;
            }
        }
        if (outcome.violation_count > 0) {
            std::string where = QuoteIdentifier(row_check.flag_column);
            if (measure.valid_rows_only) {
                where += " AND NOT " + quarantined_rows;
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
        evaluation.results.push_back(MakeResult(test, phase, std::move(outcome), rules));
    }

    if (row_checks.empty()) {
        return evaluation;
    }
    std::string passing = base + "_passing";
    scope.Add(TemporaryObjectKind::VIEW, passing);
    std::string passing_rows = rows_failing > 0
                                   ? RowsOutsideSql(rows_sql, columns.Names(), failing, "true")
                                   : "SELECT " + engine::QuoteIdentifierList(columns.Names()) + " FROM " + rows_sql;
    connection.Execute("CREATE TEMP VIEW " + QuoteIdentifier(passing) + " AS " + passing_rows);
    evaluation.all_passing_relation = QuoteIdentifier(passing);
    if (split) {
        std::string quarantined = base + "_quarantined";
        scope.Add(TemporaryObjectKind::VIEW, quarantined);
        connection.Execute(
            "CREATE TEMP VIEW " + QuoteIdentifier(quarantined) + " AS " +
            QuarantinedRowsSql(failing, columns.Names(), quarantine_flags, *validation->quarantine, context));
        evaluation.quarantined_relation = QuoteIdentifier(quarantined);
    }
    evaluation.temporary_objects = scope.Release();
    return evaluation;
}

} // namespace odibi::quality
