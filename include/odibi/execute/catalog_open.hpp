// Opening a project's system catalog: SQLite beside the data, or PostgreSQL shared by many machines,
// chosen by the type of system.connection.
#pragma once

#include <memory>
#include <string>

#include "odibi/config/project.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::execute {

/// True when system.connection names a postgres (postgresql) connection.
[[nodiscard]] bool UsesPostgresCatalog(const config::ProjectConfig& project);

/// How to reach the catalog in a postgres connection: host (or server), port (5432), database, the user
/// and password (under auth: or at the top), sslmode (prefer) and timeout (30 s); `schema` holds the
/// meta_* tables. Throws CATALOG_ERROR (user) naming the connection when a field is missing or invalid.
[[nodiscard]] state::PostgresCatalogOptions PostgresCatalogOptionsFor(const config::ConnectionConfig& connection,
                                                                      const std::string& schema);

/// Where the catalog lives, for messages: the SQLite file, or the connection, server, database and
/// schema of a PostgreSQL catalog (never the password).
[[nodiscard]] std::string CatalogLocation(const config::ProjectConfig& project);

/// Opens (creating and migrating when needed) the project's system catalog: in the schema named by
/// system.path of a postgres system.connection, otherwise the SQLite file at CatalogPath(project).
[[nodiscard]] std::unique_ptr<state::Catalog> OpenCatalog(const config::ProjectConfig& project);

} // namespace odibi::execute
