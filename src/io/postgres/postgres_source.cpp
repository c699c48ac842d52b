// PostgreSQL as a source: a query's rows streamed by COPY into a DuckDB table.
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

Error ReadFailed(const config::PostgresEndpoint& endpoint,
                 const std::string& what,
                 const char* detail,
                 ErrorSource source = ErrorSource::EXTERNAL) {
    Error error(ErrorCode::READ_FAILED,
                source,
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

// A failed statement: the query's own mistake (SQLSTATE class 42, syntax or an unknown table or
// column, and class 22, bad data) is the user's and is not retried; anything else may pass.
Error QueryFailed(const config::PostgresEndpoint& endpoint, const PGresult* result, const std::string& query) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    std::string_view code = state == nullptr ? "" : state;
    bool users = code.starts_with("42") || code.starts_with("22");
    Error error = ReadFailed(
        endpoint, "the query failed", PQresultErrorMessage(result), users ? ErrorSource::USER : ErrorSource::EXTERNAL);
    error.WithContext("query", query);
    if (users) {
        error.WithSuggestion("check the table and column names of the query (source_table, source_query) in the "
                             "database");
    }
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

int64_t LoadPostgresQuery(engine::Connection& connection,
                          const config::PostgresEndpoint& endpoint,
                          const std::string& query,
                          const std::string& table) {
    config::PostgresConnectArguments arguments(endpoint);
    std::unique_ptr<PGconn, Finish> server(PQconnectdbParams(arguments.Keywords(), arguments.Values(), 0));
    if (PQstatus(server.get()) != CONNECTION_OK) {
        throw ReadFailed(endpoint, "cannot connect", PQerrorMessage(server.get()))
            .WithSuggestion("check that the server runs and that host, port, database and the credentials of the "
                            "connection are right");
    }
    // The column types come from describing the statement, before any row moves.
    Result prepared(PQprepare(server.get(), "", query.c_str(), 0, nullptr));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
        throw QueryFailed(endpoint, prepared.get(), query);
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
            throw QueryFailed(endpoint, started.get(), query);
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
            throw QueryFailed(endpoint, finished.get(), query);
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
