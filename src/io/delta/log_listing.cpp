// Listing `_delta_log` by file name (PROTOCOL.md, "Delta Log Entries" and "Checkpoints").
#include "log_listing.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <memory>
#include <sstream>

#include "actions.hpp"
#include <dirent.h>

#include "odibi/config/project.hpp"

namespace odibi::io::delta {

namespace {

namespace fs = std::filesystem;

constexpr size_t kVersionDigits = 20;

std::optional<int64_t> DigitsValue(std::string_view text, size_t digits) {
    if (text.size() != digits || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<int64_t> ReadLastCheckpointHint(const fs::path& file) {
    std::ifstream stream(file);
    if (!stream) {
        return std::nullopt;
    }
    std::stringstream text;
    text << stream.rdbuf();
    try {
        config::Json hint = config::Json::parse(text.str());
        if (hint.contains("version") && hint["version"].is_number_integer()) {
            return hint["version"].get<int64_t>();
        }
    } catch (const config::Json::exception&) {
        // A torn or damaged hint is ignored: the listing is authoritative.
    }
    return std::nullopt;
}

/// Whether a directory entry is a regular file (following a symbolic link, as std::filesystem does).
bool IsRegularFile(const fs::path& directory, const dirent& entry) {
    if (entry.d_type == DT_REG) {
        return true;
    }
    if (entry.d_type != DT_LNK && entry.d_type != DT_UNKNOWN) {
        return false;
    }
    std::error_code error;
    return fs::is_regular_file(directory / entry.d_name, error);
}

} // namespace

int64_t LogListing::LatestVersion() const {
    int64_t latest = -1;
    if (!commits.empty()) {
        latest = *commits.rbegin();
    }
    if (!checkpoints.empty()) {
        latest = std::max(latest, checkpoints.rbegin()->first);
    }
    return latest;
}

fs::path LogListing::CommitPath(int64_t version) const {
    return log_directory / CommitFileName(version);
}

LogListing ListLog(const fs::path& table_root) {
    LogListing listing;
    listing.log_directory = table_root / "_delta_log";
    // version -> (declared part count -> parts found)
    std::map<int64_t, std::map<int64_t, std::vector<std::pair<int64_t, fs::path>>>> multi_part;
    // readdir, not std::filesystem::directory_iterator: the iterator builds (and parses) a path per entry,
    // which costs several times the listing itself on a log of ten thousand commits.
    std::unique_ptr<DIR, int (*)(DIR*)> directory(opendir(listing.log_directory.c_str()), closedir);
    if (directory == nullptr) {
        return listing;
    }
    while (const dirent* entry = readdir(directory.get())) {
        std::string_view name(entry->d_name);
        if (!IsRegularFile(listing.log_directory, *entry)) {
            continue;
        }
        if (name == "_last_checkpoint") {
            listing.last_checkpoint_hint = ReadLastCheckpointHint(listing.log_directory / name);
            continue;
        }
        if (name.size() < kVersionDigits + 1 || name[kVersionDigits] != '.') {
            continue;
        }
        auto version = DigitsValue(name.substr(0, kVersionDigits), kVersionDigits);
        if (!version) {
            continue;
        }
        std::string_view rest = name.substr(kVersionDigits);
        if (rest == ".json") {
            listing.commits.insert(*version);
        } else if (rest == ".checkpoint.parquet") {
            listing.checkpoints[*version] = {listing.log_directory / name};
        } else if (rest.starts_with(".checkpoint.") && rest.ends_with(".parquet")) {
            // Multi-part: NNN.checkpoint.PPPPPPPPPP.TTTTTTTTTT.parquet; v2: NNN.checkpoint.<uuid>.parquet
            std::string_view middle = rest.substr(12, rest.size() - 12 - 8);
            auto part = middle.size() == 21 && middle[10] == '.' ? DigitsValue(middle.substr(0, 10), 10) : std::nullopt;
            auto total = middle.size() == 21 && middle[10] == '.' ? DigitsValue(middle.substr(11), 10) : std::nullopt;
            if (part && total) {
                multi_part[*version][*total].emplace_back(*part, listing.log_directory / name);
            } else {
                listing.v2_checkpoints.push_back(*version);
            }
        } else if (rest.starts_with(".checkpoint.") && rest.ends_with(".json")) {
            listing.v2_checkpoints.push_back(*version);
        }
    }
    for (auto& [version, by_total] : multi_part) {
        if (listing.checkpoints.contains(version)) {
            continue;
        }
        for (auto& [total, parts] : by_total) {
            std::sort(parts.begin(), parts.end());
            bool complete = static_cast<int64_t>(parts.size()) == total;
            for (size_t i = 0; complete && i < parts.size(); ++i) {
                complete = parts[i].first == static_cast<int64_t>(i) + 1;
            }
            if (complete) {
                std::vector<fs::path> paths;
                for (auto& [part, path] : parts) {
                    paths.push_back(path);
                }
                listing.checkpoints[version] = std::move(paths);
                break;
            }
        }
    }
    std::sort(listing.v2_checkpoints.begin(), listing.v2_checkpoints.end());
    return listing;
}

} // namespace odibi::io::delta
