// Row-level tests: each type passing and failing, counts against a plain-SQL oracle, samples,
// messages, missing columns and checks that cannot compile.
#include "quality_test_support.hpp"
#include <gmock/gmock.h>

#include "odibi/common/error.hpp"

namespace odibi::quality::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class RowChecksTest : public QualityTest {
protected:
    RowChecksTest() {
        Sql("CREATE TABLE df AS SELECT * FROM (VALUES "
            "(1, 'alice@example.com', 25, 'active', 10.5, 'A-1'), "
            "(2, 'invalid_email', 30, 'inactive', -1.0, 'B-2'), "
            "(NULL, 'charlie@example.com', 150, 'pending', 3.0, 'x-A-3'), "
            "(4, NULL, 20, 'deleted', NULL, NULL), "
            "(5, 'eve@example.com', 35, NULL, 7.25, 'A-5')) "
            "AS t(customer_id, email, age, status, amount, code)");
    }

    int64_t Oracle(const std::string& where) {
        return std::stoll(*Query("SELECT count(*) FROM df WHERE " + where).Scalar());
    }
};

TEST_F(RowChecksTest, NotNullPassesAndFails) {
    auto passing = EvaluateOne(NotNull({"age"}));
    EXPECT_EQ(passing.status, CheckStatus::PASSED);
    EXPECT_EQ(passing.rows_checked, 5);
    EXPECT_EQ(passing.violation_count, 0);
    EXPECT_DOUBLE_EQ(passing.pass_rate, 1.0);
    EXPECT_THAT(passing.message, IsEmpty());

    auto failing = EvaluateOne(NotNull({"customer_id", "email"}, QualitySeverity::FAIL, "ids_present"));
    EXPECT_EQ(failing.status, CheckStatus::FAILED);
    EXPECT_EQ(failing.violation_count, Oracle("customer_id IS NULL OR email IS NULL"));
    EXPECT_DOUBLE_EQ(failing.pass_rate, 3.0 / 5.0);
    EXPECT_EQ(failing.check_name, "ids_present");
    EXPECT_EQ(failing.check_type, "not_null");
    EXPECT_THAT(failing.columns, ElementsAre("customer_id", "email"));
    EXPECT_THAT(failing.failing_sample,
                ElementsAre("customer_id=NULL, email=charlie@example.com", "customer_id=4, email=NULL"));
    EXPECT_THAT(failing.message, HasSubstr("not_null check 'ids_present' failed on node 'orders'"));
    EXPECT_THAT(failing.message, HasSubstr("customer_id (1 NULL)"));
    EXPECT_THAT(failing.message, HasSubstr("sample: customer_id=NULL"));
    EXPECT_THAT(failing.message, HasSubstr("Fix:"));
    EXPECT_THAT(failing.message, HasSubstr("on_fail: quarantine"));
}

TEST_F(RowChecksTest, NotNullMessageNamesColumnAndCount) {
    auto result = EvaluateOne(NotNull({"customer_id"}, QualitySeverity::FAIL, "customer_not_null"));
    EXPECT_THAT(result.message,
                HasSubstr("not_null check 'customer_not_null' failed on node 'orders': column customer_id has 1 NULL "
                          "values in 5 rows (sample: customer_id=NULL)"));
}

TEST_F(RowChecksTest, UniqueFailsEveryMemberOfADuplicateGroup) {
    Sql("CREATE TABLE ids AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (2, 'c'), (3, 'd')) AS t(id, name)");
    auto result = EvaluateOne(OnColumn(QualityTestType::UNIQUE, ""), "ids");
    EXPECT_EQ(result.status, CheckStatus::FAILED); // a column "" does not exist
    auto unique = MakeTest(QualityTestType::UNIQUE, "id_unique");
    unique.columns = {"id"};
    result = EvaluateOne(unique, "ids");
    EXPECT_EQ(result.violation_count, 2);
    EXPECT_THAT(result.failing_sample, ElementsAre("id=2", "id=2"));

    unique.columns = {"id", "name"};
    result = EvaluateOne(unique, "ids");
    EXPECT_EQ(result.status, CheckStatus::PASSED);
}

