// Regular-expression matching in SQL: the start-anchored match that regex_match checks ask for.
#pragma once

#include <string>
#include <string_view>

namespace odibi::engine {

/// `^(?:pattern)`: the pattern anchored at the start of the text only (Python's re.match).
[[nodiscard]] std::string AnchoredPattern(std::string_view pattern);
/// SQL that is true when the text `text_sql` starts with a match of `pattern` (RE2 syntax), NULL
/// for NULL text: odibi's DFA function when the pattern is in its subset (several times faster),
/// else DuckDB's regexp_matches with AnchoredPattern.
[[nodiscard]] std::string PrefixMatchSql(const std::string& text_sql, const std::string& pattern);

} // namespace odibi::engine
