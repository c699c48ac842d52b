// Node version hashes: a canonical JSON of what determines a node's output, hashed with its upstream.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "odibi/config/project.hpp"

namespace odibi::graph {

/// The absolute form of a `sql_file` path: relative paths are taken from the directory of the YAML
/// file that defined the node, else from the project's config directory.
[[nodiscard]] std::string
ResolveSqlFilePath(const std::string& path, const config::NodeConfig& node, const config::ProjectConfig& project);

/// The whole text of a file, or nullopt when it cannot be read.
[[nodiscard]] std::optional<std::string> TryReadTextFile(const std::string& path);

/// What decides a node's output, with keys sorted and sql_file contents inlined (paths left out so
/// the hash is the same on every machine), and the settings of the connections it reads and writes
/// through as written (secret values redacted). Documentation-only keys (description, tags, columns,
/// log_level, retry, on_error, cache, enabled, sensitive) are not part of it.
[[nodiscard]] nlohmann::json CanonicalNodeJson(const config::NodeConfig& node, const config::ProjectConfig& project);

/// SHA-256 (lowercase hex) over the canonical JSON and the (name, hash) pairs of the node's
/// dependencies in dependency order.
[[nodiscard]] std::string ComputeVersionHash(const nlohmann::json& canonical_node,
                                             const std::vector<std::pair<std::string, std::string>>& upstream);

} // namespace odibi::graph