TEST_F(RowChecksTest, AcceptedValuesCountsNullAsInvalid) {
    auto test = OnColumn(QualityTestType::ACCEPTED_VALUES, "status");
    test.values = config::Json::array({"active", "inactive", "pending"});
    auto result = EvaluateOne(test);
    EXPECT_EQ(result.violation_count,
              Oracle("status IS NULL OR status NOT IN ('active', 'inactive', 'pending')")); // deleted + NULL
    EXPECT_EQ(result.violation_count, 2);
    EXPECT_THAT(result.message, HasSubstr("outside [active, inactive, pending]"));

    test.values.push_back("deleted");
    test.values.push_back(nullptr);
    result = EvaluateOne(test);
    EXPECT_EQ(result.violation_count, 1); // the NULL status still fails
}

TEST_F(RowChecksTest, AcceptedValuesComparesNumbersAsNumbersAndTextAsText) {
    auto test = OnColumn(QualityTestType::ACCEPTED_VALUES, "age");
    test.values = config::Json::array({25, 30, 150, 20, 35});
    EXPECT_EQ(EvaluateOne(test).status, CheckStatus::PASSED);
    test.values = config::Json::array({"25", "30", "150", "20", "35"});
    EXPECT_EQ(EvaluateOne(test).status, CheckStatus::PASSED);
    test.values = config::Json::array({"25", "x"});
    EXPECT_EQ(EvaluateOne(test).violation_count, 4);
}

TEST_F(RowChecksTest, RangeIsInclusiveAndNullFails) {
    auto test = OnColumn(QualityTestType::RANGE, "age");
    test.min = 20;
    test.max = 35;
    auto result = EvaluateOne(test);
    EXPECT_EQ(result.violation_count, Oracle("NOT (age >= 20 AND age <= 35)")); // only 150
    EXPECT_EQ(result.violation_count, 1);

    auto amount = OnColumn(QualityTestType::RANGE, "amount");
    amount.min = 0;
    result = EvaluateOne(amount);
    EXPECT_EQ(result.violation_count, 2); // -1.0 and NULL
    EXPECT_THAT(result.message, HasSubstr("[0, +inf]"));
}

TEST_F(RowChecksTest, RangeComparesStringsAsStrings) {
    auto test = OnColumn(QualityTestType::RANGE, "status");
    test.min = "b";
    test.max = "o";
    auto result = EvaluateOne(test);
    // active < b; deleted, inactive in range; pending > o; NULL fails
    EXPECT_EQ(result.violation_count, 3);
}

TEST_F(RowChecksTest, RegexIsAnchoredAtTheStartOnlyAndNullPasses) {
    auto test = OnColumn(QualityTestType::REGEX_MATCH, "email");
    test.pattern = ".*@.*\\..*";
    auto result = EvaluateOne(test);
    EXPECT_EQ(result.violation_count, 1); // invalid_email; NULL passes
    EXPECT_THAT(result.failing_sample, ElementsAre("email=invalid_email"));

    auto code = OnColumn(QualityTestType::REGEX_MATCH, "code");
    code.pattern = "A-";
    result = EvaluateOne(code);
    EXPECT_EQ(result.violation_count, 2); // B-2 and x-A-3 (a match in the middle does not count)
    EXPECT_THAT(result.message, HasSubstr("^(?:A-)"));

    code.pattern = "A-\\d$";
    EXPECT_EQ(EvaluateOne(code).violation_count, 2);

    auto number = OnColumn(QualityTestType::REGEX_MATCH, "age");
    number.pattern = "\\d\\d$";
    EXPECT_EQ(EvaluateOne(number).violation_count, 1); // 150 as text
}

TEST_F(RowChecksTest, CustomSqlCountsRowsNotSatisfyingTheCondition) {
    auto test = MakeTest(QualityTestType::CUSTOM_SQL, "positive_amount");
    test.condition = "amount > 0";
    auto result = EvaluateOne(test);
    EXPECT_EQ(result.violation_count, Oracle("NOT COALESCE(amount > 0, false)")); // -1 and NULL
    EXPECT_EQ(result.violation_count, 2);
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    ASSERT_TRUE(result.threshold.has_value());
    EXPECT_DOUBLE_EQ(*result.threshold, 0.0);
    EXPECT_THAT(result.failing_sample.front(), HasSubstr("customer_id=2, email=invalid_email, age=30"));
    EXPECT_THAT(result.message, HasSubstr("do not satisfy `amount > 0`"));

    test.condition = "amount > 0 -- trailing comment";
    EXPECT_EQ(EvaluateOne(test).violation_count, 2);
}

