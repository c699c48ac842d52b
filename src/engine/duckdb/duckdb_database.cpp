// The DuckDB implementation of the engine interface, over DuckDB's stable C API.
#include "prefix_regex_function.hpp"
#include "row_sink_function.hpp"
#include <duckdb.h>
#include <fmt/format.h>

#include "odibi/common/error.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::engine {
namespace {

Error SqlError(std::string_view message, const std::string& sql) {
    Error error(ErrorCode::SQL_ERROR, ErrorSource::USER, std::string(message));
    error.WithContext("sql", sql);
    return error;
}

/// Owns a duckdb_result and destroys it on every path.
class ResultHolder {
public:
    ResultHolder() = default;
    ResultHolder(const ResultHolder&) = delete;
    ResultHolder& operator=(const ResultHolder&) = delete;
    ~ResultHolder() { duckdb_destroy_result(&result_); }
    duckdb_result* Get() { return &result_; }

private:
    duckdb_result result_{};
};

std::string TypeName(duckdb_type type) {
    switch (type) {
    case DUCKDB_TYPE_BOOLEAN:
        return "BOOLEAN";
    case DUCKDB_TYPE_TINYINT:
        return "TINYINT";
    case DUCKDB_TYPE_SMALLINT:
        return "SMALLINT";
    case DUCKDB_TYPE_INTEGER:
        return "INTEGER";
    case DUCKDB_TYPE_BIGINT:
        return "BIGINT";
    case DUCKDB_TYPE_HUGEINT:
        return "HUGEINT";
    case DUCKDB_TYPE_UTINYINT:
        return "UTINYINT";
    case DUCKDB_TYPE_USMALLINT:
        return "USMALLINT";
    case DUCKDB_TYPE_UINTEGER:
        return "UINTEGER";
    case DUCKDB_TYPE_UBIGINT:
        return "UBIGINT";
    case DUCKDB_TYPE_FLOAT:
        return "FLOAT";
    case DUCKDB_TYPE_DOUBLE:
        return "DOUBLE";
    case DUCKDB_TYPE_DECIMAL:
        return "DECIMAL";
    case DUCKDB_TYPE_DATE:
        return "DATE";
    case DUCKDB_TYPE_TIME:
        return "TIME";
    case DUCKDB_TYPE_TIMESTAMP:
        return "TIMESTAMP";
    case DUCKDB_TYPE_TIMESTAMP_TZ:
        return "TIMESTAMP WITH TIME ZONE";
    case DUCKDB_TYPE_INTERVAL:
        return "INTERVAL";
    case DUCKDB_TYPE_VARCHAR:
        return "VARCHAR";
    case DUCKDB_TYPE_BLOB:
        return "BLOB";
    case DUCKDB_TYPE_LIST:
        return "LIST";
    case DUCKDB_TYPE_STRUCT:
        return "STRUCT";
    case DUCKDB_TYPE_MAP:
        return "MAP";
    case DUCKDB_TYPE_UUID:
        return "UUID";
    default:
        return "OTHER";
    }
}

class DuckDbConnection final : public Connection {
public:
    explicit DuckDbConnection(duckdb_database database) : database_(database) {
        if (duckdb_connect(database, &connection_) == DuckDBError) {
            throw Error(ErrorCode::INTERNAL, ErrorSource::INTERNAL, "could not open a DuckDB connection");
        }
    }
    DuckDbConnection(const DuckDbConnection&) = delete;
    DuckDbConnection& operator=(const DuckDbConnection&) = delete;
    ~DuckDbConnection() override { duckdb_disconnect(&connection_); }

    void Execute(const std::string& sql) override {
        ResultHolder result;
        Run(sql, result);
    }

    ResultTable Query(const std::string& sql) override {
        ResultHolder result;
        Run(sql, result);
        idx_t column_count = duckdb_column_count(result.Get());
        idx_t row_count = duckdb_row_count(result.Get());
        std::vector<ColumnInfo> columns;
        columns.reserve(column_count);
        for (idx_t column = 0; column < column_count; ++column) {
            columns.push_back(
                {duckdb_column_name(result.Get(), column), TypeName(duckdb_column_type(result.Get(), column))});
        }
        std::vector<std::vector<std::optional<std::string>>> rows(row_count);
        for (idx_t row = 0; row < row_count; ++row) {
            rows[row].reserve(column_count);
            for (idx_t column = 0; column < column_count; ++column) {
                if (duckdb_value_is_null(result.Get(), column, row)) {
                    rows[row].emplace_back(std::nullopt);
                    continue;
                }
                char* text = duckdb_value_varchar(result.Get(), column, row);
                rows[row].emplace_back(text == nullptr ? std::string() : std::string(text));
                duckdb_free(text);
            }
        }
        return ResultTable(std::move(columns), std::move(rows));
    }

