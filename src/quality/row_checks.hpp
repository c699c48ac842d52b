// Row-level tests (not_null, unique, accepted_values, range, regex_match, custom_sql, relationships)
// compiled to one BOOLEAN failure flag per row: true = the row fails the test, never NULL.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "column_lookup.hpp"

#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/quality/quality.hpp"

namespace odibi::quality {

/// The alias of the checked relation in the query that computes the flags (a flag may refer to the
/// row through it, as unique's semi-join does).
inline constexpr const char* ROW_ALIAS = "__odibi_row";

/// True for the tests evaluated row by row (they get a flag); the others check the batch.
[[nodiscard]] bool IsRowLevel(config::QualityTestType type);

/// The columns a test names (`columns`, or `column`); empty for tests that name none.
[[nodiscard]] std::vector<std::string> NamedColumns(const config::QualityTestConfig& test);

/// Why `test` cannot run over the relation: a named column it lacks, or (relationships) a referenced
/// relation or key column that does not exist. The text names what is missing, what exists and the
/// closest match; nullopt when the test can run.
[[nodiscard]] std::optional<std::string> FindUnavailableReason(engine::Connection& connection,
                                                               const config::QualityTestConfig& test,
                                                               const ColumnLookup& columns);

/// A row-level test compiled to its failure flag.
struct RowCheck {
    size_t test_index = 0;
    std::string flag_column; ///< unquoted name of the flag in the table of failing rows
    std::string flag_sql;    ///< BOOLEAN, never NULL; true = the row fails
    /// The resolved columns the test looks at (all columns for custom_sql): samples show these.
    std::vector<std::string> columns;
    /// not_null: one entry per column, for per-column NULL counts in the message.
    std::vector<std::string> null_counted_columns;
};

/// The keys of a unique test that occur more than once in `relation_sql` (NULL keys count as equal),
/// found by one sort of the key columns: SELECT DISTINCT keys ... QUALIFY key = the previous row's key.
[[nodiscard]] std::string
DuplicateKeysSql(const std::string& relation_sql, const ColumnLookup& columns, const config::QualityTestConfig& test);

/// Compiles a row-level test whose columns exist (FindUnavailableReason returned nullopt).
/// `relation_sql` is the quoted relation; `duplicate_keys` the (unquoted) temporary table holding
/// DuplicateKeysSql's rows for a unique test, empty for the others. Throws INVALID_VALUE naming the test and its config
/// path when a custom_sql condition or a regex pattern does not compile (DuckDB's text kept whole).
[[nodiscard]] RowCheck CompileRowCheck(engine::Connection& connection,
                                       const std::string& relation_sql,
                                       const ColumnLookup& columns,
                                       const config::QualityTestConfig& test,
                                       size_t test_index,
                                       const std::string& flag_column,
                                       const std::string& duplicate_keys,
                                       const QualityContext& context);

/// A JSON scalar (range bound, accepted value) as SQL: numbers and booleans as written, text quoted.
[[nodiscard]] std::string JsonScalarSql(const config::Json& value);
/// A JSON scalar as the text a user wrote ("100", "active").
[[nodiscard]] std::string JsonScalarText(const config::Json& value);

} // namespace odibi::quality
