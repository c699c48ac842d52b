// duckdb_run: runs a SQL script on the DuckDB library that odibi links, with the settings odibi opens its
// database with, so that a hand-written script is a fair baseline for an odibi pipeline.
//
//   duckdb_run [--memory-limit SIZE] [--threads N] [--temp-directory DIR]
//              [--var NAME=VALUE]... [--quiet] SCRIPT.sql
//   duckdb_run --version
//
// Statements run one by one. Each --var becomes `SET VARIABLE name = 'value'` before the script
// (read it with getvariable('name')). The rows of the last statement are printed as tab-separated
// text with a header line, unless --quiet. Exit code 0 on success, 1 on a SQL error, 2 on bad usage.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <duckdb.h>

namespace {

constexpr int EXIT_SQL_ERROR = 1;
constexpr int EXIT_USAGE = 2;

struct Options {
    std::string script_path;
    std::string memory_limit;
    std::string threads;
    std::string temp_directory;
    std::vector<std::pair<std::string, std::string>> variables;
    bool quiet = false;
    bool version = false;
};

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class SqlError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string QuoteLiteral(const std::string& value) {
    std::string quoted = "'";
    for (char character : value) {
        quoted += character;
        if (character == '\'') {
            quoted += '\'';
        }
    }
    return quoted + "'";
}

Options ParseArguments(int argc, char** argv) {
    Options options;
    std::vector<std::string> arguments(argv + 1, argv + argc);
    for (size_t index = 0; index < arguments.size(); ++index) {
        const std::string& argument = arguments[index];
        auto next_value = [&]() -> std::string {
            if (index + 1 >= arguments.size()) {
                throw UsageError(argument + " needs a value");
            }
            return arguments[++index];
        };
        if (argument == "--memory-limit") {
            options.memory_limit = next_value();
        } else if (argument == "--threads") {
            options.threads = next_value();
        } else if (argument == "--temp-directory") {
            options.temp_directory = next_value();
        } else if (argument == "--var") {
            std::string assignment = next_value();
            auto equals = assignment.find('=');
            if (equals == std::string::npos || equals == 0) {
                throw UsageError("--var expects NAME=VALUE, got \"" + assignment + "\"");
            }
            options.variables.emplace_back(assignment.substr(0, equals), assignment.substr(equals + 1));
        } else if (argument == "--quiet") {
            options.quiet = true;
        } else if (argument == "--version") {
            options.version = true;
        } else if (!argument.empty() && argument[0] == '-') {
            throw UsageError("unknown option " + argument);
        } else if (options.script_path.empty()) {
            options.script_path = argument;
        } else {
            throw UsageError("only one script may be given");
        }
    }
    if (!options.version && options.script_path.empty()) {
        throw UsageError("no script given");
    }
    return options;
}

std::string ReadFile(const std::string& path) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        throw UsageError("cannot read " + path);
    }
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

