// Identifier and literal quoting for DuckDB SQL.
#include "odibi/engine/sql.hpp"

#include "odibi/common/strings.hpp"

namespace odibi::engine {

std::string QuoteIdentifier(std::string_view identifier) {
    return "\"" + ReplaceAll(std::string(identifier), "\"", "\"\"") + "\"";
}

std::string QuoteLiteral(std::string_view value) { return "'" + ReplaceAll(std::string(value), "'", "''") + "'"; }

std::string QuoteIdentifierList(const std::vector<std::string>& identifiers) {
    std::vector<std::string> quoted;
    quoted.reserve(identifiers.size());
    for (const auto& identifier : identifiers) {
        quoted.push_back(QuoteIdentifier(identifier));
    }
    return Join(quoted, ", ");
}

} // namespace odibi::engine