TEST_F(RowChecksTest, CustomSqlHonoursThreshold) {
    auto test = MakeTest(QualityTestType::CUSTOM_SQL, "positive_amount");
    test.condition = "amount > 0";
    test.threshold = 0.4; // 2 of 5 = 0.4: equal passes
    auto result = EvaluateOne(test);
    EXPECT_EQ(result.status, CheckStatus::PASSED);
    EXPECT_EQ(result.violation_count, 2);
    ASSERT_TRUE(result.threshold.has_value());
    EXPECT_DOUBLE_EQ(*result.threshold, 0.4);

    test.threshold = 0.39;
    EXPECT_EQ(EvaluateOne(test).status, CheckStatus::FAILED);
}

TEST_F(RowChecksTest, CustomSqlSampleShowsAllColumnsCappedAt200Characters) {
    Sql("CREATE TABLE wide AS SELECT repeat('x', 150) AS a, repeat('y', 150) AS b");
    auto test = MakeTest(QualityTestType::CUSTOM_SQL, "never");
    test.condition = "false";
    auto result = EvaluateOne(test, "wide");
    ASSERT_EQ(result.failing_sample.size(), 1U);
    EXPECT_EQ(result.failing_sample[0].size(), 203U);
    EXPECT_TRUE(result.failing_sample[0].starts_with("a=xxx"));
    EXPECT_TRUE(result.failing_sample[0].ends_with("..."));
}

TEST_F(RowChecksTest, BadCustomSqlThrowsNamingTheTest) {
    auto test = MakeTest(QualityTestType::CUSTOM_SQL, "broken");
    test.condition = "amount >";
    test.config_path = "pipelines[0].nodes[3].validation.tests[1]";
    try {
        (void)Evaluate({test});
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::QUALITY_CHECK_INVALID);
        EXPECT_THAT(error.Message(), HasSubstr("custom_sql check 'broken' on node 'orders'"));
        EXPECT_THAT(error.Message(), HasSubstr("Parser Error"));
        EXPECT_EQ(error.Location().path, "pipelines[0].nodes[3].validation.tests[1]");
    }
    test.condition = "no_such_column > 0";
    try {
        (void)Evaluate({test});
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::QUALITY_CHECK_INVALID);
        EXPECT_THAT(error.Message(), HasSubstr("no_such_column"));
    }
    EXPECT_THAT(TemporaryObjects(), IsEmpty());
}

TEST_F(RowChecksTest, BadRegexThrowsNamingTheTest) {
    auto test = OnColumn(QualityTestType::REGEX_MATCH, "email", QualitySeverity::FAIL, "email_format");
    test.pattern = "([a-z";
    try {
        (void)Evaluate({test});
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::QUALITY_CHECK_INVALID);
        EXPECT_THAT(error.Message(), HasSubstr("regex_match check 'email_format'"));
        EXPECT_THAT(error.Message(), HasSubstr("pattern"));
    }
}

TEST_F(RowChecksTest, MissingColumnFailsThatTestOnlyWithDidYouMean) {
    auto typo = NotNull({"custmer_id"}, QualitySeverity::FAIL, "typo");
    auto fine = NotNull({"age"}, QualitySeverity::FAIL, "fine");
    auto evaluation = Evaluate({typo, fine});
    ASSERT_EQ(evaluation.results.size(), 2U);
    const auto& missing = evaluation.results[0];
    EXPECT_EQ(missing.status, CheckStatus::FAILED);
    EXPECT_DOUBLE_EQ(missing.pass_rate, 0.0);
    EXPECT_THAT(missing.message, HasSubstr("custmer_id"));
    EXPECT_THAT(missing.message, HasSubstr("\"customer_id\", \"email\""));
    EXPECT_THAT(missing.message, HasSubstr("Did you mean \"customer_id\"?"));
    EXPECT_EQ(evaluation.results[1].status, CheckStatus::PASSED);
    EXPECT_EQ(evaluation.rows_passing_all, 5);
    DropTemporaryObjects(*connection_, evaluation);

    auto warned = NotNull({"custmer_id"}, QualitySeverity::WARN, "typo");
    EXPECT_EQ(EvaluateOne(warned).status, CheckStatus::WARNED);
}

