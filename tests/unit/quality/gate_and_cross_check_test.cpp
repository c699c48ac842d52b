// The quality gate (golden case T14), cross-node checks (reference §5) and the quality score.
#include "quality_test_support.hpp"
#include <gmock/gmock.h>

#include "odibi/common/error.hpp"

namespace odibi::quality::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

QualityResult Rate(std::string name, int64_t passed, int64_t total) {
    QualityResult result;
    result.check_name = std::move(name);
    result.rows_checked = total;
    result.violation_count = total - passed;
    result.pass_rate = static_cast<double>(passed) / static_cast<double>(total);
    return result;
}

TestEvaluation Batch(int64_t total, int64_t passing, std::vector<QualityResult> results = {}) {
    TestEvaluation evaluation;
    evaluation.rows_total = total;
    evaluation.rows_passing_all = passing;
    evaluation.results = std::move(results);
    return evaluation;
}

config::GateConfig Require(double rate) {
    config::GateConfig gate;
    gate.require_pass_rate = rate;
    gate.config_path = "pipelines[0].nodes[0].validation.gate";
    return gate;
}

TEST(GateTest, T14AllPass) {
    auto outcome = EvaluateGate(Require(0.95), Batch(10, 10, {Rate("not_null", 10, 10)}), std::nullopt);
    EXPECT_TRUE(outcome.passed);
    EXPECT_DOUBLE_EQ(outcome.pass_rate, 1.0);
    EXPECT_EQ(outcome.result.status, CheckStatus::PASSED);
    EXPECT_EQ(outcome.result.phase, CheckPhase::GATE);
    EXPECT_EQ(outcome.result.check_type, "gate");
}

TEST(GateTest, T14HalfFails) {
    auto outcome = EvaluateGate(Require(0.95), Batch(10, 5, {Rate("not_null", 5, 10)}), std::nullopt);
    EXPECT_FALSE(outcome.passed);
    EXPECT_DOUBLE_EQ(outcome.pass_rate, 0.5);
    EXPECT_EQ(outcome.total_rows - outcome.passed_rows, 5);
    EXPECT_EQ(outcome.result.status, CheckStatus::FAILED);
    EXPECT_THAT(outcome.result.message, HasSubstr("below require_pass_rate"));
}

TEST(GateTest, T14EqualPasses) {
    auto outcome = EvaluateGate(Require(0.9), Batch(10, 9, {Rate("not_null", 9, 10)}), std::nullopt);
    EXPECT_TRUE(outcome.passed);
    EXPECT_DOUBLE_EQ(outcome.pass_rate, 0.9);
}

TEST(GateTest, T14PerTestThreshold) {
    auto gate = Require(0.5);
    gate.thresholds = {{"not_null", 0.99}, {"unknown_test", 1.0}};
    auto outcome = EvaluateGate(gate, Batch(10, 8, {Rate("not_null", 8, 10), Rate("unique", 10, 10)}), std::nullopt);
    EXPECT_FALSE(outcome.passed);
    EXPECT_DOUBLE_EQ(outcome.pass_rate, 0.8);
    ASSERT_THAT(outcome.reasons, SizeIs(1));
    EXPECT_THAT(outcome.reasons[0], HasSubstr("not_null"));
}

TEST(GateTest, T14TwoThresholdsTwoReasons) {
    auto gate = Require(0.5);
    gate.thresholds = {{"not_null", 0.9}, {"unique", 0.9}};
    auto outcome = EvaluateGate(gate, Batch(10, 6, {Rate("not_null", 8, 10), Rate("unique", 7, 10)}), std::nullopt);
    EXPECT_FALSE(outcome.passed);
    EXPECT_THAT(outcome.reasons, SizeIs(2));
}

