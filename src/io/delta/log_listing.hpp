// What `_delta_log` holds: commit files, complete checkpoints and the `_last_checkpoint` hint.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace odibi::io::delta {

struct LogListing {
    std::filesystem::path log_directory;
    std::set<int64_t> commits;                                         ///< versions with a NNN.json
    std::map<int64_t, std::vector<std::filesystem::path>> checkpoints; ///< version -> its parts, complete only
    std::vector<int64_t> v2_checkpoints; ///< versions with only a UUID-named (v2) checkpoint
    std::optional<int64_t> last_checkpoint_hint;

    /// The newest version the log holds (a commit or a checkpoint); -1 when it holds none.
    [[nodiscard]] int64_t LatestVersion() const;
    /// The commit file of `version` (listed or not).
    [[nodiscard]] std::filesystem::path CommitPath(int64_t version) const;
};

/// Lists `<table>/_delta_log` without recursing (sub-folders such as `.tmp/` are ignored, and so is
/// every name that is not a commit, a checkpoint or `_last_checkpoint`). Only names are read: a log of
/// ten thousand commits lists in a few milliseconds, and no commit file is opened.
[[nodiscard]] LogListing ListLog(const std::filesystem::path& table_root);

} // namespace odibi::io::delta
