// Cross-node checks (reference §5): row_count_diff, schema_match and sql over other nodes' outputs.
#include <cmath>
#include <map>

#include "column_lookup.hpp"
#include "failing_samples.hpp"
#include "messages.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/quality/quality.hpp"

namespace odibi::quality {

namespace {

using config::CrossCheckConfig;
using config::CrossCheckType;
using engine::QuoteIdentifier;

constexpr double PERCENT = 100.0;

std::string CheckName(const CrossCheckConfig& check, const QualityContext& context) {
    return check.name.empty() ? context.node : check.name;
}

Error CrossCheckError(const CrossCheckConfig& check, const QualityContext& context, ErrorCode code, std::string text) {
    Error error(code, ErrorSource::USER, std::move(text));
    SourceLocation location;
    location.path = check.config_path;
    error.WithLocation(location).WithPhase("cross_check");
    error.WithContext("node", context.node).WithContext("check", CheckName(check, context));
    return error;
}

// The catalog spelling of each input; throws naming an input that is not there.
std::vector<std::string>
ResolveInputs(engine::Connection& connection, const CrossCheckConfig& check, const QualityContext& context) {
    std::vector<std::string> resolved;
    for (const auto& input : check.inputs) {
        if (TryDescribeRelation(connection, input)) {
            resolved.push_back(input);
            continue;
        }
        Error error = CrossCheckError(
            check,
            context,
            ErrorCode::QUALITY_CHECK_INVALID,
            fmt::format("cross_check '{}' on node '{}': input '{}' has no output to check (no node, table or view of "
                        "that name has run)",
                        CheckName(check, context),
                        context.node,
                        input));
        std::string suggestion = DidYouMean(input, RelationNames(connection));
        if (!suggestion.empty()) {
            error.WithSuggestion(suggestion);
        }
        error.WithSuggestion("list '" + input + "' in the check node's depends_on so that it runs first");
        error.WithSuggestion("check that '" + input + "' is the name of a node of this pipeline");
        throw error;
    }
    if (check.type != CrossCheckType::SQL && resolved.size() < 2) {
        throw CrossCheckError(check,
                              context,
                              ErrorCode::QUALITY_CHECK_INVALID,
                              fmt::format("cross_check '{}' ({}) needs at least 2 inputs to compare, got {}",
                                          CheckName(check, context),
                                          config::CrossCheckTypeName(check.type),
                                          resolved.size()))
            .WithSuggestion("list the node names to compare under params.inputs");
    }
    return resolved;
}

QualityResult BaseResult(const CrossCheckConfig& check, const QualityContext& context) {
    QualityResult result;
    result.check_name = CheckName(check, context);
    result.check_type = config::CrossCheckTypeName(check.type);
    result.severity = check.on_fail;
    result.phase = CheckPhase::CROSS_CHECK;
    result.config_path = check.config_path;
    return result;
}

std::string Fix(const CrossCheckConfig& check) {
    switch (check.type) {
    case CrossCheckType::ROW_COUNT_DIFF:
        return "find where rows are dropped or duplicated between these nodes, or raise threshold";
    case CrossCheckType::SCHEMA_MATCH:
        return "align the nodes' columns and types (transformer: cast / select / rename)";
    case CrossCheckType::SQL:
        return "correct the violating rows upstream, or the check's sql";
    }
    return "correct the data upstream";
}

void RowCountDiff(engine::Connection& connection,
                  const CrossCheckConfig& check,
                  const std::vector<std::string>& inputs,
                  QualityResult& result,
                  std::vector<std::string>& problems) {
    std::vector<std::string> counts;
    counts.reserve(inputs.size());
    for (const auto& input : inputs) {
        counts.push_back("(SELECT count(*) FROM " + QuoteIdentifier(input) + ")");
    }
    auto table = connection.Query("SELECT " + Join(counts, ", "));
    std::vector<int64_t> rows;
    for (size_t index = 0; index < inputs.size(); ++index) {
        rows.push_back(std::stoll(table.Value(0, index).value_or("0")));
    }
    int64_t base = rows.front();
    double largest = 0.0;
    for (size_t index = 1; index < inputs.size(); ++index) {
        double diff = 0.0;
        if (base == 0) {
            diff = rows[index] == 0 ? 0.0 : 1.0;
        } else {
            diff = std::fabs(static_cast<double>(rows[index] - base)) / static_cast<double>(base);
        }
        largest = std::max(largest, diff);
        if (diff > check.threshold) {
            problems.push_back(fmt::format("'{}' has {} rows against {} in '{}' ({:.4g}% difference, allowed {:.4g}%)",
                                           inputs[index],
                                           rows[index],
                                           base,
                                           inputs.front(),
                                           diff * PERCENT,
                                           check.threshold * PERCENT));
        }
    }
    result.rows_checked = static_cast<int64_t>(inputs.size() - 1);
    result.threshold = check.threshold;
    result.observed_value = largest;
}

std::string Pairs(const std::vector<engine::ColumnInfo>& columns) {
    std::vector<std::string> parts;
    parts.reserve(columns.size());
    for (const auto& column : columns) {
        parts.push_back("(" + column.name + ", " + column.type + ")");
    }
    return Join(parts, ", ");
}

void SchemaMatch(engine::Connection& connection,
                 const std::vector<std::string>& inputs,
                 QualityResult& result,
                 std::vector<std::string>& problems) {
    auto reference = connection.Describe(QuoteIdentifier(inputs.front()));
    std::map<std::string, std::string> expected;
    for (const auto& column : reference) {
        expected[column.name] = column.type;
    }
    for (size_t index = 1; index < inputs.size(); ++index) {
        auto columns = connection.Describe(QuoteIdentifier(inputs[index]));
        std::map<std::string, std::string> actual;
        for (const auto& column : columns) {
            actual[column.name] = column.type;
        }
        std::vector<engine::ColumnInfo> missing;
        for (const auto& column : reference) {
            auto found = actual.find(column.name);
            if (found == actual.end() || found->second != column.type) {
                missing.push_back(column);
            }
        }
        std::vector<engine::ColumnInfo> extra;
        for (const auto& column : columns) {
            auto found = expected.find(column.name);
            if (found == expected.end() || found->second != column.type) {
                extra.push_back(column);
            }
        }
        if (missing.empty() && extra.empty()) {
            continue;
        }
        std::vector<std::string> parts;
        if (!missing.empty()) {
            parts.push_back("missing " + Pairs(missing));
        }
        if (!extra.empty()) {
            parts.push_back("extra " + Pairs(extra));
        }
        problems.push_back(fmt::format("'{}' differs from '{}': {}", inputs[index], inputs.front(), Join(parts, "; ")));
    }
    result.rows_checked = static_cast<int64_t>(inputs.size() - 1);
}

void SqlCheck(engine::Connection& connection,
              const CrossCheckConfig& check,
              const QualityContext& context,
              QualityResult& result,
              std::vector<std::string>& problems) {
    // The newline ends a trailing `--` comment before our closing parenthesis.
    std::string query = "(" + check.sql + "\n) AS violations";
    int64_t violations = 0;
    try {
        violations = std::stoll(connection.Query("SELECT count(*) FROM " + query).Scalar().value_or("0"));
        if (violations > 0 && context.sample_size > 0) {
            auto sample = connection.Query("SELECT * FROM " + query + " LIMIT " + std::to_string(context.sample_size));
            result.failing_sample = RenderSampleRows(sample, context, true);
        }
    } catch (const Error& error) {
        if (error.Code() != ErrorCode::SQL_ERROR) {
            throw;
        }
        throw CrossCheckError(check,
                              context,
                              ErrorCode::QUALITY_CHECK_INVALID,
                              fmt::format("cross_check '{}' on node '{}' cannot run: its sql does not run: {}",
                                          CheckName(check, context),
                                          context.node,
                                          error.Message()))
            .WithContext("sql", check.sql)
            .WithSuggestion("write params.sql as a DuckDB query over the input nodes that returns the violating "
                            "rows");
    }
    result.rows_checked = violations;
    result.violation_count = violations;
    if (violations > 0) {
        problems.push_back(fmt::format("the sql returned {} violating row{}{}",
                                       violations,
                                       violations == 1 ? "" : "s",
                                       SampleText(result.failing_sample)));
    }
}

} // namespace

QualityResult EvaluateCrossCheck(engine::Connection& connection,
                                 const config::CrossCheckConfig& check,
                                 const QualityContext& context) {
    QualityResult result = BaseResult(check, context);
    auto inputs = ResolveInputs(connection, check, context);
    std::vector<std::string> problems;
    switch (check.type) {
    case CrossCheckType::ROW_COUNT_DIFF:
        RowCountDiff(connection, check, inputs, result, problems);
        break;
    case CrossCheckType::SCHEMA_MATCH:
        SchemaMatch(connection, inputs, result, problems);
        break;
    case CrossCheckType::SQL:
        SqlCheck(connection, check, context, result, problems);
        break;
    }
    if (check.type != CrossCheckType::SQL) {
        result.violation_count = static_cast<int64_t>(problems.size());
    }
    if (problems.empty()) {
        result.status = CheckStatus::PASSED;
        result.pass_rate = 1.0;
        return result;
    }
    result.status = check.on_fail == config::QualitySeverity::WARN ? CheckStatus::WARNED : CheckStatus::FAILED;
    result.pass_rate = check.type == CrossCheckType::SQL
                           ? 0.0
                           : static_cast<double>(result.rows_checked - result.violation_count) /
                                 static_cast<double>(result.rows_checked);
    result.message = fmt::format("{} check '{}' failed on node '{}': {}. Fix: {}.",
                                 config::CrossCheckTypeName(check.type),
                                 result.check_name,
                                 context.node,
                                 Join(problems, "; "),
                                 Fix(check));
    return result;
}

} // namespace odibi::quality