TEST(GateTest, T14NoResultsAndEmptyBatch) {
    auto outcome = EvaluateGate(Require(0.95), Batch(10, 10), std::nullopt);
    EXPECT_TRUE(outcome.passed);
    EXPECT_DOUBLE_EQ(outcome.pass_rate, 1.0);
    outcome = EvaluateGate(Require(0.95), Batch(0, 0), std::nullopt);
    EXPECT_TRUE(outcome.passed);
    EXPECT_EQ(outcome.total_rows, 0);
    EXPECT_DOUBLE_EQ(outcome.pass_rate, 1.0);
}

TEST(GateTest, T14ChangeThreshold) {
    auto gate = Require(0.95);
    gate.row_count = config::GateRowCount{};
    gate.row_count->change_threshold = 0.5;
    auto outcome = EvaluateGate(gate, Batch(10, 10), 100);
    EXPECT_FALSE(outcome.passed);
    EXPECT_THAT(outcome.reasons.at(0), HasSubstr("changed"));
    EXPECT_TRUE(EvaluateGate(gate, Batch(10, 10), 9).passed); // 11% change
    EXPECT_TRUE(EvaluateGate(gate, Batch(10, 10), std::nullopt).passed);
    EXPECT_TRUE(EvaluateGate(gate, Batch(10, 10), 0).passed);
}

TEST(GateTest, RowCountBoundsAndOnFail) {
    auto gate = Require(0.95);
    gate.on_fail = config::GateOnFail::WARN_AND_WRITE;
    gate.row_count = config::GateRowCount{};
    gate.row_count->min = 20;
    auto outcome = EvaluateGate(gate, Batch(10, 10), std::nullopt);
    EXPECT_FALSE(outcome.passed);
    EXPECT_EQ(outcome.result.status, CheckStatus::WARNED);
    EXPECT_THAT(outcome.reasons.at(0), HasSubstr("below row_count.min 20"));
    gate.row_count->min.reset();
    gate.row_count->max = 5;
    EXPECT_THAT(EvaluateGate(gate, Batch(10, 10), std::nullopt).reasons.at(0), HasSubstr("above row_count.max 5"));
}

class GateOverEvaluationTest : public QualityTest {};

TEST_F(GateOverEvaluationTest, PassRateFromRowsPassingEveryTest) {
    Sql("CREATE TABLE df AS SELECT range AS id, CASE WHEN range < 8 THEN range END AS v FROM range(10)");
    auto unique = MakeTest(QualityTestType::UNIQUE, "unique");
    unique.columns = {"id"};
    auto evaluation = Evaluate({NotNull({"v"}), unique});
    auto gate = Require(0.5);
    gate.thresholds = {{"not_null", 0.99}};
    auto outcome = EvaluateGate(gate, evaluation, std::nullopt);
    EXPECT_DOUBLE_EQ(outcome.pass_rate, 0.8);
    EXPECT_FALSE(outcome.passed);
    EXPECT_THAT(outcome.reasons, SizeIs(1));
    DropTemporaryObjects(*connection_, evaluation);
}

class CrossCheckTest : public QualityTest {
protected:
    CrossCheckTest() {
        Sql("CREATE TABLE orders AS SELECT range AS id, range * 2 AS amount FROM range(100)");
        Sql("CREATE TABLE orders_copy AS SELECT * FROM orders");
        Sql("CREATE TABLE orders_small AS SELECT * FROM orders LIMIT 90");
        Sql("CREATE TABLE empty_a AS SELECT * FROM orders LIMIT 0");
        Sql("CREATE TABLE empty_b AS SELECT * FROM orders LIMIT 0");
        context_.node = "reconcile";
    }

    static config::CrossCheckConfig Check(config::CrossCheckType type, std::vector<std::string> inputs) {
        config::CrossCheckConfig check;
        check.type = type;
        check.name = "orders_match";
        check.inputs = std::move(inputs);
        check.config_path = "pipelines[0].nodes[4]";
        return check;
    }

    QualityResult Run(const config::CrossCheckConfig& check) {
        return EvaluateCrossCheck(*connection_, check, context_);
    }
};

