// Longest-path layering and barycentre ordering of DAG nodes for the story drawing.
#include "dag_layout.hpp"

#include <algorithm>
#include <deque>

namespace odibi::observe {

DagLayout LayoutDag(size_t node_count, const std::vector<std::pair<size_t, size_t>>& edges) {
    DagLayout layout;
    layout.nodes.resize(node_count);
    if (node_count == 0) {
        layout.width = 2 * DAG_MARGIN;
        layout.height = 2 * DAG_MARGIN;
        return layout;
    }

    std::vector<std::vector<size_t>> upstream(node_count);
    std::vector<std::vector<size_t>> downstream(node_count);
    std::vector<size_t> pending_inputs(node_count, 0);
    for (const auto& [source, target] : edges) {
        if (source >= node_count || target >= node_count || source == target) {
            continue;
        }
        upstream[target].push_back(source);
        downstream[source].push_back(target);
        ++pending_inputs[target];
    }

    // Kahn's algorithm in input order; a node's layer is one past its deepest upstream node.
    std::vector<size_t> layer(node_count, 0);
    std::vector<bool> placed(node_count, false);
    std::deque<size_t> ready;
    for (size_t index = 0; index < node_count; ++index) {
        if (pending_inputs[index] == 0) {
            ready.push_back(index);
        }
    }
    size_t placed_count = 0;
    while (placed_count < node_count) {
        if (ready.empty()) {
            // A cycle: release the first unplaced node, layered after everything placed so far.
            for (size_t index = 0; index < node_count; ++index) {
                if (!placed[index]) {
                    ready.push_back(index);
                    break;
                }
            }
        }
        size_t current = ready.front();
        ready.pop_front();
        if (placed[current]) {
            continue;
        }
        placed[current] = true;
        ++placed_count;
        for (size_t source : upstream[current]) {
            if (placed[source]) {
                layer[current] = std::max(layer[current], layer[source] + 1);
            }
        }
        for (size_t target : downstream[current]) {
            if (pending_inputs[target] > 0 && --pending_inputs[target] == 0 && !placed[target]) {
                ready.push_back(target);
            }
        }
    }

    layout.layer_count = *std::max_element(layer.begin(), layer.end()) + 1;
    std::vector<std::vector<size_t>> members(layout.layer_count);
    for (size_t index = 0; index < node_count; ++index) {
        members[layer[index]].push_back(index);
    }

    // Barycentre ordering, one sweep down: a node sits near the mean row of its upstream nodes; ties
    // keep the plan order.
    std::vector<double> row(node_count, 0.0);
    for (size_t position = 0; position < members[0].size(); ++position) {
        row[members[0][position]] = static_cast<double>(position);
    }
    for (size_t layer_index = 1; layer_index < layout.layer_count; ++layer_index) {
        auto& nodes = members[layer_index];
        std::vector<double> key(node_count, 0.0);
        for (size_t node : nodes) {
            double sum = 0.0;
            size_t count = 0;
            for (size_t source : upstream[node]) {
                if (layer[source] < layer_index) {
                    sum += row[source];
                    ++count;
                }
            }
            key[node] = count == 0 ? static_cast<double>(node) : sum / static_cast<double>(count);
        }
        std::stable_sort(nodes.begin(), nodes.end(), [&](size_t left, size_t right) { return key[left] < key[right]; });
        for (size_t position = 0; position < nodes.size(); ++position) {
            row[nodes[position]] = static_cast<double>(position);
        }
    }

    size_t tallest = 0;
    for (const auto& nodes : members) {
        tallest = std::max(tallest, nodes.size());
    }
    double column_height =
        static_cast<double>(tallest) * DAG_NODE_HEIGHT + static_cast<double>(tallest - 1) * DAG_ROW_GAP;
    for (size_t layer_index = 0; layer_index < layout.layer_count; ++layer_index) {
        const auto& nodes = members[layer_index];
        double height =
            static_cast<double>(nodes.size()) * DAG_NODE_HEIGHT + static_cast<double>(nodes.size() - 1) * DAG_ROW_GAP;
        double top = DAG_MARGIN + (column_height - height) / 2.0;
        for (size_t position = 0; position < nodes.size(); ++position) {
            auto& placement = layout.nodes[nodes[position]];
            placement.layer = layer_index;
            placement.row = position;
            placement.x = DAG_MARGIN + static_cast<double>(layer_index) * (DAG_NODE_WIDTH + DAG_LAYER_GAP);
            placement.y = top + static_cast<double>(position) * (DAG_NODE_HEIGHT + DAG_ROW_GAP);
        }
    }
    layout.width = 2 * DAG_MARGIN + static_cast<double>(layout.layer_count) * DAG_NODE_WIDTH +
                   static_cast<double>(layout.layer_count - 1) * DAG_LAYER_GAP;
    layout.height = 2 * DAG_MARGIN + column_height;
    return layout;
}

} // namespace odibi::observe
