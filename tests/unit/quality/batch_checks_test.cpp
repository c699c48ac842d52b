// Batch-level tests: row_count, volume_drop, schema, distribution (absolute and relative), freshness.
#include "quality_test_support.hpp"
#include <gmock/gmock.h>

namespace odibi::quality::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

class BatchChecksTest : public QualityTest {
protected:
    BatchChecksTest() {
        Sql("CREATE TABLE df AS SELECT * FROM (VALUES "
            "(1, 10.0, TIMESTAMP '2024-06-01 10:00:00', '2024-05-01 00:00:00'), "
            "(2, 20.0, TIMESTAMP '2024-05-30 10:00:00', 'not a date'), "
            "(3, 30.0, NULL, NULL), "
            "(4, NULL, TIMESTAMP '2024-05-01 00:00:00', '2024-05-31T12:00:00Z')) "
            "AS t(id, amount, updated_at, updated_text)");
        context_.history = &history_;
    }

    static QualityTestConfig Distribution(std::string metric, std::string comparison, double value) {
        auto test = OnColumn(QualityTestType::DISTRIBUTION, "amount", QualitySeverity::FAIL, "amount_dist");
        test.metric = std::move(metric);
        config::DistributionThreshold threshold;
        threshold.comparison = comparison;
        threshold.value = value;
        threshold.text = comparison + " " + std::to_string(value);
        test.distribution_threshold = threshold;
        return test;
    }

    static QualityTestConfig Within(double percent) {
        auto test = Distribution("mean", "", percent);
        test.distribution_threshold->relative_to_previous = true;
        test.distribution_threshold->text = "within " + std::to_string(percent) + "%";
        return test;
    }

    static QualityTestConfig Freshness(std::string column, int64_t max_age_seconds) {
        auto test = OnColumn(QualityTestType::FRESHNESS, std::move(column));
        test.max_age_seconds = max_age_seconds;
        test.max_age = std::to_string(max_age_seconds / 3600) + "h";
        return test;
    }

    FakeHistory history_;
};

TEST_F(BatchChecksTest, RowCount) {
    auto test = MakeTest(QualityTestType::ROW_COUNT, "rows");
    test.min_rows = 4;
    test.max_rows = 4;
    auto result = EvaluateOne(test);
    EXPECT_EQ(result.status, CheckStatus::PASSED);
    EXPECT_EQ(result.observed_value, 4.0);
    test.min_rows = 5;
    result = EvaluateOne(test);
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_EQ(result.violation_count, 1);
    EXPECT_DOUBLE_EQ(result.pass_rate, 0.0);
    EXPECT_THAT(result.message, HasSubstr("4 rows, fewer than min 5"));
    test.min_rows.reset();
    test.max_rows = 3;
    EXPECT_THAT(EvaluateOne(test).message, HasSubstr("more than max 3"));
}

TEST_F(BatchChecksTest, VolumeDrop) {
    auto test = MakeTest(QualityTestType::VOLUME_DROP, "volume", QualitySeverity::WARN);
    test.threshold = 0.5;
    auto result = EvaluateOne(test);
    EXPECT_EQ(result.status, CheckStatus::PASSED);
    EXPECT_THAT(result.message, HasSubstr("no baseline"));

    history_.average_rows = 8.0; // drop 50%: equal passes
    EXPECT_EQ(EvaluateOne(test).status, CheckStatus::PASSED);
    history_.average_rows = 10.0; // drop 60%
    result = EvaluateOne(test);
    EXPECT_EQ(result.status, CheckStatus::WARNED); // on_fail is honoured
    EXPECT_DOUBLE_EQ(*result.observed_value, 0.6);
    EXPECT_THAT(result.message, HasSubstr("60% below the 7-day average of 10 rows"));
    test.on_fail = QualitySeverity::FAIL;
    EXPECT_EQ(EvaluateOne(test).status, CheckStatus::FAILED);
}

TEST_F(BatchChecksTest, SchemaStrictAndNot) {
    auto test = MakeTest(QualityTestType::SCHEMA, "schema");
    auto result = EvaluateOne(test);
    EXPECT_EQ(result.status, CheckStatus::PASSED);
    EXPECT_THAT(result.message, HasSubstr("no columns: declared"));

    context_.column_metadata = {{"id", {{"description", "key"}}}, {"amount", config::Json::object()}};
    result = EvaluateOne(test);
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_THAT(result.message, HasSubstr("not declared (strict: true): \"updated_at\", \"updated_text\""));
    test.strict = false;
    EXPECT_EQ(EvaluateOne(test).status, CheckStatus::PASSED);

    context_.column_metadata["missing"] = config::Json::object();
    result = EvaluateOne(test);
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_THAT(result.message, HasSubstr("missing from the data: \"missing\""));
}

