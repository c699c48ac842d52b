// Describing relations and resolving user-written column and dataset names with did-you-mean.
#include "relation_columns.hpp"

#include <map>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::transform {
namespace {

// Names of the tables and views the connection can see, for did-you-mean on a missing dataset.
std::vector<std::string> VisibleRelationNames(engine::Connection& connection) {
    std::vector<std::string> names;
    auto result = connection.Query("SELECT DISTINCT table_name FROM information_schema.tables ORDER BY 1");
    for (const auto& row : result.Rows()) {
        if (!row.empty() && row[0]) {
            names.push_back(*row[0]);
        }
    }
    return names;
}

} // namespace

bool SameColumnName(std::string_view left, std::string_view right) {
    return ToLower(left) == ToLower(right);
}

RelationColumns RelationColumns::OfInput(const TransformInput& input) {
    return RelationColumns(input.connection.Describe(input.relation));
}

RelationColumns RelationColumns::OfDataset(engine::Connection& connection,
                                           const std::string& dataset,
                                           const ParamReader& params,
                                           std::string_view param) {
    try {
        return RelationColumns(connection.Describe(engine::QuoteIdentifier(dataset)));
    } catch (const Error& describe_error) {
        if (describe_error.Code() != ErrorCode::SQL_ERROR) {
            throw;
        }
        auto visible = VisibleRelationNames(connection);
        for (const auto& name : visible) {
            if (SameColumnName(name, dataset)) {
                throw; // it exists but cannot be described: DuckDB's own error says why
            }
        }
        Error error = params.Invalid(param,
                                     fmt::format("dataset \"{}\" (param \"{}\") not found: no node output, table "
                                                 "or view has that name",
                                                 dataset,
                                                 param));
        error.WithSuggestion(DidYouMean(dataset, visible));
        error.WithSuggestion(fmt::format("list the node \"{}\" in this node's depends_on so that it runs first "
                                         "and its output is available by name",
                                         dataset));
        throw error;
    }
}

std::vector<std::string> RelationColumns::Names() const {
    std::vector<std::string> names;
    names.reserve(columns_.size());
    for (const auto& column : columns_) {
        names.push_back(column.name);
    }
    return names;
}

std::optional<size_t> RelationColumns::TryFind(std::string_view name) const {
    for (size_t index = 0; index < columns_.size(); ++index) {
        if (columns_[index].name == name) {
            return index;
        }
    }
    for (size_t index = 0; index < columns_.size(); ++index) {
        if (SameColumnName(columns_[index].name, name)) {
            return index;
        }
    }
    return std::nullopt;
}

const std::string& RelationColumns::Resolve(std::string_view name,
                                            const ParamReader& params,
                                            std::string_view param,
                                            std::string_view what) const {
    auto index = TryFind(name);
    if (index) {
        return columns_[*index].name;
    }
    auto names = Names();
    Error error = params.Invalid(param, fmt::format("column \"{}\" (param \"{}\") not found in {}", name, param, what));
    error.WithSuggestion(DidYouMean(name, names));
    error.WithSuggestion(fmt::format("available columns: {}", QuotedList(names)));
    throw error;
}

std::vector<std::string> RelationColumns::ResolveAll(const std::vector<std::string>& names,
                                                     const ParamReader& params,
                                                     std::string_view param,
                                                     std::string_view what) const {
    std::vector<std::string> resolved;
    resolved.reserve(names.size());
    for (const auto& name : names) {
        resolved.push_back(Resolve(name, params, param, what));
    }
    return resolved;
}

void EnsureDistinctColumnNames(const std::vector<std::string>& names,
                               const ParamReader& params,
                               std::string_view param) {
    std::map<std::string, std::string> seen; // lower-cased name -> the name as written
    for (const auto& name : names) {
        auto [position, inserted] = seen.emplace(ToLower(name), name);
        if (!inserted) {
            throw params.Invalid(
                param,
                fmt::format("the result would have two columns named \"{}\"{}",
                            name,
                            position->second == name ? "" : fmt::format(" and \"{}\"", position->second)));
        }
    }
}

std::string ColumnOrExpression(const std::string& item, const RelationColumns& columns) {
    auto index = columns.TryFind(item);
    if (index) {
        return engine::QuoteIdentifier(columns.Columns()[*index].name);
    }
    return item;
}

} // namespace odibi::transform
