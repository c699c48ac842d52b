// BuildPlan: checks every pipeline's graph, orders it, applies the selection and hashes each node.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "version_hash.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/graph/graph_error.hpp"
#include "odibi/graph/plan.hpp"

namespace odibi::graph {
namespace {

constexpr size_t NO_INDEX = static_cast<size_t>(-1);

bool Contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

void AddUnique(std::vector<size_t>& indices, size_t index) {
    if (std::find(indices.begin(), indices.end(), index) == indices.end()) {
        indices.push_back(index);
    }
}

// What every pipeline's checks need to know about the whole project.
struct ProjectContext {
    const config::ProjectConfig& project;
    std::vector<std::string> pipeline_names;               ///< unique, declaration order
    std::map<std::string, size_t> pipeline_by_name;        ///< the last definition of a name wins
    std::map<std::string, std::vector<std::string>> nodes; ///< node names per pipeline name
    const std::vector<std::string>& known_transformers;
    const std::vector<std::string>& planned_transformers;
    std::vector<std::string> transformer_candidates; ///< known + planned, for did-you-mean
    DiagnosticList& diagnostics;

    [[nodiscard]] SourceLocation Locate(const std::string& path) const { return project.locations.Find(path); }
};

// A node while its pipeline's graph is being checked; indices point into the same vector.
struct WorkingNode {
    const config::NodeConfig* config = nullptr;
    std::string path; ///< "pipelines[0].nodes[2]"
    std::vector<size_t> dependencies;
    std::vector<size_t> dependents;
    std::vector<CrossReference> references;
};

std::string NodePath(const config::NodeConfig& node, size_t pipeline_index, size_t node_index) {
    if (!node.config_path.empty()) {
        return node.config_path;
    }
    return fmt::format("pipelines[{}].nodes[{}]", pipeline_index, node_index);
}

std::string StepPath(const config::TransformStep& step, const std::string& node_path, size_t step_index) {
    if (!step.config_path.empty()) {
        return step.config_path;
    }
    return fmt::format("{}.transform.steps[{}]", node_path, step_index);
}

std::string InputPath(const config::InputConfig& input, const std::string& node_path) {
    if (!input.config_path.empty()) {
        return input.config_path;
    }
    return fmt::format("{}.inputs.{}", node_path, input.alias);
}

void CheckTransformerName(const ProjectContext& context,
                          std::string_view what,
                          const std::string& name,
                          const std::string& path) {
    if (Contains(context.known_transformers, name)) {
        return;
    }
    if (Contains(context.planned_transformers, name)) {
        context.diagnostics.AddError(GraphError::TransformerNotSupportedYet(name, context.Locate(path)));
        return;
    }
    context.diagnostics.AddError(
        GraphError::UnknownTransformer(what, name, context.transformer_candidates, context.Locate(path)));
}

void CheckTransformers(const ProjectContext& context, const WorkingNode& node) {
    const config::NodeConfig& config = *node.config;
    // A cross_check node is a check typed by the config layer, not a registered transformer.
    if (config.transformer && !config.cross_check) {
        CheckTransformerName(context, "transformer", *config.transformer, node.path + ".transformer");
    }
    for (size_t step_index = 0; step_index < config.transform_steps.size(); ++step_index) {
        const config::TransformStep& step = config.transform_steps[step_index];
        if (step.kind == config::StepKind::FUNCTION) {
            CheckTransformerName(context, "function", step.text, StepPath(step, node.path, step_index));
        } else if (step.kind == config::StepKind::OPERATION) {
            CheckTransformerName(context, "operation", step.text, StepPath(step, node.path, step_index));
        }
    }
}

// Finds the strongly connected components that hold a cycle (Tarjan), each as member indices.
class CycleFinder {
public:
    explicit CycleFinder(const std::vector<WorkingNode>& nodes)
        : nodes_(nodes), order_(nodes.size(), NO_INDEX), low_(nodes.size(), 0), on_stack_(nodes.size(), false) {}

