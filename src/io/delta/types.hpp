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

/// The text a serialised partition value is read from with PartitionValueCast: nullopt for null and "" (an
/// empty string is a null partition value for every type), timestamps normalised to UTC ("YYYY-MM-DD
/// HH:MM:SS.ffffff"), binary values in hex, booleans in lower case. Throws as PartitionValueSql.
[[nodiscard]] std::optional<std::string> PartitionValueText(const std::optional<std::string>& value,
                                                            const config::Json& delta_type);

/// SQL that reads `text_sql` (a VARCHAR expression holding a PartitionValueText) as a value of `delta_type`.
[[nodiscard]] std::string PartitionValueCast(const std::string& text_sql, const config::Json& delta_type);

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

/// The table's column mapping mode (`delta.columnMapping.mode`): "none" (the default), "name" or "id".
[[nodiscard]] std::string ColumnMappingMode(const Metadata& metadata);

/// The name under which a field (`name` with its schema `metadata`) appears in the data files, in
/// partitionValues and in statistics: its `delta.columnMapping.physicalName` when the table maps columns.
[[nodiscard]] std::string
PhysicalName(const std::string& name, const config::Json& field_metadata, const std::string& mapping_mode);

/// Microseconds since the epoch of "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.f]]" or the ISO 8601 form with
/// 'T', optionally followed by "Z" or a UTC offset ("+02", "+02:00", "-0530"); nullopt otherwise.
[[nodiscard]] std::optional<int64_t> ParseTimestampMicros(std::string_view text);
/// "YYYY-MM-DD HH:MM:SS.ffffff" of microseconds since the epoch (UTC).
[[nodiscard]] std::string FormatTimestampMicros(int64_t micros);

} // namespace odibi::io::delta
