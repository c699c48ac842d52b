// The quality gate (reference §3.4): a batch-level decision over the evaluation's counts.
#include <cmath>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/quality/quality.hpp"

namespace odibi::quality {

namespace {

constexpr double PERCENT = 100.0;
constexpr double ROUNDING = 1e10; // Odibi rounds the pass rate to 10 decimals

double RoundTo10Decimals(double value) {
    return std::round(value * ROUNDING) / ROUNDING;
}

std::string Percent(double rate) {
    return fmt::format("{:.4g}%", rate * PERCENT);
}

const QualityResult* FindResult(const TestEvaluation& evaluation, const std::string& name) {
    for (const auto& result : evaluation.results) {
        if (result.check_name == name) {
            return &result;
        }
    }
    return nullptr;
}

} // namespace

GateOutcome
EvaluateGate(const config::GateConfig& gate, const TestEvaluation& evaluation, std::optional<int64_t> previous_rows) {
    GateOutcome outcome;
    outcome.total_rows = evaluation.rows_total;
    outcome.passed_rows = evaluation.rows_passing_all;
    outcome.pass_rate =
        outcome.total_rows == 0
            ? 1.0
            : RoundTo10Decimals(static_cast<double>(outcome.passed_rows) / static_cast<double>(outcome.total_rows));
    if (outcome.pass_rate < gate.require_pass_rate) {
        outcome.reasons.push_back(fmt::format("pass rate {} ({} of {} rows pass every test) is below "
                                              "require_pass_rate {}",
                                              Percent(outcome.pass_rate),
                                              outcome.passed_rows,
                                              outcome.total_rows,
                                              Percent(gate.require_pass_rate)));
    }
    for (const auto& threshold : gate.thresholds) {
        const auto* result = FindResult(evaluation, threshold.test);
        if (result == nullptr) {
            continue;
        }
        if (result->pass_rate < threshold.min_pass_rate) {
            outcome.reasons.push_back(fmt::format("test '{}' passes {} of its rows, below its min_pass_rate {}",
                                                  threshold.test,
                                                  Percent(result->pass_rate),
                                                  Percent(threshold.min_pass_rate)));
        }
    }
    if (gate.row_count) {
        const auto& bounds = *gate.row_count;
        if (bounds.min && outcome.total_rows < *bounds.min) {
            outcome.reasons.push_back(
                fmt::format("row count {} is below row_count.min {}", outcome.total_rows, *bounds.min));
        } else if (bounds.max && outcome.total_rows > *bounds.max) {
            outcome.reasons.push_back(
                fmt::format("row count {} is above row_count.max {}", outcome.total_rows, *bounds.max));
        } else if (bounds.change_threshold && previous_rows && *previous_rows > 0) {
            double previous = static_cast<double>(*previous_rows);
            double change = std::fabs(static_cast<double>(outcome.total_rows) - previous) / previous;
            if (change > *bounds.change_threshold) {
                outcome.reasons.push_back(fmt::format("row count changed by {} ({} rows, {} in the previous run), "
                                                      "more than row_count.change_threshold {}",
                                                      Percent(change),
                                                      outcome.total_rows,
                                                      *previous_rows,
                                                      Percent(*bounds.change_threshold)));
            }
        }
    }
    outcome.passed = outcome.reasons.empty();

    QualityResult& result = outcome.result;
    result.check_name = "gate";
    result.check_type = "gate";
    result.phase = CheckPhase::GATE;
    result.severity =
        gate.on_fail == config::GateOnFail::ABORT ? config::QualitySeverity::FAIL : config::QualitySeverity::WARN;
    result.status = outcome.passed                              ? CheckStatus::PASSED
                    : gate.on_fail == config::GateOnFail::ABORT ? CheckStatus::FAILED
                                                                : CheckStatus::WARNED;
    result.rows_checked = outcome.total_rows;
    result.violation_count = outcome.total_rows - outcome.passed_rows;
    result.pass_rate = outcome.pass_rate;
    result.threshold = gate.require_pass_rate;
    result.observed_value = outcome.pass_rate;
    result.config_path = gate.config_path;
    if (!outcome.passed) {
        result.message = fmt::format("quality gate failed ({}): {}. Fix: correct the failing rows upstream, or adjust "
                                     "validation.gate (require_pass_rate, thresholds, row_count; on_fail: "
                                     "warn_and_write to write anyway).",
                                     config::GateOnFailName(gate.on_fail),
                                     Join(outcome.reasons, "; "));
    }
    return outcome;
}

} // namespace odibi::quality
