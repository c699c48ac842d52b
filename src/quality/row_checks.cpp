// The failure flag of each row-level test, and the checks that a test can run at all.
#include "row_checks.hpp"

#include <fmt/format.h>

#include "odibi/common/error.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/regex.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::quality {

namespace {

using config::QualityTestConfig;
using config::QualityTestType;
using engine::QuoteIdentifier;
using engine::QuoteLiteral;

std::string MissingColumnText(const std::string& name, const ColumnLookup& columns, const std::string& where) {
    std::string text = fmt::format(
        "column '{}' does not exist in {}; available columns: {}", name, where, QuotedList(columns.Names()));
    std::string suggestion = DidYouMean(name, columns.Names());
    if (!suggestion.empty()) {
        text += ". " + suggestion;
    }
    return text;
}

// The test's failure as an odibi::Error: the SQL the user wrote did not compile.
[[noreturn]] void ThrowDoesNotCompile(const QualityTestConfig& test,
                                      const QualityContext& context,
                                      const std::string& what,
                                      const std::string& sql,
                                      const Error& cause) {
    std::string type = config::QualityTestTypeName(test.type);
    std::string name = test.name.empty() ? type : test.name;
    Error error(ErrorCode::QUALITY_CHECK_INVALID,
                ErrorSource::USER,
                fmt::format("{} check '{}' on node '{}' cannot run: its {} does not compile: {}",
                            type,
                            name,
                            context.node,
                            what,
                            cause.Message()));
    SourceLocation location;
    location.path = test.config_path;
    error.WithLocation(location).WithPhase("quality");
    error.WithContext("node", context.node).WithContext("check", name).WithContext("sql", sql);
    error.WithSuggestion(test.type == QualityTestType::CUSTOM_SQL
                             ? "write `condition` as a DuckDB SQL boolean over the row's columns, true for a valid "
                               "row (e.g. \"amount > 0 AND status <> 'void'\")"
                             : "write `pattern` as an RE2 regular expression (no look-around or backreferences)");
    throw error;
}

// relationships `to:` names no table or view.
[[noreturn]] void
ThrowMissingTarget(engine::Connection& connection, const QualityTestConfig& test, const QualityContext& context) {
    std::string name = test.name.empty() ? config::QualityTestTypeName(test.type) : test.name;
    Error error(ErrorCode::QUALITY_CHECK_INVALID,
                ErrorSource::USER,
                fmt::format("relationships check '{}' on node '{}' cannot run: the node or view '{}' it references "
                            "(to:) does not exist",
                            name,
                            context.node,
                            test.to));
    SourceLocation location;
    location.path = test.config_path.empty() ? test.config_path : test.config_path + ".to";
    error.WithLocation(location).WithPhase("quality");
    error.WithContext("node", context.node).WithContext("check", name);
    std::string suggestion = DidYouMean(test.to, RelationNames(connection));
    if (!suggestion.empty()) {
        error.WithSuggestion(suggestion);
    }
    error.WithSuggestion("name a node of this pipeline in to:, and list it in depends_on so that it runs first");
    throw error;
}

// Runs `sql` to see that it compiles; DuckDB's errors (not interrupts) become the test's error.
void CheckCompiles(engine::Connection& connection,
                   const QualityTestConfig& test,
                   const QualityContext& context,
                   const std::string& what,
                   const std::string& sql,
                   bool describe_only) {
    try {
        if (describe_only) {
            (void)connection.Describe(sql);
        } else {
            (void)connection.Query(sql);
        }
    } catch (const Error& error) {
        if (error.Code() != ErrorCode::SQL_ERROR) {
            throw;
        }
        ThrowDoesNotCompile(test, context, what, sql, error);
    }
}

const std::string& Resolved(const ColumnLookup& columns, const std::string& name) {
    const auto* column = columns.TryFind(name);
    if (column == nullptr) {
        throw InternalError("quality: column '" + name + "' was checked but is missing");
    }
    return column->name;
}

std::string NotNullFlag(const std::vector<std::string>& names) {
    std::vector<std::string> parts;
    parts.reserve(names.size());
    for (const auto& name : names) {
        parts.push_back(QuoteIdentifier(name) + " IS NULL");
    }
    return "(" + Join(parts, " OR ") + ")";
}

// The row's key is one of the keys that occur more than once (a semi-join against a small table).
std::string UniqueFlag(const std::vector<std::string>& names, const std::string& duplicate_keys) {
    return "EXISTS (SELECT 1 FROM " + QuoteIdentifier(duplicate_keys) + " AS __odibi_duplicate WHERE " +
           engine::ColumnsMatch("__odibi_duplicate", ROW_ALIAS, names) + ")";
}

std::vector<config::Json> ValueList(const config::Json& values) {
    if (values.is_array()) {
        return {values.begin(), values.end()};
    }
    if (values.is_null()) {
        return {};
    }
    return {values};
}

std::string AcceptedValuesFlag(const engine::ColumnInfo& column, const config::Json& values) {
    std::vector<config::Json> items;
    for (auto& item : ValueList(values)) {
        if (!item.is_null()) {
            items.push_back(std::move(item));
        }
    }
    if (items.empty()) {
        return "true";
    }
    bool all_numbers = true;
    for (const auto& item : items) {
        all_numbers = all_numbers && item.is_number();
    }
    // Numbers compare as numbers with a numeric column; anything else compares as text, so that a
    // text value never makes DuckDB try (and fail) to cast it to the column's type.
    bool numeric = all_numbers && engine::IsNumericType(column.type);
    std::vector<std::string> literals;
    literals.reserve(items.size());
    for (const auto& item : items) {
        literals.push_back(numeric ? JsonScalarSql(item) : QuoteLiteral(JsonScalarText(item)));
    }
    std::string operand =
        numeric ? QuoteIdentifier(column.name) : "CAST(" + QuoteIdentifier(column.name) + " AS VARCHAR)";
    // NULL (a NULL value, or no match against a list holding null) fails.
    return "COALESCE(" + operand + " NOT IN (" + Join(literals, ", ") + "), true)";
}

std::string RangeOperand(const engine::ColumnInfo& column, const config::Json& bound) {
    if (bound.is_number() && !engine::IsNumericType(column.type)) {
        return "TRY_CAST(" + QuoteIdentifier(column.name) + " AS DOUBLE)";
    }
    return QuoteIdentifier(column.name);
}

std::string RangeFlag(const engine::ColumnInfo& column, const config::Json& min, const config::Json& max) {
    std::vector<std::string> conditions = {QuoteIdentifier(column.name) + " IS NOT NULL"};
    if (!min.is_null()) {
        conditions.push_back(RangeOperand(column, min) + " >= " + JsonScalarSql(min));
    }
    if (!max.is_null()) {
        conditions.push_back(RangeOperand(column, max) + " <= " + JsonScalarSql(max));
    }
    return "(NOT COALESCE(" + Join(conditions, " AND ") + ", false))";
}

std::string RegexFlag(const engine::ColumnInfo& column, const std::string& pattern) {
    // The match is NULL exactly for a NULL value, which passes.
    std::string text = "CAST(" + QuoteIdentifier(column.name) + " AS VARCHAR)";
    return "(NOT COALESCE(" + engine::PrefixMatchSql(text, pattern) + ", true))";
}

// The newline ends a trailing `--` comment in the user's condition before our closing parenthesis.
std::string CustomSqlFlag(const std::string& condition) {
    return "(NOT COALESCE((" + condition + "\n), false))";
}

std::string RelationshipsFlag(const engine::ColumnInfo& column,
                              const std::string& target,
                              const std::string& field,
                              bool nullable) {
    std::string value = QuoteIdentifier(column.name);
    std::string key = QuoteIdentifier(field);
    return "COALESCE(CASE WHEN " + value + " IS NULL THEN " + (nullable ? "false" : "true") + " ELSE " + value +
           " NOT IN (SELECT " + key + " FROM " + QuoteIdentifier(target) + " WHERE " + key + " IS NOT NULL) END, true)";
}

} // namespace

