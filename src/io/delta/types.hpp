// Delta types <-> DuckDB types, and partition values <-> typed SQL literals (PROTOCOL.md, "Schema
// Serialization Format" and "Partition Value Serialization").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "odibi/io/delta.hpp"

namespace odibi::io::delta {

// DuckDbType(delta_type) is declared in the public header odibi/io/delta.hpp.

/// The Delta type of a DuckDB type as `Describe` renders it ("BIGINT" -> "long", "DECIMAL(10,2)" ->
/// "decimal(10,2)", "STRUCT(a INTEGER, \"b c\" VARCHAR[])" -> a struct object). Unsigned integers widen
/// to the next signed type that holds them. Throws DELTA_FEATURE_UNSUPPORTED naming the type for
/// types Delta cannot store (TIME, INTERVAL, UNION, ...).
[[nodiscard]] config::Json DeltaTypeOf(const std::string& duckdb_type);

/// The typed SQL literal of a serialised partition value: `CAST(NULL AS T)` for null or "" (an empty
/// string is a null partition value for every type), timestamps normalised to UTC. Throws
/// DELTA_LOG_INVALID when the value does not parse as `delta_type`, DELTA_FEATURE_UNSUPPORTED for a
/// type that cannot partition a table.
[[nodiscard]] std::string PartitionValueSql(const std::optional<std::string>& value, const config::Json& delta_type);

/// SQL that renders `value_sql` (a column of Delta type `delta_type`) as its serialised partition
/// value (PROTOCOL.md "Partition Value Serialization"), the inverse of PartitionValueSql:
/// timestamps "YYYY-MM-DD HH:MM:SS.ffffff" (UTC), dates "YYYY-MM-DD", booleans "true"/"false",
/// doubles with Java's "NaN"/"Infinity" spellings. NULL stays NULL.
[[nodiscard]] std::string PartitionValueExpression(const std::string& value_sql, const config::Json& delta_type);

/// Microseconds since the epoch of "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.f]]" or the ISO 8601 form with
/// 'T', optionally followed by "Z" or a UTC offset ("+02", "+02:00", "-0530"); nullopt otherwise.
[[nodiscard]] std::optional<int64_t> ParseTimestampMicros(std::string_view text);
/// "YYYY-MM-DD HH:MM:SS.ffffff" of microseconds since the epoch (UTC).
[[nodiscard]] std::string FormatTimestampMicros(int64_t micros);

} // namespace odibi::io::delta
