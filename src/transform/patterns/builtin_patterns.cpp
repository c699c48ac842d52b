// The one visible list of built-in warehouse patterns (`transformer: <pattern>` or `pattern: {type}`).
#include "pattern_support.hpp"

namespace odibi::transform {

void RegisterBuiltinPatterns(TransformerRegistry& registry) {
    registry.Register(MakeDimensionPattern());
    registry.Register(MakeDateDimensionPattern());
    registry.Register(MakeFactPattern());
    registry.Register(MakeAggregationPattern());
    registry.Register(MakeScd2Pattern());
    registry.Register(MakeMergePattern());
    registry.Register(MakeDetectDeletesPattern());
}

} // namespace odibi::transform
