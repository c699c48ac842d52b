// Config files -> one merged tree: substitution, parsing, imports and environment overrides.
#include "document_loader.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "merge.hpp"
#include "pattern_block.hpp"
#include "yaml_reader.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::config {
namespace {

constexpr std::string_view UTF8_BYTE_ORDER_MARK = "\xEF\xBB\xBF";

std::optional<std::string> ReadText(const std::filesystem::path& path) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        return std::nullopt;
    }
    std::stringstream buffer;
    buffer << stream.rdbuf();
    std::string text = buffer.str();
    if (StartsWith(text, UTF8_BYTE_ORDER_MARK)) {
        text.erase(0, UTF8_BYTE_ORDER_MARK.size());
    }
    return text;
}

std::string DisplayRelativeTo(const std::string& display_file, const std::string& target) {
    std::filesystem::path target_path(target);
    if (target_path.is_absolute()) {
        return target_path.lexically_normal().string();
    }
    std::filesystem::path joined = std::filesystem::path(display_file).parent_path() / target_path;
    return joined.lexically_normal().string();
}

} // namespace

DocumentLoader::DocumentLoader(const EnvironmentVariables& variables, DiagnosticList& diagnostics)
    : variables_(variables), diagnostics_(diagnostics) {}

std::optional<ConfigValue> DocumentLoader::Load(const std::filesystem::path& absolute_path,
                                                const std::string& display_path,
                                                const std::optional<SourceLocation>& requested_at) {
    std::vector<std::pair<std::string, std::string>> chain;
    return LoadFile(absolute_path, display_path, requested_at, chain);
}

void DocumentLoader::ReportMissingVariables(const std::vector<MissingVariable>& missing,
                                            const TextPositions& positions,
                                            const std::shared_ptr<const SourceFile>& file) {
    // One error per variable, at its first use; further uses are listed as context.
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::pair<int, int>>> uses;
    for (const auto& variable : missing) {
        if (uses.find(variable.name) == uses.end()) {
            order.push_back(variable.name);
        }
        uses[variable.name].push_back(positions.LineColumn(variable.original_offset));
    }
    for (const auto& name : order) {
        const auto& places = uses[name];
        Error error(ErrorCode::MISSING_ENVIRONMENT_VARIABLE,
                    ErrorSource::USER,
                    fmt::format("missing environment variable: {} (used as ${{{}}})", name, name));
        error.WithLocation(SourceLocation{file->display_path, places.front().first, places.front().second, ""});
        if (places.size() > 1) {
            std::vector<std::string> others;
            for (size_t index = 1; index < places.size(); ++index) {
                others.push_back(fmt::format("{}:{}", places[index].first, places[index].second));
            }
            error.WithContext("also used at", Join(others, ", "));
        }
        error.WithSuggestion(fmt::format("export {}=... or add {}=... to {}", name, name, variables_.DotEnvPath()));
        diagnostics_.AddError(error);
    }
}

std::optional<ConfigValue> DocumentLoader::LoadFile(const std::filesystem::path& absolute_path,
                                                    const std::string& display_path,
                                                    const std::optional<SourceLocation>& requested_at,
                                                    std::vector<std::pair<std::string, std::string>>& chain) {
    std::optional<std::string> raw;
    std::error_code filesystem_error;
    if (std::filesystem::is_regular_file(absolute_path, filesystem_error)) {
        raw = ReadText(absolute_path);
    }
    if (!raw) {
        if (requested_at) {
            Error error(
                ErrorCode::IMPORT_ERROR,
                ErrorSource::USER,
                fmt::format("imported file not found: {} (resolved to {})", display_path, absolute_path.string()));
            error.WithLocation(*requested_at);
            error.WithSuggestion("import paths are relative to the file that imports them; check the spelling");
            diagnostics_.AddError(error);
        } else {
            Error error(ErrorCode::CONFIG_FILE_NOT_FOUND,
                        ErrorSource::USER,
                        fmt::format("config file not found: {}", display_path));
            error.WithLocation(SourceLocation{display_path, 0, 0, ""});
            error.WithSuggestion("pass the path of your odibi.yaml");
            diagnostics_.AddError(error);
        }
        return std::nullopt;
    }
    auto file = std::make_shared<const SourceFile>(SourceFile{absolute_path.string(), display_path});
    TextPositions positions(*raw);
    SubstitutedText substituted = SubstituteEnvironment(*raw, variables_, positions);
    ReportMissingVariables(substituted.missing, positions, file);
    std::optional<ConfigValue> document = ParseYaml(substituted.text, positions, file, diagnostics_);
    if (!document) {
        return std::nullopt;
    }
    NormalizePatterns(*document, diagnostics_);

    std::unique_ptr<ConfigEntry> imports = document->Remove("imports");
    if (!imports || imports->value.IsNull()) {
        return document;
    }
    std::vector<const ConfigValue*> targets;
    if (imports->value.IsScalar()) {
        targets.push_back(&imports->value);
    } else if (imports->value.IsSequence()) {
        for (const auto& item : imports->value.items) {
            targets.push_back(&item);
        }
    } else {
        diagnostics_.AddError(ConfigError::InvalidType("imports",
                                                       "a path or a list of paths",
                                                       imports->value.Describe(),
                                                       MakeLocation(imports->value.mark, "imports")));
        return document;
    }
    chain.emplace_back(absolute_path.string(), display_path);
    for (size_t index = 0; index < targets.size(); ++index) {
        const ConfigValue& target = *targets[index];
        std::string item_path = imports->value.IsSequence() ? ItemPath("imports", index) : "imports";
        SourceLocation location = MakeLocation(target.mark, item_path);
        if (!target.IsScalar() || target.text.empty()) {
            diagnostics_.AddError(ConfigError::InvalidType("imports", "a file path", target.Describe(), location));
            continue;
        }
        std::filesystem::path target_path(target.text);
        std::filesystem::path target_absolute =
            (target_path.is_absolute() ? target_path : absolute_path.parent_path() / target_path).lexically_normal();
        std::string target_display = DisplayRelativeTo(display_path, target.text);
        auto cycle_start = std::find_if(
            chain.begin(), chain.end(), [&](const auto& link) { return link.first == target_absolute.string(); });
        if (cycle_start != chain.end()) {
            std::vector<std::string> cycle;
            for (auto link = cycle_start; link != chain.end(); ++link) {
                cycle.push_back(link->second);
            }
            cycle.push_back(target_display);
            Error error(
                ErrorCode::IMPORT_ERROR, ErrorSource::USER, fmt::format("import cycle: {}", Join(cycle, " -> ")));
            error.WithLocation(location);
            error.WithSuggestion("remove one of these imports so that no file imports itself, directly or indirectly");
            diagnostics_.AddError(error);
            continue;
        }
        std::optional<ConfigValue> imported = LoadFile(target_absolute, target_display, location, chain);
        if (imported) {
            MergeDocument(*document, std::move(*imported));
        }
    }
    chain.pop_back();
    return document;
}

