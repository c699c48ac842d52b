// The wording of every plan error: what failed, why, and how to fix it.
#include "odibi/graph/graph_error.hpp"

#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::graph {
namespace {

constexpr std::string_view PHASE = "plan";

// Appends `Did you mean "x"?` to a message when a candidate is close enough.
std::string WithDidYouMean(std::string message, std::string_view input, const std::vector<std::string>& candidates) {
    std::string hint = DidYouMean(input, candidates);
    if (!hint.empty()) {
        message += ". " + hint;
    }
    return message;
}

// A readable list of names for suggestions ("none" when there are none).
std::string Available(const std::vector<std::string>& names) {
    return names.empty() ? std::string("none") : QuotedList(names);
}

Error MakeError(ErrorCode code, std::string message, SourceLocation location) {
    Error error(code, ErrorSource::USER, std::move(message));
    error.WithPhase(std::string(PHASE));
    error.WithLocation(std::move(location));
    return error;
}

} // namespace

Error GraphError::Cycle(std::string_view pipeline, const std::vector<std::string>& path, SourceLocation location) {
    std::string printed = Join(path, " -> ");
    Error error = MakeError(ErrorCode::DEPENDENCY_CYCLE,
                            fmt::format("dependency cycle in pipeline \"{}\": {} (each arrow points from a node to a "
                                        "node that depends on it, so none of them can run first)",
                                        pipeline,
                                        printed),
                            std::move(location));
    error.WithContext("cycle", printed);
    if (path.size() >= 2) {
        const std::string& last = path[path.size() - 2];
        const std::string& first = path.back();
        error.WithSuggestion(
            fmt::format("break the cycle: remove \"{}\" from the depends_on (or the inputs) of \"{}\"", last, first));
    }
    return error;
}

Error GraphError::UnknownDependency(std::string_view pipeline,
                                    std::string_view node,
                                    std::string_view dependency,
                                    const std::vector<std::string>& node_names,
                                    SourceLocation location) {
    Error error = MakeError(ErrorCode::UNKNOWN_DEPENDENCY,
                            WithDidYouMean(fmt::format("node \"{}\" depends on \"{}\", which is not a node of pipeline "
                                                       "\"{}\" (depends_on names nodes of the same pipeline only)",
                                                       node,
                                                       dependency,
                                                       pipeline),
                                           dependency,
                                           node_names),
                            std::move(location));
    auto closest = ClosestMatch(dependency, node_names);
    if (closest) {
        error.WithSuggestion(fmt::format("change \"{}\" to \"{}\"", dependency, *closest));
    }
    error.WithSuggestion(fmt::format("nodes of pipeline \"{}\": {}; to use another pipeline's output, add an input "
                                     "\"$<pipeline>.<node>\" instead",
                                     pipeline,
                                     Available(node_names)));
    return error;
}

Error GraphError::UnknownReferencedPipeline(std::string_view node,
                                            std::string_view reference,
                                            std::string_view pipeline,
                                            const std::vector<std::string>& pipeline_names,
                                            SourceLocation location) {
    Error error = MakeError(
        ErrorCode::UNRESOLVED_REFERENCE,
        WithDidYouMean(
            fmt::format(
                "node \"{}\" references \"{}\", but the project has no pipeline \"{}\"", node, reference, pipeline),
            pipeline,
            pipeline_names),
        std::move(location));
    auto closest = ClosestMatch(pipeline, pipeline_names);
    if (closest) {
        error.WithSuggestion(fmt::format("change \"{}\" to \"{}\"", pipeline, *closest));
    }
    error.WithSuggestion(fmt::format("pipelines of this project: {}", Available(pipeline_names)));
    return error;
}

Error GraphError::UnknownReferencedNode(std::string_view node,
                                        std::string_view reference,
                                        std::string_view pipeline,
                                        std::string_view referenced_node,
                                        const std::vector<std::string>& node_names,
                                        SourceLocation location) {
    Error error = MakeError(ErrorCode::UNRESOLVED_REFERENCE,
                            WithDidYouMean(fmt::format("node \"{}\" references \"{}\", but pipeline \"{}\" has no node "
                                                       "\"{}\"",
                                                       node,
                                                       reference,
                                                       pipeline,
                                                       referenced_node),
                                           referenced_node,
                                           node_names),
                            std::move(location));
    auto closest = ClosestMatch(referenced_node, node_names);
    if (closest) {
        error.WithSuggestion(fmt::format("change the reference to \"${}.{}\"", pipeline, *closest));
    }
    error.WithSuggestion(fmt::format("nodes of pipeline \"{}\": {}", pipeline, Available(node_names)));
    return error;
}

Error GraphError::DuplicateNode(std::string_view pipeline,
                                std::string_view node,
                                const SourceLocation& first_location,
                                SourceLocation location) {
    std::string first = first_location.ToString();
    Error error = MakeError(ErrorCode::DUPLICATE_NAME,
                            fmt::format("pipeline \"{}\" has more than one node named \"{}\"{} (node names are the "
                                        "names of their outputs and must be unique in a pipeline)",
                                        pipeline,
                                        node,
                                        first.empty() ? std::string() : fmt::format("; the first is at {}", first)),
                            std::move(location));
    error.WithSuggestion(fmt::format("rename one of the nodes named \"{}\"", node));
    return error;
}