TEST_F(RowChecksTest, ColumnNamesResolveCaseInsensitively) {
    auto result = EvaluateOne(NotNull({"Customer_ID"}));
    EXPECT_EQ(result.violation_count, 1);
    EXPECT_THAT(result.columns, ElementsAre("customer_id"));
}

TEST_F(RowChecksTest, RelationshipsNullableAndNot) {
    Sql("CREATE TABLE customers AS SELECT * FROM (VALUES (1), (2), (4), (NULL)) AS t(id)");
    auto test = OnColumn(QualityTestType::RELATIONSHIPS, "customer_id");
    test.to = "customers";
    test.field = "id";
    auto result = EvaluateOne(test);
    EXPECT_EQ(result.violation_count, 2); // 5 is an orphan; NULL fails
    EXPECT_THAT(result.message, HasSubstr("no match in customers.id"));

    test.nullable = true;
    result = EvaluateOne(test);
    EXPECT_EQ(result.violation_count, 1);
    EXPECT_THAT(result.failing_sample, ElementsAre("customer_id=5"));

    test.field = "";
    Sql("CREATE TABLE keys AS SELECT * FROM (VALUES (1), (2), (4), (5)) AS t(customer_id)");
    test.to = "keys";
    EXPECT_EQ(EvaluateOne(test).status, CheckStatus::PASSED);
}

TEST_F(RowChecksTest, RelationshipsToAMissingRelationThrows) {
    Sql("CREATE TABLE customers AS SELECT 1 AS id");
    auto test = OnColumn(QualityTestType::RELATIONSHIPS, "customer_id");
    test.to = "customer";
    test.field = "id";
    try {
        (void)Evaluate({test});
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::QUALITY_CHECK_INVALID);
        EXPECT_THAT(error.Message(), HasSubstr("'customer'"));
        EXPECT_THAT(error.Render(), HasSubstr("Did you mean \"customers\"?"));
        EXPECT_THAT(error.Render(), HasSubstr("depends_on"));
    }
    test.to = "customers";
    test.field = "key";
    auto result = EvaluateOne(test);
    EXPECT_EQ(result.status, CheckStatus::FAILED);
    EXPECT_THAT(result.message, HasSubstr("column 'key' does not exist in 'customers'"));
}

TEST_F(RowChecksTest, SensitiveColumnsAreMaskedInSamples) {
    context_.sensitive_columns = {"EMAIL"};
    auto result = EvaluateOne(NotNull({"customer_id", "email"}));
    EXPECT_THAT(result.failing_sample, ElementsAre("customer_id=NULL, email=***", "customer_id=4, email=***"));
    EXPECT_THAT(result.message, ::testing::Not(HasSubstr("charlie")));
}

TEST_F(RowChecksTest, SampleSizeLimitsTheSample) {
    context_.sample_size = 1;
    auto result = EvaluateOne(NotNull({"customer_id", "email"}));
    EXPECT_EQ(result.failing_sample.size(), 1U);
    context_.sample_size = 0;
    EXPECT_THAT(EvaluateOne(NotNull({"customer_id", "email"})).failing_sample, IsEmpty());
}

TEST_F(RowChecksTest, SeverityAndValidationModeSetTheStatus) {
    EXPECT_EQ(EvaluateOne(NotNull({"email"}, QualitySeverity::WARN)).status, CheckStatus::WARNED);
    // A quarantine test without a quarantine config behaves like fail.
    EXPECT_EQ(EvaluateOne(NotNull({"email"}, QualitySeverity::QUARANTINE)).status, CheckStatus::FAILED);

    config::ValidationConfig warn_mode;
    warn_mode.mode = config::ValidationMode::WARN;
    auto evaluation = Evaluate({NotNull({"email"})}, CheckPhase::VALIDATION, &warn_mode);
    EXPECT_EQ(evaluation.results[0].status, CheckStatus::WARNED);
    DropTemporaryObjects(*connection_, evaluation);

    // validation.mode does not apply to contracts.
    evaluation = Evaluate({NotNull({"email"})}, CheckPhase::CONTRACT, &warn_mode);
    EXPECT_EQ(evaluation.results[0].status, CheckStatus::FAILED);
    EXPECT_EQ(evaluation.results[0].phase, CheckPhase::CONTRACT);
    DropTemporaryObjects(*connection_, evaluation);
}