const std::vector<std::string>& EnvironmentOverrideKeys() {
    static const std::vector<std::string> KEYS = {"engine",
                                                  "connections",
                                                  "system",
                                                  "performance",
                                                  "logging",
                                                  "retry",
                                                  "alerts",
                                                  "story",
                                                  "lineage",
                                                  "vars",
                                                  "pipelines"};
    return KEYS;
}

void ApplyEnvironment(ConfigValue& root,
                      const std::optional<std::string>& environment,
                      const std::filesystem::path& config_directory,
                      const std::string& display_directory,
                      DocumentLoader& loader,
                      DiagnosticList& diagnostics,
                      std::vector<std::string>& names) {
    std::unique_ptr<ConfigEntry> block = root.Remove("environments");
    const ConfigValue* selected = nullptr;
    if (block && !block->value.IsNull()) {
        if (!block->value.IsMap()) {
            diagnostics.AddError(ConfigError::InvalidType("environments",
                                                          "a mapping of environment name to overrides",
                                                          block->value.Describe(),
                                                          MakeLocation(block->value.mark, "environments")));
        } else {
            for (const auto& entry : block->value.entries) {
                names.push_back(entry.key);
                std::string path = ChildPath("environments", entry.key);
                bool valid = true;
                if (!entry.value.IsNull() && !entry.value.IsMap()) {
                    diagnostics.AddError(ConfigError::InvalidType(
                        path, "a mapping of overrides", entry.value.Describe(), MakeLocation(entry.value.mark, path)));
                    continue;
                }
                for (const auto& key_entry : entry.value.entries) {
                    const auto& allowed = EnvironmentOverrideKeys();
                    if (std::find(allowed.begin(), allowed.end(), key_entry.key) == allowed.end()) {
                        diagnostics.AddError(
                            ConfigError::UnknownKey("an environment override",
                                                    key_entry.key,
                                                    allowed,
                                                    MakeLocation(key_entry.key_mark, ChildPath(path, key_entry.key))));
                        valid = false;
                    }
                }
                if (valid && environment && entry.key == *environment) {
                    selected = &entry.value;
                }
            }
        }
    }
    if (!environment) {
        return;
    }
    std::string file_name = fmt::format("env.{}.yaml", *environment);
    std::filesystem::path override_file = config_directory / file_name;
    std::error_code filesystem_error;
    bool has_file = std::filesystem::is_regular_file(override_file, filesystem_error);
    bool defined = std::find(names.begin(), names.end(), *environment) != names.end();
    if (!defined && !has_file) {
        std::vector<std::string> candidates = names;
        for (const auto& item : std::filesystem::directory_iterator(config_directory, filesystem_error)) {
            std::string name = item.path().filename().string();
            std::string candidate = name.size() > 9 ? name.substr(4, name.size() - 9) : "";
            if (StartsWith(name, "env.") && EndsWith(name, ".yaml") && !candidate.empty() &&
                std::find(candidates.begin(), candidates.end(), candidate) == candidates.end()) {
                candidates.push_back(candidate);
            }
        }
        std::string message = fmt::format("unknown environment \"{}\"", *environment);
        std::string hint = DidYouMean(*environment, candidates);
        if (!hint.empty()) {
            message += ". " + hint;
        }
        Error error(ErrorCode::UNKNOWN_ENVIRONMENT, ErrorSource::USER, message);
        error.WithLocation(block ? MakeLocation(block->key_mark, "environments") : MakeLocation(root.mark, ""));
        error.WithSuggestion(
            candidates.empty()
                ? fmt::format("add an environments: {{{}: {{...}}}} block or a file {}", *environment, file_name)
                : fmt::format("defined environments: {}", QuotedList(candidates)));
        diagnostics.AddError(error);
        return;
    }
    if (selected != nullptr && selected->IsMap()) {
        MergeDocument(root, *selected);
    }
    if (has_file) {
        std::string display =
            display_directory.empty() ? file_name : (std::filesystem::path(display_directory) / file_name).string();
        std::optional<ConfigValue> overrides = loader.Load(override_file, display, std::nullopt);
        if (overrides) {
            MergeDocument(root, std::move(*overrides));
        }
    }
}

} // namespace odibi::config
