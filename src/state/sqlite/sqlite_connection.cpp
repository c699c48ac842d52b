// The SQLite connection, statement and transaction wrappers used by the SQLite catalog.
#include "sqlite/sqlite_connection.hpp"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace odibi::state {
namespace {

constexpr int PRIMARY_CODE_MASK = 0xff;
constexpr std::chrono::milliseconds FIRST_RETRY_PAUSE{1};
constexpr std::chrono::milliseconds LONGEST_RETRY_PAUSE{100};

int PrimaryCode(int result_code) {
    return result_code & PRIMARY_CODE_MASK;
}

bool IsBusy(int result_code) {
    int primary = PrimaryCode(result_code);
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

std::string FixHint(int result_code, const std::string& path) {
    switch (PrimaryCode(result_code)) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return fmt::format("is another program holding a lock on {}? Close any sqlite3 shell or tool with an open "
                           "transaction on it, then retry",
                           path);
    case SQLITE_FULL:
        return fmt::format("the disk holding {} is full: free some space and retry", path);
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
    case SQLITE_AUTH:
        return fmt::format("check that {} and its directory are writable by this user (SQLite also creates {}-wal "
                           "and {}-shm beside it)",
                           path,
                           path,
                           path);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return fmt::format("{} is damaged or is not a SQLite database: move it aside and odibi creates a new, empty "
                           "catalog on the next run",
                           path);
    case SQLITE_IOERR:
        return fmt::format("an I/O error hit {}: check the disk; network file systems break SQLite's locking, so "
                           "keep the catalog on a local disk",
                           path);
    case SQLITE_NOMEM:
        return "the process ran out of memory: lower performance.memory_limit or free memory, then retry";
    default:
        return fmt::format("check the catalog with `sqlite3 {} 'PRAGMA integrity_check'`", path);
    }
}

// Repeats `attempt` while it reports SQLITE_BUSY/SQLITE_LOCKED, pausing with exponential backoff, until
// `retry_for` has passed; returns the last result code.
template <typename Attempt> int RetryWhileBusy(std::chrono::milliseconds retry_for, Attempt attempt) {
    auto deadline = std::chrono::steady_clock::now() + retry_for;
    auto pause = FIRST_RETRY_PAUSE;
    while (true) {
        int result_code = attempt();
        if (!IsBusy(result_code) || std::chrono::steady_clock::now() >= deadline) {
            return result_code;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, LONGEST_RETRY_PAUSE);
    }
}

} // namespace

Error CatalogSqliteError(int result_code,
                         std::string_view sqlite_message,
                         std::string_view operation,
                         const std::string& path) {
    Error error(ErrorCode::CATALOG_ERROR,
                ErrorSource::EXTERNAL,
                fmt::format("catalog {} failed on {}: {}", operation, path, sqlite_message));
    error.WithPhase("catalog");
    error.WithContext("catalog", path);
    error.WithContext("operation", std::string(operation));
    error.WithContext("sqlite_error", fmt::format("{} (code {})", sqlite3_errstr(result_code), result_code));
    error.WithSuggestion(FixHint(result_code, path));
    return error;
}

SqliteConnection::SqliteConnection(std::string path,
                                   std::chrono::milliseconds busy_timeout,
                                   std::chrono::milliseconds busy_retry)
    : path_(std::move(path)), busy_retry_(busy_retry) {
    // Access is serialised by the owner (one mutex per catalog), so SQLite's own mutexes are not needed.
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int result_code = sqlite3_open_v2(path_.c_str(), &database_, flags, nullptr);
    if (result_code != SQLITE_OK) {
        std::string message = database_ != nullptr ? sqlite3_errmsg(database_) : sqlite3_errstr(result_code);
        sqlite3_close_v2(database_);
        database_ = nullptr;
        throw CatalogSqliteError(result_code, message, "open", path_);
    }
    sqlite3_extended_result_codes(database_, 1);
    sqlite3_busy_timeout(database_, static_cast<int>(busy_timeout.count()));
}

SqliteConnection::~SqliteConnection() {
    sqlite3_close_v2(database_);
}

void SqliteConnection::Execute(std::string_view sql, std::string_view operation, bool retry_busy) {
    std::string text(sql);
    auto attempt = [&]() { return sqlite3_exec(database_, text.c_str(), nullptr, nullptr, nullptr); };
    int result_code = retry_busy ? RetryWhileBusy(busy_retry_, attempt) : attempt();
    if (result_code != SQLITE_OK) {
        throw MakeError(result_code, operation);
    }
}

