// A small RAII layer over libpq for the catalog: one connection, parameterised statements, results,
// transactions, reconnection after a lost connection, and libpq errors turned into odibi::Error.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "odibi/common/error.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::state {

/// Text parameters of one statement, bound in order to $1, $2, ...; std::nullopt is SQL NULL.
class PostgresParameters {
public:
    PostgresParameters& Text(std::string_view value);
    /// NULL for an empty string.
    PostgresParameters& NullableText(std::string_view value);
    PostgresParameters& Int64(int64_t value);
    PostgresParameters& NullableInt64(std::optional<int64_t> value);
    /// The shortest text that reads back as the same double.
    PostgresParameters& Double(double value);
    PostgresParameters& NullableDouble(std::optional<double> value);

    [[nodiscard]] const std::vector<std::optional<std::string>>& Values() const { return values_; }

private:
    std::vector<std::optional<std::string>> values_;
};

/// The rows of one statement, in text format.
class PostgresResult {
public:
    explicit PostgresResult(PGresult* result) : result_(result) {}

    [[nodiscard]] int Rows() const { return PQntuples(result_.get()); }
    /// Rows an INSERT, UPDATE or DELETE changed.
    [[nodiscard]] int64_t ChangedRows() const;
    [[nodiscard]] bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
    /// NULL reads as "".
    [[nodiscard]] std::string Text(int row, int column) const;
    /// NULL reads as 0.
    [[nodiscard]] int64_t Int64(int row, int column) const;
    [[nodiscard]] std::optional<int64_t> NullableInt64(int row, int column) const;
    /// NULL reads as 0.
    [[nodiscard]] double Double(int row, int column) const;
    /// Reads PostgreSQL's float8 text, including NaN and [-]Infinity.
    [[nodiscard]] std::optional<double> NullableDouble(int row, int column) const;

private:
    struct Clear {
        void operator()(PGresult* result) const { PQclear(result); }
    };
    std::unique_ptr<PGresult, Clear> result_;
};

/// One connection to the catalog database. Not thread-safe: the owner serialises access.
class PostgresConnection {
public:
    /// Connects (throws STATE_STORE_UNAVAILABLE when the server cannot be reached or refuses the login)
    /// and points the session's search_path at `options.schema`.
    explicit PostgresConnection(PostgresCatalogOptions options);
    ~PostgresConnection();
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;
    PostgresConnection(PostgresConnection&&) = delete;
    PostgresConnection& operator=(PostgresConnection&&) = delete;

    [[nodiscard]] const PostgresCatalogOptions& Options() const { return options_; }
    /// "host:port/database schema", the catalog's name in messages (never with the password).
    [[nodiscard]] std::string Describe() const;

    /// Reconnects when the connection was lost (for example the server restarted); throws
    /// STATE_STORE_UNAVAILABLE when the server is still unreachable.
    void EnsureConnected(std::string_view operation);
    /// Runs one statement; `?` placeholders in `sql` must already be $n. Throws CATALOG_ERROR, or
    /// STATE_STORE_UNAVAILABLE when the connection was lost.
    PostgresResult Execute(std::string_view sql, const PostgresParameters& parameters, std::string_view operation);
    PostgresResult Execute(std::string_view sql, std::string_view operation);
    /// The schema name quoted as an SQL identifier.
    [[nodiscard]] std::string QuotedSchema() const;

private:
    void Connect(std::string_view operation);
    void ConfigureSession(std::string_view operation);
    [[nodiscard]] Error ConnectError(std::string_view operation) const;
    [[nodiscard]] Error StatementError(const PGresult* result, std::string_view operation) const;

    PostgresCatalogOptions options_;
    PGconn* connection_ = nullptr;
    bool session_configured_ = false; ///< search_path is set on the current server session
};

/// BEGIN on construction, ROLLBACK on destruction unless committed.
class PostgresTransaction {
public:
    PostgresTransaction(PostgresConnection& connection, std::string operation);
    ~PostgresTransaction();
    PostgresTransaction(const PostgresTransaction&) = delete;
    PostgresTransaction& operator=(const PostgresTransaction&) = delete;
    PostgresTransaction(PostgresTransaction&&) = delete;
    PostgresTransaction& operator=(PostgresTransaction&&) = delete;

    void Commit();

private:
    PostgresConnection& connection_;
    std::string operation_;
    bool finished_ = false;
};

/// `sql` with its `?` placeholders numbered $1, $2, ... (text inside quotes is left alone), so the
/// shared catalog queries run on PostgreSQL unchanged.
[[nodiscard]] std::string NumberPlaceholders(std::string_view sql);

/// Whether `error` says a transaction lost a race (serialization failure or deadlock) and may be retried.
[[nodiscard]] bool IsRetryableConflict(const Error& error);

} // namespace odibi::state
