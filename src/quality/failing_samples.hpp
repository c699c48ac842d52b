// Samples of failing rows for messages and the story: "col=value, col=value", sensitive columns masked.
#pragma once

#include <string>
#include <vector>

#include "odibi/engine/database.hpp"
#include "odibi/quality/quality.hpp"

namespace odibi::quality {

/// Rendered text longer than this (custom_sql and cross-check samples show every column) is cut.
inline constexpr size_t MAX_SAMPLE_TEXT = 200;

/// Each row of `table` as "col=value, ..." (NULL as NULL, sensitive columns as ***), cut at
/// MAX_SAMPLE_TEXT characters when `cap_text`.
[[nodiscard]] std::vector<std::string>
RenderSampleRows(const engine::ResultTable& table, const QualityContext& context, bool cap_text);

/// Up to context.sample_size rows of `from_sql` that satisfy `where_sql`, over `columns` (unquoted).
[[nodiscard]] std::vector<std::string> SampleFailingRows(engine::Connection& connection,
                                                         const std::string& from_sql,
                                                         const std::string& where_sql,
                                                         const std::vector<std::string>& columns,
                                                         const QualityContext& context,
                                                         bool cap_text);

} // namespace odibi::quality
