// Contracts, validation (tests, quarantine, gate) and cross-node checks as node phases.
#include "quality_phase.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "odibi/common/identity.hpp"
#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"

namespace odibi::execute {
namespace {

constexpr int NO_LIMIT = 0;

bool HasStatus(const quality::QualityResult& result, quality::CheckStatus status) {
    return result.status == status;
}

void CollectWarnings(const std::vector<quality::QualityResult>& results,
                     size_t first,
                     std::vector<std::string>& warnings) {
    for (size_t index = first; index < results.size(); ++index) {
        if (HasStatus(results[index], quality::CheckStatus::WARNED)) {
            warnings.push_back(SecretRegistry::Redact(results[index].message));
        }
    }
}

std::string FailureSuggestion() {
    return "fix the data at its source; or set on_fail: warn on the test to only warn, on_fail: quarantine "
           "(with validation.quarantine) to set failing rows aside, or validation.mode: warn";
}

std::vector<quality::QualityResult> FailedChecks(const std::vector<quality::QualityResult>& results) {
    std::vector<quality::QualityResult> failed;
    std::copy_if(results.begin(), results.end(), std::back_inserter(failed), [](const auto& result) {
        return HasStatus(result, quality::CheckStatus::FAILED);
    });
    return failed;
}

// The failed checks as one message (one line per check), for the node's error.
std::string DescribeFailures(const std::vector<quality::QualityResult>& failed) {
    std::vector<std::string> lines;
    for (const auto& result : failed) {
        lines.push_back("- " + result.message);
    }
    return Join(lines, "\n");
}

} // namespace

QualityScratch::~QualityScratch() {
    DropAll();
}

void QualityScratch::Keep(quality::TestEvaluation evaluation) {
    if (!evaluation.temporary_objects.empty()) {
        evaluations_.push_back(std::move(evaluation));
    }
}

void QualityScratch::DropAll() noexcept {
    for (auto& evaluation : evaluations_) {
        quality::DropTemporaryObjects(connection_, evaluation);
    }
    evaluations_.clear();
}

CatalogQualityHistory::CatalogQualityHistory(state::Catalog* catalog, std::string pipeline, std::string node)
    : catalog_(catalog), pipeline_(std::move(pipeline)), node_(std::move(node)) {}

std::optional<double> CatalogQualityHistory::PreviousObservedValue(const std::string& check_name) {
    if (catalog_ == nullptr) {
        return std::nullopt;
    }
    try {
        auto record = catalog_->TryGetLastSucceededQuality(pipeline_, node_, check_name);
        return record ? record->observed_value : std::nullopt;
    } catch (const std::exception& error) {
        Log::Warning(fmt::format("catalog: could not read the previous value of check '{}' of node '{}': {}",
                                 check_name,
                                 node_,
                                 error.what()));
        return std::nullopt;
    }
}

std::vector<state::NodeRunRecord> CatalogQualityHistory::SucceededRuns(std::optional<int> days, int limit) {
    if (catalog_ == nullptr) {
        return {};
    }
    state::RunQuery query;
    query.pipeline = pipeline_;
    query.node = node_;
    query.status = "SUCCESS";
    query.days = days;
    query.limit = limit;
    try {
        return catalog_->ListNodeRuns(query);
    } catch (const std::exception& error) {
        Log::Warning(fmt::format("catalog: could not read the earlier runs of node '{}': {}", node_, error.what()));
        return {};
    }
}

std::optional<double> CatalogQualityHistory::AverageRows(int days) {
    auto runs = SucceededRuns(days, NO_LIMIT);
    if (runs.empty()) {
        return std::nullopt;
    }
    double total = std::accumulate(
        runs.begin(), runs.end(), 0.0, [](double sum, const auto& run) { return sum + run.rows_processed; });
    return total / static_cast<double>(runs.size());
}

std::optional<int64_t> CatalogQualityHistory::PreviousRows() {
    auto runs = SucceededRuns(std::nullopt, 1);
    if (runs.empty()) {
        return std::nullopt;
    }
    return runs.front().rows_processed;
}

void RunContracts(engine::Connection& connection,
                  QualityScratch& scratch,
                  const std::string& input_relation,
                  const std::string& input_description,
                  const config::NodeConfig& node,
                  const quality::QualityContext& context,
                  std::vector<quality::QualityResult>& results,
                  std::vector<std::string>& warnings) {
    size_t first = results.size();
    quality::TestEvaluation evaluation = quality::EvaluateTests(
        connection, input_relation, node.contracts, quality::CheckPhase::CONTRACT, nullptr, context);
    results.insert(results.end(), evaluation.results.begin(), evaluation.results.end());
    auto failed = FailedChecks(evaluation.results);
    scratch.Keep(std::move(evaluation));
    scratch.DropAll();
    CollectWarnings(results, first, warnings);
    if (failed.empty()) {
        return;
    }
    throw Error(ErrorCode::CONTRACT_FAILED,
                ErrorSource::USER,
                fmt::format("{} contract(s) of node '{}' failed on its input ({}), so no transform ran:\n{}",
                            failed.size(),
                            node.name,
                            input_description,
                            DescribeFailures(failed)))
        .WithSuggestion("contracts check what a node receives: fix the input (or the node upstream that "
                        "produces it), or relax the contract; on_fail: warn makes a contract only warn");
}

ValidationOutcome RunValidation(engine::Connection& connection,
                                QualityScratch& scratch,
                                const std::string& relation,
                                const config::NodeConfig& node,
                                const quality::QualityContext& context,
                                std::vector<quality::QualityResult>& results,
                                std::vector<std::string>& warnings) {
    const config::ValidationConfig& validation = *node.validation;
    quality::TestEvaluation evaluation = quality::EvaluateTests(
        connection, relation, validation.tests, quality::CheckPhase::VALIDATION, &validation, context);
    return ConcludeValidation(scratch, relation, std::move(evaluation), node, context, results, warnings);
}

ValidationOutcome ConcludeValidation(QualityScratch& scratch,
                                     const std::string& relation,
                                     quality::TestEvaluation evaluation,
                                     const config::NodeConfig& node,
                                     const quality::QualityContext& context,
                                     std::vector<quality::QualityResult>& results,
                                     std::vector<std::string>& warnings) {
    const config::ValidationConfig& validation = *node.validation;
    ValidationOutcome outcome;
    outcome.output_relation = relation;
    size_t first = results.size();
    results.insert(results.end(), evaluation.results.begin(), evaluation.results.end());
    CollectWarnings(results, first, warnings);
    if (!evaluation.valid_relation.empty()) {
        outcome.output_relation = evaluation.valid_relation;
        outcome.output_is_temporary = true;
        outcome.quarantined_relation = evaluation.quarantined_relation;
        outcome.rows_quarantined = evaluation.rows_quarantined;
    }
    std::string all_passing_relation = evaluation.all_passing_relation;
    auto failed = FailedChecks(evaluation.results);
    // The rows of the evaluation stay readable (write, quarantine) until the node attempt ends.
    scratch.Keep(evaluation);
    if (!failed.empty()) {
        throw Error(ErrorCode::VALIDATION_FAILED,
                    ErrorSource::USER,
                    fmt::format("{} validation test(s) of node '{}' failed, so nothing was written:\n{}",
                                failed.size(),
                                node.name,
                                DescribeFailures(failed)))
            .WithSuggestion(FailureSuggestion());
    }
    if (!validation.gate) {
        return outcome;
    }
    const config::GateConfig& gate = *validation.gate;
    std::optional<int64_t> previous_rows;
    if (gate.row_count && gate.row_count->change_threshold && context.history != nullptr) {
        previous_rows = context.history->PreviousRows();
    }
    quality::GateOutcome decision = quality::EvaluateGate(gate, evaluation, previous_rows);
    results.push_back(decision.result);
    if (decision.passed) {
        return outcome;
    }
    std::string reasons = Join(decision.reasons, "; ");
    switch (gate.on_fail) {
    case config::GateOnFail::ABORT:
        throw Error(ErrorCode::QUALITY_GATE_FAILED,
                    ErrorSource::USER,
                    fmt::format("the quality gate of node '{}' failed ({} of {} rows pass every test, pass rate "
                                "{:.4f}): {}; nothing was written",
                                node.name,
                                decision.passed_rows,
                                decision.total_rows,
                                decision.pass_rate,
                                reasons))
            .WithSuggestion("fix the failing rows at their source, or change validation.gate (require_pass_rate, "
                            "thresholds, row_count), or set gate on_fail: warn_and_write or write_valid_only");
    case config::GateOnFail::WARN_AND_WRITE:
        warnings.push_back(
            fmt::format("quality gate failed ({}); writing all rows (gate on_fail: warn_and_write)", reasons));
        return outcome;
    case config::GateOnFail::WRITE_VALID_ONLY:
        if (!all_passing_relation.empty()) {
            outcome.output_relation = all_passing_relation;
            outcome.output_is_temporary = true;
        }
        warnings.push_back(fmt::format("quality gate failed ({}); writing only the {} rows that pass every "
                                       "test (gate on_fail: write_valid_only)",
                                       reasons,
                                       decision.passed_rows));
        return outcome;
    }
    return outcome;
}

void RunCrossCheck(engine::Connection& connection,
                   const config::CrossCheckConfig& check,
                   const quality::QualityContext& context,
                   std::vector<quality::QualityResult>& results,
                   std::vector<std::string>& warnings) {
    size_t first = results.size();
    results.push_back(quality::EvaluateCrossCheck(connection, check, context));
    CollectWarnings(results, first, warnings);
    const quality::QualityResult& result = results.back();
    if (!HasStatus(result, quality::CheckStatus::FAILED)) {
        return;
    }
    throw Error(ErrorCode::CIRCUIT_BREAKER_TRIPPED,
                ErrorSource::USER,
                fmt::format("circuit breaker '{}' tripped: {}; the pipeline stops here", check.name, result.message))
        .WithSuggestion(
            fmt::format("find out why {} disagree before running again; on_fail: warn on the check "
                        "makes it warn without stopping the pipeline",
                        check.inputs.empty() ? std::string("the checked nodes") : Join(check.inputs, ", ")));
}

std::vector<state::QualityRecord> QualityRecordsOf(const NodeResult& node, const std::string& run_id) {
    std::vector<state::QualityRecord> records;
    for (const auto& result : node.quality) {
        state::QualityRecord record;
        record.run_id = run_id;
        record.pipeline_name = node.pipeline;
        record.node_name = node.node;
        record.check_name = result.check_name;
        record.check_type = result.check_type;
        record.phase = quality::CheckPhaseName(result.phase);
        record.columns = Join(result.columns, ",");
        record.severity = config::QualitySeverityName(result.severity);
        record.status = quality::CheckStatusName(result.status);
        record.rows_checked = result.rows_checked;
        record.violation_count = result.violation_count;
        record.pass_rate = result.pass_rate;
        record.threshold = result.threshold;
        record.observed_value = result.observed_value;
        for (const auto& sample : result.failing_sample) {
            record.failing_sample.push_back(SecretRegistry::Redact(sample));
        }
        record.message = SecretRegistry::Redact(result.message);
        records.push_back(std::move(record));
    }
    return records;
}

} // namespace odibi::execute
