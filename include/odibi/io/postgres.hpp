// PostgreSQL as a source: the rows of a query copied into DuckDB.
#pragma once

#include <cstdint>
#include <string>

#include "odibi/common/error.hpp"
#include "odibi/config/postgres_endpoint.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::io {

/// Runs `query` (a SELECT) on the endpoint's database and loads its rows into the DuckDB table `table`
/// (a quoted, possibly qualified name; replaced when it exists), with column types taken from PostgreSQL's (integers,
/// floats, numeric, bool, date, time, timestamp[tz], uuid; anything else as VARCHAR). The rows stream through COPY into
/// a temporary CSV file that DuckDB reads, never through C++ memory. Returns the row count. Throws READ_FAILED naming
/// the connection (never the password) when the server cannot be reached or the query fails.
int64_t LoadPostgresQuery(engine::Connection& connection,
                          const config::PostgresEndpoint& endpoint,
                          const std::string& query,
                          const std::string& table);

} // namespace odibi::io
