// Turns a check's measurement into a QualityResult with its status.
#include "check_outcome.hpp"

namespace odibi::quality {

CheckStatus StatusOf(bool passed, config::QualitySeverity severity, const StatusRules& rules) {
    if (passed) {
        return CheckStatus::PASSED;
    }
    if (severity == config::QualitySeverity::WARN) {
        return CheckStatus::WARNED;
    }
    if (severity == config::QualitySeverity::QUARANTINE && rules.quarantine_split) {
        return CheckStatus::QUARANTINED;
    }
    return rules.warn_mode ? CheckStatus::WARNED : CheckStatus::FAILED;
}

QualityResult
MakeResult(const config::QualityTestConfig& test, CheckPhase phase, CheckOutcome outcome, const StatusRules& rules) {
    QualityResult result;
    result.check_name = test.name.empty() ? config::QualityTestTypeName(test.type) : test.name;
    result.check_type = config::QualityTestTypeName(test.type);
    result.columns = std::move(outcome.columns);
    result.severity = test.on_fail;
    result.phase = phase;
    result.status = StatusOf(outcome.passed, test.on_fail, rules);
    result.rows_checked = outcome.rows_checked;
    result.violation_count = outcome.violation_count;
    if (outcome.pass_rate) {
        result.pass_rate = *outcome.pass_rate;
    } else if (outcome.rows_checked > 0) {
        result.pass_rate = static_cast<double>(outcome.rows_checked - outcome.violation_count) /
                           static_cast<double>(outcome.rows_checked);
    }
    result.threshold = outcome.threshold;
    result.observed_value = outcome.observed_value;
    result.failing_sample = std::move(outcome.failing_sample);
    result.message = std::move(outcome.message);
    result.config_path = test.config_path;
    return result;
}

} // namespace odibi::quality