SqliteStatement SqliteConnection::Prepare(std::string_view sql, std::string_view operation) {
    sqlite3_stmt* statement = nullptr;
    int result_code = sqlite3_prepare_v2(database_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    if (result_code != SQLITE_OK) {
        sqlite3_finalize(statement);
        throw MakeError(result_code, operation);
    }
    return SqliteStatement(*this, statement, std::string(operation));
}

int64_t SqliteConnection::ChangedRows() const {
    return sqlite3_changes64(database_);
}

Error SqliteConnection::MakeError(int result_code, std::string_view operation) const {
    return CatalogSqliteError(result_code, sqlite3_errmsg(database_), operation, path_);
}

SqliteStatement::SqliteStatement(const SqliteConnection& connection, sqlite3_stmt* statement, std::string operation)
    : connection_(connection), statement_(statement), operation_(std::move(operation)) {}

SqliteStatement::~SqliteStatement() {
    sqlite3_finalize(statement_);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : connection_(other.connection_), statement_(std::exchange(other.statement_, nullptr)),
      operation_(std::move(other.operation_)), next_parameter_(other.next_parameter_),
      returned_row_(other.returned_row_) {}

void SqliteStatement::CheckBind(int result_code) {
    if (result_code != SQLITE_OK) {
        throw connection_.MakeError(result_code, operation_);
    }
    ++next_parameter_;
}

SqliteStatement& SqliteStatement::BindText(std::string_view value) {
    CheckBind(sqlite3_bind_text64(statement_,
                                  next_parameter_,
                                  value.data(),
                                  static_cast<sqlite3_uint64>(value.size()),
                                  SQLITE_TRANSIENT,
                                  SQLITE_UTF8));
    return *this;
}

SqliteStatement& SqliteStatement::BindNullableText(std::string_view value) {
    if (value.empty()) {
        CheckBind(sqlite3_bind_null(statement_, next_parameter_));
        return *this;
    }
    return BindText(value);
}

SqliteStatement& SqliteStatement::BindInt64(int64_t value) {
    CheckBind(sqlite3_bind_int64(statement_, next_parameter_, value));
    return *this;
}

SqliteStatement& SqliteStatement::BindNullableInt64(std::optional<int64_t> value) {
    if (!value) {
        CheckBind(sqlite3_bind_null(statement_, next_parameter_));
        return *this;
    }
    return BindInt64(*value);
}

SqliteStatement& SqliteStatement::BindDouble(double value) {
    CheckBind(sqlite3_bind_double(statement_, next_parameter_, value));
    return *this;
}

SqliteStatement& SqliteStatement::BindNullableDouble(std::optional<double> value) {
    if (!value) {
        CheckBind(sqlite3_bind_null(statement_, next_parameter_));
        return *this;
    }
    return BindDouble(*value);
}

bool SqliteStatement::Step() {
    int result_code = SQLITE_OK;
    if (returned_row_) {
        result_code = sqlite3_step(statement_);
    } else {
        // Before the first row nothing has been consumed, so a busy statement can be reset and rerun.
        result_code = RetryWhileBusy(connection_.BusyRetry(), [&]() {
            int step_code = sqlite3_step(statement_);
            if (IsBusy(step_code)) {
                sqlite3_reset(statement_);
            }
            return step_code;
        });
    }
    if (result_code == SQLITE_ROW) {
        returned_row_ = true;
        return true;
    }
    if (result_code == SQLITE_DONE) {
        return false;
    }
    throw connection_.MakeError(result_code, operation_);
}

void SqliteStatement::Run() {
    while (Step()) {
    }
}

std::string SqliteStatement::ColumnText(int column) const {
    const unsigned char* text = sqlite3_column_text(statement_, column);
    if (text == nullptr) {
        return {};
    }
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}

int64_t SqliteStatement::ColumnInt64(int column) const {
    return sqlite3_column_int64(statement_, column);
}

std::optional<int64_t> SqliteStatement::ColumnNullableInt64(int column) const {
    if (ColumnIsNull(column)) {
        return std::nullopt;
    }
    return ColumnInt64(column);
}

double SqliteStatement::ColumnDouble(int column) const {
    return sqlite3_column_double(statement_, column);
}

std::optional<double> SqliteStatement::ColumnNullableDouble(int column) const {
    if (ColumnIsNull(column)) {
        return std::nullopt;
    }
    return ColumnDouble(column);
}

bool SqliteStatement::ColumnIsNull(int column) const {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

SqliteTransaction::SqliteTransaction(SqliteConnection& connection, std::string operation)
    : connection_(connection), operation_(std::move(operation)) {
    connection_.Execute("BEGIN IMMEDIATE", operation_, true);
}

SqliteTransaction::~SqliteTransaction() {
    // SQLite ends a transaction itself after some errors (disk full, I/O); roll back only an open one.
    if (!finished_ && sqlite3_get_autocommit(connection_.Handle()) == 0) {
        sqlite3_exec(connection_.Handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void SqliteTransaction::Commit() {
    connection_.Execute("COMMIT", operation_, true);
    finished_ = true;
}

} // namespace odibi::state
