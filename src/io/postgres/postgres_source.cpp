// PostgreSQL as a source: endpoint fields, and a query's rows streamed by COPY into a DuckDB table.
#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "odibi/common/identity.hpp"
#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/io/postgres.hpp"

namespace odibi::io {
namespace {

namespace fs = std::filesystem;

constexpr int64_t MAXIMUM_PORT = 65535;
constexpr double MAXIMUM_TIMEOUT_SECONDS = 3600;
constexpr std::string_view APPLICATION_NAME = "odibi";

// The first of `keys` present as a non-empty scalar in `object`, as text.
std::optional<std::string> TextField(const config::Json& object, std::initializer_list<const char*> keys) {
    if (!object.is_object()) {
        return std::nullopt;
    }
    for (const char* key : keys) {
        auto found = object.find(key);
        if (found == object.end() || found->is_null()) {
            continue;
        }
        if (found->is_string()) {
            if (!found->get<std::string>().empty()) {
                return found->get<std::string>();
            }
            continue;
        }
        if (found->is_primitive()) {
            return found->dump();
        }
    }
    return std::nullopt;
}

// A credential from the auth block (auth.username / auth.password) or, as Odibi also accepts, the top level.
std::optional<std::string> Credential(const config::Json& fields, std::initializer_list<const char*> keys) {
    auto auth = fields.find("auth");
    if (auth != fields.end()) {
        if (auto value = TextField(*auth, keys)) {
            return value;
        }
    }
    return TextField(fields, keys);
}

struct ClearResult {
    void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ClearResult>;

struct Finish {
    void operator()(PGconn* connection) const { PQfinish(connection); }
};

// libpq's message without its trailing newline and with any secret masked.
std::string CleanMessage(const char* message) {
    return SecretRegistry::Redact(Trim(message == nullptr ? "" : message));
}

Error ReadFailed(const PostgresEndpoint& endpoint, const std::string& what, const char* detail) {
    Error error(ErrorCode::READ_FAILED,
                ErrorSource::EXTERNAL,
                fmt::format("PostgreSQL connection \"{}\" ({}:{}/{}): {}: {}",
                            endpoint.connection_name,
                            endpoint.host,
                            endpoint.port,
                            endpoint.database,
                            what,
                            CleanMessage(detail)));
    error.WithContext("connection", endpoint.connection_name);
    return error;
}

// The DuckDB type of a PostgreSQL result column (by type OID and typmod).
std::string DuckDbTypeOf(Oid type, int modifier) {
    constexpr int NUMERIC_HEADER = 4;
    constexpr int MAXIMUM_DECIMAL_WIDTH = 38;
    switch (type) {
    case 16: // bool
        return "BOOLEAN";
    case 20: // int8
        return "BIGINT";
    case 21: // int2
        return "SMALLINT";
    case 23: // int4
        return "INTEGER";
    case 700: // float4
        return "FLOAT";
    case 701: // float8
        return "DOUBLE";
    case 1700: { // numeric(p, s): typmod is ((p << 16) | s) + 4, -1 when unconstrained
        if (modifier >= NUMERIC_HEADER) {
            int precision = ((modifier - NUMERIC_HEADER) >> 16) & 0xffff;
            int scale = (modifier - NUMERIC_HEADER) & 0xffff;
            if (precision >= 1 && precision <= MAXIMUM_DECIMAL_WIDTH && scale <= precision) {
                return fmt::format("DECIMAL({}, {})", precision, scale);
            }
        }
        return "DOUBLE";
    }
    case 1082: // date
        return "DATE";
    case 1083: // time
        return "TIME";
    case 1114: // timestamp
        return "TIMESTAMP";
    case 1184: // timestamptz
        return "TIMESTAMPTZ";
    case 2950: // uuid
        return "UUID";
    default:
        return "VARCHAR";
    }
}

// Removes the file when it goes out of scope.
struct TemporaryFile {
    fs::path path;
    explicit TemporaryFile(fs::path file) : path(std::move(file)) {}
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    ~TemporaryFile() {
        std::error_code ignored;
        fs::remove(path, ignored);
    }
};

} // namespace

PostgresEndpoint PostgresEndpointOf(const config::ConnectionConfig& connection, ErrorCode code, std::string_view role) {
    auto invalid = [&](const std::string& message, const std::string& fix) {
        Error error(code, ErrorSource::USER, fmt::format("connection \"{}\" ({}): {}", connection.name, role, message));
        error.WithLocation(SourceLocation{.file = "", .line = 0, .column = 0, .path = connection.config_path});
        error.WithContext("connection", connection.name);
        error.WithSuggestion(fix);
        return error;
    };
    const auto& fields = connection.fields;
    PostgresEndpoint endpoint;
    endpoint.connection_name = connection.name;
    auto host = TextField(fields, {"host", "server"});
    if (!host) {
        throw invalid("a postgres connection needs host:", "add host: <server name> (or server:)");
    }
    endpoint.host = *host;
    auto database = TextField(fields, {"database", "dbname"});
    if (!database) {
        throw invalid("a postgres connection needs database:", "add database: <database name>");
    }
    endpoint.database = *database;
    if (auto port = TextField(fields, {"port"})) {
        int64_t number = 0;
        try {
            size_t used = 0;
            number = std::stoll(*port, &used);
            if (used != port->size()) {
                number = 0;
            }
        } catch (const std::exception&) {
            number = 0;
        }
        if (number < 1 || number > MAXIMUM_PORT) {
            throw invalid(fmt::format("port \"{}\" is not a TCP port", *port),
                          "set port: to a number from 1 to 65535 (PostgreSQL's default is 5432)");
        }
        endpoint.port = static_cast<int>(number);
    }
    endpoint.user = Credential(fields, {"username", "user"}).value_or("");
    endpoint.password = Credential(fields, {"password"}).value_or("");
    // Registered before it could reach any message; config registers it too, this keeps the rule local.
    SecretRegistry::Register(endpoint.password);
    if (auto sslmode = TextField(fields, {"sslmode"})) {
        endpoint.sslmode = *sslmode;
    }
    auto timeout = fields.is_object() ? fields.find("timeout") : fields.end();
    if (timeout != fields.end() && !timeout->is_null()) {
        if (!timeout->is_number() || timeout->get<double>() <= 0 || timeout->get<double>() > MAXIMUM_TIMEOUT_SECONDS) {
            throw invalid(fmt::format("timeout {} is not a number of seconds", timeout->dump()),
                          "set timeout: to the seconds a connection attempt may take (default 30)");
        }
        // libpq waits whole seconds; a fraction rounds up so that a small timeout never becomes "forever" (0).
        endpoint.connect_timeout = std::chrono::seconds(static_cast<int64_t>(timeout->get<double>() + 0.999));
    }
    return endpoint;
}

int64_t LoadPostgresQuery(engine::Connection& connection,
                          const PostgresEndpoint& endpoint,
                          const std::string& query,
                          const std::string& table) {
    std::string port = std::to_string(endpoint.port);
    std::string timeout = std::to_string(endpoint.connect_timeout.count());
    // Keyword/value pairs: nothing needs quoting, and no text holding the password is ever built.
    std::array keywords = {"host",
                           "port",
                           "dbname",
                           "user",
                           "password",
                           "sslmode",
                           "connect_timeout",
                           "application_name",
                           "client_encoding",
                           static_cast<const char*>(nullptr)};
    std::array values = {endpoint.host.c_str(),
                         port.c_str(),
                         endpoint.database.c_str(),
                         endpoint.user.empty() ? nullptr : endpoint.user.c_str(),
                         endpoint.password.empty() ? nullptr : endpoint.password.c_str(),
                         endpoint.sslmode.c_str(),
                         timeout.c_str(),
                         APPLICATION_NAME.data(),
                         "UTF8",
                         static_cast<const char*>(nullptr)};
    std::unique_ptr<PGconn, Finish> server(PQconnectdbParams(keywords.data(), values.data(), 0));
    if (PQstatus(server.get()) != CONNECTION_OK) {
        throw ReadFailed(endpoint, "cannot connect", PQerrorMessage(server.get()))
            .WithSuggestion("check that the server runs and that host, port, database and the credentials of the "
                            "connection are right");
    }
    // The column types come from describing the statement, before any row moves.
    Result prepared(PQprepare(server.get(), "", query.c_str(), 0, nullptr));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
        throw ReadFailed(endpoint, "the query failed", PQresultErrorMessage(prepared.get()))
            .WithContext("query", query);
    }
    Result described(PQdescribePrepared(server.get(), ""));
    if (PQresultStatus(described.get()) != PGRES_COMMAND_OK || PQnfields(described.get()) == 0) {
        throw ReadFailed(endpoint, "the query returns no columns", PQresultErrorMessage(described.get()))
            .WithContext("query", query)
            .WithSuggestion("give a SELECT statement");
    }
    std::vector<std::string> columns;
    for (int index = 0; index < PQnfields(described.get()); ++index) {
        columns.push_back(fmt::format(
            "{}: {}",
            engine::QuoteLiteral(PQfname(described.get(), index)),
            engine::QuoteLiteral(DuckDbTypeOf(PQftype(described.get(), index), PQfmod(described.get(), index)))));
    }

