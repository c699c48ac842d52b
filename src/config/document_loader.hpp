// Reading config files into one merged tree: env substitution, parsing, `pattern:` sugar, imports
// (§0 steps 1-6) and `--env` overrides (§0 step 7).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config_value.hpp"
#include "environment.hpp"

namespace odibi::config {

class DocumentLoader {
public:
    DocumentLoader(const EnvironmentVariables& variables, DiagnosticList& diagnostics);

    /// Loads one file with everything it imports merged in. `requested_at` is the `imports:` entry
    /// that asked for it (nullopt for the root file). nullopt when the file could not be read or parsed.
    [[nodiscard]] std::optional<ConfigValue> Load(const std::filesystem::path& absolute_path,
                                                  const std::string& display_path,
                                                  const std::optional<SourceLocation>& requested_at);

private:
    std::optional<ConfigValue> LoadFile(const std::filesystem::path& absolute_path,
                                        const std::string& display_path,
                                        const std::optional<SourceLocation>& requested_at,
                                        std::vector<std::pair<std::string, std::string>>& chain);
    void ReportMissingVariables(const std::vector<MissingVariable>& missing,
                                const TextPositions& positions,
                                const std::shared_ptr<const SourceFile>& file);

    const EnvironmentVariables& variables_;
    DiagnosticList& diagnostics_;
};

/// Keys an `environments.<name>` block may override.
[[nodiscard]] const std::vector<std::string>& EnvironmentOverrideKeys();

/// §0.7: validates and removes the `environments:` block (its names go to `names`); with an
/// environment selected, deep-merges `environments.<name>` and then a sibling `env.<name>.yaml`.
void ApplyEnvironment(ConfigValue& root,
                      const std::optional<std::string>& environment,
                      const std::filesystem::path& config_directory,
                      const std::string& display_directory,
                      DocumentLoader& loader,
                      DiagnosticList& diagnostics,
                      std::vector<std::string>& names);

} // namespace odibi::config
