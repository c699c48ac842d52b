// Typed reads of config values with collected diagnostics: key checks (strict and lax models),
// type checks, ranges and enums. Every problem names file:line:col and the dotted path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config_value.hpp"

namespace odibi::config {

/// Strict models reject unknown keys (error); lax models only warn (§0 "Strictness").
enum class Strictness : uint8_t { STRICT, LAX };

/// A key that is not part of a model but gets a specific hint ("source" -> use "read").
struct RejectedKey {
    std::string key;
    std::string hint;
};

/// Collects diagnostics while values are read into structs.
class SchemaReader {
public:
    explicit SchemaReader(DiagnosticList& diagnostics) : diagnostics_(diagnostics) {}

    void AddError(const Error& error) { diagnostics_.AddError(error); }
    void AddWarning(const Error& error) { diagnostics_.Add(Diagnostic::FromError(error, Severity::WARNING)); }
    void AddInfo(const Error& error) { diagnostics_.Add(Diagnostic::FromError(error, Severity::INFO)); }
    [[nodiscard]] size_t ErrorCount() const { return diagnostics_.ErrorCount(); }

    /// Reports every key of `map` that is not in `allowed`; returns false when a strict model had one.
    bool CheckKeys(const ConfigValue& map,
                   const std::string& path,
                   std::string_view model,
                   const std::vector<std::string>& allowed,
                   Strictness strictness,
                   const std::vector<RejectedKey>& rejected = {});

    /// True when `value` is a mapping; reports INVALID_TYPE otherwise.
    bool ExpectMap(const ConfigValue& value, const std::string& path, std::string_view what);

    [[nodiscard]] std::optional<std::string> String(const ConfigValue& value, const std::string& path);
    [[nodiscard]] std::optional<bool> Bool(const ConfigValue& value, const std::string& path);
    [[nodiscard]] std::optional<int64_t> Integer(const ConfigValue& value,
                                                 const std::string& path,
                                                 std::optional<int64_t> minimum = std::nullopt,
                                                 std::optional<int64_t> maximum = std::nullopt);
    [[nodiscard]] std::optional<double> Number(const ConfigValue& value,
                                               const std::string& path,
                                               std::optional<double> minimum = std::nullopt,
                                               std::optional<double> maximum = std::nullopt);
    /// A list of scalars.
    [[nodiscard]] std::optional<std::vector<std::string>> StringList(const ConfigValue& value, const std::string& path);
    /// One of `allowed` (exact spelling); InvalidEnum with did-you-mean otherwise.
    [[nodiscard]] std::optional<std::string>
    Choice(const ConfigValue& value, const std::string& path, const std::vector<std::string>& allowed);

    /// Like Choice, ignoring case; returns the spelling from `allowed` (log levels: "debug" -> "DEBUG").
    [[nodiscard]] std::optional<std::string>
    ChoiceIgnoringCase(const ConfigValue& value, const std::string& path, const std::vector<std::string>& allowed);

private:
    void TypeError(const ConfigValue& value, const std::string& path, std::string_view expected);

    DiagnosticList& diagnostics_;
};

/// One mapping being read: absent and null keys are treated alike (defaults apply).
class MapReader {
public:
    MapReader(SchemaReader& reader, const ConfigValue& map, std::string path)
        : reader_(reader), map_(map), path_(std::move(path)) {}

    [[nodiscard]] const ConfigValue& Value() const { return map_; }
    [[nodiscard]] const std::string& Path() const { return path_; }
    /// The value of `key`, or nullptr when the key is absent or null.
    [[nodiscard]] const ConfigValue* Get(std::string_view key) const;
    [[nodiscard]] bool Has(std::string_view key) const { return Get(key) != nullptr; }
    [[nodiscard]] std::string PathOf(std::string_view key) const { return ChildPath(path_, key); }
    /// Where `key` is written; the mapping's own place (with the key's path) when it is absent.
    [[nodiscard]] SourceLocation KeyLocation(std::string_view key) const;
    /// Where the value of `key` is written (falls back to KeyLocation).
    [[nodiscard]] SourceLocation ValueLocation(std::string_view key) const;
    [[nodiscard]] SourceLocation Location() const { return MakeLocation(map_.mark, path_); }

    [[nodiscard]] std::optional<std::string> String(std::string_view key);
    /// MISSING_KEY (naming `model`) when absent.
    [[nodiscard]] std::optional<std::string> RequiredString(std::string_view key, std::string_view model);
    [[nodiscard]] std::optional<bool> Bool(std::string_view key);
    [[nodiscard]] std::optional<int64_t> Integer(std::string_view key,
                                                 std::optional<int64_t> minimum = std::nullopt,
                                                 std::optional<int64_t> maximum = std::nullopt);
    [[nodiscard]] std::optional<double> Number(std::string_view key,
                                               std::optional<double> minimum = std::nullopt,
                                               std::optional<double> maximum = std::nullopt);
    [[nodiscard]] std::optional<std::vector<std::string>> StringList(std::string_view key);
    [[nodiscard]] std::optional<std::string> Choice(std::string_view key, const std::vector<std::string>& allowed);
    /// A mapping as JSON (INVALID_TYPE for other values); nullopt when absent.
    [[nodiscard]] std::optional<Json> Mapping(std::string_view key);
    /// The value as JSON whatever its shape; JSON null when absent.
    [[nodiscard]] Json AnyJson(std::string_view key) const;

private:
    SchemaReader& reader_;
    const ConfigValue& map_;
    std::string path_;
};

} // namespace odibi::config
