// The libpq connection, result and transaction wrappers used by the PostgreSQL catalog.
#include "postgres/postgres_connection.hpp"

#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"

namespace odibi::state {
namespace {

constexpr std::string_view SQLSTATE_SERIALIZATION_FAILURE = "40001";
constexpr std::string_view SQLSTATE_DEADLOCK = "40P01";
constexpr std::string_view SQLSTATE_INSUFFICIENT_PRIVILEGE = "42501";
constexpr std::string_view SQLSTATE_CLASS_RESOURCES = "53";

// libpq's messages end with a newline and often carry a second, indented hint line; the error keeps
// them whole but without the trailing blank, and without any registered secret.
std::string CleanMessage(const char* message) {
    std::string text = message != nullptr ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return SecretRegistry::Redact(ReplaceAll(text, "\n\t", " "));
}

std::string ResultField(const PGresult* result, int field) {
    const char* value = result != nullptr ? PQresultErrorField(result, field) : nullptr;
    return value != nullptr ? std::string(value) : std::string();
}

void IgnoreNotice(void* /*context*/, const char* /*message*/) {}

} // namespace

PostgresParameters& PostgresParameters::Text(std::string_view value) {
    values_.emplace_back(std::string(value));
    return *this;
}

PostgresParameters& PostgresParameters::NullableText(std::string_view value) {
    if (value.empty()) {
        values_.emplace_back(std::nullopt);
    } else {
        values_.emplace_back(std::string(value));
    }
    return *this;
}

PostgresParameters& PostgresParameters::Int64(int64_t value) {
    values_.emplace_back(std::to_string(value));
    return *this;
}

PostgresParameters& PostgresParameters::NullableInt64(std::optional<int64_t> value) {
    if (value) {
        values_.emplace_back(std::to_string(*value));
    } else {
        values_.emplace_back(std::nullopt);
    }
    return *this;
}

PostgresParameters& PostgresParameters::Double(double value) {
    // fmt writes the shortest round-trip form ("0.1", "1e-07", "inf", "nan"); float8in reads all of them.
    values_.emplace_back(fmt::format("{}", value));
    return *this;
}

PostgresParameters& PostgresParameters::NullableDouble(std::optional<double> value) {
    if (value) {
        return Double(*value);
    }
    values_.emplace_back(std::nullopt);
    return *this;
}

int64_t PostgresResult::ChangedRows() const {
    std::string_view text = PQcmdTuples(result_.get());
    int64_t rows = 0;
    std::from_chars(text.data(), text.data() + text.size(), rows);
    return rows;
}

std::string PostgresResult::Text(int row, int column) const {
    if (IsNull(row, column)) {
        return "";
    }
    return std::string(PQgetvalue(result_.get(), row, column),
                       static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}

int64_t PostgresResult::Int64(int row, int column) const {
    return NullableInt64(row, column).value_or(0);
}

std::optional<int64_t> PostgresResult::NullableInt64(int row, int column) const {
    if (IsNull(row, column)) {
        return std::nullopt;
    }
    std::string text = Text(row, column);
    int64_t value = 0;
    auto [end, error_code] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error_code != std::errc() || end != text.data() + text.size()) {
        throw InternalError(fmt::format("catalog: expected an integer from PostgreSQL, got \"{}\"", text));
    }
    return value;
}

double PostgresResult::Double(int row, int column) const {
    return NullableDouble(row, column).value_or(0.0);
}

std::optional<double> PostgresResult::NullableDouble(int row, int column) const {
    if (IsNull(row, column)) {
        return std::nullopt;
    }
    std::string text = Text(row, column);
    // from_chars reads "NaN", "Infinity" and "-Infinity" too, in any case, and never looks at the locale.
    double value = 0.0;
    auto [end, error_code] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error_code != std::errc() || end != text.data() + text.size()) {
        throw InternalError(fmt::format("catalog: expected a number from PostgreSQL, got \"{}\"", text));
    }
    return value;
}

PostgresConnection::PostgresConnection(PostgresCatalogOptions options) : options_(std::move(options)) {
    Connect("open");
}

PostgresConnection::~PostgresConnection() {
    PQfinish(connection_);
}

