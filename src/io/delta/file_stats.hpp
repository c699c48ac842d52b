// The `stats` of an add action (PROTOCOL.md, "Per-file Statistics"), read from a parquet footer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "odibi/engine/database.hpp"
#include "odibi/io/delta.hpp"

namespace odibi::io::delta {

/// The longest string prefix kept as a min value; a longer max value is left out (a truncated max
/// would be smaller than the real one).
inline constexpr size_t STATS_STRING_PREFIX_LENGTH = 32;

/// The `stats` JSON of an add action for `parquet_file`, from its footer (DuckDB's parquet_metadata):
/// `{"numRecords":N,"minValues":{...},"maxValues":{...},"nullCount":{...}}` keyed by physical names
/// (`delta.columnMapping.physicalName`, else the name), nested for structs. Row-group statistics are combined (min of
/// mins, max of maxes, sum of null counts); a column is left out of an object when any row group lacks that statistic.
/// Timestamps are ISO 8601 UTC with milliseconds (a max is rounded up when it had microseconds), strings are cut to
/// STATS_STRING_PREFIX_LENGTH characters for min and left out of max when longer, booleans and binaries have null
/// counts only, arrays and maps have no statistics.
[[nodiscard]] std::string
FileStatsJson(engine::Connection& connection, const std::string& parquet_file, const std::vector<Field>& data_fields);

/// What an add action's `stats` say about one column, as written: numbers keep their JSON text (a decimal's digits
/// survive), strings are unescaped; nullopt where the writer left a statistic out.
struct ColumnStats {
    std::optional<std::string> min;
    std::optional<std::string> max;
    std::optional<int64_t> null_count;
};

/// An add action's `stats`, parsed.
struct FileStats {
    std::optional<int64_t> num_records;
    /// Keyed by physical path: a top-level column's physical name, then field names inside structs.
    std::map<std::vector<std::string>, ColumnStats> columns;
};

/// Parses the `stats` JSON of an add action; nullopt when it is not a JSON object (a damaged statistic is
/// no statistic: callers then know nothing about the file).
[[nodiscard]] std::optional<FileStats> ParseFileStats(std::string_view stats_json);

} // namespace odibi::io::delta