TEST_F(BatchChecksTest, DistributionAbsolute) {
    auto result = EvaluateOne(Distribution("mean", ">", 15));
    EXPECT_EQ(result.status, CheckStatus::PASSED);
    EXPECT_DOUBLE_EQ(*result.observed_value, 20.0);
    result = EvaluateOne(Distribution("mean", ">", 20));
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_THAT(result.message, HasSubstr("mean of column amount is 20"));
    EXPECT_EQ(EvaluateOne(Distribution("min", ">=", 10)).status, CheckStatus::PASSED);
    EXPECT_EQ(EvaluateOne(Distribution("max", "<", 30)).status, CheckStatus::FAILED);
    result = EvaluateOne(Distribution("null_percentage", "<=", 25));
    EXPECT_EQ(result.status, CheckStatus::PASSED);
    EXPECT_DOUBLE_EQ(*result.observed_value, 25.0);
    EXPECT_EQ(EvaluateOne(Distribution("null_percentage", "<", 25)).status, CheckStatus::FAILED);
}

TEST_F(BatchChecksTest, DistributionRelativeToPreviousRun) {
    auto result = EvaluateOne(Within(10));
    EXPECT_EQ(result.status, CheckStatus::PASSED);
    EXPECT_THAT(result.message, HasSubstr("no previous value"));

    history_.previous_values["amount_dist"] = 18.0; // 11.1% change
    result = EvaluateOne(Within(10));
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_THAT(result.message, HasSubstr("from 18 in the previous run"));
    history_.previous_values["amount_dist"] = 22.0; // 9.09% change
    EXPECT_EQ(EvaluateOne(Within(10)).status, CheckStatus::PASSED);
}

TEST_F(BatchChecksTest, Freshness) {
    // now = 2024-06-01 12:00 UTC; newest updated_at = 10:00 (naive, read as UTC): 2 hours old.
    auto result = EvaluateOne(Freshness("updated_at", 3 * 3600));
    EXPECT_EQ(result.status, CheckStatus::PASSED);
    EXPECT_DOUBLE_EQ(*result.observed_value, 7200.0);
    result = EvaluateOne(Freshness("updated_at", 3600));
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_THAT(result.message, HasSubstr("2024-06-01T10:00:00.000Z"));

    // Text timestamps (with and without offset); unparsable ones are skipped.
    result = EvaluateOne(Freshness("updated_text", 24 * 3600));
    EXPECT_EQ(result.status, CheckStatus::PASSED);
    EXPECT_DOUBLE_EQ(*result.observed_value, 86400.0);

    Sql("CREATE TABLE no_dates AS SELECT NULL::TIMESTAMP AS updated_at");
    result = EvaluateOne(Freshness("updated_at", 3600), "no_dates");
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_THAT(result.message, HasSubstr("no timestamp values"));
}

TEST_F(BatchChecksTest, FreshnessOfZonedTimestamps) {
    Sql("SET TimeZone = 'America/New_York'");
    Sql("CREATE TABLE zoned AS SELECT TIMESTAMPTZ '2024-06-01 11:00:00+00' AS updated_at");
    auto result = EvaluateOne(Freshness("updated_at", 7200), "zoned");
    EXPECT_DOUBLE_EQ(*result.observed_value, 3600.0);
}

TEST_F(BatchChecksTest, MissingColumnOfABatchCheck) {
    auto result = EvaluateOne(Freshness("updatedat", 3600));
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_THAT(result.message, HasSubstr("Did you mean \"updated_at\"?"));
}

TEST_F(BatchChecksTest, OneAggregateWithoutRowLevelTests) {
    auto row_count = MakeTest(QualityTestType::ROW_COUNT, "rows");
    row_count.min_rows = 1;
    auto evaluation = Evaluate({row_count, Distribution("mean", ">", 0), Freshness("updated_at", 7200)});
    EXPECT_EQ(evaluation.rows_total, 4);
    EXPECT_EQ(evaluation.rows_passing_all, 4);
    EXPECT_THAT(evaluation.temporary_objects, IsEmpty());
    for (const auto& result : evaluation.results) {
        EXPECT_EQ(result.status, CheckStatus::PASSED) << result.check_name << ": " << result.message;
    }
}

} // namespace
} // namespace odibi::quality::testing
