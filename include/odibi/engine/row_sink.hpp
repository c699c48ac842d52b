// Rows a query sets aside while it streams: a filter that also appends the rows it is told to store
// to a table, so that one scan both feeds a write and collects (say) the rows that failed a check.
// Each row carries BOOLEAN flags (one per check); rows with any flag are stored, rows with a flag
// marked "drop" are filtered out.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "odibi/engine/database.hpp"

namespace odibi::engine {

class RowSink {
public:
    virtual ~RowSink() = default;
    RowSink() = default;
    RowSink(const RowSink&) = delete;
    RowSink& operator=(const RowSink&) = delete;
    RowSink(RowSink&&) = delete;
    RowSink& operator=(RowSink&&) = delete;

    /// A BOOLEAN SQL expression for a WHERE clause: a row any of whose `flags_sql` (BOOLEAN; NULL
    /// reads as false) is true is appended to the table as its `values_sql` followed by its flags (the
    /// table's columns in that order and those types); the expression's value is whether none of
    /// the flags that OpenRowSink marked `drop` is true. Each flag appears once in the SQL, so DuckDB
    /// computes it once per row however it plans the filter.
    [[nodiscard]] virtual std::string FilterSql(const std::vector<std::string>& flags_sql,
                                                const std::vector<std::string>& values_sql) const = 0;
    /// Rows the filter has seen so far, over every query that ran it.
    [[nodiscard]] virtual int64_t RowsSeen() const = 0;
    /// Commits the appended rows to the table and stops the sink: a query that runs the filter
    /// afterwards fails. Throws odibi::Error when an append failed. Idempotent.
    virtual void Close() = 0;
};

/// A sink into `schema`.`table` (unquoted), an existing regular table (not a temporary one: the
/// rows arrive on a connection of their own) of `connection`'s database, whose last `drop.size()`
/// columns are the flags; `drop[i]`: a row whose flag i is true is filtered out.
[[nodiscard]] std::unique_ptr<RowSink>
OpenRowSink(Connection& connection, const std::string& schema, const std::string& table, std::vector<bool> drop);

} // namespace odibi::engine
