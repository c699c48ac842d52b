// odibi_row_sink(token, flags..., values...): the SQL side of engine::RowSink.
#pragma once

#include <memory>
#include <string>

#include <duckdb.h>

#include "odibi/engine/row_sink.hpp"

namespace odibi::engine {

/// Registers the sink function in the database of `connection`.
void RegisterRowSinkFunction(duckdb_connection connection);

/// A sink into `schema`.`table` of `database` (OpenRowSink), appending through a connection of its own.
[[nodiscard]] std::unique_ptr<RowSink> OpenDuckDbRowSink(duckdb_database database,
                                                         const std::string& schema,
                                                         const std::string& table,
                                                         std::vector<bool> drop);

} // namespace odibi::engine
