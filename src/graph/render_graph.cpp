// Draws one planned pipeline as text: a layered ASCII list, a Mermaid flowchart or a Graphviz digraph.
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/graph/plan.hpp"

namespace odibi::graph {
namespace {

// What is said about a node in every format, in this order: name, annotation, kind, flags.
struct NodeLabel {
    std::string name;
    std::string annotation; ///< caller-supplied (e.g. a run status); empty when none
    std::string kind;       ///< read, transform, write, unknown
    std::vector<std::string> flags;
};

NodeLabel LabelOf(const PlanNode& node, const std::map<std::string, std::string>& annotations) {
    NodeLabel label;
    label.name = node.name;
    auto annotation = annotations.find(node.name);
    if (annotation != annotations.end()) {
        label.annotation = annotation->second;
    }
    label.kind = node.config != nullptr ? NodeKind(*node.config) : std::string("unknown");
    if (!node.enabled) {
        label.flags.push_back(node.skip_cause == "disabled" || node.skip_cause.empty() ? std::string("disabled")
                                                                                       : "skipped: " + node.skip_cause);
    }
    if (!node.selected) {
        label.flags.push_back("not selected");
    }
    if (node.materialize) {
        label.flags.push_back("materialized");
    }
    return label;
}

// "name: annotation [kind] (flag) (flag)" on one line.
std::string InlineLabel(const NodeLabel& label) {
    std::string text = label.name;
    if (!label.annotation.empty()) {
        text += ": " + label.annotation;
    }
    text += " [" + label.kind + "]";
    for (const auto& flag : label.flags) {
        text += " (" + flag + ")";
    }
    return text;
}

std::string Plural(size_t count, std::string_view word) {
    return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

std::string RenderAscii(const PipelinePlan& pipeline, const std::map<std::string, std::string>& annotations) {
    std::map<int, std::vector<const PlanNode*>> by_layer;
    for (const auto& node : pipeline.nodes) {
        by_layer[node.layer].push_back(&node);
    }
    std::string text = fmt::format("pipeline {} ({}, {})\n",
                                   pipeline.name,
                                   Plural(pipeline.nodes.size(), "node"),
                                   Plural(by_layer.size(), "layer"));
    for (const auto& [layer, nodes] : by_layer) {
        text += fmt::format("layer {}\n", layer + 1);
        for (const PlanNode* node : nodes) {
            text += "  - " + InlineLabel(LabelOf(*node, annotations));
            if (!node->dependencies.empty()) {
                text += " <- " + Join(node->dependencies, ", ");
            }
            text += "\n";
        }
    }
    return text;
}

// Mermaid ids must be plain words, and a few words are keywords; other names get a positional id.
std::map<std::string, std::string> MermaidIds(const PipelinePlan& pipeline) {
    static const std::regex PLAIN_WORD("[A-Za-z_][A-Za-z0-9_]*");
    static const std::set<std::string> KEYWORDS = {"end",
                                                   "graph",
                                                   "subgraph",
                                                   "flowchart",
                                                   "direction",
                                                   "style",
                                                   "class",
                                                   "classdef",
                                                   "click",
                                                   "linkstyle",
                                                   "default"};
    std::map<std::string, std::string> ids;
    std::set<std::string> used;
    for (const auto& node : pipeline.nodes) {
        if (std::regex_match(node.name, PLAIN_WORD) && KEYWORDS.count(ToLower(node.name)) == 0) {
            ids[node.name] = node.name;
            used.insert(node.name);
        }
    }
    size_t position = 0;
    for (const auto& node : pipeline.nodes) {
        ++position;
        if (ids.count(node.name) > 0) {
            continue;
        }
        std::string id = fmt::format("node_{}", position);
        while (used.count(id) > 0) {
            id += "_";
        }
        ids[node.name] = id;
        used.insert(id);
    }
    return ids;
}

std::string EscapeMermaid(const std::string& text) {
    std::string result;
    for (char character : text) {
        switch (character) {
        case '"':
            result += "#quot;";
            break;
        case '<':
            result += "#lt;";
            break;
        case '>':
            result += "#gt;";
            break;
        case '\n':
            result += ' ';
            break;
        default:
            result += character;
        }
    }
    return result;
}

std::string RenderMermaid(const PipelinePlan& pipeline, const std::map<std::string, std::string>& annotations) {
    auto ids = MermaidIds(pipeline);
    std::string text = "graph TD\n";
    std::vector<std::string> disabled;
    std::vector<std::string> unselected;
    for (const auto& node : pipeline.nodes) {
        text +=
            fmt::format("    {}[\"{}\"]\n", ids.at(node.name), EscapeMermaid(InlineLabel(LabelOf(node, annotations))));
        if (!node.enabled) {
            disabled.push_back(ids.at(node.name));
        } else if (!node.selected) {
            unselected.push_back(ids.at(node.name));
        }
    }
    for (const auto& node : pipeline.nodes) {
        for (const auto& dependency : node.dependencies) {
            text += fmt::format("    {} --> {}\n", ids.at(dependency), ids.at(node.name));
        }
    }
    if (!disabled.empty()) {
        text += "    classDef disabled fill:#eeeeee,stroke:#999999,color:#777777,stroke-dasharray:5 5\n";
        text += fmt::format("    class {} disabled\n", Join(disabled, ","));
    }
    if (!unselected.empty()) {
        text += "    classDef unselected fill:#ffffff,stroke:#bbbbbb,color:#999999\n";
        text += fmt::format("    class {} unselected\n", Join(unselected, ","));
    }
    return text;
}

// A double-quoted DOT string: backslashes and quotes escaped, newlines as DOT's \n escape.
std::string QuoteDot(const std::string& text) {
    std::string result = "\"";
    for (char character : text) {
        switch (character) {
        case '"':
            result += "\\\"";
            break;
        case '\\':
            result += "\\\\";
            break;
        case '\n':
            result += "\\n";
            break;
        default:
            result += character;
        }
    }
    return result + "\"";
}

std::string RenderDot(const PipelinePlan& pipeline, const std::map<std::string, std::string>& annotations) {
    std::string text = fmt::format("digraph {} {{\n", QuoteDot(pipeline.name));
    text += "    rankdir=TB;\n";
    text += "    node [shape=box, style=rounded, fontname=\"Helvetica\"];\n";
    for (const auto& node : pipeline.nodes) {
        NodeLabel label = LabelOf(node, annotations);
        std::string lines = label.name;
        if (!label.annotation.empty()) {
            lines += "\n" + label.annotation;
        }
        lines += "\n[" + label.kind + "]";
        for (const auto& flag : label.flags) {
            lines += "\n(" + flag + ")";
        }
        std::string attributes = "label=" + QuoteDot(lines);
        if (!node.enabled) {
            attributes += ", style=\"rounded,dashed\", color=\"gray50\", fontcolor=\"gray50\"";
        } else if (!node.selected) {
            attributes += ", style=\"rounded,dotted\", fontcolor=\"gray50\"";
        }
        text += fmt::format("    {} [{}];\n", QuoteDot(node.name), attributes);
    }
    for (const auto& node : pipeline.nodes) {
        for (const auto& dependency : node.dependencies) {
            text += fmt::format("    {} -> {};\n", QuoteDot(dependency), QuoteDot(node.name));
        }
    }
    text += "}\n";
    return text;
}

} // namespace

std::string
RenderGraph(const PipelinePlan& pipeline, GraphFormat format, const std::map<std::string, std::string>& annotations) {
    switch (format) {
    case GraphFormat::ASCII:
        return RenderAscii(pipeline, annotations);
    case GraphFormat::MERMAID:
        return RenderMermaid(pipeline, annotations);
    case GraphFormat::DOT:
        return RenderDot(pipeline, annotations);
    }
    return RenderAscii(pipeline, annotations);
}

} // namespace odibi::graph
