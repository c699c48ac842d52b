// DuckDB and SQLite query execution for `query` and `catalog` records, and row comparison.
#include "query_check.hpp"

#include <algorithm>
#include <memory>

#include <sqlite3.h>

#include "odibi/common/error.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::e2e {

namespace {

constexpr int SQLITE_BUSY_TIMEOUT_MS = 10000;
constexpr size_t MAX_SHOWN_ROWS = 50;

std::string Render(const std::optional<std::string>& value) {
    if (!value) {
        return "NULL";
    }
    return value->empty() ? "(empty)" : *value;
}

struct SqliteCloser {
    void operator()(sqlite3* database) const { sqlite3_close_v2(database); }
};

struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

std::string Line(const std::vector<std::string>& values) {
    return Join(values, "\t");
}

std::string Listing(const std::vector<std::vector<std::string>>& rows) {
    std::string text;
    for (size_t index = 0; index < rows.size() && index < MAX_SHOWN_ROWS; ++index) {
        text += "    " + Line(rows[index]) + "\n";
    }
    if (rows.size() > MAX_SHOWN_ROWS) {
        text += "    ... " + std::to_string(rows.size() - MAX_SHOWN_ROWS) + " more rows\n";
    }
    return rows.empty() ? "    (no rows)\n" : text;
}

// Compares rows after sorting both sides per `sort_mode`; the detail shows both lists and the first
// difference.
CheckOutcome
CompareRowLists(const QueryResult& actual, std::vector<std::vector<std::string>> expected, SortMode sort_mode) {
    std::vector<std::vector<std::string>> got = actual.rows;
    if (sort_mode == SortMode::ROW_SORT) {
        std::sort(expected.begin(), expected.end());
        std::sort(got.begin(), got.end());
    } else if (sort_mode == SortMode::VALUE_SORT) {
        auto flatten = [](const std::vector<std::vector<std::string>>& rows) {
            std::vector<std::vector<std::string>> values;
            for (const auto& row : rows) {
                for (const auto& value : row) {
                    values.push_back({value});
                }
            }
            std::sort(values.begin(), values.end());
            return values;
        };
        expected = flatten(expected);
        got = flatten(got);
    }
    if (expected == got) {
        return {true, ""};
    }
    std::string detail = "columns: " + Join(actual.columns, "\t") + "\n  expected " + std::to_string(expected.size()) +
                         " rows:\n" + Listing(expected) + "  actual " + std::to_string(got.size()) + " rows:\n" +
                         Listing(got);
    for (size_t index = 0; index < std::min(expected.size(), got.size()); ++index) {
        if (expected[index] != got[index]) {
            detail += "  first difference at row " + std::to_string(index + 1) + ": expected '" +
                      Line(expected[index]) + "', got '" + Line(got[index]) + "'\n";
            break;
        }
    }
    return {false, detail};
}

} // namespace

QueryResult RunDuckDbQuery(const std::string& sql) {
    QueryResult result;
    try {
        engine::DatabaseSettings settings;
        settings.preserve_insertion_order = true;
        auto database = engine::OpenDuckDb(settings);
        auto connection = database->Connect();
        auto table = connection->Query(sql);
        for (const auto& column : table.Columns()) {
            result.columns.push_back(column.name);
            result.column_types.push_back(column.type);
        }
        for (const auto& row : table.Rows()) {
            std::vector<std::string> rendered;
            rendered.reserve(row.size());
            for (const auto& value : row) {
                rendered.push_back(Render(value));
            }
            result.rows.push_back(std::move(rendered));
        }
    } catch (const Error& error) {
        result.error = error.Message();
    } catch (const std::exception& error) {
        result.error = error.what();
    }
    return result;
}

