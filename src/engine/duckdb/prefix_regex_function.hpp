// odibi_regexp_prefix_match(text, pattern): PrefixRegex as a DuckDB scalar function.
#pragma once

#include "prefix_regex.hpp"
#include <duckdb.h>

namespace odibi::engine {

/// Registers PREFIX_MATCH_FUNCTION in the database of `connection` (every connection of it sees it).
/// Its pattern must be a constant that PrefixRegex::Compile accepts (binding fails otherwise); NULL
/// text gives NULL.
void RegisterPrefixMatchFunction(duckdb_connection connection);

} // namespace odibi::engine
