// Brings a SQLite catalog's schema up to date, safely when several processes open it at once.
#pragma once

#include <span>

#include "catalog_migrations.hpp"
#include "sqlite/sqlite_connection.hpp"

namespace odibi::state {

/// The highest version recorded in meta_schema_version; 0 for a catalog without that table.
[[nodiscard]] int ReadSchemaVersion(SqliteConnection& connection);

/// Applies every migration newer than the recorded version, in order, in one IMMEDIATE transaction,
/// recording each in meta_schema_version. A second process that waited for the lock finds the work
/// done and applies nothing. Throws CATALOG_ERROR when the catalog was written by a newer odibi
/// (a version above the last migration); nothing changes when any statement fails. Returns the version.
int ApplyMigrations(SqliteConnection& connection, std::span<const Migration> migrations);

} // namespace odibi::state
