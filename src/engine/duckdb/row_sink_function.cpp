// The row sink: odibi_row_sink(token, flags..., values...) copies the rows with a true flag (values,
// then flags) into an appender on a connection of its own (DuckDB storage, so they may spill like
// any table) and returns whether no "drop" flag is true. The token names a sink in a process-wide
// registry; worker threads share one appender under a mutex, and only chunks that hold a row to store take it.
#include "row_sink_function.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "scalar_functions.hpp"
#include <fmt/format.h>

#include "odibi/common/error.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::engine {

namespace {

constexpr const char* FUNCTION = "odibi_row_sink";
constexpr idx_t FLAGS_FROM = 1; ///< the token comes first

struct SinkState {
    SinkState() = default;
    SinkState(const SinkState&) = delete;
    SinkState& operator=(const SinkState&) = delete;
    SinkState(SinkState&&) = delete;
    SinkState& operator=(SinkState&&) = delete;
    ~SinkState() {
        for (auto& type : types) {
            duckdb_destroy_logical_type(&type);
        }
        if (appender != nullptr) {
            duckdb_appender_destroy(&appender);
        }
        if (connection != nullptr) {
            duckdb_disconnect(&connection);
        }
    }

    std::mutex mutex;
    duckdb_connection connection = nullptr;
    duckdb_appender appender = nullptr;
    std::vector<duckdb_logical_type> types; ///< the table's: values, then flags
    std::vector<bool> drop;                 ///< per flag
    std::atomic<int64_t> seen{0};
    std::string error; ///< the first append error
    bool closed = false;
};

class SinkRegistry {
public:
    int64_t Add(const std::shared_ptr<SinkState>& state) {
        std::lock_guard lock(mutex_);
        int64_t token = ++last_token_;
        sinks_.emplace(token, state);
        return token;
    }
    std::shared_ptr<SinkState> Find(int64_t token) {
        std::lock_guard lock(mutex_);
        auto found = sinks_.find(token);
        return found == sinks_.end() ? nullptr : found->second.lock();
    }
    void Remove(int64_t token) {
        std::lock_guard lock(mutex_);
        sinks_.erase(token);
    }

private:
    std::mutex mutex_;
    std::unordered_map<int64_t, std::weak_ptr<SinkState>> sinks_;
    int64_t last_token_ = 0;
};

SinkRegistry& Sinks() {
    static SinkRegistry registry;
    return registry;
}

struct BoundSink {
    std::shared_ptr<SinkState> state;
};

void DestroyBound(void* data) {
    delete static_cast<BoundSink*>(data);
}

void* CopyBound(void* data) {
    return new BoundSink(*static_cast<BoundSink*>(data));
}

void Bind(duckdb_bind_info info) {
    std::optional<int64_t> token = ConstantInteger(info, 0);
    std::shared_ptr<SinkState> state = token ? Sinks().Find(*token) : nullptr;
    if (!state) {
        duckdb_scalar_function_bind_set_error(info, "odibi_row_sink: no open sink has this token");
        return;
    }
    bool matches = duckdb_scalar_function_bind_get_argument_count(info) == FLAGS_FROM + state->types.size();
    for (idx_t flag = 0; matches && flag < state->drop.size(); ++flag) {
        duckdb_expression argument = duckdb_scalar_function_bind_get_argument(info, FLAGS_FROM + flag);
        duckdb_logical_type type = duckdb_expression_return_type(argument);
        matches = duckdb_get_type_id(type) == DUCKDB_TYPE_BOOLEAN;
        duckdb_destroy_logical_type(&type);
        duckdb_destroy_expression(&argument);
    }
    if (!matches) {
        duckdb_scalar_function_bind_set_error(info,
                                              "odibi_row_sink: the flags and values do not match the sink's columns");
        return;
    }
    duckdb_scalar_function_set_bind_data(info, new BoundSink{std::move(state)}, DestroyBound);
    duckdb_scalar_function_set_bind_data_copy(info, CopyBound);
}

bool IsTrue(const bool* values, const uint64_t* validity, idx_t row) {
    return (validity == nullptr || ((validity[row / 64] >> (row % 64)) & 1U) != 0) && values[row];
}

// Appends the rows of `input` picked by `selection` to the sink (values, then flags); returns the
// error text, if any.
std::string Append(SinkState& state, duckdb_data_chunk input, duckdb_selection_vector selection, idx_t count) {
    std::lock_guard lock(state.mutex);
    if (state.closed) {
        return "odibi_row_sink: the sink is closed; the query read its rows a second time";
    }
    duckdb_data_chunk chunk = duckdb_create_data_chunk(state.types.data(), state.types.size());
    idx_t flags = state.drop.size();
    idx_t values = state.types.size() - flags;
    for (idx_t column = 0; column < state.types.size(); ++column) {
        idx_t argument = column < values ? FLAGS_FROM + flags + column : FLAGS_FROM + (column - values);
        duckdb_vector_copy_sel(duckdb_data_chunk_get_vector(input, argument),
                               duckdb_data_chunk_get_vector(chunk, column),
                               selection,
                               count,
                               0,
                               0);
    }
    duckdb_data_chunk_set_size(chunk, count);
    std::string error;
    if (duckdb_append_data_chunk(state.appender, chunk) == DuckDBError) {
        const char* text = duckdb_appender_error(state.appender);
        error = text == nullptr ? "odibi_row_sink: an append failed" : std::string(text);
        state.error = state.error.empty() ? error : state.error;
    }
    duckdb_destroy_data_chunk(&chunk);
    return error;
}

void Execute(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
    SinkState& state = *static_cast<const BoundSink*>(duckdb_scalar_function_get_bind_data(info))->state;
    idx_t rows = duckdb_data_chunk_get_size(input);
    auto* keep = static_cast<bool*>(duckdb_vector_get_data(output));
    std::vector<bool> stored(rows, false);
    std::fill(keep, keep + rows, true);
    for (idx_t flag = 0; flag < state.drop.size(); ++flag) {
        duckdb_vector vector = duckdb_data_chunk_get_vector(input, FLAGS_FROM + flag);
        const auto* values = static_cast<const bool*>(duckdb_vector_get_data(vector));
        const uint64_t* validity = duckdb_vector_get_validity(vector);
        bool drops = state.drop[flag];
        for (idx_t row = 0; row < rows; ++row) {
            if (IsTrue(values, validity, row)) {
                stored[row] = true;
                keep[row] = keep[row] && !drops;
            }
        }
    }
    duckdb_selection_vector selection = duckdb_create_selection_vector(rows);
    sel_t* picked = duckdb_selection_vector_get_data_ptr(selection);
    idx_t count = 0;
    for (idx_t row = 0; row < rows; ++row) {
        if (stored[row]) {
            picked[count++] = static_cast<sel_t>(row);
        }
    }
    state.seen.fetch_add(static_cast<int64_t>(rows), std::memory_order_relaxed);
    if (count > 0) {
        std::string error = Append(state, input, selection, count);
        if (!error.empty()) {
            duckdb_scalar_function_set_error(info, error.c_str());
        }
    }
    duckdb_destroy_selection_vector(selection);
}

class DuckDbRowSink final : public RowSink {
public:
    DuckDbRowSink(std::shared_ptr<SinkState> state, std::string table)
        : state_(std::move(state)), table_(std::move(table)), token_(Sinks().Add(state_)) {}
    DuckDbRowSink(const DuckDbRowSink&) = delete;
    DuckDbRowSink& operator=(const DuckDbRowSink&) = delete;
    DuckDbRowSink(DuckDbRowSink&&) = delete;
    DuckDbRowSink& operator=(DuckDbRowSink&&) = delete;
    ~DuckDbRowSink() override {
        Sinks().Remove(token_);
        try {
            Close();
        } catch (...) {
            // The rows of a sink nobody closed are not read: the table is scratch.
            static_cast<void>(0);
        }
    }

