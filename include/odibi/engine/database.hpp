// The engine interface: one embedded DuckDB database per run and a connection per worker thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace odibi::engine {

/// Settings applied when the run's database opens (from `performance:` and the CLI).
struct DatabaseSettings {
    std::optional<std::string> memory_limit;   ///< DuckDB size text, e.g. "1GB"
    std::optional<int> threads;                ///< DuckDB worker threads
    std::optional<std::string> temp_directory; ///< spill directory
    bool preserve_insertion_order = false;     ///< off: lets DuckDB spill and parallelise
    std::optional<std::string> path;           ///< database file; in-memory when absent
};

struct ColumnInfo {
    std::string name;
    std::string type; ///< DuckDB type text, e.g. "VARCHAR", "DECIMAL(10,2)"

    bool operator==(const ColumnInfo&) const = default;
};

/// The names of `columns`, in order.
[[nodiscard]] std::vector<std::string> ColumnNames(const std::vector<ColumnInfo>& columns);

/// A small, fully materialised result (metadata, counts, samples). Never used for bulk data:
/// bulk data stays inside DuckDB and moves with COPY / INSERT ... SELECT.
class ResultTable {
public:
    ResultTable() = default;
    ResultTable(std::vector<ColumnInfo> columns, std::vector<std::vector<std::optional<std::string>>> rows)
        : columns_(std::move(columns)), rows_(std::move(rows)) {}

    [[nodiscard]] const std::vector<ColumnInfo>& Columns() const { return columns_; }
    [[nodiscard]] size_t RowCount() const { return rows_.size(); }
    [[nodiscard]] size_t ColumnCount() const { return columns_.size(); }
    /// The value as DuckDB renders it to text; nullopt for NULL.
    [[nodiscard]] const std::optional<std::string>& Value(size_t row, size_t column) const {
        return rows_.at(row).at(column);
    }
    [[nodiscard]] const std::vector<std::vector<std::optional<std::string>>>& Rows() const { return rows_; }
    /// The single value of a one-row, one-column result (throws when the shape differs).
    [[nodiscard]] std::optional<std::string> Scalar() const;

private:
    std::vector<ColumnInfo> columns_;
    std::vector<std::vector<std::optional<std::string>>> rows_;
};

/// One connection; not thread-safe, so each worker owns one. SQL errors throw odibi::Error
/// (ErrorCode::SQL_ERROR) with DuckDB's whole message and the failing SQL in its context.
class Connection {
public:
    virtual ~Connection() = default;

    /// Runs statements whose results are not needed (DDL, COPY, INSERT). Several statements may be
    /// separated by semicolons.
    virtual void Execute(const std::string& sql) = 0;
    /// Runs one query and materialises its (small) result.
    [[nodiscard]] virtual ResultTable Query(const std::string& sql) = 0;
    /// Columns of a table, view or query, without running it.
    [[nodiscard]] virtual std::vector<ColumnInfo> Describe(const std::string& relation_or_query) = 0;
    /// Asks a running query on this connection to stop (safe to call from another thread).
    virtual void Interrupt() = 0;
};

/// The run's database. Connections share its catalog: a view created on one is visible on all.
class Database {
public:
    virtual ~Database() = default;
    [[nodiscard]] virtual std::unique_ptr<Connection> Connect() = 0;
};

/// Opens a DuckDB database with the given settings. Extensions that DuckDB would download at run
/// time are disabled so that a missing one is a clear error instead of a network hang.
[[nodiscard]] std::unique_ptr<Database> OpenDuckDb(const DatabaseSettings& settings);

/// "v1.4.4" as reported by the linked library.
[[nodiscard]] std::string DuckDbVersion();

} // namespace odibi::engine
