// The `stats` of an add action (PROTOCOL.md, "Per-file Statistics"), read from a parquet footer.
#pragma once

#include <string>
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

} // namespace odibi::io::delta
