// The wording of row-level check failures and of tests that cannot run: what failed, where, why, fix.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "odibi/config/project.hpp"
#include "odibi/quality/quality.hpp"

namespace odibi::quality {

/// What a failing row-level check found.
struct RowFailure {
    std::vector<std::string> columns; ///< resolved names
    int64_t violations = 0;
    int64_t rows = 0;
    bool valid_rows_only = false;                             ///< counted over the rows left after the quarantine split
    std::vector<std::pair<std::string, int64_t>> null_counts; ///< not_null: per column
    std::vector<std::string> sample;
};

[[nodiscard]] std::string
RowFailureMessage(const config::QualityTestConfig& test, const QualityContext& context, const RowFailure& failure);

/// A test that could not run (a missing column or referenced relation).
[[nodiscard]] std::string
UnavailableMessage(const config::QualityTestConfig& test, const QualityContext& context, const std::string& reason);

/// " (sample: a=1; a=2)", or an empty string for no sample.
[[nodiscard]] std::string SampleText(const std::vector<std::string>& sample);

} // namespace odibi::quality