Error GraphError::UnknownTransformer(std::string_view what,
                                     std::string_view name,
                                     const std::vector<std::string>& candidates,
                                     SourceLocation location) {
    Error error = MakeError(
        ErrorCode::UNKNOWN_TRANSFORMER,
        WithDidYouMean(
            fmt::format("unknown {} \"{}\": no transformer or pattern has this name", what, name), name, candidates),
        std::move(location));
    auto closest = ClosestMatch(name, candidates);
    if (closest) {
        error.WithSuggestion(fmt::format("change \"{}\" to \"{}\"", name, *closest));
    }
    error.WithSuggestion("run \"odibi list transformers\" to see every available name");
    return error;
}

Error GraphError::TransformerNotSupportedYet(std::string_view name, SourceLocation location) {
    if (name == "geocode") {
        // Running the node with Odibi would not help: its geocode returns the input unchanged.
        Error error = MakeError(ErrorCode::NOT_SUPPORTED_YET,
                                "not supported yet: transformer geocode (Odibi's geocode is a stub that returns its "
                                "input unchanged, and odibi has no geocoding service)",
                                std::move(location));
        error.WithSuggestion("remove the step, or join coordinates from a geocoded reference dataset (join or "
                             "apply_mapping)");
        return error;
    }
    Error error = MakeError(ErrorCode::NOT_SUPPORTED_YET,
                            fmt::format("not supported yet: transformer {} (Odibi has it; this build of odibi does "
                                        "not implement it yet)",
                                        name),
                            std::move(location));
    error.WithSuggestion(fmt::format(
        "express \"{}\" with SQL transform steps, or run this node with Odibi until odibi supports it", name));
    return error;
}

Error GraphError::NoPipelines(SourceLocation location) {
    Error error = MakeError(
        ErrorCode::NO_PIPELINES, "the project defines no pipelines, so there is nothing to plan", std::move(location));
    error.WithSuggestion("add a \"pipelines:\" list with at least one pipeline and its nodes");
    return error;
}

Error GraphError::UnknownSelectedPipeline(std::string_view name, const std::vector<std::string>& pipeline_names) {
    Error error = MakeError(
        ErrorCode::SELECTION_NOT_FOUND,
        WithDidYouMean(fmt::format("--pipeline \"{}\" matches no pipeline of the project", name), name, pipeline_names),
        {});
    auto closest = ClosestMatch(name, pipeline_names);
    if (closest) {
        error.WithSuggestion(fmt::format("use --pipeline {}", *closest));
    }
    error.WithSuggestion(fmt::format("pipelines of this project: {}", Available(pipeline_names)));
    return error;
}

Error GraphError::SelectedNodeNotInPipeline(std::string_view node,
                                            std::string_view pipeline,
                                            const std::vector<std::string>& node_names,
                                            const std::vector<std::string>& pipelines_with_node) {
    Error error = MakeError(ErrorCode::SELECTION_NOT_FOUND,
                            WithDidYouMean(fmt::format("--node \"{}\" is not a node of the selected pipeline \"{}\" "
                                                       "(--node must name a node of every selected pipeline)",
                                                       node,
                                                       pipeline),
                                           node,
                                           node_names),
                            {});
    auto closest = ClosestMatch(node, node_names);
    if (closest) {
        error.WithSuggestion(fmt::format("use --node {}", *closest));
    }
    if (pipelines_with_node.empty()) {
        error.WithSuggestion(fmt::format("nodes of pipeline \"{}\": {}", pipeline, Available(node_names)));
    } else {
        error.WithSuggestion(fmt::format(
            "select only the pipelines that have \"{}\" with --pipeline: {}", node, QuotedList(pipelines_with_node)));
    }
    return error;
}

Error GraphError::EmptySelection(const std::vector<std::string>& tags, const std::vector<std::string>& known_tags) {
    std::string message = fmt::format("--tag {} selects no node of the selected pipelines", QuotedList(tags));
    for (const auto& tag : tags) {
        std::string hint = DidYouMean(tag, known_tags);
        if (!hint.empty()) {
            message += ". " + hint;
            break;
        }
    }
    Error error = MakeError(ErrorCode::SELECTION_NOT_FOUND, std::move(message), {});
    error.WithSuggestion(fmt::format("tags used by the selected pipelines: {}", Available(known_tags)));
    return error;
}

Error GraphError::PipelineNotInPlan(std::string_view name, const std::vector<std::string>& pipeline_names) {
    Error error =
        MakeError(ErrorCode::SELECTION_NOT_FOUND,
                  WithDidYouMean(fmt::format("pipeline \"{}\" is not part of this plan", name), name, pipeline_names),
                  {});
    error.WithSuggestion(fmt::format("planned pipelines: {}", Available(pipeline_names)));
    return error;
}

Error GraphError::UnknownNode(std::string_view pipeline,
                              std::string_view node,
                              const std::vector<std::string>& node_names) {
    Error error =
        MakeError(ErrorCode::UNKNOWN_NODE,
                  WithDidYouMean(fmt::format("pipeline \"{}\" has no node \"{}\"", pipeline, node), node, node_names),
                  {});
    error.WithSuggestion(fmt::format("nodes of pipeline \"{}\": {}", pipeline, Available(node_names)));
    return error;
}

} // namespace odibi::graph
