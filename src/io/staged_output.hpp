// Atomic publication of file outputs: stage beside the target, then swap in with one rename.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace odibi::io {

/// A hidden sibling of a write target, `.<name>.odibi-<purpose>-<uuid>`, that receives complete
/// output before it replaces the target. Whatever is still at the sibling's path when the object is
/// destroyed is removed, so a failed write leaves neither partial output nor the sibling behind.
class StagedOutput {
public:
    /// Reserves the sibling path (nothing is created); creates the target's parent directory.
    StagedOutput(const std::filesystem::path& target, std::string_view purpose);
    StagedOutput(const StagedOutput&) = delete;
    StagedOutput& operator=(const StagedOutput&) = delete;
    StagedOutput(StagedOutput&&) = delete;
    StagedOutput& operator=(StagedOutput&&) = delete;
    ~StagedOutput();

    [[nodiscard]] const std::filesystem::path& Path() const { return path_; }
    /// Where Publish moves the previous output while it has no RENAME_EXCHANGE (BackupPathOf).
    [[nodiscard]] std::filesystem::path BackupPath() const { return BackupPathOf(path_); }

    /// Replaces the target with the staged output. The staged files are flushed to disk first. A file
    /// replaces a file (or nothing) with rename(2); when a directory is involved and the target
    /// exists, renameat2(RENAME_EXCHANGE) swaps the two in one step and the old output is left at the
    /// sibling path until Cleanup. Readers see the old output or the new one, never a mix. After
    /// Publish the target is the staged file or directory itself, so its PublishedMarkerOf is the
    /// marker the staged output had. Throws WRITE_FAILED (EXTERNAL) when the file system refuses.
    void Publish();
    /// Removes what publication left beside the target (the previous output); never throws.
    void Cleanup();

    /// The sibling that holds a target's previous output during a publication without
    /// RENAME_EXCHANGE; derived from the staging path so that recovery can find it.
    [[nodiscard]] static std::filesystem::path BackupPathOf(const std::filesystem::path& staging);

private:
    std::filesystem::path target_;
    std::filesystem::path path_;
};

/// Flushes one file or directory to disk so that a crash after a rename cannot expose empty files.
/// Throws WRITE_FAILED (EXTERNAL) when it cannot.
void SyncPath(const std::filesystem::path& path, bool directory);
/// SyncPath of a file, or of a directory and everything below it.
void SyncTree(const std::filesystem::path& root);

/// Removes `path` (a file or a whole directory) if it exists; never throws.
void RemoveQuietly(const std::filesystem::path& path);

/// "<device>:<inode>" of the file or directory at `path` (not following a symlink); nullopt when
/// nothing is there. A rename keeps both, so the marker of staged output reappears at its target.
[[nodiscard]] std::optional<std::string> PublishedMarkerOf(const std::filesystem::path& path);

} // namespace odibi::io
