// Rewrites the names `df`, `current_df` and input aliases in user SQL to the relations they mean.
#pragma once

#include <map>
#include <string>

namespace odibi::execute {

/// Replaces identifier tokens (case-insensitive) found in `replacements` with the mapped text.
/// String literals, quoted identifiers, comments and qualified names (`t.df`) are left alone.
[[nodiscard]] std::string RewriteRelationNames(const std::string& sql,
                                               const std::map<std::string, std::string>& replacements);

/// Removes trailing semicolons and whitespace so that a statement can be wrapped in a view.
[[nodiscard]] std::string StripTrailingSemicolons(const std::string& sql);

} // namespace odibi::execute
