// Glob expansion on the local file system, with the same pattern language as DuckDB's readers.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace odibi::io {

/// The longest leading directory of `pattern` that contains no glob character ("/data/in" for
/// "/data/in/**/*.csv").
[[nodiscard]] std::string GlobBaseDirectory(const std::string& pattern);

/// Regular files matching `pattern`, sorted, at most `limit` of them. `*`, `?` and `[...]` match
/// within one path segment (a leading dot included, as in DuckDB); a `**` segment matches any number
/// of directories, zero included. Symbolic links to directories are not followed by `**`.
[[nodiscard]] std::vector<std::string> ExpandGlob(const std::string& pattern, size_t limit);

} // namespace odibi::io
