// row_count, volume_drop, schema, distribution and freshness.
#include "batch_checks.hpp"

#include <chrono>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "odibi/common/clock.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::quality {

namespace {

using config::QualityTestConfig;
using config::QualityTestType;
using engine::QuoteIdentifier;

constexpr double PERCENT = 100.0;
constexpr double MILLISECONDS_PER_SECOND = 1000.0;

std::string CheckName(const QualityTestConfig& test) {
    return test.name.empty() ? config::QualityTestTypeName(test.type) : test.name;
}

// "<type> check '<name>' failed on node '<node>': "
std::string FailurePrefix(const QualityTestConfig& test, const QualityContext& context) {
    return fmt::format(
        "{} check '{}' failed on node '{}': ", config::QualityTestTypeName(test.type), CheckName(test), context.node);
}

CheckOutcome Passed(int64_t rows, std::string note = {}) {
    CheckOutcome outcome;
    outcome.rows_checked = rows;
    outcome.pass_rate = 1.0;
    outcome.message = std::move(note);
    return outcome;
}

CheckOutcome Failed(int64_t rows, std::string message) {
    CheckOutcome outcome;
    outcome.passed = false;
    outcome.rows_checked = rows;
    outcome.violation_count = 1;
    outcome.pass_rate = 0.0;
    outcome.message = std::move(message);
    return outcome;
}

// A number as a person would write it: 12, 12.5, 0.333333.
std::string Number(double value) {
    if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
        return fmt::format("{}", static_cast<int64_t>(value));
    }
    return fmt::format("{:.6g}", value);
}

CheckOutcome RowCount(const QualityTestConfig& test, const BatchFacts& facts, const QualityContext& context) {
    CheckOutcome outcome = Passed(facts.rows);
    outcome.observed_value = static_cast<double>(facts.rows);
    if (test.min_rows && facts.rows < *test.min_rows) {
        outcome = Failed(facts.rows,
                         FailurePrefix(test, context) + fmt::format("the batch has {} rows, fewer than min {}. "
                                                                    "Fix: check the source and any upstream filter, or "
                                                                    "lower min.",
                                                                    facts.rows,
                                                                    *test.min_rows));
        outcome.threshold = static_cast<double>(*test.min_rows);
    } else if (test.max_rows && facts.rows > *test.max_rows) {
        outcome = Failed(facts.rows,
                         FailurePrefix(test, context) + fmt::format("the batch has {} rows, more than max {}. "
                                                                    "Fix: look for duplicated input or a missing "
                                                                    "filter, or raise max.",
                                                                    facts.rows,
                                                                    *test.max_rows));
        outcome.threshold = static_cast<double>(*test.max_rows);
    } else if (test.min_rows) {
        outcome.threshold = static_cast<double>(*test.min_rows);
    } else if (test.max_rows) {
        outcome.threshold = static_cast<double>(*test.max_rows);
    }
    outcome.observed_value = static_cast<double>(facts.rows);
    return outcome;
}

CheckOutcome VolumeDrop(const QualityTestConfig& test, const BatchFacts& facts, const QualityContext& context) {
    std::optional<double> average;
    if (context.history != nullptr) {
        average = context.history->AverageRows(test.lookback_days);
    }
    if (!average || *average <= 0.0) {
        CheckOutcome outcome = Passed(
            facts.rows_total,
            fmt::format("no baseline: no successful run of node '{}' with rows in the last {} days to compare {} "
                        "rows with",
                        context.node,
                        test.lookback_days,
                        facts.rows_total));
        outcome.threshold = test.threshold;
        return outcome;
    }
    double drop = (*average - static_cast<double>(facts.rows_total)) / *average;
    CheckOutcome outcome = Passed(facts.rows_total);
    if (drop > test.threshold) {
        outcome = Failed(facts.rows_total,
                         FailurePrefix(test, context) +
                             fmt::format("the batch has {} rows, {}% below the {}-day average of {} rows (allowed "
                                         "drop {}%). Fix: check the source for a partial or missing load, or raise "
                                         "threshold.",
                                         facts.rows_total,
                                         Number(drop * PERCENT),
                                         test.lookback_days,
                                         Number(*average),
                                         Number(test.threshold * PERCENT)));
    }
    outcome.threshold = test.threshold;
    outcome.observed_value = drop;
    return outcome;
}

