// Helpers over engine results that do not depend on DuckDB.
#include <fmt/format.h>

#include "odibi/common/error.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::engine {

std::vector<std::string> ColumnNames(const std::vector<ColumnInfo>& columns) {
    std::vector<std::string> names;
    names.reserve(columns.size());
    for (const auto& column : columns) {
        names.push_back(column.name);
    }
    return names;
}

std::optional<std::string> ResultTable::Scalar() const {
    if (rows_.size() != 1 || columns_.size() != 1) {
        throw InternalError(
            fmt::format("expected a single value, got {} rows x {} columns", rows_.size(), columns_.size()));
    }
    return rows_[0][0];
}

} // namespace odibi::engine
