// Runs SQL against DuckDB (outputs) or a SQLite catalog and compares rows with the expected text.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "json_check.hpp"
#include "test_case.hpp"

namespace odibi::e2e {

// Values rendered as text: NULL for nulls, (empty) for empty strings.
struct QueryResult {
    std::vector<std::string> columns;
    std::vector<std::string> column_types; // DuckDB type names; empty for SQLite
    std::vector<std::vector<std::string>> rows;
    std::optional<std::string> error; // the database's message when the query failed
};

// A fresh in-memory DuckDB with the process's working directory, so relative paths work.
[[nodiscard]] QueryResult RunDuckDbQuery(const std::string& sql);

// The SQLite file at `database`, opened without creating it and with writes refused.
[[nodiscard]] QueryResult RunSqliteQuery(const std::filesystem::path& database, const std::string& sql);

// Compares after sorting per `sort_mode`; the detail shows both sides when they differ.
[[nodiscard]] CheckOutcome
CompareRows(const QueryResult& actual, const std::vector<std::string>& expected_lines, SortMode sort_mode);

// Compares a query's result with an oracle query's result: the same column names and types, and
// the same rows after sorting per `sort_mode`. Two empty results fail: such a check could not fail.
[[nodiscard]] CheckOutcome CompareWithOracle(const QueryResult& actual, const QueryResult& oracle, SortMode sort_mode);

} // namespace odibi::e2e