bool IsRowLevel(QualityTestType type) {
    switch (type) {
    case QualityTestType::NOT_NULL:
    case QualityTestType::UNIQUE:
    case QualityTestType::ACCEPTED_VALUES:
    case QualityTestType::RANGE:
    case QualityTestType::REGEX_MATCH:
    case QualityTestType::CUSTOM_SQL:
    case QualityTestType::RELATIONSHIPS:
        return true;
    case QualityTestType::ROW_COUNT:
    case QualityTestType::VOLUME_DROP:
    case QualityTestType::SCHEMA:
    case QualityTestType::DISTRIBUTION:
    case QualityTestType::FRESHNESS:
        return false;
    }
    return false;
}

std::vector<std::string> NamedColumns(const QualityTestConfig& test) {
    switch (test.type) {
    case QualityTestType::NOT_NULL:
    case QualityTestType::UNIQUE:
        return test.columns;
    case QualityTestType::ACCEPTED_VALUES:
    case QualityTestType::RANGE:
    case QualityTestType::REGEX_MATCH:
    case QualityTestType::DISTRIBUTION:
    case QualityTestType::FRESHNESS:
    case QualityTestType::RELATIONSHIPS:
        return {test.column};
    case QualityTestType::ROW_COUNT:
    case QualityTestType::VOLUME_DROP:
    case QualityTestType::SCHEMA:
    case QualityTestType::CUSTOM_SQL:
        return {};
    }
    return {};
}