TEST_F(RowChecksTest, RowsPassingAllCountsEveryRowLevelTest) {
    auto range = OnColumn(QualityTestType::RANGE, "age");
    range.min = 0;
    range.max = 100;
    auto evaluation = Evaluate({NotNull({"customer_id"}), NotNull({"email"}, QualitySeverity::WARN), range});
    EXPECT_EQ(evaluation.rows_total, 5);
    EXPECT_EQ(evaluation.rows_passing_all, 3);
    EXPECT_THAT(Column("SELECT count(*) FROM " + evaluation.all_passing_relation), ElementsAre("3"));
    EXPECT_EQ(Query("SELECT * FROM " + evaluation.all_passing_relation).ColumnCount(), 6U);
    EXPECT_TRUE(evaluation.valid_relation.empty());
    DropTemporaryObjects(*connection_, evaluation);
}

TEST_F(RowChecksTest, TemporaryObjectsAreDroppedByDropTemporaryObjects) {
    auto evaluation = Evaluate({NotNull({"customer_id"})});
    EXPECT_FALSE(TemporaryObjects().empty());
    EXPECT_FALSE(evaluation.temporary_objects.empty());
    DropTemporaryObjects(*connection_, evaluation);
    EXPECT_THAT(TemporaryObjects(), IsEmpty());
    EXPECT_THAT(evaluation.temporary_objects, IsEmpty());

    // Without row-level tests nothing is created.
    auto row_count = MakeTest(QualityTestType::ROW_COUNT, "rows");
    evaluation = Evaluate({row_count});
    EXPECT_THAT(TemporaryObjects(), IsEmpty());
    EXPECT_TRUE(evaluation.all_passing_relation.empty());
}

TEST_F(RowChecksTest, TemporaryNamesAreUniquePerEvaluation) {
    auto first = Evaluate({NotNull({"customer_id"})});
    auto second = Evaluate({NotNull({"email"})});
    EXPECT_NE(first.all_passing_relation, second.all_passing_relation);
    EXPECT_THAT(Column("SELECT count(*) FROM " + first.all_passing_relation), ElementsAre("4"));
    EXPECT_THAT(Column("SELECT count(*) FROM " + second.all_passing_relation), ElementsAre("4"));
    DropTemporaryObjects(*connection_, first);
    DropTemporaryObjects(*connection_, second);
    EXPECT_THAT(TemporaryObjects(), IsEmpty());
}

TEST_F(RowChecksTest, EmptyRelationPassesWithRateOne) {
    Sql("CREATE TABLE empty AS SELECT * FROM df LIMIT 0");
    auto result = EvaluateOne(NotNull({"customer_id"}), "empty");
    EXPECT_EQ(result.status, CheckStatus::PASSED);
    EXPECT_EQ(result.rows_checked, 0);
    EXPECT_DOUBLE_EQ(result.pass_rate, 1.0);
}

TEST_F(RowChecksTest, QuotedAndSchemaQualifiedRelations) {
    Sql("CREATE SCHEMA \"my pipeline\"");
    Sql("CREATE VIEW \"my pipeline\".\"my node\" AS SELECT * FROM df");
    context_.node = "my node";
    auto evaluation = EvaluateTests(*connection_,
                                    "\"my pipeline\".\"my node\"",
                                    {NotNull({"customer_id"})},
                                    CheckPhase::VALIDATION,
                                    nullptr,
                                    context_);
    EXPECT_EQ(evaluation.results[0].violation_count, 1);
    DropTemporaryObjects(*connection_, evaluation);
}

TEST_F(RowChecksTest, MissingRelationThrowsSqlError) {
    try {
        (void)Evaluate({NotNull({"a"})}, CheckPhase::VALIDATION, nullptr, "nope");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::SQL_ERROR);
    }
}

} // namespace
} // namespace odibi::quality::testing
