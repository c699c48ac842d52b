// Named constructors for plan errors: one place for the wording of every graph and selection problem.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "odibi/common/error.hpp"

namespace odibi::graph {

/// Each constructor returns a USER error with the phase "plan", the location it is given, a
/// message that says what failed and why, and suggestions that say how to fix it.
struct GraphError {
    /// DEPENDENCY_CYCLE: `path` is the closed cycle, first node repeated last ("a", "b", "a"); each
    /// arrow of the printed path points from a node to a node that depends on it.
    static Error Cycle(std::string_view pipeline, const std::vector<std::string>& path, SourceLocation location);
    /// UNKNOWN_DEPENDENCY: `depends_on` names a node that the pipeline does not have.
    static Error UnknownDependency(std::string_view pipeline,
                                   std::string_view node,
                                   std::string_view dependency,
                                   const std::vector<std::string>& node_names,
                                   SourceLocation location);
    /// UNRESOLVED_REFERENCE: a `$pipeline.node` input names a pipeline the project does not have.
    static Error UnknownReferencedPipeline(std::string_view node,
                                           std::string_view reference,
                                           std::string_view pipeline,
                                           const std::vector<std::string>& pipeline_names,
                                           SourceLocation location);
    /// UNRESOLVED_REFERENCE: a `$pipeline.node` input names a node the referenced pipeline does not have.
    static Error UnknownReferencedNode(std::string_view node,
                                       std::string_view reference,
                                       std::string_view pipeline,
                                       std::string_view referenced_node,
                                       const std::vector<std::string>& node_names,
                                       SourceLocation location);
    /// DUPLICATE_NAME: two nodes of one pipeline share a name.
    static Error DuplicateNode(std::string_view pipeline,
                               std::string_view node,
                               const SourceLocation& first_location,
                               SourceLocation location);
    /// UNKNOWN_TRANSFORMER: `what` is "transformer", "function" or "operation".
    static Error UnknownTransformer(std::string_view what,
                                    std::string_view name,
                                    const std::vector<std::string>& candidates,
                                    SourceLocation location);
    /// NOT_SUPPORTED_YET: an Odibi transformer or pattern that this build recognises but does not build.
    static Error TransformerNotSupportedYet(std::string_view name, SourceLocation location);
    /// NO_PIPELINES: the project has nothing to plan.
    static Error NoPipelines(SourceLocation location);
    /// SELECTION_NOT_FOUND: `--pipeline NAME` matches no pipeline.
    static Error UnknownSelectedPipeline(std::string_view name, const std::vector<std::string>& pipeline_names);
    /// SELECTION_NOT_FOUND: `--node NAME` is missing from a selected pipeline.
    static Error SelectedNodeNotInPipeline(std::string_view node,
                                           std::string_view pipeline,
                                           const std::vector<std::string>& node_names,
                                           const std::vector<std::string>& pipelines_with_node);
    /// SELECTION_NOT_FOUND: `--tag` (and `--node`) selected no node at all.
    static Error EmptySelection(const std::vector<std::string>& tags, const std::vector<std::string>& known_tags);
    /// SELECTION_NOT_FOUND: a lookup of a pipeline that the plan does not hold.
    static Error PipelineNotInPlan(std::string_view name, const std::vector<std::string>& pipeline_names);
    /// UNKNOWN_NODE: a lookup of a node that a planned pipeline does not have.
    static Error
    UnknownNode(std::string_view pipeline, std::string_view node, const std::vector<std::string>& node_names);
};

} // namespace odibi::graph
