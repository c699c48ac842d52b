// docs/transformers.md, generated from the transformer registry.
#pragma once

#include <string>

#include "odibi/transform/transformer.hpp"

namespace odibi::transform {

/// The Markdown reference of every transformer in `registry`: a complete runnable pipeline first,
/// then per category each transformer's description, params table and example step. This is the
/// text of docs/transformers.md (`odibi list transformers --format markdown`); a test keeps the
/// file in step with the registry.
[[nodiscard]] std::string TransformersMarkdown(const TransformerRegistry& registry);

} // namespace odibi::transform
