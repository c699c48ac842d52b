// Versioned schema migrations for the SQLite catalog, recorded in meta_schema_version.
#include "sqlite/sqlite_migrator.hpp"

#include <fmt/format.h>

#include "odibi/common/clock.hpp"

namespace odibi::state {
namespace {

constexpr std::string_view CREATE_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS meta_schema_version ("
                                                  "version INTEGER NOT NULL PRIMARY KEY, "
                                                  "description TEXT NOT NULL, "
                                                  "applied_at TEXT NOT NULL)";

Error NewerCatalogError(const SqliteConnection& connection, int found, int known) {
    Error error(ErrorCode::CATALOG_ERROR,
                ErrorSource::USER,
                fmt::format("catalog {} has schema version {}, but this odibi knows versions up to {}",
                            connection.Path(),
                            found,
                            known));
    error.WithPhase("catalog");
    error.WithContext("catalog", connection.Path());
    error.WithSuggestion("a newer odibi wrote this catalog: upgrade odibi, or point system.path at another "
                         "directory");
    return error;
}

} // namespace

int ReadSchemaVersion(SqliteConnection& connection) {
    auto table = connection.Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                                    "'meta_schema_version'",
                                    "read schema version");
    table.Step();
    if (table.ColumnInt64(0) == 0) {
        return 0;
    }
    auto version =
        connection.Prepare("SELECT COALESCE(MAX(version), 0) FROM meta_schema_version", "read schema version");
    version.Step();
    return static_cast<int>(version.ColumnInt64(0));
}

int ApplyMigrations(SqliteConnection& connection, std::span<const Migration> migrations) {
    CheckMigrationOrder(migrations);
    int latest = static_cast<int>(migrations.size());
    // Most opens find an up-to-date catalog: check without taking the write lock.
    int current = ReadSchemaVersion(connection);
    if (current > latest) {
        throw NewerCatalogError(connection, current, latest);
    }
    if (current == latest) {
        return current;
    }
    SqliteTransaction transaction(connection, "migrate schema");
    connection.Execute(CREATE_VERSION_TABLE, "migrate schema");
    // Read again under the lock: another process may have migrated while this one waited.
    current = ReadSchemaVersion(connection);
    if (current > latest) {
        throw NewerCatalogError(connection, current, latest);
    }
    for (const auto& migration : migrations) {
        if (migration.version <= current) {
            continue;
        }
        std::string operation = fmt::format("migration {} ({})", migration.version, migration.description);
        for (const auto& statement : migration.statements) {
            connection.Execute(statement, operation);
        }
        connection
            .Prepare("INSERT INTO meta_schema_version (version, description, applied_at) VALUES (?, ?, ?)", operation)
            .BindInt64(migration.version)
            .BindText(migration.description)
            .BindText(FormatIsoUtc(Now()))
            .Run();
    }
    transaction.Commit();
    return latest;
}

} // namespace odibi::state