CheckOutcome Schema(const QualityTestConfig& test,
                    const ColumnLookup& columns,
                    const BatchFacts& facts,
                    const QualityContext& context) {
    if (!context.column_metadata.is_object() || context.column_metadata.empty()) {
        return Passed(facts.rows, "no columns: declared for the node; nothing to compare the schema with");
    }
    std::vector<std::string> declared;
    for (const auto& [name, value] : context.column_metadata.items()) {
        declared.push_back(name);
    }
    std::vector<std::string> actual = columns.Names();
    std::set<std::string> declared_set(declared.begin(), declared.end());
    std::set<std::string> actual_set(actual.begin(), actual.end());
    std::vector<std::string> missing;
    for (const auto& name : declared) {
        if (!actual_set.contains(name)) {
            missing.push_back(name);
        }
    }
    std::vector<std::string> extra;
    if (test.strict) {
        for (const auto& name : actual) {
            if (!declared_set.contains(name)) {
                extra.push_back(name);
            }
        }
    }
    if (missing.empty() && extra.empty()) {
        return Passed(facts.rows);
    }
    std::vector<std::string> problems;
    if (!missing.empty()) {
        problems.push_back("columns declared in columns: but missing from the data: " + QuotedList(missing));
    }
    if (!extra.empty()) {
        problems.push_back("columns in the data but not declared (strict: true): " + QuotedList(extra));
    }
    return Failed(facts.rows,
                  FailurePrefix(test, context) + Join(problems, "; ") +
                      ". Fix: update the node's columns: dictionary to match the data, fix the upstream "
                      "schema" +
                      (test.strict ? ", or set strict: false to allow extra columns." : "."));
}

bool Compare(double left, const std::string& comparison, double right) {
    if (comparison == ">") {
        return left > right;
    }
    if (comparison == ">=") {
        return left >= right;
    }
    if (comparison == "<") {
        return left < right;
    }
    if (comparison == "<=") {
        return left <= right;
    }
    if (comparison == "==" || comparison == "=") {
        return left == right;
    }
    if (comparison == "!=" || comparison == "<>") {
        return left != right;
    }
    return false;
}

CheckOutcome Distribution(const QualityTestConfig& test, const BatchFacts& facts, const QualityContext& context) {
    std::string what = test.metric + " of column " + test.column;
    if (!test.distribution_threshold) {
        CheckOutcome outcome = Passed(facts.rows, "no threshold: configured; the metric is only recorded");
        outcome.observed_value = facts.metric;
        return outcome;
    }
    const auto& threshold = *test.distribution_threshold;
    if (!facts.metric) {
        CheckOutcome outcome = Failed(facts.rows,
                                      FailurePrefix(test, context) +
                                          fmt::format("the {} cannot be measured: the column has no numeric values "
                                                      "in {} rows. Fix: check that the column is filled and numeric.",
                                                      what,
                                                      facts.rows));
        outcome.threshold = threshold.value;
        return outcome;
    }
    double metric = *facts.metric;
    CheckOutcome outcome = Passed(facts.rows);
    if (threshold.relative_to_previous) {
        std::optional<double> previous;
        if (context.history != nullptr) {
            previous = context.history->PreviousObservedValue(CheckName(test));
        }
        if (!previous) {
            outcome.message =
                fmt::format("no previous value: no earlier successful run recorded the {}; {} is the baseline for '{}'",
                            what,
                            Number(metric),
                            threshold.text);
        } else {
            double change = 0.0;
            if (*previous != 0.0) {
                change = std::fabs(metric - *previous) / std::fabs(*previous) * PERCENT;
            } else if (metric != 0.0) {
                change = INFINITY;
            }
            if (change > threshold.value) {
                outcome = Failed(facts.rows,
                                 FailurePrefix(test, context) +
                                     fmt::format("the {} is {}, a change of {}% from {} in the previous run, more than "
                                                 "'{}'. Fix: check the source for a shift in the data, or widen the "
                                                 "threshold.",
                                                 what,
                                                 Number(metric),
                                                 std::isfinite(change) ? Number(change) : std::string("infinite"),
                                                 Number(*previous),
                                                 threshold.text));
            }
        }
    } else if (!Compare(metric, threshold.comparison, threshold.value)) {
        outcome = Failed(facts.rows,
                         FailurePrefix(test, context) +
                             fmt::format("the {} is {}, which does not satisfy '{}' over {} rows. Fix: check the "
                                         "source for a shift in the data, or change the threshold.",
                                         what,
                                         Number(metric),
                                         threshold.text,
                                         facts.rows));
    }
    outcome.threshold = threshold.value;
    outcome.observed_value = metric;
    return outcome;
}