std::string PostgresConnection::Describe() const {
    return fmt::format("{}:{}/{} (schema {})", options_.host, options_.port, options_.database, options_.schema);
}

void PostgresConnection::Connect(std::string_view operation) {
    config::PostgresConnectArguments arguments(options_);
    connection_ = PQconnectdbParams(arguments.Keywords(), arguments.Values(), 0);
    if (connection_ == nullptr) {
        throw InternalError("catalog: libpq could not allocate a connection");
    }
    if (PQstatus(connection_) != CONNECTION_OK) {
        throw ConnectError(operation);
    }
    // The server's notices ("relation ... already exists, skipping") are expected; libpq would print
    // them to stderr, which library code never writes to.
    PQsetNoticeProcessor(connection_, IgnoreNotice, nullptr);
    ConfigureSession(operation);
}

// Every unqualified table name of the shared catalog SQL resolves in the catalog's schema.
void PostgresConnection::ConfigureSession(std::string_view operation) {
    (void)Execute(
        "SELECT pg_catalog.set_config('search_path', $1, false)", PostgresParameters().Text(QuotedSchema()), operation);
    session_configured_ = true;
}

void PostgresConnection::EnsureConnected(std::string_view operation) {
    if (PQstatus(connection_) == CONNECTION_OK) {
        if (!session_configured_) {
            ConfigureSession(operation);
        }
        return;
    }
    Log::Warning(fmt::format("catalog: the connection to {} was lost; reconnecting", Describe()));
    session_configured_ = false;
    PQreset(connection_);
    if (PQstatus(connection_) != CONNECTION_OK) {
        throw ConnectError(operation);
    }
    ConfigureSession(operation);
}

std::string PostgresConnection::QuotedSchema() const {
    char* quoted = PQescapeIdentifier(connection_, options_.schema.data(), options_.schema.size());
    if (quoted == nullptr) {
        Error error(ErrorCode::CATALOG_ERROR,
                    ErrorSource::USER,
                    fmt::format("the catalog schema name \"{}\" cannot be used: {}",
                                options_.schema,
                                CleanMessage(PQerrorMessage(connection_))));
        error.WithPhase("catalog");
        error.WithSuggestion("set system.path to a plain name such as _odibi_system");
        throw error;
    }
    std::string text(quoted);
    PQfreemem(quoted);
    return text;
}

PostgresResult PostgresConnection::Execute(std::string_view sql, std::string_view operation) {
    return Execute(sql, PostgresParameters(), operation);
}

PostgresResult
PostgresConnection::Execute(std::string_view sql, const PostgresParameters& parameters, std::string_view operation) {
    std::vector<const char*> values;
    values.reserve(parameters.Values().size());
    for (const auto& value : parameters.Values()) {
        values.push_back(value ? value->c_str() : nullptr);
    }
    std::string text(sql);
    // Text parameters whose types the server infers from where they are used.
    PGresult* raw = PQexecParams(
        connection_, text.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    PostgresResult result(raw);
    ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        throw StatementError(raw, operation);
    }
    return result;
}

Error PostgresConnection::ConnectError(std::string_view operation) const {
    std::string reason = CleanMessage(PQerrorMessage(connection_));
    std::string server = fmt::format("{}:{}", options_.host, options_.port);
    Error error(ErrorCode::STATE_STORE_UNAVAILABLE,
                ErrorSource::EXTERNAL,
                fmt::format("cannot connect to the PostgreSQL catalog of connection \"{}\" at {} (database \"{}\"): {}",
                            options_.connection_name,
                            server,
                            options_.database,
                            reason));
    error.WithPhase("catalog");
    error.WithContext("connection", options_.connection_name);
    error.WithContext("server", server);
    error.WithContext("database", options_.database);
    error.WithContext("operation", std::string(operation));
    if (reason.find("password authentication failed") != std::string::npos ||
        reason.find("no password supplied") != std::string::npos) {
        error.WithSuggestion(fmt::format("check the user and password of connection \"{}\" (a password written as "
                                         "${{VAR}} comes from the environment of the run)",
                                         options_.connection_name));
    } else if (reason.find("does not exist") != std::string::npos) {
        error.WithSuggestion(fmt::format("create the database and user on {} (CREATE DATABASE ...), or fix database: "
                                         "and the user of connection \"{}\"",
                                         server,
                                         options_.connection_name));
    } else {
        error.WithSuggestion(fmt::format("start the PostgreSQL server at {} or fix host: and port: of connection "
                                         "\"{}\"; the server must accept TCP connections from this machine "
                                         "(listen_addresses, pg_hba.conf)",
                                         server,
                                         options_.connection_name));
    }
    return error;
}

