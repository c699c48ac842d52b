// The type-2 history of a target after a batch: the SQL shared by the scd2 and dimension patterns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pattern_support.hpp"

namespace odibi::transform {

/// One SCD2 step: incoming rows, the existing history, and the names that drive the comparison.
struct Scd2Step {
    std::string source;                       ///< quoted relation of the incoming rows
    RelationColumns source_columns;           ///< its columns
    std::optional<std::string> target;        ///< quoted relation of the existing history (nullopt: first run)
    RelationColumns target_columns;           ///< its columns (empty on a first run)
    std::vector<std::string> keys;            ///< resolved key columns
    std::vector<std::string> track_cols;      ///< resolved tracked columns
    std::string effective_time;               ///< SQL over the incoming row: when its version starts
    std::string start_column;                 ///< e.g. valid_from
    std::string end_column;                   ///< e.g. valid_to
    std::string current_column;               ///< e.g. is_current
    std::optional<std::string> delete_column; ///< a boolean column: true closes the key's current version
    /// Select items added to the inserted rows only (new keys and new versions), such as a surrogate key
    /// numbered over them: `<sql> AS <name>`. The existing rows keep their own values.
    std::vector<std::string> inserted_columns;
};

/// A SELECT of the whole history after the step: the existing rows (a changed or deleted key's
/// current row closed at the latest start of its incoming rows), the rows of new keys and the new
/// versions of changed keys, in no particular order. An incoming row is unchanged when a
/// current row of its key has equal tracked values: NULLs equal NULLs, floating-point values equal
/// within a relative 1e-9 (absolute 1e-12), and a tracked column the history lacks equals NULL.
/// `params` and `param` name the pattern's params in errors (a history without the end or current
/// column).
[[nodiscard]] std::string Scd2HistorySql(const Scd2Step& step, const ParamReader& params);

/// The columns of an SCD2 output, in order: the incoming columns (the start, end and current columns
/// left out), the history's other columns, then start, end and current.
[[nodiscard]] std::vector<std::string> Scd2OutputColumns(const Scd2Step& step);

} // namespace odibi::transform