TEST_F(CrossCheckTest, RowCountDiff) {
    auto check = Check(config::CrossCheckType::ROW_COUNT_DIFF, {"orders", "orders_copy", "orders_small"});
    check.threshold = 0.1; // 10% difference: equal passes
    auto result = Run(check);
    EXPECT_EQ(result.status, CheckStatus::PASSED);
    EXPECT_EQ(result.phase, CheckPhase::CROSS_CHECK);
    EXPECT_EQ(result.check_type, "row_count_diff");

    check.threshold = 0.05;
    result = Run(check);
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_THAT(result.message, HasSubstr("'orders_small' has 90 rows against 100 in 'orders'"));
    EXPECT_DOUBLE_EQ(*result.observed_value, 0.1);

    check.on_fail = QualitySeverity::WARN;
    EXPECT_EQ(Run(check).status, CheckStatus::WARNED);
}

TEST_F(CrossCheckTest, RowCountDiffBaseZero) {
    auto check = Check(config::CrossCheckType::ROW_COUNT_DIFF, {"empty_a", "empty_b"});
    EXPECT_EQ(Run(check).status, CheckStatus::PASSED);
    check.inputs = {"empty_a", "orders"};
    check.threshold = 0.99;
    auto result = Run(check);
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_DOUBLE_EQ(*result.observed_value, 1.0);
}

TEST_F(CrossCheckTest, SchemaMatch) {
    EXPECT_EQ(Run(Check(config::CrossCheckType::SCHEMA_MATCH, {"orders", "orders_copy"})).status, CheckStatus::PASSED);
    Sql("CREATE TABLE orders_other AS SELECT id, CAST(amount AS VARCHAR) AS amount, 1 AS extra FROM orders");
    auto result = Run(Check(config::CrossCheckType::SCHEMA_MATCH, {"orders", "orders_other"}));
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_THAT(result.message, HasSubstr("missing (amount, BIGINT)"));
    EXPECT_THAT(result.message, HasSubstr("extra (amount, VARCHAR), (extra, INTEGER)"));
}

TEST_F(CrossCheckTest, SqlCheck) {
    auto check = Check(config::CrossCheckType::SQL, {"orders"});
    check.sql = "SELECT * FROM orders WHERE amount < 0";
    auto result = Run(check);
    EXPECT_EQ(result.status, CheckStatus::PASSED);
    EXPECT_EQ(result.violation_count, 0);

    check.sql = "SELECT id FROM orders WHERE id < 3 -- the first three";
    result = Run(check);
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_EQ(result.violation_count, 3);
    EXPECT_EQ(result.failing_sample.size(), 3U);
    EXPECT_THAT(result.message, HasSubstr("the sql returned 3 violating rows"));

    check.sql = "SELECT FROM WHERE";
    try {
        (void)Run(check);
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::QUALITY_CHECK_INVALID);
        EXPECT_THAT(error.Message(), HasSubstr("orders_match"));
    }
}

TEST_F(CrossCheckTest, MissingInputThrows) {
    try {
        (void)Run(Check(config::CrossCheckType::ROW_COUNT_DIFF, {"orders", "order_copy"}));
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::QUALITY_CHECK_INVALID);
        EXPECT_THAT(error.Message(), HasSubstr("'order_copy'"));
        EXPECT_THAT(error.Render(), HasSubstr("Did you mean \"orders_copy\"?"));
        EXPECT_THAT(error.Render(), HasSubstr("depends_on"));
    }
}

TEST(QualityScoreTest, MeanPassRate) {
    EXPECT_DOUBLE_EQ(QualityScore({}), 100.0);
    EXPECT_DOUBLE_EQ(QualityScore({Rate("a", 10, 10), Rate("b", 5, 10)}), 75.0);
}

TEST(CheckNamesTest, PhaseAndStatus) {
    EXPECT_EQ(CheckPhaseName(CheckPhase::CROSS_CHECK), "cross_check");
    EXPECT_EQ(CheckStatusName(CheckStatus::QUARANTINED), "quarantined");
}

} // namespace
} // namespace odibi::quality::testing