Error PostgresConnection::StatementError(const PGresult* result, std::string_view operation) const {
    std::string server = fmt::format("{}:{}", options_.host, options_.port);
    std::string reason = CleanMessage(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection_));
    if (reason.empty()) {
        reason = CleanMessage(PQerrorMessage(connection_));
    }
    std::string sqlstate = ResultField(result, PG_DIAG_SQLSTATE);
    if (PQstatus(connection_) != CONNECTION_OK) {
        Error error(
            ErrorCode::STATE_STORE_UNAVAILABLE,
            ErrorSource::EXTERNAL,
            fmt::format("lost the connection to the PostgreSQL catalog of connection \"{}\" at {} during {}: {}",
                        options_.connection_name,
                        server,
                        operation,
                        reason));
        error.WithPhase("catalog");
        error.WithContext("connection", options_.connection_name);
        error.WithContext("server", server);
        error.WithContext("operation", std::string(operation));
        error.WithSuggestion(fmt::format("nothing of this catalog call was committed; once the server at {} is back, "
                                         "run again (odibi reconnects on the next catalog call)",
                                         server));
        return error;
    }
    Error error(ErrorCode::CATALOG_ERROR,
                ErrorSource::EXTERNAL,
                fmt::format("catalog {} failed on {}: {}", operation, Describe(), reason));
    error.WithPhase("catalog");
    error.WithContext("connection", options_.connection_name);
    error.WithContext("catalog", Describe());
    error.WithContext("operation", std::string(operation));
    if (!sqlstate.empty()) {
        error.WithContext("sqlstate", sqlstate);
    }
    if (sqlstate == SQLSTATE_INSUFFICIENT_PRIVILEGE) {
        error.WithSuggestion(fmt::format("grant the user of connection \"{}\" the right to create schema \"{}\" and "
                                         "tables in it (GRANT CREATE ON DATABASE ...), or create the schema for it",
                                         options_.connection_name,
                                         options_.schema));
    } else if (sqlstate.starts_with(SQLSTATE_CLASS_RESOURCES)) {
        error.WithSuggestion(fmt::format("the server at {} is out of a resource (disk, memory, connections): "
                                         "free it and retry",
                                         server));
    } else {
        error.WithSuggestion(fmt::format("check the PostgreSQL server log at {} for this error", server));
    }
    return error;
}

PostgresTransaction::PostgresTransaction(PostgresConnection& connection, std::string operation)
    : connection_(connection), operation_(std::move(operation)) {
    connection_.EnsureConnected(operation_);
    (void)connection_.Execute("BEGIN", operation_);
}

PostgresTransaction::~PostgresTransaction() {
    if (finished_) {
        return;
    }
    try {
        (void)connection_.Execute("ROLLBACK", operation_);
    } catch (const std::exception&) {
        // A lost connection has rolled the transaction back on the server already.
    }
}

void PostgresTransaction::Commit() {
    (void)connection_.Execute("COMMIT", operation_);
    finished_ = true;
}

std::string NumberPlaceholders(std::string_view sql) {
    std::string result;
    result.reserve(sql.size() + sql.size() / 4);
    int next = 1;
    char quote = 0;
    for (char character : sql) {
        if (quote != 0) {
            if (character == quote) {
                quote = 0;
            }
            result += character;
            continue;
        }
        if (character == '\'' || character == '"') {
            quote = character;
            result += character;
            continue;
        }
        if (character == '?') {
            result += fmt::format("${}", next++);
            continue;
        }
        result += character;
    }
    return result;
}

bool IsRetryableConflict(const Error& error) {
    for (const auto& [key, value] : error.Context()) {
        if (key == "sqlstate") {
            return value == SQLSTATE_SERIALIZATION_FAILURE || value == SQLSTATE_DEADLOCK;
        }
    }
    return false;
}

} // namespace odibi::state