    std::vector<ColumnInfo> Describe(const std::string& relation_or_query) override {
        auto described = Query(fmt::format("DESCRIBE {}", relation_or_query));
        std::vector<ColumnInfo> columns;
        columns.reserve(described.RowCount());
        for (size_t row = 0; row < described.RowCount(); ++row) {
            columns.push_back({described.Value(row, 0).value_or(""), described.Value(row, 1).value_or("")});
        }
        return columns;
    }

    void Interrupt() override { duckdb_interrupt(connection_); }

    [[nodiscard]] duckdb_database DatabaseHandle() const { return database_; }

private:
    void Run(const std::string& sql, ResultHolder& result) {
        if (duckdb_query(connection_, sql.c_str(), result.Get()) == DuckDBError) {
            const char* message = duckdb_result_error(result.Get());
            std::string text = message == nullptr ? "unknown DuckDB error" : message;
            if (duckdb_result_error_type(result.Get()) == DUCKDB_ERROR_INTERRUPT) {
                throw Error(ErrorCode::INTERRUPTED, ErrorSource::USER, "the query was interrupted");
            }
            throw SqlError(text, sql);
        }
    }

    duckdb_database database_;
    duckdb_connection connection_ = nullptr;
};

class DuckDbDatabase final : public Database {
public:
    explicit DuckDbDatabase(const DatabaseSettings& settings) {
        duckdb_config config = nullptr;
        if (duckdb_create_config(&config) == DuckDBError) {
            throw InternalError("could not create a DuckDB configuration");
        }
        auto set = [&](const char* name, const std::string& value) {
            if (duckdb_set_config(config, name, value.c_str()) == DuckDBError) {
                duckdb_destroy_config(&config);
                throw Error(ErrorCode::INVALID_VALUE,
                            ErrorSource::USER,
                            fmt::format("DuckDB rejected the setting {} = \"{}\"", name, value))
                    .WithSuggestion("check performance.memory_limit / threads / temp_directory in odibi.yaml");
            }
        };
        set("autoinstall_known_extensions", "false");
        set("autoload_known_extensions", "true");
        set("preserve_insertion_order", settings.preserve_insertion_order ? "true" : "false");
        if (settings.memory_limit) {
            set("memory_limit", *settings.memory_limit);
        }
        if (settings.threads) {
            set("threads", std::to_string(*settings.threads));
        }
        if (settings.temp_directory) {
            set("temp_directory", *settings.temp_directory);
        }
        char* open_error = nullptr;
        std::string path = settings.path.value_or("");
        duckdb_state state = duckdb_open_ext(path.empty() ? nullptr : path.c_str(), &database_, config, &open_error);
        duckdb_destroy_config(&config);
        if (state == DuckDBError) {
            std::string text = open_error == nullptr ? "unknown error" : open_error;
            duckdb_free(open_error);
            throw Error(
                ErrorCode::INVALID_VALUE, ErrorSource::EXTERNAL, fmt::format("could not open DuckDB: {}", text));
        }
        RegisterFunctions();
    }
    DuckDbDatabase(const DuckDbDatabase&) = delete;
    DuckDbDatabase& operator=(const DuckDbDatabase&) = delete;
    ~DuckDbDatabase() override { duckdb_close(&database_); }

    std::unique_ptr<Connection> Connect() override { return std::make_unique<DuckDbConnection>(database_); }

private:
    // odibi's own SQL functions, registered once in the database's catalog.
    void RegisterFunctions() {
        duckdb_connection connection = nullptr;
        if (duckdb_connect(database_, &connection) == DuckDBError) {
            duckdb_close(&database_);
            throw InternalError("could not open a DuckDB connection");
        }
        try {
            RegisterPrefixMatchFunction(connection);
            RegisterRowSinkFunction(connection);
        } catch (...) {
            duckdb_disconnect(&connection);
            duckdb_close(&database_);
            throw;
        }
        duckdb_disconnect(&connection);
    }

    duckdb_database database_ = nullptr;
};

} // namespace

std::unique_ptr<Database> OpenDuckDb(const DatabaseSettings& settings) {
    return std::make_unique<DuckDbDatabase>(settings);
}

std::unique_ptr<RowSink>
OpenRowSink(Connection& connection, const std::string& schema, const std::string& table, std::vector<bool> drop) {
    auto* duckdb_connection = dynamic_cast<DuckDbConnection*>(&connection);
    if (duckdb_connection == nullptr) {
        throw InternalError("a row sink needs a DuckDB connection");
    }
    return OpenDuckDbRowSink(duckdb_connection->DatabaseHandle(), schema, table, std::move(drop));
}

std::string DuckDbVersion() {
    return duckdb_library_version();
}

} // namespace odibi::engine
