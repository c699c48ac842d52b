// Column-level comparison of two schema versions.
#include "schema_diff.hpp"

#include "odibi/common/error.hpp"

namespace odibi::state {
namespace {

const nlohmann::json& RequireColumnObject(const nlohmann::json& columns, const char* which) {
    static const nlohmann::json EMPTY = nlohmann::json::object();
    if (columns.is_null()) {
        return EMPTY;
    }
    if (!columns.is_object()) {
        throw InternalError(std::string("schema columns must be a {column: type} object, the ") + which +
                            " version holds " + columns.type_name());
    }
    return columns;
}

} // namespace

SchemaDiff DiffColumns(const nlohmann::json& previous, const nlohmann::json& current) {
    const nlohmann::json& old_columns = RequireColumnObject(previous, "previous");
    const nlohmann::json& new_columns = RequireColumnObject(current, "new");
    // nlohmann::json objects iterate in key order, so every list comes out sorted.
    SchemaDiff diff;
    for (const auto& [name, type] : new_columns.items()) {
        auto old_column = old_columns.find(name);
        if (old_column == old_columns.end()) {
            diff.added.push_back(name);
        } else if (*old_column != type) {
            diff.type_changed.push_back(name);
        }
    }
    for (const auto& [name, type] : old_columns.items()) {
        if (!new_columns.contains(name)) {
            diff.removed.push_back(name);
        }
    }
    return diff;
}

} // namespace odibi::state
