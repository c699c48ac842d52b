// PostgreSQL as a source: a connection's endpoint, and the rows of a query copied into DuckDB.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::io {

/// Where a postgres (postgresql) connection points, read from its fields.
struct PostgresEndpoint {
    std::string connection_name; ///< the odibi connection, named in errors
    std::string host;
    int port = 5432;
    std::string database;
    std::string user;
    std::string password;
    std::string sslmode = "prefer";
    std::chrono::seconds connect_timeout{30};
};

/// The endpoint of a postgres connection: host (or server), port (5432), database (or dbname), the
/// user and password (under auth: or at the top), sslmode (prefer) and timeout (30 s). The password
/// is registered as a secret. A missing or invalid field throws `code` (user), naming the connection,
/// its `role` in the project ("system.connection", "source_connection") and the fix.
[[nodiscard]] PostgresEndpoint
PostgresEndpointOf(const config::ConnectionConfig& connection, ErrorCode code, std::string_view role);

/// Runs `query` (a SELECT) on the endpoint's database and loads its rows into the DuckDB table `table`
/// (a quoted, possibly qualified name; replaced when it exists), with column types taken from PostgreSQL's (integers,
/// floats, numeric, bool, date, time, timestamp[tz], uuid; anything else as VARCHAR). The rows stream through COPY into
/// a temporary CSV file that DuckDB reads, never through C++ memory. Returns the row count. Throws READ_FAILED naming
/// the connection (never the password) when the server cannot be reached or the query fails.
int64_t LoadPostgresQuery(engine::Connection& connection,
                          const PostgresEndpoint& endpoint,
                          const std::string& query,
                          const std::string& table);

} // namespace odibi::io
