// Per-file bounds of a snapshot's columns (min, max, nulls) from the add actions' statistics and partition values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "odibi/io/delta.hpp"

namespace odibi::io::delta {

/// How a column's values are bounded and compared.
enum class BoundKind : uint8_t {
    STRING,   ///< VARCHAR, compared bytewise; a long max may be a truncated prefix
    NUMBER,   ///< integers and decimals
    FLOATING, ///< float and double: parquet statistics leave NaN (DuckDB's largest value) out of max
    DATE,
    TIMESTAMP, ///< timestamp and timestamp_ntz: statistics hold milliseconds
    NULLS,     ///< boolean, binary and the rest: null counts only
};

/// A leaf column of the schema whose per-file bounds a query needs: a top-level column or a field of structs.
struct BoundedColumn {
    std::vector<std::string> physical_path; ///< physical names, outermost first (the key of its statistics)
    config::Json type;                      ///< its Delta type
    BoundKind kind = BoundKind::NULLS;
    bool partition = false; ///< a partition column: its value is in partitionValues, exact
};

/// The leaf column that `names` denotes (a column, then field names inside struct columns; compared
/// case-insensitively, as DuckDB resolves names); nullopt when there is none or it is not a primitive.
[[nodiscard]] std::optional<BoundedColumn> TryGetBoundedColumn(const Metadata& metadata,
                                                               const std::vector<std::string>& names);

/// Column names of FileBoundsSql's table, for the column at `index` of its `columns`.
[[nodiscard]] std::string MinBoundColumn(size_t index);
[[nodiscard]] std::string MaxBoundColumn(size_t index);
[[nodiscard]] std::string AllNullColumn(size_t index);
[[nodiscard]] std::string SomeNullColumn(size_t index);

/// The column of FileBoundsSql's table that holds the index of a file in `files`.
inline constexpr const char* BOUNDED_FILE_COLUMN = "odibi_file";

/// A table expression with one row per file of `files`: BOUNDED_FILE_COLUMN (its index in `files`) and, for each
/// column k of `columns`, MinBoundColumn(k) and MaxBoundColumn(k) (of the column's DuckDB type: every value of the
/// file lies between them) and AllNullColumn(k), SomeNullColumn(k) (BOOLEAN). Every bound is NULL where the log does
/// not say: no statistics, a column left out of them, a value that does not parse. Bounds are safe, never tight
/// where the statistics are not: a timestamp max is widened by a millisecond (statistics drop microseconds), a
/// string max as long as the table's string prefix (`delta.dataSkippingStringPrefixLength`, 32) becomes the next
/// string after that prefix (writers truncate long values), a floating-point max is unknown (NaN is not in
/// statistics). Partition values bound exactly; one that does not parse as its type throws DELTA_LOG_INVALID. The rows
/// travel as one JSON text, not one SQL literal per value: DuckDB binds a VALUES list of ten thousand rows slowly.
[[nodiscard]] std::string FileBoundsSql(const Snapshot& snapshot,
                                        const std::vector<const AddFile*>& files,
                                        const std::vector<BoundedColumn>& columns);

} // namespace odibi::io::delta
