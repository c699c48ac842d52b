// File-system helpers for .test checks: globbing with **, tree snapshots and comparisons.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace odibi::e2e {

// Paths under `root` (relative, '/'-separated, sorted) matching `pattern`: segments use shell
// wildcards (* ? [...]) and a `**` segment matches zero or more directories.
[[nodiscard]] std::vector<std::string> GlobFiles(const std::filesystem::path& root, const std::string& pattern);

// The content of every regular file under a path (or of the file itself), keyed by relative path;
// directories appear as keys ending in '/'. `exists` is false when the path was absent.
struct TreeSnapshot {
    bool exists = false;
    std::map<std::string, std::optional<std::string>> entries;
};

[[nodiscard]] TreeSnapshot TakeSnapshot(const std::filesystem::path& path);

// The first difference between two snapshots, or nullopt when they are equal.
[[nodiscard]] std::optional<std::string> DescribeDifference(const TreeSnapshot& before, const TreeSnapshot& after);

// The whole file as bytes; nullopt when it cannot be read.
[[nodiscard]] std::optional<std::string> ReadFileBytes(const std::filesystem::path& path);

// A short listing of what lies under `path` (at most `limit` entries), for failure reports.
[[nodiscard]] std::string DescribeDirectory(const std::filesystem::path& path, size_t limit = 40);

} // namespace odibi::e2e
