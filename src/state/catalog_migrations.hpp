// The catalog's schema as an ordered list of migrations; each backend applies them and records the
// version in meta_schema_version.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace odibi::state {

/// One step of the schema. Versions start at 1 and increase by 1; a released migration never changes,
/// later changes are new migrations.
struct Migration {
    int version = 0;
    std::string description;
    std::vector<std::string> statements; ///< portable DDL (SQLite and PostgreSQL)
};

/// Every migration, in order.
[[nodiscard]] const std::vector<Migration>& CatalogMigrations();
/// Throws an internal error unless `migrations` are numbered 1, 2, 3, ... (checked before applying).
void CheckMigrationOrder(std::span<const Migration> migrations);

} // namespace odibi::state
