// The columns of the input (or of another node's output) and how user-written names resolve to them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "param_reader.hpp"

#include "odibi/engine/database.hpp"

namespace odibi::transform {

/// A relation's columns, described without running it. Names resolve as DuckDB resolves
/// identifiers: an exact match first, then a case-insensitive one.
class RelationColumns {
public:
    explicit RelationColumns(std::vector<engine::ColumnInfo> columns) : columns_(std::move(columns)) {}

    /// The columns of the node's current input.
    [[nodiscard]] static RelationColumns OfInput(const TransformInput& input);
    /// The columns of another dataset (a node output, a view named after the node). Throws
    /// INVALID_TRANSFORMER_PARAMS naming the dataset and `param` when there is no such relation.
    [[nodiscard]] static RelationColumns OfDataset(engine::Connection& connection,
                                                   const std::string& dataset,
                                                   const ParamReader& params,
                                                   std::string_view param);

    [[nodiscard]] const std::vector<engine::ColumnInfo>& Columns() const { return columns_; }
    [[nodiscard]] std::vector<std::string> Names() const;
    /// The index of the column that `name` refers to, if any.
    [[nodiscard]] std::optional<size_t> TryFind(std::string_view name) const;
    [[nodiscard]] bool Contains(std::string_view name) const { return TryFind(name).has_value(); }
    /// The column's name as the relation spells it; throws INVALID_TRANSFORMER_PARAMS with a
    /// did-you-mean over the columns when there is no such column. `what` names the relation
    /// in the message ("the input", "dataset \"orders\"").
    [[nodiscard]] const std::string& Resolve(std::string_view name,
                                             const ParamReader& params,
                                             std::string_view param,
                                             std::string_view what = "the input") const;
    /// Resolve for each name, in order.
    [[nodiscard]] std::vector<std::string> ResolveAll(const std::vector<std::string>& names,
                                                      const ParamReader& params,
                                                      std::string_view param,
                                                      std::string_view what = "the input") const;

private:
    std::vector<engine::ColumnInfo> columns_;
};

/// True when two column names refer to the same column in DuckDB (case-insensitive).
[[nodiscard]] bool SameColumnName(std::string_view left, std::string_view right);

/// Throws INVALID_TRANSFORMER_PARAMS (about `param`) when two output columns would share a name:
/// DuckDB compares names case-insensitively and would silently rename the second to "<name>_1".
void EnsureDistinctColumnNames(const std::vector<std::string>& names,
                               const ParamReader& params,
                               std::string_view param);

/// An ORDER BY / PARTITION BY item that may be a column name or a SQL expression: a name of an
/// input column is quoted, anything else ("amount DESC", "lower(name)") is kept as written SQL.
[[nodiscard]] std::string ColumnOrExpression(const std::string& item, const RelationColumns& columns);

} // namespace odibi::transform
