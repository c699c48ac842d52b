// Lookups on the immutable plan, its JSON form and the string tables of its enums.
#include "odibi/graph/plan.hpp"

#include <algorithm>
#include <tuple>

#include "odibi/common/strings.hpp"
#include "odibi/graph/graph_error.hpp"

namespace odibi::graph {
namespace {

constexpr std::string_view PLAN_SCHEMA_VERSION = "1.0";

struct Edge {
    std::string source;
    std::string target;
};

} // namespace

std::string InputKindName(InputKind kind) {
    switch (kind) {
    case InputKind::READ:
        return "read";
    case InputKind::INPUTS:
        return "inputs";
    case InputKind::DEPENDENCY:
        return "dependency";
    case InputKind::NONE:
        return "none";
    }
    return "none";
}

std::string NodeKind(const config::NodeConfig& node) {
    if (!node.transform_steps.empty() || node.transformer) {
        return "transform";
    }
    if (node.read || !node.inputs.empty()) {
        return "read";
    }
    if (node.write) {
        return "write";
    }
    return "unknown";
}

const PlanNode* PipelinePlan::TryGetNode(const std::string& name) const {
    auto found = std::find_if(nodes.begin(), nodes.end(), [&](const PlanNode& node) { return node.name == name; });
    return found == nodes.end() ? nullptr : &*found;
}

const PlanNode& PipelinePlan::GetNode(const std::string& name) const {
    const PlanNode* node = TryGetNode(name);
    if (node == nullptr) {
        std::vector<std::string> names;
        names.reserve(nodes.size());
        for (const auto& candidate : nodes) {
            names.push_back(candidate.name);
        }
        throw GraphError::UnknownNode(this->name, name, names);
    }
    return *node;
}

const PipelinePlan* Plan::TryGetPipeline(const std::string& name) const {
    auto found = std::find_if(
        pipelines.begin(), pipelines.end(), [&](const PipelinePlan& pipeline) { return pipeline.name == name; });
    return found == pipelines.end() ? nullptr : &*found;
}

const PipelinePlan& Plan::GetPipeline(const std::string& name) const {
    const PipelinePlan* pipeline = TryGetPipeline(name);
    if (pipeline == nullptr) {
        std::vector<std::string> names;
        names.reserve(pipelines.size());
        for (const auto& candidate : pipelines) {
            names.push_back(candidate.name);
        }
        throw GraphError::PipelineNotInPlan(name, names);
    }
    return *pipeline;
}

config::Json Plan::ToJson() const {
    config::Json pipelines_json = config::Json::array();
    for (const auto& pipeline : pipelines) {
        config::Json nodes_json = config::Json::array();
        std::vector<Edge> edges;
        for (const auto& node : pipeline.nodes) {
            config::Json node_json = config::Json::object();
            node_json["name"] = node.name;
            node_json["kind"] = node.config != nullptr ? NodeKind(*node.config) : std::string("unknown");
            node_json["depends_on"] = node.dependencies;
            node_json["input"] = InputKindName(node.input_kind);
            node_json["selected"] = node.selected;
            node_json["enabled"] = node.enabled;
            node_json["materialize"] = node.materialize;
            node_json["version_hash"] = node.version_hash;
            nodes_json.push_back(std::move(node_json));
            for (const auto& dependency : node.dependencies) {
                edges.push_back(Edge{dependency, node.name});
            }
        }
        // Sorted by (source, target), as Odibi's plan command lists them.
        std::sort(edges.begin(), edges.end(), [](const Edge& left, const Edge& right) {
            return std::tie(left.source, left.target) < std::tie(right.source, right.target);
        });
        config::Json edges_json = config::Json::array();
        for (const auto& edge : edges) {
            edges_json.push_back(config::Json{{"source", edge.source}, {"target", edge.target}});
        }
        config::Json pipeline_json = config::Json::object();
        pipeline_json["name"] = pipeline.name;
        pipeline_json["layers"] = pipeline.layers;
        pipeline_json["nodes"] = std::move(nodes_json);
        pipeline_json["edges"] = std::move(edges_json);
        pipelines_json.push_back(std::move(pipeline_json));
    }
    config::Json result = config::Json::object();
    result["schema_version"] = std::string(PLAN_SCHEMA_VERSION);
    result["project"] = project ? project->project : std::string();
    result["pipelines"] = std::move(pipelines_json);
    return result;
}

std::optional<GraphFormat> TryParseGraphFormat(const std::string& text) {
    std::string lowered = ToLower(text);
    if (lowered == "ascii") {
        return GraphFormat::ASCII;
    }
    if (lowered == "mermaid") {
        return GraphFormat::MERMAID;
    }
    if (lowered == "dot") {
        return GraphFormat::DOT;
    }
    return std::nullopt;
}

std::string GraphFormatName(GraphFormat format) {
    switch (format) {
    case GraphFormat::ASCII:
        return "ascii";
    case GraphFormat::MERMAID:
        return "mermaid";
    case GraphFormat::DOT:
        return "dot";
    }
    return "ascii";
}

std::vector<std::string> GraphFormatNames() {
    return {
        GraphFormatName(GraphFormat::ASCII), GraphFormatName(GraphFormat::MERMAID), GraphFormatName(GraphFormat::DOT)};
}

} // namespace odibi::graph
