// The quarantine split (golden case T13) and the counting rule under a split.
#include "quality_test_support.hpp"
#include <gmock/gmock.h>

namespace odibi::quality::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class QuarantineTest : public QualityTest {
protected:
    QuarantineTest() {
        Sql("CREATE TABLE df AS SELECT * FROM (VALUES "
            "(0, 1, 'alice@example.com', 25, 'active'), "
            "(1, 2, 'invalid_email', 30, 'inactive'), "
            "(2, NULL, 'charlie@example.com', 150, 'pending'), "
            "(3, 4, NULL, 20, 'deleted'), "
            "(4, 5, 'eve@example.com', 35, 'active')) AS t(idx, customer_id, email, age, status)");
        validation_ = WithQuarantine();
    }

    /// Quarantined and valid idx values of a split with `tests`.
    std::pair<std::vector<std::string>, std::vector<std::string>> Split(const std::vector<QualityTestConfig>& tests) {
        auto evaluation = Evaluate(tests, CheckPhase::VALIDATION, &validation_);
        EXPECT_FALSE(evaluation.valid_relation.empty());
        auto quarantined = Column("SELECT idx FROM " + evaluation.quarantined_relation + " ORDER BY idx");
        auto valid = Column("SELECT idx FROM " + evaluation.valid_relation + " ORDER BY idx");
        EXPECT_EQ(evaluation.rows_quarantined, static_cast<int64_t>(quarantined.size()));
        DropTemporaryObjects(*connection_, evaluation);
        return {quarantined, valid};
    }

    static QualityTestConfig Range() {
        auto test = OnColumn(QualityTestType::RANGE, "age", QualitySeverity::QUARANTINE);
        test.min = 0;
        test.max = 100;
        return test;
    }

    config::ValidationConfig validation_;
};

TEST_F(QuarantineTest, T13NotNull) {
    auto [quarantined, valid] = Split({NotNull({"customer_id"}, QualitySeverity::QUARANTINE)});
    EXPECT_THAT(quarantined, ElementsAre("2"));
    EXPECT_EQ(valid.size(), 4U);
}

TEST_F(QuarantineTest, T13TwoNotNullTests) {
    auto [quarantined, valid] = Split({NotNull({"customer_id"}, QualitySeverity::QUARANTINE, "id_present"),
                                       NotNull({"email"}, QualitySeverity::QUARANTINE, "email_present")});
    EXPECT_THAT(quarantined, ElementsAre("2", "3"));
    EXPECT_EQ(valid.size(), 3U);
}

TEST_F(QuarantineTest, T13Range) {
    auto [quarantined, valid] = Split({Range()});
    EXPECT_THAT(quarantined, ElementsAre("2"));
    EXPECT_EQ(valid.size(), 4U);
}

TEST_F(QuarantineTest, T13AcceptedValues) {
    auto test = OnColumn(QualityTestType::ACCEPTED_VALUES, "status", QualitySeverity::QUARANTINE);
    test.values = config::Json::array({"active", "inactive", "pending"});
    auto [quarantined, valid] = Split({test});
    EXPECT_THAT(quarantined, ElementsAre("3"));
    EXPECT_EQ(valid.size(), 4U);
}

TEST_F(QuarantineTest, T13RegexNullPasses) {
    auto test = OnColumn(QualityTestType::REGEX_MATCH, "email", QualitySeverity::QUARANTINE);
    test.pattern = ".*@.*\\..*";
    auto [quarantined, valid] = Split({test});
    EXPECT_THAT(quarantined, ElementsAre("1"));
    EXPECT_EQ(valid.size(), 4U);
}

TEST_F(QuarantineTest, T13FailSeverityTestsDoNotSplit) {
    auto evaluation = Evaluate({NotNull({"customer_id"}, QualitySeverity::QUARANTINE, "id_present"),
                                NotNull({"email"}, QualitySeverity::FAIL, "email_present")},
                               CheckPhase::VALIDATION,
                               &validation_);
    EXPECT_THAT(Column("SELECT idx FROM " + evaluation.quarantined_relation), ElementsAre("2"));
    EXPECT_EQ(evaluation.results[0].status, CheckStatus::QUARANTINED);
    EXPECT_EQ(evaluation.results[0].rows_checked, 5); // quarantine tests count over all rows
    EXPECT_EQ(evaluation.results[0].violation_count, 1);
    // Non-quarantine tests are counted over the rows that were not quarantined.
    EXPECT_EQ(evaluation.results[1].status, CheckStatus::FAILED);
    EXPECT_EQ(evaluation.results[1].rows_checked, 4);
    EXPECT_EQ(evaluation.results[1].violation_count, 1);
    EXPECT_THAT(evaluation.results[1].message, ::testing::HasSubstr("in 4 rows not quarantined"));
    EXPECT_EQ(evaluation.rows_total, 5);
    EXPECT_EQ(evaluation.rows_passing_all, 3);
    DropTemporaryObjects(*connection_, evaluation);
}

TEST_F(QuarantineTest, T13Counts) {
    Sql("CREATE TABLE ids AS SELECT * FROM (VALUES (1), (NULL), (3), (NULL), (5)) AS t(id)");
    auto evaluation = Evaluate(
        {NotNull({"id"}, QualitySeverity::QUARANTINE, "id_not_null")}, CheckPhase::VALIDATION, &validation_, "ids");
    EXPECT_EQ(evaluation.results[0].violation_count, 2);
    EXPECT_EQ(evaluation.results[0].rows_checked - evaluation.results[0].violation_count, 3);
    DropTemporaryObjects(*connection_, evaluation);
}

