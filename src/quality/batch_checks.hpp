// Batch-level tests (row_count, volume_drop, schema, distribution, freshness): one measurement of the
// whole batch, taken by the evaluation's single aggregate query where data is needed.
#pragma once

#include <optional>
#include <string>

#include "aggregate_query.hpp"
#include "check_outcome.hpp"
#include "column_lookup.hpp"

#include "odibi/config/project.hpp"
#include "odibi/quality/quality.hpp"

namespace odibi::quality {

/// Adds the aggregate a batch test needs (distribution: its metric; freshness: the newest value in
/// epoch milliseconds) over the rows `row_filter` keeps; nullopt for tests that need none. The
/// test's column must exist.
[[nodiscard]] std::optional<size_t> PlanBatchMetric(const config::QualityTestConfig& test,
                                                    const ColumnLookup& columns,
                                                    const std::string& row_filter,
                                                    AggregateQuery& query);

/// What a batch test sees of the batch.
struct BatchFacts {
    int64_t rows = 0;       ///< rows checked (the valid rows when a quarantine split happened)
    int64_t rows_total = 0; ///< every row of the batch (volume_drop compares these)
    std::optional<double> metric;
};

[[nodiscard]] CheckOutcome EvaluateBatchCheck(const config::QualityTestConfig& test,
                                              const ColumnLookup& columns,
                                              const BatchFacts& facts,
                                              const QualityContext& context);

} // namespace odibi::quality
