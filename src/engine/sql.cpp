// Identifier and literal quoting for DuckDB SQL.
#include "odibi/engine/sql.hpp"

#include <set>

#include "odibi/common/strings.hpp"

namespace odibi::engine {

namespace {

// Wraps `text` in `quote`, doubling embedded quote characters.
std::string Quote(std::string_view text, char quote) {
    std::string result;
    result.reserve(text.size() + 2);
    result.push_back(quote);
    for (char c : text) {
        result.push_back(c);
        if (c == quote) {
            result.push_back(quote);
        }
    }
    result.push_back(quote);
    return result;
}

} // namespace

std::string QuoteIdentifier(std::string_view identifier) {
    return Quote(identifier, '"');
}

std::string QuoteLiteral(std::string_view value) {
    return Quote(value, '\'');
}

std::string QuoteIdentifierList(const std::vector<std::string>& identifiers) {
    std::vector<std::string> quoted;
    quoted.reserve(identifiers.size());
    for (const auto& identifier : identifiers) {
        quoted.push_back(QuoteIdentifier(identifier));
    }
    return Join(quoted, ", ");
}

bool IsNumericType(std::string_view type) {
    static const std::set<std::string, std::less<>> NUMERIC_TYPES = {"TINYINT",
                                                                     "SMALLINT",
                                                                     "INTEGER",
                                                                     "BIGINT",
                                                                     "HUGEINT",
                                                                     "UTINYINT",
                                                                     "USMALLINT",
                                                                     "UINTEGER",
                                                                     "UBIGINT",
                                                                     "UHUGEINT",
                                                                     "FLOAT",
                                                                     "DOUBLE"};
    std::string upper = ToUpper(type);
    return NUMERIC_TYPES.contains(upper) || StartsWith(upper, "DECIMAL");
}

std::string ColumnsMatch(const std::string& left, const std::string& right, const std::vector<std::string>& columns) {
    std::vector<std::string> terms;
    terms.reserve(columns.size());
    for (const auto& column : columns) {
        std::string quoted = QuoteIdentifier(column);
        terms.push_back(left + "." + quoted + " IS NOT DISTINCT FROM " + right + "." + quoted);
    }
    return Join(terms, " AND ");
}

} // namespace odibi::engine