QueryResult RunSqliteQuery(const std::filesystem::path& database_path, const std::string& sql) {
    QueryResult result;
    std::error_code error;
    if (!std::filesystem::is_regular_file(database_path, error)) {
        result.error = "catalog file not found: " + database_path.string();
        return result;
    }
    sqlite3* raw_database = nullptr;
    int opened = sqlite3_open_v2(database_path.c_str(), &raw_database, SQLITE_OPEN_READWRITE, nullptr);
    std::unique_ptr<sqlite3, SqliteCloser> database(raw_database);
    if (opened != SQLITE_OK) {
        result.error = "cannot open " + database_path.string() + ": " +
                       (raw_database != nullptr ? sqlite3_errmsg(raw_database) : sqlite3_errstr(opened));
        return result;
    }
    sqlite3_busy_timeout(database.get(), SQLITE_BUSY_TIMEOUT_MS);
    sqlite3_exec(database.get(), "PRAGMA query_only = 1", nullptr, nullptr, nullptr);
    sqlite3_stmt* raw_statement = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(database.get(), sql.c_str(), -1, &raw_statement, &tail) != SQLITE_OK) {
        result.error = sqlite3_errmsg(database.get());
        return result;
    }
    std::unique_ptr<sqlite3_stmt, StatementFinalizer> statement(raw_statement);
    if (statement == nullptr) {
        result.error = "no SQL statement";
        return result;
    }
    if (tail != nullptr && !Trim(tail).empty()) {
        result.error = "only one SQL statement per catalog check; found more after: " + Trim(tail);
        return result;
    }
    int column_count = sqlite3_column_count(statement.get());
    for (int column = 0; column < column_count; ++column) {
        result.columns.emplace_back(sqlite3_column_name(statement.get(), column));
    }
    while (true) {
        int step = sqlite3_step(statement.get());
        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            result.error = sqlite3_errmsg(database.get());
            return result;
        }
        std::vector<std::string> row;
        for (int column = 0; column < column_count; ++column) {
            if (sqlite3_column_type(statement.get(), column) == SQLITE_NULL) {
                row.push_back(Render(std::nullopt));
                continue;
            }
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), column));
            int size = sqlite3_column_bytes(statement.get(), column);
            row.push_back(Render(std::string(text == nullptr ? "" : text, static_cast<size_t>(size))));
        }
        result.rows.push_back(std::move(row));
    }
    return result;
}

CheckOutcome
CompareRows(const QueryResult& actual, const std::vector<std::string>& expected_lines, SortMode sort_mode) {
    std::vector<std::vector<std::string>> expected;
    expected.reserve(expected_lines.size());
    for (const auto& line : expected_lines) {
        expected.push_back(Split(line, '\t'));
    }
    for (const auto& row : expected) {
        if (!actual.columns.empty() && row.size() != actual.columns.size()) {
            return {false,
                    "expected rows have " + std::to_string(row.size()) +
                        " tab-separated values but the query returns " + std::to_string(actual.columns.size()) +
                        " columns (" + Join(actual.columns, ", ") + ")\n  actual rows:\n" + Listing(actual.rows)};
        }
    }
    return CompareRowLists(actual, std::move(expected), sort_mode);
}

CheckOutcome CompareWithOracle(const QueryResult& actual, const QueryResult& oracle, SortMode sort_mode) {
    if (actual.columns != oracle.columns) {
        return {false,
                "the columns differ\n  query:  " + Join(actual.columns, ", ") +
                    "\n  oracle: " + Join(oracle.columns, ", ") + "\n"};
    }
    for (size_t index = 0; index < actual.column_types.size() && index < oracle.column_types.size(); ++index) {
        if (actual.column_types[index] != oracle.column_types[index]) {
            return {false,
                    "column " + actual.columns[index] + " is " + actual.column_types[index] + " in the query but " +
                        oracle.column_types[index] + " in the oracle\n"};
        }
    }
    if (actual.rows.empty() && oracle.rows.empty()) {
        return {false, "both queries return no rows, so this check could not fail; give the case input rows\n"};
    }
    auto outcome = CompareRowLists(actual, oracle.rows, sort_mode);
    if (!outcome.passed) {
        outcome.detail = "expected rows are the oracle's\n  " + outcome.detail;
    }
    return outcome;
}

} // namespace odibi::e2e