    [[nodiscard]] std::vector<std::vector<size_t>> CyclicComponents() {
        for (size_t index = 0; index < nodes_.size(); ++index) {
            if (order_[index] == NO_INDEX) {
                Visit(index);
            }
        }
        std::sort(components_.begin(), components_.end(), [](const auto& left, const auto& right) {
            return left.front() < right.front();
        });
        return components_;
    }

private:
    void Visit(size_t index) {
        order_[index] = low_[index] = next_order_++;
        stack_.push_back(index);
        on_stack_[index] = true;
        for (size_t dependent : nodes_[index].dependents) {
            if (order_[dependent] == NO_INDEX) {
                Visit(dependent);
                low_[index] = std::min(low_[index], low_[dependent]);
            } else if (on_stack_[dependent]) {
                low_[index] = std::min(low_[index], order_[dependent]);
            }
        }
        if (low_[index] != order_[index]) {
            return;
        }
        std::vector<size_t> component;
        size_t member = NO_INDEX;
        do {
            member = stack_.back();
            stack_.pop_back();
            on_stack_[member] = false;
            component.push_back(member);
        } while (member != index);
        const auto& own_dependencies = nodes_[index].dependencies;
        bool self_loop = std::find(own_dependencies.begin(), own_dependencies.end(), index) != own_dependencies.end();
        if (component.size() > 1 || self_loop) {
            std::sort(component.begin(), component.end());
            components_.push_back(std::move(component));
        }
    }

