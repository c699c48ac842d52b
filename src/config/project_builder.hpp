// Strict validation of the merged tree into ProjectConfig and the structs below it (§0 step 10).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config_value.hpp"
#include "environment.hpp"
#include "quality_builder.hpp"
#include "schema_reader.hpp"

namespace odibi::config {

/// A place that names a connection; checked once every connection is known.
struct ConnectionUse {
    std::string name;
    SourceLocation location;
    std::string usage;            ///< "read", "write", "story", "system", "system.sync_to", ...
    bool needs_built_type = true; ///< false where the feature itself is reported as not supported yet
};

class ProjectBuilder {
public:
    ProjectBuilder(SchemaReader& reader, const LoadOptions& options, const EnvironmentVariables& variables);

    /// Fills `project` from `root`; problems go to the reader's diagnostics.
    void Build(const ConfigValue& root, ProjectConfig& project);

private:
    // project_builder.cpp
    void BuildEngine(MapReader& root, ProjectConfig& project);
    void BuildStory(const ConfigValue& value, StoryConfig& story);
    void BuildSystem(const ConfigValue& value, SystemConfig& system);
    void BuildRetry(const ConfigValue& value, RetryConfig& retry);
    void BuildLogging(const ConfigValue& value, LoggingConfig& logging);
    void BuildPerformance(const ConfigValue& value, PerformanceConfig& performance);
    void BuildFeatureBlocks(MapReader& root, ProjectConfig& project);
    std::optional<PipelineConfig> BuildPipeline(const ConfigValue& value, const std::string& path);
    void CheckConnectionUses(const ProjectConfig& project);

    // node_builder.cpp
    std::optional<NodeConfig> BuildNode(const ConfigValue& value, const std::string& path, const std::string& pipeline);
    std::optional<ReadConfig> BuildRead(const ConfigValue& value,
                                        const std::string& path,
                                        const std::filesystem::path& source_directory,
                                        const std::string& usage);
    std::optional<WriteConfig> BuildWrite(const ConfigValue& value, const std::string& path);
    std::optional<IncrementalConfig> BuildIncremental(const ConfigValue& value, const std::string& path);
    Json BuildTimeTravel(const ConfigValue& value, const std::string& path);
    void BuildTransform(const ConfigValue& value,
                        const std::string& path,
                        const std::filesystem::path& source_directory,
                        NodeConfig& node);
    void BuildInputs(const ConfigValue& value,
                     const std::string& path,
                     const std::filesystem::path& source_directory,
                     const std::string& pipeline,
                     NodeConfig& node);
    void BuildCrossCheckNode(MapReader& map, NodeConfig& node);
    void CheckFormat(MapReader& map, const std::string& format);
    void NotSupported(const SourceLocation& location, const std::string& key, const std::string& why);
    std::optional<std::string> ResolveExistingFile(const ConfigValue& value,
                                                   const std::string& path,
                                                   const std::filesystem::path& base_directory,
                                                   std::string_view what);

    // connection_builder.cpp
    std::optional<ConnectionConfig> BuildConnection(const std::string& name, const ConfigValue& value);

    SchemaReader& reader_;
    const LoadOptions& options_;
    const EnvironmentVariables& variables_;
    std::filesystem::path config_directory_;
    std::vector<ConnectionUse> connection_uses_;
    QualityBuilder quality_;
};

/// Node and pipeline names: ^[a-zA-Z_][a-zA-Z0-9_]*$.
[[nodiscard]] bool IsValidName(const std::string& name);
/// A valid name close to `name` (invalid characters become "_", a leading digit gets "_").
[[nodiscard]] std::string SanitizeName(const std::string& name);

} // namespace odibi::config
