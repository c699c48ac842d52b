// Glob expansion on the local file system: segment-wise fnmatch plus `**` for any depth.
#include "storage/path_glob.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include <fnmatch.h>

#include "odibi/common/strings.hpp"
#include "odibi/io/storage.hpp"

namespace odibi::io {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view RECURSIVE_SEGMENT = "**";

struct DirectoryEntry {
    std::string name;
    bool is_directory = false;
    bool is_regular_file = false;
    bool is_symlink = false;
};

std::vector<DirectoryEntry> SortedEntries(const fs::path& directory) {
    std::vector<DirectoryEntry> entries;
    std::error_code error;
    fs::directory_iterator iterator(directory, fs::directory_options::skip_permission_denied, error);
    if (error) {
        return entries;
    }
    for (const auto& entry : iterator) {
        std::error_code status_error;
        DirectoryEntry item;
        item.name = entry.path().filename().string();
        item.is_symlink = entry.is_symlink(status_error);
        item.is_directory = entry.is_directory(status_error);
        item.is_regular_file = entry.is_regular_file(status_error);
        entries.push_back(std::move(item));
    }
    std::sort(entries.begin(), entries.end(), [](const DirectoryEntry& left, const DirectoryEntry& right) {
        return left.name < right.name;
    });
    return entries;
}

class GlobMatcher {
public:
    GlobMatcher(std::vector<std::string> segments, size_t limit) : segments_(std::move(segments)), limit_(limit) {}

    void Match(const fs::path& directory, size_t index) {
        if (Full() || index >= segments_.size()) {
            return;
        }
        const std::string& segment = segments_[index];
        bool last = index + 1 == segments_.size();
        if (segment == RECURSIVE_SEGMENT) {
            MatchRecursive(directory, index, last);
            return;
        }
        if (!HasGlob(segment)) {
            MatchLiteral(directory / segment, index, last);
            return;
        }
        for (const auto& entry : SortedEntries(directory)) {
            if (Full()) {
                return;
            }
            if (fnmatch(segment.c_str(), entry.name.c_str(), 0) != 0) {
                continue;
            }
            if (last && entry.is_regular_file) {
                matches_.push_back((directory / entry.name).string());
            } else if (!last && entry.is_directory) {
                Match(directory / entry.name, index + 1);
            }
        }
    }

    [[nodiscard]] std::vector<std::string> TakeMatches() { return std::move(matches_); }

private:
    [[nodiscard]] bool Full() const { return matches_.size() >= limit_; }

    void MatchLiteral(const fs::path& path, size_t index, bool last) {
        std::error_code error;
        if (last) {
            if (fs::is_regular_file(path, error)) {
                matches_.push_back(path.string());
            }
            return;
        }
        if (fs::is_directory(path, error)) {
            Match(path, index + 1);
        }
    }

    // `**` as the last segment lists every file below `directory`; elsewhere it lets the rest of
    // the pattern match at this level and at every level below.
    void MatchRecursive(const fs::path& directory, size_t index, bool last) {
        if (!last) {
            Match(directory, index + 1);
        }
        for (const auto& entry : SortedEntries(directory)) {
            if (Full()) {
                return;
            }
            if (last && entry.is_regular_file) {
                matches_.push_back((directory / entry.name).string());
            }
            if (entry.is_directory && !entry.is_symlink) {
                MatchRecursive(directory / entry.name, index, last);
            }
        }
    }

    std::vector<std::string> segments_;
    size_t limit_;
    std::vector<std::string> matches_;
};

// Splits a pattern into its glob-free base directory and the remaining segments.
std::pair<std::string, std::vector<std::string>> SplitPattern(const std::string& pattern) {
    std::vector<std::string> parts = Split(pattern, '/');
    std::string base = StartsWith(pattern, "/") ? "/" : ".";
    std::vector<std::string> rest;
    bool in_glob = false;
    for (const auto& part : parts) {
        if (part.empty()) {
            continue;
        }
        if (!in_glob && HasGlob(part)) {
            in_glob = true;
        }
        if (in_glob) {
            rest.push_back(part);
        } else {
            base = (fs::path(base) / part).string();
        }
    }
    return {base, rest};
}

} // namespace

std::string GlobBaseDirectory(const std::string& pattern) {
    return SplitPattern(pattern).first;
}

std::vector<std::string> ExpandGlob(const std::string& pattern, size_t limit) {
    auto [base, segments] = SplitPattern(pattern);
    if (segments.empty()) {
        std::error_code error;
        if (fs::is_regular_file(base, error) && limit > 0) {
            return {base};
        }
        return {};
    }
    GlobMatcher matcher(std::move(segments), limit);
    matcher.Match(base, 0);
    std::vector<std::string> matches = matcher.TakeMatches();
    std::sort(matches.begin(), matches.end());
    return matches;
}

} // namespace odibi::io