    const std::vector<WorkingNode>& nodes_;
    std::vector<size_t> order_;
    std::vector<size_t> low_;
    std::vector<bool> on_stack_;
    std::vector<size_t> stack_;
    size_t next_order_ = 0;
    std::vector<std::vector<size_t>> components_;
};

// The shortest cycle through the component's first-declared node, following dependents in declaration
// order: the same graph always prints the same path.
std::vector<std::string> CyclePath(const std::vector<WorkingNode>& nodes, const std::vector<size_t>& component) {
    size_t start = component.front();
    std::set<size_t> members(component.begin(), component.end());
    std::map<size_t, size_t> parent;
    std::vector<size_t> queue{start};
    size_t last = NO_INDEX;
    for (size_t position = 0; position < queue.size() && last == NO_INDEX; ++position) {
        size_t current = queue[position];
        for (size_t dependent : nodes[current].dependents) {
            if (dependent == start) {
                last = current;
                break;
            }
            if (members.count(dependent) > 0 && parent.count(dependent) == 0 && dependent != start) {
                parent[dependent] = current;
                queue.push_back(dependent);
            }
        }
    }
    std::vector<std::string> path;
    for (size_t current = last; current != start; current = parent.at(current)) {
        path.push_back(nodes[current].config->name);
    }
    path.push_back(nodes[start].config->name);
    std::reverse(path.begin(), path.end());
    path.push_back(nodes[start].config->name);
    return path;
}

// Topological order (Kahn), always taking the ready node declared first.
std::vector<size_t> TopologicalOrder(const std::vector<WorkingNode>& nodes) {
    std::vector<size_t> waiting(nodes.size(), 0);
    std::set<size_t> ready;
    for (size_t index = 0; index < nodes.size(); ++index) {
        waiting[index] = nodes[index].dependencies.size();
        if (waiting[index] == 0) {
            ready.insert(index);
        }
    }
    std::vector<size_t> order;
    order.reserve(nodes.size());
    while (!ready.empty()) {
        size_t current = *ready.begin();
        ready.erase(ready.begin());
        order.push_back(current);
        for (size_t dependent : nodes[current].dependents) {
            if (--waiting[dependent] == 0) {
                ready.insert(dependent);
            }
        }
    }
    return order;
}

InputKind InputKindOf(const config::NodeConfig& node) {
    if (node.read) {
        return InputKind::READ;
    }
    if (!node.inputs.empty()) {
        return InputKind::INPUTS;
    }
    if (!node.depends_on.empty()) {
        return InputKind::DEPENDENCY;
    }
    return InputKind::NONE;
}

// Resolves one `$pipeline.node` input: same-pipeline references become dependencies.
void ResolveReference(const ProjectContext& context,
                      const config::PipelineConfig& pipeline,
                      const std::map<std::string, size_t>& index_by_name,
                      const std::vector<std::string>& node_names,
                      const config::InputConfig& input,
                      WorkingNode& node) {
    CrossReference reference;
    reference.alias = input.alias;
    reference.pipeline = *input.reference_pipeline;
    reference.node = input.reference_node.value_or("");
    reference.same_pipeline = reference.pipeline == pipeline.name;
    std::string text = fmt::format("${}.{}", reference.pipeline, reference.node);
    std::string path = InputPath(input, node.path);
    if (reference.same_pipeline) {
        auto found = index_by_name.find(reference.node);
        if (found == index_by_name.end()) {
            context.diagnostics.AddError(GraphError::UnknownReferencedNode(
                node.config->name, text, reference.pipeline, reference.node, node_names, context.Locate(path)));
        } else {
            AddUnique(node.dependencies, found->second);
        }
    } else if (context.pipeline_by_name.count(reference.pipeline) == 0) {
        context.diagnostics.AddError(GraphError::UnknownReferencedPipeline(
            node.config->name, text, reference.pipeline, context.pipeline_names, context.Locate(path)));
    } else {
        const auto& other_nodes = context.nodes.at(reference.pipeline);
        if (!Contains(other_nodes, reference.node)) {
            context.diagnostics.AddError(GraphError::UnknownReferencedNode(
                node.config->name, text, reference.pipeline, reference.node, other_nodes, context.Locate(path)));
        }
    }
    node.references.push_back(std::move(reference));
}

// Checks one pipeline and lays it out. With a cycle the plan is not usable; errors say why.
PipelinePlan
BuildPipeline(const ProjectContext& context, const config::PipelineConfig& pipeline, size_t pipeline_index) {
    std::vector<WorkingNode> nodes;
    std::map<std::string, size_t> index_by_name;
    std::vector<std::string> node_names;
    for (size_t node_index = 0; node_index < pipeline.nodes.size(); ++node_index) {
        const config::NodeConfig& config = pipeline.nodes[node_index];
        std::string path = NodePath(config, pipeline_index, node_index);
        auto existing = index_by_name.find(config.name);
        if (existing != index_by_name.end()) {
            context.diagnostics.AddError(GraphError::DuplicateNode(pipeline.name,
                                                                   config.name,
                                                                   context.Locate(nodes[existing->second].path),
                                                                   context.Locate(path + ".name")));
            continue;
        }
        index_by_name.emplace(config.name, nodes.size());
        node_names.push_back(config.name);
        WorkingNode node;
        node.config = &config;
        node.path = std::move(path);
        nodes.push_back(std::move(node));
    }

    for (auto& node : nodes) {
        const config::NodeConfig& config = *node.config;
        for (size_t position = 0; position < config.depends_on.size(); ++position) {
            const std::string& dependency = config.depends_on[position];
            auto found = index_by_name.find(dependency);
            if (found == index_by_name.end()) {
                std::string path = fmt::format("{}.depends_on[{}]", node.path, position);
                context.diagnostics.AddError(GraphError::UnknownDependency(
                    pipeline.name, config.name, dependency, node_names, context.Locate(path)));
                continue;
            }
            AddUnique(node.dependencies, found->second);
        }
        for (const auto& input : config.inputs) {
            if (input.reference_pipeline) {
                ResolveReference(context, pipeline, index_by_name, node_names, input, node);
            }
        }
        CheckTransformers(context, node);
    }
    for (size_t index = 0; index < nodes.size(); ++index) {
        for (size_t dependency : nodes[index].dependencies) {
            nodes[dependency].dependents.push_back(index);
        }
    }

    PipelinePlan plan;
    plan.name = pipeline.name;
    plan.config = &pipeline;

    auto cycles = CycleFinder(nodes).CyclicComponents();
    for (const auto& component : cycles) {
        const WorkingNode& first = nodes[component.front()];
        context.diagnostics.AddError(
            GraphError::Cycle(pipeline.name, CyclePath(nodes, component), context.Locate(first.path)));
    }
    std::vector<size_t> order;
    if (cycles.empty()) {
        order = TopologicalOrder(nodes);
    } else {
        // Declaration order keeps the (unusable) plan inspectable; BuildPlan throws before returning it.
        for (size_t index = 0; index < nodes.size(); ++index) {
            order.push_back(index);
        }
    }

    std::vector<int> layer_of(nodes.size(), 0);
    std::vector<std::string> disabled_root(nodes.size());
    std::vector<std::string> hash_of(nodes.size());
    const std::optional<int>& threshold = pipeline.auto_cache_threshold;
    for (size_t index : order) {
        const WorkingNode& working = nodes[index];
        const config::NodeConfig& config = *working.config;
        PlanNode node;
        node.name = config.name;
        node.config = &config;
        node.input_kind = InputKindOf(config);
        node.references = working.references;
        std::vector<std::pair<std::string, std::string>> upstream;
        for (size_t dependency : working.dependencies) {
            const std::string& dependency_name = nodes[dependency].config->name;
            node.dependencies.push_back(dependency_name);
            upstream.emplace_back(dependency_name, hash_of[dependency]);
            layer_of[index] = std::max(layer_of[index], layer_of[dependency] + 1);
            if (disabled_root[index].empty() && !disabled_root[dependency].empty()) {
                disabled_root[index] = disabled_root[dependency];
            }
        }
        for (size_t dependent : working.dependents) {
            node.dependents.push_back(nodes[dependent].config->name);
        }
        node.layer = layer_of[index];
        if (!config.enabled) {
            disabled_root[index] = config.name;
            node.enabled = false;
            node.skip_cause = "disabled";
        } else if (!disabled_root[index].empty()) {
            node.enabled = false;
            node.skip_cause = fmt::format("upstream '{}' is disabled", disabled_root[index]);
        }
        node.materialize = config.cache || (threshold && *threshold > 0 &&
                                            working.dependents.size() >= static_cast<size_t>(*threshold));
        node.config_snapshot = CanonicalNodeJson(config, context.project);
        hash_of[index] = ComputeVersionHash(node.config_snapshot, upstream);
        node.version_hash = hash_of[index];
        if (cycles.empty()) {
            if (plan.layers.size() <= static_cast<size_t>(node.layer)) {
                plan.layers.resize(static_cast<size_t>(node.layer) + 1);
            }
            plan.layers[static_cast<size_t>(node.layer)].push_back(node.name);
        }
        plan.nodes.push_back(std::move(node));
    }
    return plan;
}

// Every transitive dependency of `name` in `pipeline`, plus `name` itself.
void AddWithUpstream(const PipelinePlan& pipeline, const std::string& name, std::set<std::string>& selected) {
    std::vector<std::string> pending{name};
    while (!pending.empty()) {
        std::string current = std::move(pending.back());
        pending.pop_back();
        if (!selected.insert(current).second) {
            continue;
        }
        const PlanNode* node = pipeline.TryGetNode(current);
        if (node != nullptr) {
            pending.insert(pending.end(), node->dependencies.begin(), node->dependencies.end());
        }
    }
}

std::vector<std::string> NodeNames(const PipelinePlan& pipeline) {
    std::vector<std::string> names;
    names.reserve(pipeline.nodes.size());
    for (const auto& node : pipeline.config->nodes) {
        if (!Contains(names, node.name)) {
            names.push_back(node.name);
        }
    }
    return names;
}

// Applies --pipeline, --node and --tag. Returns the pipelines that stay in the plan.
std::vector<PipelinePlan>
ApplySelection(const ProjectContext& context, std::vector<PipelinePlan> planned, const Selection& selection) {
    std::set<std::string> chosen_pipelines;
    for (const auto& name : selection.pipelines) {
        if (context.pipeline_by_name.count(name) == 0) {
            context.diagnostics.AddError(GraphError::UnknownSelectedPipeline(name, context.pipeline_names));
            continue;
        }
        chosen_pipelines.insert(name);
    }
    std::vector<PipelinePlan> kept;
    for (auto& pipeline : planned) {
        if (selection.pipelines.empty() || chosen_pipelines.count(pipeline.name) > 0) {
            kept.push_back(std::move(pipeline));
        }
    }
    if (selection.nodes.empty() && selection.tags.empty()) {
        return kept;
    }

    std::vector<PipelinePlan> result;
    std::set<std::string> known_tags_set;
    size_t selected_total = 0;
    for (auto& pipeline : kept) {
        std::set<std::string> selected;
        for (const auto& name : selection.nodes) {
            if (pipeline.TryGetNode(name) == nullptr) {
                std::vector<std::string> pipelines_with_node;
                for (const auto& other : context.pipeline_names) {
                    if (Contains(context.nodes.at(other), name)) {
                        pipelines_with_node.push_back(other);
                    }
                }
                context.diagnostics.AddError(GraphError::SelectedNodeNotInPipeline(
                    name, pipeline.name, NodeNames(pipeline), pipelines_with_node));
                continue;
            }
            AddWithUpstream(pipeline, name, selected);
        }
        for (const auto& node : pipeline.nodes) {
            for (const auto& tag : node.config->tags) {
                known_tags_set.insert(tag);
                if (Contains(selection.tags, tag)) {
                    selected.insert(node.name);
                }
            }
        }
        for (auto& node : pipeline.nodes) {
            node.selected = selected.count(node.name) > 0;
        }
        selected_total += selected.size();
        // A tag-only selection drops the pipelines it does not touch; --node never leaves one empty.
        if (!selected.empty() || !selection.nodes.empty()) {
            result.push_back(std::move(pipeline));
        }
    }
    if (selected_total == 0 && !selection.tags.empty()) {
        std::vector<std::string> known_tags(known_tags_set.begin(), known_tags_set.end());
        context.diagnostics.AddError(GraphError::EmptySelection(selection.tags, known_tags));
    }
    return result;
}

} // namespace

Plan BuildPlan(std::shared_ptr<const config::ProjectConfig> project,
               const Selection& selection,
               const std::vector<std::string>& known_transformers,
               const std::vector<std::string>& planned_transformers) {
    if (!project) {
        throw InternalError("BuildPlan needs a project configuration, got none");
    }
    DiagnosticList diagnostics;
    std::string subject =
        project->config_file.empty() ? fmt::format("project \"{}\"", project->project) : project->config_file;
    if (project->pipelines.empty()) {
        diagnostics.AddError(GraphError::NoPipelines(project->locations.Find("pipelines")));
        diagnostics.ThrowIfErrors(subject);
    }

    ProjectContext context{*project, {}, {}, {}, known_transformers, planned_transformers, {}, diagnostics};
    for (size_t index = 0; index < project->pipelines.size(); ++index) {
        const config::PipelineConfig& pipeline = project->pipelines[index];
        if (context.pipeline_by_name.count(pipeline.name) == 0) {
            context.pipeline_names.push_back(pipeline.name);
        }
        context.pipeline_by_name[pipeline.name] = index;
        std::vector<std::string> names;
        for (const auto& node : pipeline.nodes) {
            names.push_back(node.name);
        }
        context.nodes[pipeline.name] = std::move(names);
    }
    context.transformer_candidates = known_transformers;
    context.transformer_candidates.insert(
        context.transformer_candidates.end(), planned_transformers.begin(), planned_transformers.end());

    std::vector<PipelinePlan> planned;
    for (size_t index = 0; index < project->pipelines.size(); ++index) {
        const config::PipelineConfig& pipeline = project->pipelines[index];
        // A name defined twice runs its last definition (Odibi's merge rule); the loader warns about it.
        if (context.pipeline_by_name.at(pipeline.name) != index) {
            continue;
        }
        planned.push_back(BuildPipeline(context, pipeline, index));
    }

    Plan plan;
    plan.pipelines = ApplySelection(context, std::move(planned), selection);
    diagnostics.ThrowIfErrors(subject);
    plan.project = std::move(project);
    return plan;
}

} // namespace odibi::graph
