// Failure messages of row-level checks.
#include "messages.hpp"

#include "row_checks.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/regex.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::quality {

namespace {

using config::QualityTestType;

constexpr double PERCENT = 100.0;

std::string Plural(int64_t count, const std::string& word) {
    return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

std::string QuarantineFix(const config::QualityTestConfig& test) {
    if (test.on_fail == config::QualitySeverity::QUARANTINE) {
        return "";
    }
    return ", or set on_fail: quarantine to route these rows to quarantine";
}

std::string ValuesText(const config::Json& values) {
    std::vector<std::string> items;
    if (values.is_array()) {
        for (const auto& value : values) {
            items.push_back(JsonScalarText(value));
        }
    }
    return "[" + Join(items, ", ") + "]";
}

std::string Detail(const config::QualityTestConfig& test, const RowFailure& failure) {
    std::string column = failure.columns.empty() ? test.column : failure.columns.front();
    std::string in_rows = " in " + Plural(failure.rows, "row") + (failure.valid_rows_only ? " not quarantined" : "");
    switch (test.type) {
    case QualityTestType::NOT_NULL: {
        if (failure.null_counts.size() == 1) {
            return fmt::format("column {} has {} NULL values{}",
                               failure.null_counts.front().first,
                               failure.null_counts.front().second,
                               in_rows);
        }
        std::vector<std::string> parts;
        for (const auto& [name, count] : failure.null_counts) {
            if (count > 0) {
                parts.push_back(fmt::format("{} ({} NULL)", name, count));
            }
        }
        return fmt::format("{} have a NULL in one of columns {}{}: {}",
                           Plural(failure.violations, "row"),
                           Join(failure.columns, ", "),
                           in_rows,
                           Join(parts, ", "));
    }
    case QualityTestType::UNIQUE:
        return fmt::format("{} share their value of ({}) with another row{}",
                           Plural(failure.violations, "row"),
                           Join(failure.columns, ", "),
                           in_rows);
    case QualityTestType::ACCEPTED_VALUES:
        return fmt::format("column {} has {} outside {} (NULL counts as invalid){}",
                           column,
                           Plural(failure.violations, "value"),
                           ValuesText(test.values),
                           in_rows);
    case QualityTestType::RANGE:
        return fmt::format("column {} has {} outside [{}, {}] (inclusive; NULL counts as out of range){}",
                           column,
                           Plural(failure.violations, "value"),
                           test.min.is_null() ? "-inf" : JsonScalarText(test.min),
                           test.max.is_null() ? "+inf" : JsonScalarText(test.max),
                           in_rows);
    case QualityTestType::REGEX_MATCH:
        return fmt::format("column {} has {} that do not match {} (the pattern must match at the start of the "
                           "value; end it with $ to match the whole value){}",
                           column,
                           Plural(failure.violations, "value"),
                           engine::AnchoredPattern(test.pattern),
                           in_rows);
    case QualityTestType::CUSTOM_SQL: {
        double rate = failure.rows == 0 ? 0.0 : static_cast<double>(failure.violations) / failure.rows;
        return fmt::format("{} of {} rows{} do not satisfy `{}` ({:.4g}% failing, threshold {:.4g}%)",
                           failure.violations,
                           failure.rows,
                           failure.valid_rows_only ? " not quarantined" : "",
                           test.condition,
                           rate * PERCENT,
                           test.threshold * PERCENT);
    }
    case QualityTestType::RELATIONSHIPS: {
        std::string field = test.field.empty() ? test.column : test.field;
        return fmt::format("column {} has {} with no match in {}.{}{}{}",
                           column,
                           Plural(failure.violations, "value"),
                           test.to,
                           field,
                           test.nullable ? "" : " (NULL keys fail: nullable is false)",
                           in_rows);
    }
    case QualityTestType::ROW_COUNT:
    case QualityTestType::VOLUME_DROP:
    case QualityTestType::SCHEMA:
    case QualityTestType::DISTRIBUTION:
    case QualityTestType::FRESHNESS:
        break;
    }
    return Plural(failure.violations, "row") + " failed" + in_rows;
}

std::string Fix(const config::QualityTestConfig& test) {
    std::string quarantine = QuarantineFix(test);
    switch (test.type) {
    case QualityTestType::NOT_NULL:
        return "clean the source or fill the NULLs upstream (transformer: fill_nulls)" + quarantine;
    case QualityTestType::UNIQUE:
        return "deduplicate upstream (transformer: deduplicate) or correct the key columns" + quarantine;
    case QualityTestType::ACCEPTED_VALUES:
        return "map or filter the unexpected values upstream, or add them to values:" + quarantine;
    case QualityTestType::RANGE:
        return "correct the values upstream, or widen min/max" + quarantine;
    case QualityTestType::REGEX_MATCH:
        return "clean the values upstream, or correct pattern:" + quarantine;
    case QualityTestType::CUSTOM_SQL:
        return "correct the failing rows upstream, the condition, or raise threshold:" + quarantine;
    case QualityTestType::RELATIONSHIPS:
        return "load the missing keys into '" + test.to + "' first, correct the keys" +
               (test.nullable ? "" : ", or set nullable: true if a NULL key is valid") + quarantine;
    case QualityTestType::ROW_COUNT:
    case QualityTestType::VOLUME_DROP:
    case QualityTestType::SCHEMA:
    case QualityTestType::DISTRIBUTION:
    case QualityTestType::FRESHNESS:
        break;
    }
    return "correct the data upstream";
}

std::string CheckName(const config::QualityTestConfig& test) {
    return test.name.empty() ? config::QualityTestTypeName(test.type) : test.name;
}

} // namespace

std::string SampleText(const std::vector<std::string>& sample) {
    if (sample.empty()) {
        return "";
    }
    return " (sample: " + Join(sample, "; ") + ")";
}

std::string
RowFailureMessage(const config::QualityTestConfig& test, const QualityContext& context, const RowFailure& failure) {
    return fmt::format("{} check '{}' failed on node '{}': {}{}. Fix: {}.",
                       config::QualityTestTypeName(test.type),
                       CheckName(test),
                       context.node,
                       Detail(test, failure),
                       SampleText(failure.sample),
                       Fix(test));
}

std::string
UnavailableMessage(const config::QualityTestConfig& test, const QualityContext& context, const std::string& reason) {
    return fmt::format("{} check '{}' failed on node '{}': it cannot run because {}. Fix: correct the test's "
                       "column names in {} (or the node's output).",
                       config::QualityTestTypeName(test.type),
                       CheckName(test),
                       context.node,
                       reason,
                       test.config_path.empty() ? std::string("the YAML") : test.config_path);
}

} // namespace odibi::quality
