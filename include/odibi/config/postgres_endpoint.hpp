// Where a postgres (postgresql) connection points: the typed fields of its config, shared by the
// PostgreSQL catalog and PostgreSQL sources.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"

namespace odibi::config {

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
PostgresEndpointOf(const ConnectionConfig& connection, ErrorCode code, std::string_view role);

/// libpq's keyword/value arrays for an endpoint (PQconnectdbParams): nothing needs quoting, and no
/// text holding the password is ever built. Both arrays end with a null pointer; they point into
/// this object.
class PostgresConnectArguments {
public:
    explicit PostgresConnectArguments(const PostgresEndpoint& endpoint);
    PostgresConnectArguments(const PostgresConnectArguments&) = delete;
    PostgresConnectArguments& operator=(const PostgresConnectArguments&) = delete;

    [[nodiscard]] const char* const* Keywords() const { return keywords_.data(); }
    [[nodiscard]] const char* const* Values() const { return values_.data(); }

private:
    std::vector<std::string> texts_; ///< port and timeout as text
    std::vector<const char*> keywords_;
    std::vector<const char*> values_;
};

} // namespace odibi::config
