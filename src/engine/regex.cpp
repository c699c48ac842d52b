// SQL for start-anchored regular-expression matches.
#include "odibi/engine/regex.hpp"

#include "prefix_regex.hpp"

#include "odibi/engine/sql.hpp"

namespace odibi::engine {

std::string AnchoredPattern(std::string_view pattern) {
    return "^(?:" + std::string(pattern) + ")";
}

std::string PrefixMatchSql(const std::string& text_sql, const std::string& pattern) {
    if (PrefixRegex::Compile(pattern)) {
        return std::string(PREFIX_MATCH_FUNCTION) + "(" + text_sql + ", " + QuoteLiteral(pattern) + ")";
    }
    return "regexp_matches(" + text_sql + ", " + QuoteLiteral(AnchoredPattern(pattern)) + ")";
}

} // namespace odibi::engine