/// The database and its one connection, opened with the settings odibi uses for a run.
class Session {
public:
    explicit Session(const Options& options) {
        duckdb_config config = nullptr;
        if (duckdb_create_config(&config) == DuckDBError) {
            throw SqlError("could not create a DuckDB configuration");
        }
        std::vector<std::pair<std::string, std::string>> settings = {
            {"autoinstall_known_extensions", "false"},
            {"autoload_known_extensions", "true"},
            {"preserve_insertion_order", "false"},
        };
        if (!options.memory_limit.empty()) {
            settings.emplace_back("memory_limit", options.memory_limit);
        }
        if (!options.threads.empty()) {
            settings.emplace_back("threads", options.threads);
        }
        if (!options.temp_directory.empty()) {
            settings.emplace_back("temp_directory", options.temp_directory);
        }
        for (const auto& [name, value] : settings) {
            if (duckdb_set_config(config, name.c_str(), value.c_str()) == DuckDBError) {
                duckdb_destroy_config(&config);
                throw UsageError("DuckDB rejected the setting " + name + " = \"" + value + "\"");
            }
        }
        char* open_error = nullptr;
        duckdb_state state = duckdb_open_ext(nullptr, &database_, config, &open_error);
        duckdb_destroy_config(&config);
        if (state == DuckDBError) {
            std::string text = open_error == nullptr ? "unknown error" : open_error;
            duckdb_free(open_error);
            throw SqlError("could not open DuckDB: " + text);
        }
        if (duckdb_connect(database_, &connection_) == DuckDBError) {
            duckdb_close(&database_);
            throw SqlError("could not connect to DuckDB");
        }
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session() {
        duckdb_disconnect(&connection_);
        duckdb_close(&database_);
    }

    /// Runs every statement of the script; prints the last one's rows unless quiet.
    void RunScript(const std::string& script, bool quiet) {
        duckdb_extracted_statements statements = nullptr;
        idx_t count = duckdb_extract_statements(connection_, script.c_str(), &statements);
        if (count == 0) {
            std::string text = statements == nullptr ? "no statements" : duckdb_extract_statements_error(statements);
            duckdb_destroy_extracted(&statements);
            throw SqlError(text);
        }
        try {
            for (idx_t index = 0; index < count; ++index) {
                RunStatement(statements, index, !quiet && index + 1 == count);
            }
        } catch (...) {
            duckdb_destroy_extracted(&statements);
            throw;
        }
        duckdb_destroy_extracted(&statements);
    }

    void RunSql(const std::string& sql) { RunScript(sql, true); }

private:
    void RunStatement(duckdb_extracted_statements statements, idx_t index, bool print) {
        duckdb_prepared_statement prepared = nullptr;
        if (duckdb_prepare_extracted_statement(connection_, statements, index, &prepared) == DuckDBError) {
            std::string text = duckdb_prepare_error(prepared);
            duckdb_destroy_prepare(&prepared);
            throw SqlError(text);
        }
        duckdb_result result{};
        duckdb_state state = duckdb_execute_prepared(prepared, &result);
        duckdb_destroy_prepare(&prepared);
        if (state == DuckDBError) {
            std::string text = duckdb_result_error(&result);
            duckdb_destroy_result(&result);
            throw SqlError(text);
        }
        if (print) {
            Print(result);
        }
        duckdb_destroy_result(&result);
    }

    static void Print(duckdb_result& result) {
        idx_t column_count = duckdb_column_count(&result);
        idx_t row_count = duckdb_row_count(&result);
        std::string text;
        for (idx_t column = 0; column < column_count; ++column) {
            text += (column == 0 ? "" : "\t");
            text += duckdb_column_name(&result, column);
        }
        text += '\n';
        for (idx_t row = 0; row < row_count; ++row) {
            for (idx_t column = 0; column < column_count; ++column) {
                text += (column == 0 ? "" : "\t");
                if (duckdb_value_is_null(&result, column, row)) {
                    text += "NULL";
                    continue;
                }
                char* value = duckdb_value_varchar(&result, column, row);
                text += value == nullptr ? "" : value;
                duckdb_free(value);
            }
            text += '\n';
        }
        std::fwrite(text.data(), 1, text.size(), stdout);
    }

    duckdb_database database_ = nullptr;
    duckdb_connection connection_ = nullptr;
};

} // namespace

int main(int argc, char** argv) {
    try {
        Options options = ParseArguments(argc, argv);
        if (options.version) {
            std::cout << duckdb_library_version() << '\n';
            return 0;
        }
        std::string script = ReadFile(options.script_path);
        Session session(options);
        for (const auto& [name, value] : options.variables) {
            session.RunSql("SET VARIABLE " + name + " = " + QuoteLiteral(value));
        }
        session.RunScript(script, options.quiet);
        return 0;
    } catch (const UsageError& error) {
        std::cerr << "duckdb_run: " << error.what() << '\n';
        return EXIT_USAGE;
    } catch (const SqlError& error) {
        std::cerr << "duckdb_run: " << error.what() << '\n';
        return EXIT_SQL_ERROR;
    }
}
