// Environment variables for a load: the process environment plus the config directory's `.env`,
// and the `${NAME}` / `${env:NAME}` substitution that runs on raw YAML text before parsing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "text_positions.hpp"

#include "odibi/common/error.hpp"

namespace odibi::config {

/// Variables visible to `${NAME}`: the process environment wins over `.env` values.
class EnvironmentVariables {
public:
    EnvironmentVariables() = default;
    EnvironmentVariables(std::map<std::string, std::string> dot_env, std::string dot_env_path);

    [[nodiscard]] std::optional<std::string> Get(const std::string& name) const;
    /// The `.env` file these variables would be added to (for error hints), even if it does not exist.
    [[nodiscard]] const std::string& DotEnvPath() const { return dot_env_path_; }

private:
    std::map<std::string, std::string> dot_env_;
    std::string dot_env_path_;
};

/// Parses `.env` text as python-dotenv does: KEY=VALUE lines, `export ` prefix, `#` comments, single
/// quotes (literal), double quotes (escapes, may span lines), `${VAR}` / `${VAR:-default}`
/// interpolation in unquoted and double-quoted values. Lines that cannot be parsed become warnings.
[[nodiscard]] std::map<std::string, std::string>
ParseDotEnv(const std::string& text, const std::string& display_path, DiagnosticList& diagnostics);

/// Reads `<directory>/.env` if it exists.
[[nodiscard]] EnvironmentVariables
LoadEnvironment(const std::string& directory, const std::string& display_directory, DiagnosticList& diagnostics);

/// A `${NAME}` whose variable is not set.
struct MissingVariable {
    std::string name;
    size_t original_offset = 0;
};

struct SubstitutedText {
    std::string text;
    std::vector<MissingVariable> missing; ///< every occurrence, in text order
};

/// Replaces `${NAME}` and `${env:NAME}` (NAME = [A-Za-z0-9_]+) everywhere in `text`, comments
/// included. Missing variables are left as written and reported; `positions` learns every change.
[[nodiscard]] SubstitutedText
SubstituteEnvironment(const std::string& text, const EnvironmentVariables& variables, TextPositions& positions);

} // namespace odibi::config
