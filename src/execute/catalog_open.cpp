// Picks the catalog backend from system.connection and turns a postgres connection's fields into the
// options of the PostgreSQL catalog.
#include "odibi/execute/catalog_open.hpp"

#include <fmt/format.h>

#include "odibi/common/log.hpp"
#include "odibi/config/postgres_endpoint.hpp"
#include "odibi/execute/runner.hpp"

namespace odibi::execute {

bool UsesPostgresCatalog(const config::ProjectConfig& project) {
    const auto* connection = project.TryGetConnection(project.system.connection);
    return connection != nullptr && connection->type == config::ConnectionType::POSTGRES;
}

state::PostgresCatalogOptions PostgresCatalogOptionsFor(const config::ConnectionConfig& connection,
                                                        const std::string& schema) {
    state::PostgresCatalogOptions options;
    try {
        static_cast<config::PostgresEndpoint&>(options) =
            config::PostgresEndpointOf(connection, ErrorCode::CATALOG_ERROR, "system.connection");
    } catch (Error& error) {
        error.WithPhase("catalog");
        throw;
    }
    options.schema = schema;
    return options;
}

std::string CatalogLocation(const config::ProjectConfig& project) {
    if (!UsesPostgresCatalog(project)) {
        return CatalogPath(project);
    }
    const auto& connection = project.GetConnection(project.system.connection);
    try {
        auto endpoint = config::PostgresEndpointOf(connection, ErrorCode::CATALOG_ERROR, "system.connection");
        return fmt::format("PostgreSQL catalog of connection \"{}\" at {}:{}/{} (schema {})",
                           connection.name,
                           endpoint.host,
                           endpoint.port,
                           endpoint.database,
                           project.system.path);
    } catch (const Error&) {
        return fmt::format("PostgreSQL catalog of connection \"{}\" (schema {})", connection.name, project.system.path);
    }
}

std::unique_ptr<state::Catalog> OpenCatalog(const config::ProjectConfig& project) {
    if (UsesPostgresCatalog(project)) {
        return state::OpenPostgresCatalog(
            PostgresCatalogOptionsFor(project.GetConnection(project.system.connection), project.system.path));
    }
    return state::OpenSqliteCatalog(CatalogPath(project));
}

} // namespace odibi::execute
