// Quoting helpers: SQL text is always built with these, never by pasting user strings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace odibi::engine {

/// "my col" -> "\"my col\"" (embedded double quotes doubled).
[[nodiscard]] std::string QuoteIdentifier(std::string_view identifier);
/// O'Brien -> 'O''Brien'.
[[nodiscard]] std::string QuoteLiteral(std::string_view value);
/// True for DuckDB's integer, floating-point and DECIMAL(p, s) type names (any case).
[[nodiscard]] bool IsNumericType(std::string_view type);
/// `left.c1 IS NOT DISTINCT FROM right.c1 AND ...` over `columns` (quoted here): rows match when
/// their values are equal, NULLs equal to NULLs, as keyed writes and row comparisons need.
[[nodiscard]] std::string
ColumnsMatch(const std::string& left, const std::string& right, const std::vector<std::string>& columns);
/// Quotes each identifier and joins them with ", ".
[[nodiscard]] std::string QuoteIdentifierList(const std::vector<std::string>& identifiers);

} // namespace odibi::engine
