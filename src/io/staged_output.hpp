// Atomic publication of file outputs: stage beside the target, then swap in with one rename.
#pragma once

#include <filesystem>
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

    /// Replaces the target with the staged output. The staged files are flushed to disk first. A file
    /// replaces a file (or nothing) with rename(2); when a directory is involved and the target
    /// exists, renameat2(RENAME_EXCHANGE) swaps the two in one step and the old output, now at the
    /// sibling path, is removed. Readers see the old output or the new one, never a mix.
    /// Throws WRITE_FAILED (EXTERNAL) when the file system refuses.
    void Publish();

private:
    std::filesystem::path target_;
    std::filesystem::path path_;
};

/// Removes `path` (a file or a whole directory) if it exists; never throws.
void RemoveQuietly(const std::filesystem::path& path);

} // namespace odibi::io
