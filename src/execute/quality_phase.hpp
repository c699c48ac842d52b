// The data-quality phases of a node as the executor runs them: contracts on the input, validation
// (tests, quarantine, gate) before the write, cross-node checks; and their records for meta_quality.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/execute/run_result.hpp"
#include "odibi/quality/quality.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::execute {

/// A node's earlier runs as the history-based checks read them (distribution "within X%", volume_drop,
/// gate row_count.change_threshold). A catalog that is missing or fails gives no baseline: the check
/// says so instead of failing the node.
class CatalogQualityHistory final : public quality::QualityHistory {
public:
    CatalogQualityHistory(state::Catalog* catalog, std::string pipeline, std::string node);

    [[nodiscard]] std::optional<double> PreviousObservedValue(const std::string& check_name) override;
    [[nodiscard]] std::optional<double> AverageRows(int days) override;
    [[nodiscard]] std::optional<int64_t> PreviousRows() override;

private:
    [[nodiscard]] std::vector<state::NodeRunRecord> SucceededRuns(std::optional<int> days, int limit);

    state::Catalog* catalog_;
    std::string pipeline_;
    std::string node_;
};

/// The scratch tables and views the checks of one node attempt left on its connection (duplicate
/// keys, failing rows, the valid and quarantined views); dropped when the attempt ends, on every path.
class QualityScratch {
public:
    explicit QualityScratch(engine::Connection& connection) : connection_(connection) {}
    ~QualityScratch();
    QualityScratch(const QualityScratch&) = delete;
    QualityScratch& operator=(const QualityScratch&) = delete;
    QualityScratch(QualityScratch&&) = delete;
    QualityScratch& operator=(QualityScratch&&) = delete;

    /// Keeps the evaluation's temporary objects until the attempt ends.
    void Keep(quality::TestEvaluation evaluation);
    /// Drops them now (after a contract, whose relations nothing reads afterwards).
    void DropAll() noexcept;

private:
    engine::Connection& connection_;
    std::vector<quality::TestEvaluation> evaluations_;
};

/// What the validation phase leaves for the write.
struct ValidationOutcome {
    /// The rows to write and to publish as the node's output: a temporary view of this connection
    /// when `output_is_temporary` (a quarantine split or write_valid_only).
    std::string output_relation;
    bool output_is_temporary = false;
    std::vector<std::string> warnings; ///< gate and test warnings for the node result
    std::string quarantined_relation;  ///< rows for the quarantine target; empty when none
    int64_t rows_quarantined = 0;
};

/// Contracts on the node's input: throws CONTRACT_FAILED (naming the input) when a contract fails;
/// every result, passed or not, is appended to `results` first.
void RunContracts(engine::Connection& connection,
                  QualityScratch& scratch,
                  const std::string& input_relation,
                  const std::string& input_description,
                  const config::NodeConfig& node,
                  const quality::QualityContext& context,
                  std::vector<quality::QualityResult>& results,
                  std::vector<std::string>& warnings);

/// Tests, quarantine split and gate over the node's transformed output. Throws VALIDATION_FAILED when a
/// test fails in fail mode, QUALITY_GATE_FAILED when the gate aborts; results and warnings are
/// appended first.
[[nodiscard]] ValidationOutcome RunValidation(engine::Connection& connection,
                                              QualityScratch& scratch,
                                              const std::string& relation,
                                              const config::NodeConfig& node,
                                              const quality::QualityContext& context,
                                              std::vector<quality::QualityResult>& results,
                                              std::vector<std::string>& warnings);

/// RunValidation's decisions over an evaluation made elsewhere (quality::StreamedTests): results and
/// warnings, VALIDATION_FAILED, the gate. `relation` is what to write when there is no split.
[[nodiscard]] ValidationOutcome ConcludeValidation(QualityScratch& scratch,
                                                   const std::string& relation,
                                                   quality::TestEvaluation evaluation,
                                                   const config::NodeConfig& node,
                                                   const quality::QualityContext& context,
                                                   std::vector<quality::QualityResult>& results,
                                                   std::vector<std::string>& warnings);

/// A cross-node check node: throws CIRCUIT_BREAKER_TRIPPED when it fails with on_fail fail.
void RunCrossCheck(engine::Connection& connection,
                   const config::CrossCheckConfig& check,
                   const quality::QualityContext& context,
                   std::vector<quality::QualityResult>& results,
                   std::vector<std::string>& warnings);

/// meta_quality rows of a node's checks.
[[nodiscard]] std::vector<state::QualityRecord> QualityRecordsOf(const NodeResult& node, const std::string& run_id);

} // namespace odibi::execute
