// Reading and writing data in a format (csv, parquet, json): scans are lazy SQL, writes are COPY.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/io/storage.hpp"

namespace odibi::io {

/// Format names this build reads and writes (for did-you-mean and `odibi list`).
[[nodiscard]] std::vector<std::string> SupportedFormats();

/// A DuckDB table expression that scans the source lazily (e.g. `read_csv('/abs/x.csv', header = true)`),
/// with `read.filter` applied as a WHERE clause. Options are validated: unknown ones give
/// INVALID_FORMAT_OPTION with did-you-mean; a missing path gives INPUT_NOT_FOUND naming the path.
[[nodiscard]] std::string BuildScan(const config::ReadConfig& read, const Storage& storage);
/// BuildScan with the reader's inference (a CSV file's dialect, header and column types) run once
/// now on `connection` and written into the expression. A view over a scan binds it again each
/// time a view over the view is created, which for an unpinned CSV repeats the sniffing of the file.
[[nodiscard]] std::string
BuildPinnedScan(const config::ReadConfig& read, const Storage& storage, engine::Connection& connection);

/// A pinned scan, and what it reads of a table format's files.
struct PinnedScan {
    std::string sql;
    /// Delta: how many of the table's files the scan reads and why it skips the others ("3 of 40 files
    /// (37 skipped by statistics)"); nullopt for file formats, which read every file they name.
    std::optional<std::string> files_read;
};

/// BuildPinnedScan, with `skipping_filters` (conditions over the source's columns, such as an incremental
/// read's) also used, as read.filter is, to skip the files of a table format that cannot hold a matching
/// row. They do not filter rows: the caller applies them.
[[nodiscard]] PinnedScan PinScan(const config::ReadConfig& read,
                                 const Storage& storage,
                                 engine::Connection& connection,
                                 const std::vector<std::string>& skipping_filters = {});

struct WriteRequest {
    const config::WriteConfig& write;
    const Storage& storage;
    std::string source_relation; ///< quoted view/table name holding the rows to write
    /// When set, hidden siblings that earlier writes of this target left behind (a crash before
    /// their intent was recorded or after it was closed) are removed before staging, except the
    /// staging paths listed here (writes whose intent is still open).
    std::optional<std::set<std::string>> remove_leftovers_except = std::nullopt;
    /// Delta: the writer's id ("odibi/<pipeline>/<node>"), committed as a txn action with the data.
    std::optional<std::string> writer_id = std::nullopt;
    /// Delta: fields added to the commit's commitInfo (e.g. the run id).
    config::Json commit_details = config::Json::object();
};

struct WriteOutcome {
    std::string location;       ///< resolved target path
    int64_t rows_written = 0;   ///< rows this write added or changed
    int64_t rows_in_target = 0; ///< rows in the target after the write
    bool target_existed = false;
    bool unchanged = false;       ///< skip_if_unchanged found the rows equal to the last write: nothing written
    std::vector<std::string> sql; ///< statements that ran, for the story
};

/// A write whose complete new output sits in a hidden sibling of the target, not yet visible
/// (docs/exactly-once.md). Every mode stages the whole new target (append, upsert and append_once
/// rewrite the old rows with the new ones), so publication is one rename in every mode. Destroying
/// it without Publish removes the staged output: the target stays as it was.
class StagedWrite {
public:
    struct Parts;
    explicit StagedWrite(std::unique_ptr<Parts> parts);
    StagedWrite(StagedWrite&&) noexcept;
    StagedWrite& operator=(StagedWrite&&) noexcept;
    StagedWrite(const StagedWrite&) = delete;
    StagedWrite& operator=(const StagedWrite&) = delete;
    ~StagedWrite();

    /// Row counts and statements of the write, as they will be once it is published.
    [[nodiscard]] const WriteOutcome& Outcome() const;
    [[nodiscard]] std::string Target() const;
    [[nodiscard]] std::string Staging() const;
    /// "<device>:<inode>" of the staged output: the target carries it once the write is published.
    [[nodiscard]] const std::string& PublishedMarker() const;

    /// Moves the staged output into place atomically (rename, or renameat2(RENAME_EXCHANGE) for
    /// directories). Throws WRITE_FAILED when the file system refuses; the old output is then intact.
    void Publish();
    /// Removes what publication left beside the target (the previous output); never throws.
    void Cleanup();

private:
    std::unique_ptr<Parts> parts_;
};

/// Runs the write's COPY into a staging sibling of the target and stops before publishing it.
[[nodiscard]] StagedWrite StageWrite(engine::Connection& connection, const WriteRequest& request);

/// Writes `source_relation` to the target in DuckDB SQL (never through C++ memory): StageWrite, then
/// Publish and Cleanup. Every mode is atomic: readers see the old or the new output, and a failed
/// write leaves the old one in place.
[[nodiscard]] WriteOutcome Write(engine::Connection& connection, const WriteRequest& request);

/// Whether a staged write was published: the target is now the staged file or directory (its
/// "<device>:<inode>" equals `published_marker`). For recovery of an open write intent.
[[nodiscard]] bool IsWritePublished(const std::string& target, const std::string& published_marker);

/// Rolls back a write that was staged but not published: puts back a previous output that a
/// publication without RENAME_EXCHANGE had moved aside, and removes the staged output. Throws
/// WRITE_FAILED when the previous output cannot be put back.
void RollBackStagedWrite(const std::string& target, const std::string& staging);

/// Removes what a published write left beside its target (the previous output); never throws.
void CleanUpPublishedWrite(const std::string& staging);

/// True if the write target exists (first-run detection).
[[nodiscard]] bool TargetExists(const config::WriteConfig& write, const Storage& storage);

/// A scan of what a write produced (used to read a node's output back, e.g. `$pipeline.node`).
[[nodiscard]] config::ReadConfig ReadBackConfig(const config::WriteConfig& write);

/// Checks a read block without touching any file: option names and values of its format, and a
/// `query` that is a whole SELECT. For `odibi validate`, so that option mistakes surface before
/// anything runs. Blocks whose format this build does not read give no diagnostics here.
/// Locations carry the dotted config path only (callers add file:line:col).
[[nodiscard]] DiagnosticList ValidateRead(const config::ReadConfig& read);

/// Checks a write block without touching any file: writer options, `keys` for upsert/append_once,
/// partition_by support and the write mode.
[[nodiscard]] DiagnosticList ValidateWrite(const config::WriteConfig& write);

} // namespace odibi::io
