// The difference between two versions of a table's columns, as meta_schemas records it.
#pragma once

#include <nlohmann/json.hpp>

namespace odibi::state {

/// Column names (JSON arrays, sorted) that appeared, disappeared or changed type.
struct SchemaDiff {
    nlohmann::json added = nlohmann::json::array();
    nlohmann::json removed = nlohmann::json::array();
    nlohmann::json type_changed = nlohmann::json::array();

    [[nodiscard]] bool Empty() const { return added.empty() && removed.empty() && type_changed.empty(); }
};

/// Compares two {column: type} objects; a null value counts as no columns.
[[nodiscard]] SchemaDiff DiffColumns(const nlohmann::json& previous, const nlohmann::json& current);

} // namespace odibi::state
