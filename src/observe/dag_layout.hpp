// Layered (left-to-right) layout of a pipeline DAG for the story's inline SVG drawing.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace odibi::observe {

/// Geometry of the drawing, in SVG user units.
inline constexpr double DAG_NODE_WIDTH = 180.0;
inline constexpr double DAG_NODE_HEIGHT = 40.0;
inline constexpr double DAG_LAYER_GAP = 70.0;
inline constexpr double DAG_ROW_GAP = 18.0;
inline constexpr double DAG_MARGIN = 16.0;

struct DagNodePlacement {
    size_t layer = 0; ///< 0 for nodes without upstream nodes; else 1 + the deepest upstream layer
    size_t row = 0;   ///< position inside the layer, top to bottom
    double x = 0.0;   ///< top-left corner of the node's box
    double y = 0.0;
};

struct DagLayout {
    std::vector<DagNodePlacement> nodes; ///< same order as the input nodes
    size_t layer_count = 0;
    double width = 0.0;
    double height = 0.0;
};

/// Places `node_count` nodes joined by `edges` (source index, target index) in layers by longest
/// path from the roots, then orders each layer by the mean row of its upstream nodes so that edges
/// cross less. Edges that would close a cycle are ignored for layering; out-of-range edges too.
[[nodiscard]] DagLayout LayoutDag(size_t node_count, const std::vector<std::pair<size_t, size_t>>& edges);

} // namespace odibi::observe
