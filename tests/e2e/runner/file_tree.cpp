// Globbing, snapshots and listings over the test directory.
#include "file_tree.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fnmatch.h>

#include "odibi/common/strings.hpp"

namespace odibi::e2e {

namespace fs = std::filesystem;

namespace {

bool HasWildcard(const std::string& segment) {
    return segment.find_first_of("*?[") != std::string::npos;
}

std::string Joined(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : prefix + "/" + name;
}

void Match(const fs::path& directory,
           const std::string& relative,
           const std::vector<std::string>& segments,
           size_t index,
           std::set<std::string>& matches) {
    if (index == segments.size()) {
        matches.insert(relative);
        return;
    }
    const std::string& segment = segments[index];
    std::error_code error;
    if (segment == "**") {
        Match(directory, relative, segments, index + 1, matches);
        for (const auto& entry : fs::directory_iterator(directory, error)) {
            if (entry.is_directory(error) && !entry.is_symlink(error)) {
                Match(entry.path(), Joined(relative, entry.path().filename().string()), segments, index, matches);
            }
        }
        return;
    }
    bool last = index + 1 == segments.size();
    if (!HasWildcard(segment)) {
        fs::path child = directory / segment;
        if ((last && fs::exists(child, error)) || fs::is_directory(child, error)) {
            Match(child, Joined(relative, segment), segments, index + 1, matches);
        }
        return;
    }
    for (const auto& entry : fs::directory_iterator(directory, error)) {
        std::string name = entry.path().filename().string();
        if (fnmatch(segment.c_str(), name.c_str(), 0) != 0) {
            continue;
        }
        if (last || entry.is_directory(error)) {
            Match(entry.path(), Joined(relative, name), segments, index + 1, matches);
        }
    }
}

void Collect(const fs::path& root, TreeSnapshot& snapshot) {
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(root, error); it != fs::recursive_directory_iterator();
         it.increment(error)) {
        std::string relative = fs::relative(it->path(), root, error).generic_string();
        if (it->is_directory(error)) {
            snapshot.entries[relative + "/"] = std::nullopt;
        } else {
            snapshot.entries[relative] = ReadFileBytes(it->path()).value_or("");
        }
    }
}

} // namespace

std::vector<std::string> GlobFiles(const fs::path& root, const std::string& pattern) {
    std::vector<std::string> segments;
    for (auto& segment : Split(pattern, '/')) {
        if (!segment.empty() && segment != ".") {
            segments.push_back(std::move(segment));
        }
    }
    std::set<std::string> matches;
    if (!segments.empty()) {
        Match(root, "", segments, 0, matches);
    }
    return {matches.begin(), matches.end()};
}

std::optional<std::string> ReadFileBytes(const fs::path& path) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        return std::nullopt;
    }
    std::ostringstream content;
    content << stream.rdbuf();
    return content.str();
}

TreeSnapshot TakeSnapshot(const fs::path& path) {
    TreeSnapshot snapshot;
    std::error_code error;
    if (!fs::exists(path, error)) {
        return snapshot;
    }
    snapshot.exists = true;
    if (fs::is_directory(path, error)) {
        Collect(path, snapshot);
    } else {
        snapshot.entries[""] = ReadFileBytes(path).value_or("");
    }
    return snapshot;
}

std::optional<std::string> DescribeDifference(const TreeSnapshot& before, const TreeSnapshot& after) {
    if (before.exists != after.exists) {
        return before.exists ? std::string("it existed and is now gone") : std::string("it did not exist and now does");
    }
    for (const auto& [name, content] : before.entries) {
        auto found = after.entries.find(name);
        std::string shown = name.empty() ? "the file" : "'" + name + "'";
        if (found == after.entries.end()) {
            return shown + " is gone";
        }
        if (found->second != content) {
            return shown + " changed (" + std::to_string(content.value_or("").size()) + " bytes before, " +
                   std::to_string(found->second.value_or("").size()) + " bytes now)";
        }
    }
    for (const auto& [name, content] : after.entries) {
        if (!before.entries.contains(name)) {
            return "'" + name + "' is new";
        }
    }
    return std::nullopt;
}

std::string DescribeDirectory(const fs::path& path, size_t limit) {
    std::error_code error;
    if (!fs::exists(path, error)) {
        return "(" + path.string() + " does not exist)";
    }
    std::vector<std::string> names;
    for (auto it = fs::recursive_directory_iterator(path, error); it != fs::recursive_directory_iterator();
         it.increment(error)) {
        names.push_back(fs::relative(it->path(), path, error).generic_string() + (it->is_directory(error) ? "/" : ""));
    }
    std::sort(names.begin(), names.end());
    std::string listing;
    for (size_t index = 0; index < names.size() && index < limit; ++index) {
        listing += "    " + names[index] + "\n";
    }
    if (names.size() > limit) {
        listing += "    ... " + std::to_string(names.size() - limit) + " more\n";
    }
    return listing.empty() ? "    (empty)\n" : listing;
}

} // namespace odibi::e2e
