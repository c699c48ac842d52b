// Column resolution and catalog lookups for the quality checks.
#include "column_lookup.hpp"

#include <set>

#include "odibi/common/error.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::quality {

namespace {

// Tables and views of every schema the connection sees, temporary ones included.
constexpr const char* RELATION_NAMES_SQL = "SELECT table_name FROM duckdb_tables() UNION ALL "
                                           "SELECT view_name FROM duckdb_views() WHERE NOT internal";

} // namespace

std::vector<std::string> ColumnLookup::Names() const {
    return engine::ColumnNames(columns_);
}

const engine::ColumnInfo* ColumnLookup::TryFind(const std::string& name) const {
    for (const auto& column : columns_) {
        if (column.name == name) {
            return &column;
        }
    }
    std::string lowered = ToLower(name);
    for (const auto& column : columns_) {
        if (ToLower(column.name) == lowered) {
            return &column;
        }
    }
    return nullptr;
}

std::vector<std::string> RelationNames(engine::Connection& connection) {
    auto table = connection.Query(RELATION_NAMES_SQL);
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const auto& row : table.Rows()) {
        if (row.at(0) && seen.insert(*row.at(0)).second) {
            names.push_back(*row.at(0));
        }
    }
    return names;
}

std::optional<std::vector<engine::ColumnInfo>> TryDescribeRelation(engine::Connection& connection,
                                                                   const std::string& name) {
    try {
        return connection.Describe(engine::QuoteIdentifier(name));
    } catch (const Error& error) {
        // Only "no such table or view" means absent; a view that exists but fails to bind is an error.
        if (error.Code() == ErrorCode::SQL_ERROR && StartsWith(error.Message(), "Catalog Error")) {
            return std::nullopt;
        }
        throw;
    }
}

std::string UniqueTemporaryName(engine::Connection& connection, const std::string& base) {
    auto table = connection.Query("SELECT lower(name) FROM (SELECT table_name FROM duckdb_tables() WHERE temporary "
                                  "UNION ALL SELECT view_name FROM duckdb_views() WHERE temporary) AS relations(name) "
                                  "WHERE starts_with(lower(name), lower(" +
                                  engine::QuoteLiteral(base) + "))");
    std::set<std::string> taken;
    for (const auto& row : table.Rows()) {
        if (row.at(0)) {
            taken.insert(*row.at(0));
        }
    }
    for (int suffix = 1;; ++suffix) {
        std::string candidate = base + "_" + std::to_string(suffix);
        std::string lowered = ToLower(candidate);
        bool used = false;
        for (const auto& name : taken) {
            if (name == lowered || StartsWith(name, lowered + "_")) {
                used = true;
                break;
            }
        }
        if (!used) {
            return candidate;
        }
    }
}

} // namespace odibi::quality
