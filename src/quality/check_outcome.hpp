// What one check measured, before its severity turns it into a status, and how that happens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "odibi/quality/quality.hpp"

namespace odibi::quality {

/// The measurement of one check. `message` explains a failure (what, where, why, fix) or, for a
/// check that passed without really checking (no baseline, no declared columns), says why.
struct CheckOutcome {
    bool passed = true;
    int64_t rows_checked = 0;
    int64_t violation_count = 0;
    /// Set for batch checks (1.0 or 0.0); row-level checks derive it from the counts.
    std::optional<double> pass_rate;
    std::optional<double> threshold;
    std::optional<double> observed_value;
    std::vector<std::string> columns;
    std::vector<std::string> failing_sample;
    std::string message;
};

/// How a failing check's severity maps to a status for this evaluation.
struct StatusRules {
    bool quarantine_split = false; ///< failing rows of quarantine tests went to quarantine
    bool warn_mode = false;        ///< validation.mode warn: FAILED becomes WARNED
};

/// passed -> PASSED; else WARN -> WARNED; QUARANTINE with a split -> QUARANTINED; else FAILED (WARNED
/// in warn mode).
[[nodiscard]] CheckStatus StatusOf(bool passed, config::QualitySeverity severity, const StatusRules& rules);

/// The QualityResult of `test` with `outcome`.
[[nodiscard]] QualityResult
MakeResult(const config::QualityTestConfig& test, CheckPhase phase, CheckOutcome outcome, const StatusRules& rules);

} // namespace odibi::quality
