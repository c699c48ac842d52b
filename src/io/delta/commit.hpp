// Committing to a Delta log: staged data files moved into the table, then one commit file created with
// put-if-absent, retried on the next version when the commits in between do not conflict.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "actions.hpp"
#include "checkpoint_writer.hpp"

#include "odibi/engine/database.hpp"
#include "odibi/io/delta.hpp"

namespace odibi::io::delta {

/// How a commit may go on top of commits that other writers made after its read version.
enum class CommitIsolation {
    SERIALIZABLE, ///< overwrite, upsert, append_once: any data change of another writer conflicts
    BLIND_APPEND, ///< adds files only: other writers' data changes cannot conflict with it
    REARRANGE,    ///< OPTIMIZE: re-adds the rows of the files it removes; conflicts when another writer
                  ///< removed one of those files, not with appends
};

/// The commit that a staged write or a maintenance operation makes, and what retrying it needs.
struct PlannedCommit {
    Actions actions;
    int64_t read_version = -1; ///< the snapshot the commit was planned on; -1 for a new table
    CommitIsolation isolation = CommitIsolation::SERIALIZABLE;
    bool creates_table = false;
    std::string txn_id;
    std::vector<std::string> staged_files; ///< relative paths under the staging data directory
    /// delta.checkpointInterval of the table the commit goes to (CheckpointInterval); nullopt: never.
    std::optional<int64_t> checkpoint_interval = DEFAULT_CHECKPOINT_INTERVAL;
};

/// Moves `commit.staged_files` from `staged_data` into `table` (same relative paths), then commits
/// (CommitActions). When the commit fails, the moved files are taken out of the table again. Returns
/// the version committed. Throws WRITE_FAILED (file system) or DELTA_COMMIT_CONFLICT.
int64_t PublishCommit(engine::Connection& connection,
                      const std::filesystem::path& table,
                      const std::filesystem::path& staged_data,
                      PlannedCommit& commit);

/// Creates the commit file of `commit.actions` at read_version + 1 with put-if-absent; when another
/// writer took that version, checks the commits in between for a conflict (by `commit.isolation`) and
/// tries the next version. Checkpoints when the version is a multiple of delta.checkpointInterval.
/// Returns the version committed. `commit` may be adjusted (a table created concurrently by a writer
/// with the same schema drops its metadata and protocol).
int64_t CommitActions(engine::Connection& connection, const std::filesystem::path& table, PlannedCommit& commit);

/// Why odibi cannot write the table of `snapshot`: the writer features (or protocol versions) it lacks;
/// empty when it can.
[[nodiscard]] std::vector<std::string> UnsupportedWriterFeatures(const Snapshot& snapshot);

} // namespace odibi::io::delta
