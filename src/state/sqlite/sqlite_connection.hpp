// A small RAII layer over the SQLite C API for the catalog: one connection, prepared statements,
// IMMEDIATE transactions with busy retries, and SQLite errors turned into odibi::Error.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "odibi/common/error.hpp"

namespace odibi::state {

/// CATALOG_ERROR for a failed SQLite call: SQLite's message, the operation, the catalog path and a fix.
[[nodiscard]] Error CatalogSqliteError(int result_code,
                                       std::string_view sqlite_message,
                                       std::string_view operation,
                                       const std::string& path);

class SqliteStatement;

/// One open database connection. Not thread-safe: the owner serialises access.
class SqliteConnection {
public:
    /// Opens (creating) the file at `path`; ":memory:" opens a private in-memory database.
    /// `busy_timeout` is how long one SQLite call waits for another connection's lock; `busy_retry` is
    /// how long Execute(retry_busy) and the first Step of a statement keep retrying SQLITE_BUSY, which
    /// covers the cases SQLite's busy handler does not (such as WAL recovery by another process).
    SqliteConnection(std::string path, std::chrono::milliseconds busy_timeout, std::chrono::milliseconds busy_retry);
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;
    SqliteConnection(SqliteConnection&&) = delete;
    SqliteConnection& operator=(SqliteConnection&&) = delete;

    [[nodiscard]] const std::string& Path() const { return path_; }
    [[nodiscard]] sqlite3* Handle() const { return database_; }
    [[nodiscard]] std::chrono::milliseconds BusyRetry() const { return busy_retry_; }

    /// Runs SQL that returns no rows (several statements allowed); retries while the database is busy
    /// when `retry_busy` is set.
    void Execute(std::string_view sql, std::string_view operation, bool retry_busy = false);
    [[nodiscard]] SqliteStatement Prepare(std::string_view sql, std::string_view operation);
    /// Rows changed by the last INSERT, UPDATE or DELETE.
    [[nodiscard]] int64_t ChangedRows() const;
    /// The error for `result_code`, with this connection's current message.
    [[nodiscard]] Error MakeError(int result_code, std::string_view operation) const;

private:
    std::string path_;
    std::chrono::milliseconds busy_retry_;
    sqlite3* database_ = nullptr;
};

/// A prepared statement. Bind* fill the parameters left to right.
class SqliteStatement {
public:
    SqliteStatement(const SqliteConnection& connection, sqlite3_stmt* statement, std::string operation);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&&) = delete;

    SqliteStatement& BindText(std::string_view value);
    /// Binds NULL for an empty string.
    SqliteStatement& BindNullableText(std::string_view value);
    SqliteStatement& BindInt64(int64_t value);
    SqliteStatement& BindNullableInt64(std::optional<int64_t> value);
    SqliteStatement& BindDouble(double value);
    SqliteStatement& BindNullableDouble(std::optional<double> value);

    /// Advances to the next row; false when there are no more. Retries SQLITE_BUSY before the first row.
    bool Step();
    /// Runs a statement that returns no rows.
    void Run();

    /// Text of a result column; NULL reads as "".
    [[nodiscard]] std::string ColumnText(int column) const;
    /// Integer of a result column; NULL reads as 0.
    [[nodiscard]] int64_t ColumnInt64(int column) const;
    [[nodiscard]] std::optional<int64_t> ColumnNullableInt64(int column) const;
    /// Floating-point value of a result column; NULL reads as 0.
    [[nodiscard]] double ColumnDouble(int column) const;
    [[nodiscard]] std::optional<double> ColumnNullableDouble(int column) const;
    [[nodiscard]] bool ColumnIsNull(int column) const;

private:
    void CheckBind(int result_code);

    const SqliteConnection& connection_;
    sqlite3_stmt* statement_ = nullptr;
    std::string operation_;
    int next_parameter_ = 1;
    bool returned_row_ = false;
};

/// BEGIN IMMEDIATE on construction (retried while busy), ROLLBACK on destruction unless committed.
/// IMMEDIATE takes the write lock up front, so a transaction never fails half-way upgrading a read
/// lock, which deferred transactions in WAL mode do under concurrent writers.
class SqliteTransaction {
public:
    SqliteTransaction(SqliteConnection& connection, std::string operation);
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;
    SqliteTransaction(SqliteTransaction&&) = delete;
    SqliteTransaction& operator=(SqliteTransaction&&) = delete;

    void Commit();

private:
    SqliteConnection& connection_;
    std::string operation_;
    bool finished_ = false;
};

} // namespace odibi::state
