// The columns of a checked relation, how test column names resolve to them, and the catalog lookups
// (does a relation exist, which temporary names are free) that the checks need.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "odibi/engine/database.hpp"

namespace odibi::quality {

/// A relation's columns. Names resolve as DuckDB resolves identifiers: exact, then case-insensitive.
class ColumnLookup {
public:
    explicit ColumnLookup(std::vector<engine::ColumnInfo> columns) : columns_(std::move(columns)) {}

    [[nodiscard]] const std::vector<engine::ColumnInfo>& Columns() const { return columns_; }
    [[nodiscard]] std::vector<std::string> Names() const;
    [[nodiscard]] const engine::ColumnInfo* TryFind(const std::string& name) const;

private:
    std::vector<engine::ColumnInfo> columns_;
};

/// The names of the tables and views visible on the connection (for "Did you mean").
[[nodiscard]] std::vector<std::string> RelationNames(engine::Connection& connection);
/// The columns of the table or view `name` (unquoted) as the connection resolves it (its search
/// path), or nullopt when there is none. Other errors (a view that no longer binds) are thrown.
[[nodiscard]] std::optional<std::vector<engine::ColumnInfo>> TryDescribeRelation(engine::Connection& connection,
                                                                                 const std::string& name);

/// `base` + "_<n>": a name that no table or view on the connection uses yet, nor as the start of
/// "<name>_..." (callers derive related names that way). Temporary objects
/// are per connection and a connection serves one node at a time, so probing the catalog suffices.
[[nodiscard]] std::string UniqueTemporaryName(engine::Connection& connection, const std::string& base);

} // namespace odibi::quality