    std::string FilterSql(const std::vector<std::string>& flags_sql,
                          const std::vector<std::string>& values_sql) const override {
        return fmt::format("{}({}, {}, {})", FUNCTION, token_, Join(flags_sql, ", "), Join(values_sql, ", "));
    }

    int64_t RowsSeen() const override { return state_->seen.load(); }

    void Close() override {
        std::lock_guard lock(state_->mutex);
        if (state_->closed) {
            return;
        }
        state_->closed = true;
        if (duckdb_appender_close(state_->appender) == DuckDBError && state_->error.empty()) {
            const char* text = duckdb_appender_error(state_->appender);
            state_->error = text == nullptr ? "the final flush failed" : text;
        }
        if (!state_->error.empty()) {
            throw Error(ErrorCode::INTERNAL,
                        ErrorSource::INTERNAL,
                        fmt::format("could not set rows aside in {}: {}", table_, state_->error));
        }
    }

private:
    std::shared_ptr<SinkState> state_;
    std::string table_;
    int64_t token_;
};

} // namespace

void RegisterRowSinkFunction(duckdb_connection connection) {
    ScalarFunctionSpec spec;
    spec.name = FUNCTION;
    spec.varargs = DUCKDB_TYPE_ANY;
    // Every row reaches the function (NULL values are stored like any other), and it runs once per
    // row: it has a side effect.
    spec.sees_nulls = true;
    spec.has_side_effects = true;
    spec.bind = Bind;
    spec.function = Execute;
    RegisterScalarFunction(connection, spec);
}

std::unique_ptr<RowSink> OpenDuckDbRowSink(duckdb_database database,
                                           const std::string& schema,
                                           const std::string& table,
                                           std::vector<bool> drop) {
    auto state = std::make_shared<SinkState>();
    state->drop = std::move(drop);
    if (duckdb_connect(database, &state->connection) == DuckDBError) {
        throw InternalError("could not open a DuckDB connection for a row sink");
    }
    if (duckdb_appender_create(state->connection, schema.c_str(), table.c_str(), &state->appender) == DuckDBError) {
        const char* text = duckdb_appender_error(state->appender);
        throw InternalError(fmt::format("could not open an appender on {}.{}: {}",
                                        QuoteIdentifier(schema),
                                        QuoteIdentifier(table),
                                        text == nullptr ? "unknown error" : text));
    }
    idx_t columns = duckdb_appender_column_count(state->appender);
    for (idx_t column = 0; column < columns; ++column) {
        state->types.push_back(duckdb_appender_column_type(state->appender, column));
    }
    if (state->drop.empty() || state->drop.size() > columns) {
        throw InternalError(fmt::format("a row sink on {}.{} needs 1 to {} flags", schema, table, columns));
    }
    return std::make_unique<DuckDbRowSink>(std::move(state), schema + "." + table);
}

} // namespace odibi::engine
