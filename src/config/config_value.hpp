// The loader's YAML tree: every value remembers the file, line and column it was written at.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"

namespace odibi::config {

/// A YAML file taking part in a load.
struct SourceFile {
    std::string absolute_path;
    std::string display_path; ///< the path shown in messages (as the user wrote it)
};

/// Where a value or key was written; line and column are 1-based, 0 when unknown.
struct SourceMark {
    std::shared_ptr<const SourceFile> file;
    int line = 0;
    int column = 0;
};

enum class ValueKind : uint8_t { NULL_VALUE, SCALAR, SEQUENCE, MAP };

struct ConfigEntry;

/// One YAML value. Scalars keep their text as written; `quoted` scalars are always strings, plain
/// ones resolve to null/bool/int/float/string the way a YAML 1.1 safe loader does.
struct ConfigValue {
    ValueKind kind = ValueKind::NULL_VALUE;
    std::string text;
    bool quoted = false;
    std::vector<ConfigValue> items;
    std::vector<ConfigEntry> entries;
    SourceMark mark;

    static ConfigValue MakeNull(SourceMark mark);
    static ConfigValue MakeScalar(std::string text, bool quoted, SourceMark mark);
    static ConfigValue MakeSequence(SourceMark mark);
    static ConfigValue MakeMap(SourceMark mark);

    [[nodiscard]] bool IsNull() const { return kind == ValueKind::NULL_VALUE; }
    [[nodiscard]] bool IsScalar() const { return kind == ValueKind::SCALAR; }
    [[nodiscard]] bool IsSequence() const { return kind == ValueKind::SEQUENCE; }
    [[nodiscard]] bool IsMap() const { return kind == ValueKind::MAP; }

    [[nodiscard]] const ConfigValue* Find(std::string_view key) const;
    [[nodiscard]] ConfigValue* Find(std::string_view key);
    [[nodiscard]] const ConfigEntry* FindEntry(std::string_view key) const;
    [[nodiscard]] ConfigEntry* FindEntry(std::string_view key);
    /// Replaces the value of `key` or appends a new entry.
    void Set(std::string key, ConfigValue value, SourceMark key_mark);
    /// Removes `key`; returns its entry when it was there.
    std::unique_ptr<ConfigEntry> Remove(std::string_view key);
    /// "a string", "a list", "a mapping", "null", "a number", "a boolean" (for type errors).
    [[nodiscard]] std::string Describe() const;
};

struct ConfigEntry {
    std::string key;
    SourceMark key_mark;
    ConfigValue value;
};

/// The typed JSON value of a plain scalar's text (YAML 1.1 rules for null/bool/int/float).
[[nodiscard]] Json ResolvePlainScalar(const std::string& text);
/// The whole tree as typed JSON.
[[nodiscard]] Json ToJson(const ConfigValue& value);
/// Text used where a value is embedded in a longer string: scalars as written, null as "", others as JSON.
[[nodiscard]] std::string EmbeddedText(const ConfigValue& value);

[[nodiscard]] SourceLocation MakeLocation(const SourceMark& mark, std::string path);
/// "parent.key" (or "key" at the root).
[[nodiscard]] std::string ChildPath(const std::string& parent, std::string_view key);
/// "parent[index]".
[[nodiscard]] std::string ItemPath(const std::string& parent, size_t index);

/// Records the location of every key and list item of `root` under its dotted path.
void RecordLocations(const ConfigValue& root, LocationIndex& index);

} // namespace odibi::config
