// Rows a query sets aside while it streams: a filter that also appends the rows it is told to store
// to a table, so that one scan both feeds a write and collects (say) the rows that failed a check.
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

    /// A BOOLEAN SQL expression for a WHERE clause: when `store_sql` holds for a row, the row's
    /// `values_sql` (in the table's column order and types) are appended to the table; the
    /// expression's value is `keep_sql`. Both conditions must never be NULL.
    [[nodiscard]] virtual std::string FilterSql(const std::string& store_sql,
                                                const std::string& keep_sql,
                                                const std::vector<std::string>& values_sql) const = 0;
    /// Rows the filter has seen so far, over every query that ran it.
    [[nodiscard]] virtual int64_t RowsSeen() const = 0;
    /// Commits the appended rows to the table and stops the sink: a query that runs the filter
    /// afterwards fails. Throws odibi::Error when an append failed. Idempotent.
    virtual void Close() = 0;
};

/// A sink into `schema`.`table` (unquoted), an existing regular table (not a temporary one: the
/// rows arrive on a connection of their own) of `connection`'s database.
[[nodiscard]] std::unique_ptr<RowSink>
OpenRowSink(Connection& connection, const std::string& schema, const std::string& table);

} // namespace odibi::engine
