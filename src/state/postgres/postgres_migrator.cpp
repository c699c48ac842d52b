// Versioned schema migrations for the PostgreSQL catalog, recorded in meta_schema_version and
// serialised between processes by a transaction-scoped advisory lock.
#include "postgres/postgres_migrator.hpp"

#include <fmt/format.h>

#include "odibi/common/clock.hpp"

namespace odibi::state {
namespace {

constexpr std::string_view CREATE_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS meta_schema_version ("
                                                  "version INTEGER NOT NULL PRIMARY KEY, "
                                                  "description TEXT NOT NULL, "
                                                  "applied_at TEXT NOT NULL)";
// The advisory lock is keyed by the schema, so catalogs in different schemas migrate independently.
constexpr std::string_view MIGRATION_LOCK_PREFIX = "odibi catalog migration: ";

Error NewerCatalogError(const PostgresConnection& connection, int found, int known) {
    Error error(ErrorCode::CATALOG_ERROR,
                ErrorSource::USER,
                fmt::format("catalog {} has schema version {}, but this odibi knows versions up to {}",
                            connection.Describe(),
                            found,
                            known));
    error.WithPhase("catalog");
    error.WithContext("catalog", connection.Describe());
    error.WithSuggestion("a newer odibi wrote this catalog: upgrade odibi, or point system.path at another schema");
    return error;
}

} // namespace

int ReadPostgresSchemaVersion(PostgresConnection& connection) {
    auto table = connection.Execute("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = "
                                    "'meta_schema_version'",
                                    PostgresParameters().Text(connection.Options().schema),
                                    "read schema version");
    if (table.Int64(0, 0) == 0) {
        return 0;
    }
    auto version =
        connection.Execute("SELECT COALESCE(MAX(version), 0) FROM meta_schema_version", "read schema version");
    return static_cast<int>(version.Int64(0, 0));
}

int ApplyPostgresMigrations(PostgresConnection& connection, std::span<const Migration> migrations) {
    CheckMigrationOrder(migrations);
    int latest = static_cast<int>(migrations.size());
    // Most opens find an up-to-date catalog: check without taking the lock.
    int current = ReadPostgresSchemaVersion(connection);
    if (current > latest) {
        throw NewerCatalogError(connection, current, latest);
    }
    if (current == latest) {
        return current;
    }
    PostgresTransaction transaction(connection, "migrate schema");
    (void)connection.Execute(
        "SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext($1))",
        PostgresParameters().Text(std::string(MIGRATION_LOCK_PREFIX) + connection.Options().schema),
        "migrate schema");
    // DDL takes no parameters: the schema name is quoted as an identifier by libpq.
    (void)connection.Execute(fmt::format("CREATE SCHEMA IF NOT EXISTS {}", connection.QuotedSchema()), "create schema");
    (void)connection.Execute(CREATE_VERSION_TABLE, "migrate schema");
    // Read again under the lock: another process may have migrated while this one waited.
    current = ReadPostgresSchemaVersion(connection);
    if (current > latest) {
        throw NewerCatalogError(connection, current, latest);
    }
    for (const auto& migration : migrations) {
        if (migration.version <= current) {
            continue;
        }
        std::string operation = fmt::format("migration {} ({})", migration.version, migration.description);
        for (const auto& statement : migration.statements) {
            (void)connection.Execute(statement, operation);
        }
        (void)connection.Execute(
            "INSERT INTO meta_schema_version (version, description, applied_at) VALUES ($1, $2, $3)",
            PostgresParameters().Int64(migration.version).Text(migration.description).Text(FormatIsoUtc(Now())),
            operation);
    }
    transaction.Commit();
    return latest;
}

} // namespace odibi::state
