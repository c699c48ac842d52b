// Brings a PostgreSQL catalog's schema up to date, safely when several processes open it at once.
#pragma once

#include <span>

#include "catalog_migrations.hpp"
#include "postgres/postgres_connection.hpp"

namespace odibi::state {

/// The highest version recorded in the schema's meta_schema_version; 0 when that table does not exist.
[[nodiscard]] int ReadPostgresSchemaVersion(PostgresConnection& connection);

/// Creates the catalog schema when missing and applies every migration newer than the recorded version,
/// in order, in one transaction that holds an advisory lock on the schema, recording each in
/// meta_schema_version. A process that waited for the lock re-reads the version and applies nothing
/// twice. Throws CATALOG_ERROR for a catalog written by a newer odibi; nothing changes when any
/// statement fails. Returns the version.
int ApplyPostgresMigrations(PostgresConnection& connection, std::span<const Migration> migrations);

} // namespace odibi::state