    TemporaryFile file{fs::temp_directory_path() / fmt::format("odibi-postgres-{}.csv", NewUuid())};
    {
        std::unique_ptr<FILE, int (*)(FILE*)> out(std::fopen(file.path.c_str(), "wb"), &std::fclose);
        if (!out) {
            throw Error(ErrorCode::READ_FAILED,
                        ErrorSource::EXTERNAL,
                        fmt::format("cannot create the temporary file {}", file.path.string()));
        }
        std::string copy = fmt::format("COPY ({}) TO STDOUT WITH (FORMAT csv)", query);
        Result started(PQexec(server.get(), copy.c_str()));
        if (PQresultStatus(started.get()) != PGRES_COPY_OUT) {
            throw ReadFailed(endpoint, "the query failed", PQresultErrorMessage(started.get()))
                .WithContext("query", query);
        }
        char* buffer = nullptr;
        int length = 0;
        while ((length = PQgetCopyData(server.get(), &buffer, 0)) > 0) {
            size_t written = std::fwrite(buffer, 1, static_cast<size_t>(length), out.get());
            PQfreemem(buffer);
            if (written != static_cast<size_t>(length)) {
                throw Error(ErrorCode::READ_FAILED,
                            ErrorSource::EXTERNAL,
                            fmt::format("cannot write the temporary file {} (disk full?)", file.path.string()));
            }
        }
        if (length == -2) {
            throw ReadFailed(endpoint, "reading the rows failed", PQerrorMessage(server.get()));
        }
        Result finished(PQgetResult(server.get()));
        if (PQresultStatus(finished.get()) != PGRES_COMMAND_OK) {
            throw ReadFailed(endpoint, "the query failed", PQresultErrorMessage(finished.get()))
                .WithContext("query", query);
        }
    }
    // PostgreSQL's CSV writes NULL as an empty field and an empty string as "": quoted empties stay ''.
    connection.Execute(fmt::format("CREATE OR REPLACE TABLE {} AS SELECT * FROM read_csv({}, header = false, "
                                   "columns = {{{}}}, quote = '\"', escape = '\"', allow_quoted_nulls = false, "
                                   "auto_detect = false)",
                                   table,
                                   engine::QuoteLiteral(file.path.string()),
                                   Join(columns, ", ")));
    auto rows = connection.Query(fmt::format("SELECT count(*) FROM {}", table)).Scalar();
    return rows ? std::stoll(*rows) : 0;
}

} // namespace odibi::io
