// Staging siblings and their publication with rename(2) / renameat2(RENAME_EXCHANGE).
#include "staged_output.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "odibi/common/error.hpp"
#include "odibi/common/fault_injection.hpp"
#include "odibi/common/identity.hpp"

namespace odibi::io {
namespace {

namespace fs = std::filesystem;

Error FileSystemError(std::string_view what, const fs::path& path, int error_number) {
    Error error(ErrorCode::WRITE_FAILED,
                ErrorSource::EXTERNAL,
                fmt::format("{} {}: {}", what, path.string(), std::strerror(error_number)));
    error.WithContext("path", path.string());
    error.WithSuggestion("check that the directory exists, is writable and has free space");
    return error;
}

bool IsDirectoryNoFollow(const fs::path& path) {
    struct stat status {};
    return ::lstat(path.c_str(), &status) == 0 && S_ISDIR(status.st_mode);
}

bool ExistsNoFollow(const fs::path& path) {
    struct stat status {};
    return ::lstat(path.c_str(), &status) == 0;
}

// For file systems without RENAME_EXCHANGE: move the old target aside, move the new one in, and put
// the old one back if that fails. Readers may briefly see no target, but never a partial one; a crash
// between the two renames leaves the old output at `backup`, where recovery finds it.
void SwapThroughBackup(const fs::path& staged, const fs::path& target, const fs::path& backup) {
    if (::rename(target.c_str(), backup.c_str()) != 0) {
        throw FileSystemError("could not move the previous output aside", target, errno);
    }
    fault::CrashPoint(fault::AFTER_MOVE_ASIDE);
    if (::rename(staged.c_str(), target.c_str()) != 0) {
        int error_number = errno;
        static_cast<void>(::rename(backup.c_str(), target.c_str()));
        throw FileSystemError("could not move the new output into place at", target, error_number);
    }
}

bool HasRenameExchange() {
    return !fault::FlagSet("no_rename_exchange");
}

} // namespace

void SyncPath(const fs::path& path, bool directory) {
    int descriptor = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) {
        throw FileSystemError("could not open for flushing", path, errno);
    }
    int result = ::fsync(descriptor);
    int error_number = errno;
    ::close(descriptor);
    if (result != 0 && error_number != EINVAL) {
        throw FileSystemError("could not flush", path, error_number);
    }
}

void SyncTree(const fs::path& root) {
    std::error_code error;
    if (!fs::is_directory(root, error)) {
        SyncPath(root, false);
        return;
    }
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        SyncPath(entry.path(), entry.is_directory());
    }
    SyncPath(root, true);
}

void RemoveQuietly(const fs::path& path) {
    std::error_code error;
    fs::remove_all(path, error);
}

StagedOutput::StagedOutput(const fs::path& target, std::string_view purpose) : target_(target) {
    fs::path parent = target_.parent_path();
    std::error_code error;
    fs::create_directories(parent, error);
    if (error) {
        throw FileSystemError("could not create the directory", parent, error.value());
    }
    path_ = parent / fmt::format(".{}.odibi-{}-{}", target_.filename().string(), purpose, NewUuid());
}

std::optional<std::string> PublishedMarkerOf(const fs::path& path) {
    struct stat status {};
    if (::lstat(path.c_str(), &status) != 0) {
        return std::nullopt;
    }
    return fmt::format("{}:{}", static_cast<uint64_t>(status.st_dev), static_cast<uint64_t>(status.st_ino));
}

StagedOutput::~StagedOutput() {
    Cleanup();
}

fs::path StagedOutput::BackupPathOf(const fs::path& staging) {
    return fs::path(staging.string() + "-previous");
}

void StagedOutput::Cleanup() {
    RemoveQuietly(path_);
    RemoveQuietly(BackupPath());
}

void StagedOutput::Publish() {
    if (!ExistsNoFollow(path_)) {
        throw InternalError(fmt::format("the staged output {} is missing at publication", path_.string()));
    }
    SyncTree(path_);
    bool staged_is_directory = IsDirectoryNoFollow(path_);
    bool target_exists = ExistsNoFollow(target_);
    if (!target_exists || (!staged_is_directory && !IsDirectoryNoFollow(target_))) {
        if (::rename(path_.c_str(), target_.c_str()) != 0) {
            throw FileSystemError("could not move the new output into place at", target_, errno);
        }
    } else if (!HasRenameExchange()) {
        SwapThroughBackup(path_, target_, BackupPath());
    } else if (::renameat2(AT_FDCWD, path_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0) {
        if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
            throw FileSystemError("could not swap the new output into place at", target_, errno);
        }
        SwapThroughBackup(path_, target_, BackupPath());
    }
    // After an exchange the previous output sits at the staging path, no longer visible; Cleanup
    // removes it.
    SyncPath(target_.parent_path(), true);
}

} // namespace odibi::io
