// Reader and writer options of a format: accepted spellings, no-op options, typed access, errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"

namespace odibi::io {

/// One option a format understands, with the other spellings users bring from pandas and Spark.
struct OptionSpec {
    std::string name;                 ///< canonical name, as docs/formats.md shows it
    std::vector<std::string> aliases; ///< other accepted spellings (e.g. "sep" for "delimiter")
};

/// Every option one direction (read or write) of a format accepts.
struct OptionCatalog {
    std::vector<OptionSpec> options;
    /// pandas or Spark options that have no meaning on DuckDB: accepted and ignored, so that
    /// existing YAML keeps running (docs/formats.md lists them).
    std::vector<std::string> ignored;

    /// Canonical names, aliases and ignored names: the candidates of "Did you mean ...?".
    [[nodiscard]] std::vector<std::string> AllNames() const;
    /// The spec whose name or alias is `key`: exact spelling first, then ignoring case.
    [[nodiscard]] const OptionSpec* TryFind(std::string_view key) const;
    /// True if `key` is one of the ignored options (exact spelling or ignoring case).
    [[nodiscard]] bool IsIgnored(std::string_view key) const;
};

/// Where a set of options comes from, for error messages.
struct OptionScope {
    std::string format;      ///< "csv"
    std::string direction;   ///< "read" or "write"
    std::string config_path; ///< "pipelines[0].nodes[1].read.options"
};

/// Validated options: every key is known or ignored, and aliases are folded into canonical names.
class FormatOptions {
public:
    /// Validates `options` (a JSON object) against `catalog`. Unknown keys and keys given twice under
    /// two spellings give INVALID_FORMAT_OPTION; unknown keys get "Did you mean ...?".
    [[nodiscard]] static FormatOptions
    Parse(const config::Json& options, const OptionCatalog& catalog, OptionScope scope);

    [[nodiscard]] bool Has(std::string_view name) const { return TryGet(name) != nullptr; }
    /// The raw value of canonical option `name`; nullptr when absent.
    [[nodiscard]] const config::Json* TryGet(std::string_view name) const;
    /// true/false, or the strings "true"/"false" (Spark passes every option as text).
    [[nodiscard]] std::optional<bool> TryGetBool(std::string_view name) const;
    /// A string value; throws INVALID_FORMAT_OPTION for other types.
    [[nodiscard]] std::optional<std::string> TryGetString(std::string_view name) const;
    /// An integer or a string of digits.
    [[nodiscard]] std::optional<int64_t> TryGetInteger(std::string_view name) const;
    /// A string or a list of strings.
    [[nodiscard]] std::optional<std::vector<std::string>> TryGetStringList(std::string_view name) const;
    /// A mapping of string to string ({column: type}), in the order written.
    [[nodiscard]] std::optional<std::vector<std::pair<std::string, std::string>>>
    TryGetStringMap(std::string_view name) const;

    /// The ignored options that were given (spelled as written).
    [[nodiscard]] const std::vector<std::string>& Ignored() const { return ignored_; }
    [[nodiscard]] const OptionScope& Scope() const { return scope_; }
    /// The option as the user spelled it (e.g. "sep" for canonical "delimiter").
    [[nodiscard]] std::string Written(std::string_view name) const;
    /// INVALID_FORMAT_OPTION for option `name`, pointing at its config path.
    [[nodiscard]] Error InvalidValue(std::string_view name, std::string_view why) const;

private:
    struct Entry {
        std::string canonical;
        std::string written;
        config::Json value;
    };

    [[nodiscard]] const Entry* TryFindEntry(std::string_view name) const;

    std::vector<Entry> entries_;
    std::vector<std::string> ignored_;
    OptionScope scope_;
};

} // namespace odibi::io