std::optional<std::string>
FindUnavailableReason(engine::Connection& connection, const QualityTestConfig& test, const ColumnLookup& columns) {
    auto named = NamedColumns(test);
    if (named.empty() && (test.type == QualityTestType::NOT_NULL || test.type == QualityTestType::UNIQUE)) {
        return std::string("it names no column (columns: is empty)");
    }
    for (const auto& name : named) {
        if (columns.TryFind(name) == nullptr) {
            return MissingColumnText(name, columns, "the node's data");
        }
    }
    if (test.type != QualityTestType::RELATIONSHIPS) {
        return std::nullopt;
    }
    auto target = TryDescribeRelation(connection, test.to);
    if (!target) {
        return std::nullopt; // CompileRowCheck throws: a missing relation is a configuration error
    }
    ColumnLookup target_columns(std::move(*target));
    std::string field = test.field.empty() ? test.column : test.field;
    if (target_columns.TryFind(field) == nullptr) {
        return MissingColumnText(field, target_columns, "'" + test.to + "' (field:)");
    }
    return std::nullopt;
}

std::string
DuplicateKeysSql(const std::string& relation_sql, const ColumnLookup& columns, const QualityTestConfig& test) {
    std::vector<std::string> keys;
    std::vector<std::string> same_as_previous = {"lag(true, 1, false) OVER __odibi_sorted"};
    for (const auto& name : NamedColumns(test)) {
        std::string key = QuoteIdentifier(Resolved(columns, name));
        keys.push_back(key);
        same_as_previous.push_back(key + " IS NOT DISTINCT FROM lag(" + key + ") OVER __odibi_sorted");
    }
    std::string key_list = Join(keys, ", ");
    return "SELECT DISTINCT " + key_list + " FROM " + relation_sql + " WINDOW __odibi_sorted AS (ORDER BY " + key_list +
           ") QUALIFY " + Join(same_as_previous, " AND ");
}

RowCheck CompileRowCheck(engine::Connection& connection,
                         const std::string& relation_sql,
                         const ColumnLookup& columns,
                         const QualityTestConfig& test,
                         size_t test_index,
                         const std::string& flag_column,
                         const std::string& duplicate_keys,
                         const QualityContext& context) {
    RowCheck check;
    check.test_index = test_index;
    check.flag_column = flag_column;
    std::vector<std::string> resolved;
    for (const auto& name : NamedColumns(test)) {
        resolved.push_back(Resolved(columns, name));
    }
    switch (test.type) {
    case QualityTestType::NOT_NULL:
        check.flag_sql = NotNullFlag(resolved);
        check.null_counted_columns = resolved;
        break;
    case QualityTestType::UNIQUE:
        if (duplicate_keys.empty()) {
            throw InternalError("quality: unique check compiled without its table of duplicate keys");
        }
        check.flag_sql = UniqueFlag(resolved, duplicate_keys);
        break;
    case QualityTestType::ACCEPTED_VALUES:
        check.flag_sql = AcceptedValuesFlag(*columns.TryFind(test.column), test.values);
        break;
    case QualityTestType::RANGE:
        check.flag_sql = RangeFlag(*columns.TryFind(test.column), test.min, test.max);
        break;
    case QualityTestType::REGEX_MATCH: {
        std::string probe = "SELECT regexp_matches('', " + QuoteLiteral(engine::AnchoredPattern(test.pattern)) + ")";
        CheckCompiles(connection, test, context, "pattern", probe, false);
        check.flag_sql = RegexFlag(*columns.TryFind(test.column), test.pattern);
        break;
    }
    case QualityTestType::CUSTOM_SQL: {
        check.flag_sql = CustomSqlFlag(test.condition);
        CheckCompiles(
            connection, test, context, "condition", "SELECT " + check.flag_sql + " FROM " + relation_sql, true);
        resolved = columns.Names();
        break;
    }
    case QualityTestType::RELATIONSHIPS: {
        auto target = TryDescribeRelation(connection, test.to);
        if (!target) {
            ThrowMissingTarget(connection, test, context);
        }
        ColumnLookup target_columns(std::move(*target));
        std::string field = test.field.empty() ? test.column : test.field;
        check.flag_sql = RelationshipsFlag(
            *columns.TryFind(test.column), test.to, target_columns.TryFind(field)->name, test.nullable);
        break;
    }
    case QualityTestType::ROW_COUNT:
    case QualityTestType::VOLUME_DROP:
    case QualityTestType::SCHEMA:
    case QualityTestType::DISTRIBUTION:
    case QualityTestType::FRESHNESS:
        throw InternalError("quality: " + config::QualityTestTypeName(test.type) + " is not a row-level test");
    }
    check.columns = std::move(resolved);
    return check;
}

std::string JsonScalarSql(const config::Json& value) {
    if (value.is_number() || value.is_boolean()) {
        return value.dump();
    }
    if (value.is_null()) {
        return "NULL";
    }
    return QuoteLiteral(JsonScalarText(value));
}

std::string JsonScalarText(const config::Json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    return value.dump();
}

} // namespace odibi::quality
