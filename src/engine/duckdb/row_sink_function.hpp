// odibi_row_sink(token, store, keep, values...): the SQL side of engine::RowSink.
#pragma once

#include <memory>
#include <string>

#include <duckdb.h>

#include "odibi/engine/row_sink.hpp"

namespace odibi::engine {

/// Registers the sink function in the database of `connection`.
void RegisterRowSinkFunction(duckdb_connection connection);

/// A sink into `schema`.`table` of `database`, appending through a connection of its own.
[[nodiscard]] std::unique_ptr<RowSink>
OpenDuckDbRowSink(duckdb_database database, const std::string& schema, const std::string& table);

} // namespace odibi::engine
