// The immutable plan: per pipeline, a DAG of nodes in topological order with selection applied.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "odibi/config/project.hpp"

namespace odibi::graph {

/// Where a node's primary input (`df`) comes from.
enum class InputKind : uint8_t {
    READ,       ///< its own `read:`
    INPUTS,     ///< `inputs:` (the alias "df" if present, else the first)
    DEPENDENCY, ///< output of depends_on[0]
    NONE,       ///< no input: steps query other nodes by name
};

/// "read", "inputs", "dependency", "none" (the plan JSON's `input`).
[[nodiscard]] std::string InputKindName(InputKind kind);

/// A `$pipeline.node` reference from `inputs:`.
struct CrossReference {
    std::string alias;
    std::string pipeline;
    std::string node;
    bool same_pipeline = false; ///< resolved from this run's context, not meta_outputs
};

struct PlanNode {
    std::string name;
    const config::NodeConfig* config = nullptr; ///< points into Plan::project
    std::vector<std::string> dependencies;      ///< same-pipeline, incl. those added by $this.node inputs
    std::vector<std::string> dependents;
    InputKind input_kind = InputKind::NONE;
    std::vector<CrossReference> references;
    int layer = 0;                  ///< 0 for nodes without dependencies
    bool selected = true;           ///< chosen by --node/--tag (false: not run at all)
    bool enabled = true;            ///< false if it or an ancestor has enabled: false
    std::string skip_cause;         ///< why it will be skipped when !enabled ("disabled", "upstream 'x' is disabled")
    bool materialize = false;       ///< cache: true, or dependents >= auto_cache_threshold
    std::string version_hash;       ///< over own config, SQL (incl. sql_file text) and upstream hashes
    nlohmann::json config_snapshot; ///< what decides the node's output (the hashed config), for the story
};

/// What a node mainly does, as Odibi's plan command classifies it: "transform" (transform steps or a
/// transformer), else "read" (read or inputs), else "write", else "unknown".
[[nodiscard]] std::string NodeKind(const config::NodeConfig& node);

struct PipelinePlan {
    std::string name;
    const config::PipelineConfig* config = nullptr;
    std::vector<PlanNode> nodes;                  ///< topological order, ties in declaration order
    std::vector<std::vector<std::string>> layers; ///< node names per layer

    [[nodiscard]] const PlanNode* TryGetNode(const std::string& name) const;
    /// Throws UNKNOWN_NODE with a did-you-mean over this pipeline's node names.
    [[nodiscard]] const PlanNode& GetNode(const std::string& name) const;
};

struct Selection {
    std::vector<std::string> pipelines; ///< --pipeline (empty: all)
    std::vector<std::string> nodes;     ///< --node: the node plus its transitive upstream
    std::vector<std::string> tags;      ///< --tag: only tagged nodes, dependencies not added
};

struct Plan {
    std::shared_ptr<const config::ProjectConfig> project;
    std::vector<PipelinePlan> pipelines; ///< declaration order (the run order)

    [[nodiscard]] const PipelinePlan* TryGetPipeline(const std::string& name) const;
    /// Throws SELECTION_NOT_FOUND with a did-you-mean over the planned pipelines.
    [[nodiscard]] const PipelinePlan& GetPipeline(const std::string& name) const;
    /// {"schema_version": "1.0", "project": ..., "pipelines": [{name, layers, nodes: [{name, kind,
    /// depends_on, input, selected, enabled, materialize, version_hash}], edges: [{source, target}]}]}
    [[nodiscard]] config::Json ToJson() const;
};

/// Builds and checks the plan: unknown dependencies (with did-you-mean), duplicate node names,
/// cycles (the whole path "a -> b -> c -> a"), unknown transformers (known_transformers lists the
/// registered names), $pipeline.node references to unknown pipelines/nodes, selection names.
/// All problems are collected and thrown together as DiagnosticsError. Names in
/// `planned_transformers` (Odibi transformers and patterns this build recognises but does not build
/// yet) give NOT_SUPPORTED_YET instead of UNKNOWN_TRANSFORMER.
[[nodiscard]] Plan BuildPlan(std::shared_ptr<const config::ProjectConfig> project,
                             const Selection& selection,
                             const std::vector<std::string>& known_transformers,
                             const std::vector<std::string>& planned_transformers = {});

enum class GraphFormat : uint8_t { ASCII, MERMAID, DOT };
/// "ascii", "mermaid" or "dot" (case-insensitive); nullopt for anything else.
[[nodiscard]] std::optional<GraphFormat> TryParseGraphFormat(const std::string& text);
/// "ascii", "mermaid", "dot".
[[nodiscard]] std::string GraphFormatName(GraphFormat format);
/// Every format name, for "valid values are ..." messages.
[[nodiscard]] std::vector<std::string> GraphFormatNames();
/// Draws one pipeline; `annotations` (node -> text, e.g. status) are shown beside node names.
[[nodiscard]] std::string RenderGraph(const PipelinePlan& pipeline,
                                      GraphFormat format,
                                      const std::map<std::string, std::string>& annotations = {});

} // namespace odibi::graph