TEST_F(QuarantineTest, T13MetadataColumns) {
    validation_.quarantine->add_original_node = true;
    auto evaluation = Evaluate(
        {NotNull({"customer_id"}, QualitySeverity::QUARANTINE), Range()}, CheckPhase::VALIDATION, &validation_);
    auto table = Query("SELECT idx, _rejection_reason, _rejected_at, _source_batch_id, _failed_tests, _original_node "
                       "FROM " +
                       evaluation.quarantined_relation);
    ASSERT_EQ(table.RowCount(), 1U);
    EXPECT_EQ(table.Value(0, 0), "2");
    EXPECT_EQ(table.Value(0, 1), "Failed: not_null,range");
    EXPECT_EQ(table.Value(0, 2), "2024-06-01T12:00:00.000Z");
    EXPECT_EQ(table.Value(0, 3), "run-42");
    EXPECT_EQ(table.Value(0, 4), "not_null,range");
    EXPECT_EQ(table.Value(0, 5), "orders");
    // The valid rows keep exactly the original columns.
    EXPECT_THAT(engine::ColumnNames(connection_->Describe(evaluation.valid_relation)),
                ElementsAre("idx", "customer_id", "email", "age", "status"));
    DropTemporaryObjects(*connection_, evaluation);
    EXPECT_THAT(TemporaryObjects(), IsEmpty());
}

TEST_F(QuarantineTest, T13PerRowRejectionReason) {
    Sql("UPDATE df SET age = 200 WHERE idx = 3");
    auto evaluation = Evaluate(
        {NotNull({"customer_id"}, QualitySeverity::QUARANTINE), Range()}, CheckPhase::VALIDATION, &validation_);
    EXPECT_THAT(Column("SELECT _rejection_reason FROM " + evaluation.quarantined_relation + " ORDER BY idx"),
                ElementsAre("Failed: not_null,range", "Failed: range"));
    DropTemporaryObjects(*connection_, evaluation);
}

TEST_F(QuarantineTest, T13UniqueQuarantinesAllDuplicates) {
    Sql("CREATE TABLE ids AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (2, 'c'), (3, 'd')) AS t(id, name)");
    auto unique = MakeTest(QualityTestType::UNIQUE, "unique", QualitySeverity::QUARANTINE);
    unique.columns = {"id"};
    auto evaluation = Evaluate({unique}, CheckPhase::VALIDATION, &validation_, "ids");
    EXPECT_THAT(Column("SELECT name FROM " + evaluation.quarantined_relation + " ORDER BY name"),
                ElementsAre("b", "c"));
    EXPECT_EQ(evaluation.rows_quarantined, 2);
    DropTemporaryObjects(*connection_, evaluation);
}

TEST_F(QuarantineTest, MetadataColumnsFollowTheConfig) {
    validation_.quarantine->add_rejected_at = false;
    validation_.quarantine->add_source_batch_id = false;
    validation_.quarantine->add_failed_tests = false;
    auto evaluation =
        Evaluate({NotNull({"customer_id"}, QualitySeverity::QUARANTINE)}, CheckPhase::VALIDATION, &validation_);
    EXPECT_THAT(engine::ColumnNames(connection_->Describe(evaluation.quarantined_relation)),
                ElementsAre("idx", "customer_id", "email", "age", "status", "_rejection_reason"));
    DropTemporaryObjects(*connection_, evaluation);
}

TEST_F(QuarantineTest, MaxRowsAndSampleFraction) {
    Sql("CREATE TABLE many AS SELECT range AS id, CASE WHEN range % 2 = 0 THEN NULL ELSE range END AS v "
        "FROM range(1000)");
    validation_.quarantine->max_rows = 10;
    auto evaluation =
        Evaluate({NotNull({"v"}, QualitySeverity::QUARANTINE)}, CheckPhase::VALIDATION, &validation_, "many");
    EXPECT_EQ(evaluation.rows_quarantined, 500); // counted before sampling
    EXPECT_THAT(Column("SELECT count(*) FROM " + evaluation.quarantined_relation), ElementsAre("10"));
    DropTemporaryObjects(*connection_, evaluation);

    validation_.quarantine->max_rows.reset();
    validation_.quarantine->sample_fraction = 0.0;
    evaluation = Evaluate({NotNull({"v"}, QualitySeverity::QUARANTINE)}, CheckPhase::VALIDATION, &validation_, "many");
    EXPECT_THAT(Column("SELECT count(*) FROM " + evaluation.quarantined_relation), ElementsAre("0"));
    DropTemporaryObjects(*connection_, evaluation);
}

TEST_F(QuarantineTest, ContractsNeverSplit) {
    auto evaluation =
        Evaluate({NotNull({"customer_id"}, QualitySeverity::QUARANTINE)}, CheckPhase::CONTRACT, &validation_);
    EXPECT_TRUE(evaluation.valid_relation.empty());
    EXPECT_TRUE(evaluation.quarantined_relation.empty());
    EXPECT_EQ(evaluation.results[0].status, CheckStatus::FAILED);
    DropTemporaryObjects(*connection_, evaluation);
}

TEST_F(QuarantineTest, BatchChecksSeeTheValidRows) {
    auto row_count = MakeTest(QualityTestType::ROW_COUNT, "rows");
    row_count.min_rows = 5;
    auto evaluation = Evaluate(
        {NotNull({"customer_id"}, QualitySeverity::QUARANTINE), row_count}, CheckPhase::VALIDATION, &validation_);
    EXPECT_EQ(evaluation.results[1].status, CheckStatus::FAILED);
    EXPECT_EQ(evaluation.results[1].observed_value, 4.0);
    DropTemporaryObjects(*connection_, evaluation);
}

} // namespace
} // namespace odibi::quality::testing
