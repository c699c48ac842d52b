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
/// Quotes each identifier and joins them with ", ".
[[nodiscard]] std::string QuoteIdentifierList(const std::vector<std::string>& identifiers);

} // namespace odibi::engine
