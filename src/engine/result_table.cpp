// ResultTable helpers that do not depend on DuckDB.
#include <fmt/format.h>

#include "odibi/common/error.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::engine {

std::optional<std::string> ResultTable::Scalar() const {
    if (rows_.size() != 1 || columns_.size() != 1) {
        throw InternalError(
            fmt::format("expected a single value, got {} rows x {} columns", rows_.size(), columns_.size()));
    }
    return rows_[0][0];
}

} // namespace odibi::engine
