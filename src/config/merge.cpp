// Deep merge with the list rules of imports/environments (append) and recipes (replace).
#include "merge.hpp"

#include <string>
#include <vector>

namespace odibi::config {
namespace {

bool AppendsList(const std::vector<std::string>& path) {
    if (path.size() == 1 && path[0] == "pipelines") {
        return true;
    }
    if (path.size() == 2 && path[0] == "semantic") {
        const std::string& key = path[1];
        return key == "metrics" || key == "dimensions" || key == "views" || key == "materializations";
    }
    return false;
}

void Merge(ConfigValue& base, ConfigValue overlay, std::vector<std::string>& path, bool append_lists) {
    for (auto& entry : overlay.entries) {
        ConfigEntry* existing = base.FindEntry(entry.key);
        if (existing == nullptr) {
            base.entries.push_back(std::move(entry));
            continue;
        }
        path.push_back(entry.key);
        if (existing->value.IsMap() && entry.value.IsMap()) {
            Merge(existing->value, std::move(entry.value), path, append_lists);
        } else if (append_lists && existing->value.IsSequence() && entry.value.IsSequence() && AppendsList(path)) {
            for (auto& item : entry.value.items) {
                existing->value.items.push_back(std::move(item));
            }
        } else {
            existing->value = std::move(entry.value);
            existing->key_mark = entry.key_mark;
        }
        path.pop_back();
    }
}

} // namespace

void MergeDocument(ConfigValue& base, ConfigValue overlay) {
    std::vector<std::string> path;
    Merge(base, std::move(overlay), path, true);
}

void MergeReplacingLists(ConfigValue& base, ConfigValue overlay) {
    std::vector<std::string> path;
    SourceMark mark = overlay.mark;
    Merge(base, std::move(overlay), path, false);
    base.mark = mark;
}

} // namespace odibi::config