CheckOutcome Freshness(const QualityTestConfig& test, const BatchFacts& facts, const QualityContext& context) {
    if (!facts.metric) {
        CheckOutcome outcome = Failed(
            facts.rows,
            FailurePrefix(test, context) +
                fmt::format("column {} has no timestamp values in {} rows, so the data's age is unknown. Fix: check "
                            "that the column is filled with dates or timestamps, or point column: at one that is.",
                            test.column,
                            facts.rows));
        outcome.threshold = static_cast<double>(test.max_age_seconds);
        return outcome;
    }
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(context.now.time_since_epoch()).count();
    double age_seconds = (static_cast<double>(now_ms) - *facts.metric) / MILLISECONDS_PER_SECOND;
    CheckOutcome outcome = Passed(facts.rows);
    if (age_seconds > static_cast<double>(test.max_age_seconds)) {
        auto newest = TimePoint(std::chrono::milliseconds(static_cast<int64_t>(*facts.metric)));
        outcome = Failed(facts.rows,
                         FailurePrefix(test, context) +
                             fmt::format("the newest {} is {} ({} seconds old), older than max_age {} ({} seconds). "
                                         "Fix: check that the source is still being updated, or raise max_age.",
                                         test.column,
                                         FormatIsoUtc(newest),
                                         Number(std::floor(age_seconds)),
                                         test.max_age,
                                         test.max_age_seconds));
    }
    outcome.threshold = static_cast<double>(test.max_age_seconds);
    outcome.observed_value = age_seconds;
    return outcome;
}

std::string Filtered(const std::string& aggregate, const std::string& row_filter) {
    return aggregate + " FILTER (WHERE " + row_filter + ")";
}

} // namespace

std::optional<size_t> PlanBatchMetric(const QualityTestConfig& test,
                                      const ColumnLookup& columns,
                                      const std::string& row_filter,
                                      AggregateQuery& query) {
    if (test.type == QualityTestType::DISTRIBUTION) {
        const auto* column = columns.TryFind(test.column);
        std::string value = QuoteIdentifier(column->name);
        std::string number = "TRY_CAST(" + value + " AS DOUBLE)";
        std::string metric = ToLower(test.metric);
        if (metric == "mean") {
            return query.Add(Filtered("avg(" + number + ")", row_filter));
        }
        if (metric == "min") {
            return query.Add(Filtered("min(" + number + ")", row_filter));
        }
        if (metric == "max") {
            return query.Add(Filtered("max(" + number + ")", row_filter));
        }
        if (metric == "null_percentage") {
            std::string rows = Filtered("count(*)", row_filter);
            return query.Add("CASE WHEN " + rows + " = 0 THEN NULL ELSE 100.0 * " +
                             Filtered("count(*)", row_filter + " AND " + value + " IS NULL") + " / " + rows + " END");
        }
        return std::nullopt;
    }
    if (test.type == QualityTestType::FRESHNESS) {
        const auto* column = columns.TryFind(test.column);
        std::string value = QuoteIdentifier(column->name);
        // Epoch milliseconds: naive timestamps count as UTC; zoned ones keep their instant.
        std::string epoch;
        if (StartsWith(column->type, "TIMESTAMP WITH TIME ZONE")) {
            epoch = "epoch_ms(" + value + ")";
        } else if (column->type == "VARCHAR") {
            epoch = "COALESCE(epoch_ms(TRY_CAST(" + value + " AS TIMESTAMP)), epoch_ms(TRY_CAST(" + value +
                    " AS TIMESTAMP WITH TIME ZONE)))";
        } else {
            epoch = "epoch_ms(TRY_CAST(" + value + " AS TIMESTAMP))";
        }
        return query.Add(Filtered("max(" + epoch + ")", row_filter));
    }
    return std::nullopt;
}

CheckOutcome EvaluateBatchCheck(const QualityTestConfig& test,
                                const ColumnLookup& columns,
                                const BatchFacts& facts,
                                const QualityContext& context) {
    switch (test.type) {
    case QualityTestType::ROW_COUNT:
        return RowCount(test, facts, context);
    case QualityTestType::VOLUME_DROP:
        return VolumeDrop(test, facts, context);
    case QualityTestType::SCHEMA:
        return Schema(test, columns, facts, context);
    case QualityTestType::DISTRIBUTION: {
        std::string metric = ToLower(test.metric);
        if (metric != "mean" && metric != "min" && metric != "max" && metric != "null_percentage") {
            return Failed(facts.rows,
                          FailurePrefix(test, context) +
                              fmt::format("unknown metric '{}'. Fix: use one of \"mean\", \"min\", \"max\", "
                                          "\"null_percentage\".",
                                          test.metric));
        }
        CheckOutcome outcome = Distribution(test, facts, context);
        outcome.columns = {columns.TryFind(test.column)->name};
        return outcome;
    }
    case QualityTestType::FRESHNESS: {
        CheckOutcome outcome = Freshness(test, facts, context);
        outcome.columns = {columns.TryFind(test.column)->name};
        return outcome;
    }
    case QualityTestType::NOT_NULL:
    case QualityTestType::UNIQUE:
    case QualityTestType::ACCEPTED_VALUES:
    case QualityTestType::RANGE:
    case QualityTestType::REGEX_MATCH:
    case QualityTestType::CUSTOM_SQL:
    case QualityTestType::RELATIONSHIPS:
        break;
    }
    return Passed(facts.rows);
}

} // namespace odibi::quality
