// ValidateParams: every problem with a step's params, each pointing at its place in the YAML.
#include "transform_test_support.hpp"
#include <gmock/gmock.h>

namespace odibi::transform::testing {
namespace {

using ::testing::HasSubstr;

const std::string STEP = "pipelines[0].nodes[1].transform.steps[0].params";

class ValidateParamsTest : public ::testing::Test {
protected:
    ValidateParamsTest() {
        locations_.Set(STEP, SourceLocation{"odibi.yaml", 12, 9, STEP});
        locations_.Set(STEP + ".columns", SourceLocation{"odibi.yaml", 13, 11, STEP + ".columns"});
        locations_.Set(STEP + ".colums", SourceLocation{"odibi.yaml", 13, 11, STEP + ".colums"});
        locations_.Set(STEP + ".how", SourceLocation{"odibi.yaml", 14, 11, STEP + ".how"});
        locations_.Set(STEP + ".on", SourceLocation{"odibi.yaml", 15, 11, STEP + ".on"});
    }

    DiagnosticList Validate(const std::string& name, const Json& params) {
        return ValidateParams(TransformerRegistry::Builtins().Get(name), params, STEP, locations_);
    }

    config::LocationIndex locations_;
};

TEST_F(ValidateParamsTest, ValidParamsGiveNoDiagnostics) {
    EXPECT_TRUE(Validate("select_columns", {{"columns", {"a", "b"}}}).Items().empty());
    EXPECT_TRUE(Validate("join", {{"right_dataset", "customers"}, {"on", "id"}, {"how", "INNER"}}).Items().empty());
    EXPECT_TRUE(Validate("trim_whitespace", Json()).Items().empty());
    EXPECT_TRUE(Validate("limit", {{"n", "10"}}).Items().empty()); // numeric text is accepted as Odibi does
    EXPECT_TRUE(Validate("join", {{"right_dataset", "customers"}, {"on", "id"}, {"prefix", nullptr}}).Items().empty());
}

TEST_F(ValidateParamsTest, MissingRequiredParamNamesParamTransformerAndLocation) {
    auto diagnostics = Validate("select_columns", Json::object());
    ASSERT_EQ(diagnostics.Items().size(), 1u);
    const auto& item = diagnostics.Items()[0];
    EXPECT_EQ(item.code, ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_EQ(item.severity, Severity::ERROR);
    EXPECT_THAT(item.message, HasSubstr("missing required param \"columns\""));
    EXPECT_THAT(item.message, HasSubstr("\"select_columns\""));
    EXPECT_EQ(item.location.file, "odibi.yaml");
    EXPECT_EQ(item.location.line, 13);
    EXPECT_EQ(item.location.path, STEP + ".columns");
}

TEST_F(ValidateParamsTest, MissingParamWithoutItsOwnLocationPointsAtTheParams) {
    auto diagnostics = Validate("filter_rows", Json::object());
    ASSERT_EQ(diagnostics.Items().size(), 1u);
    EXPECT_EQ(diagnostics.Items()[0].location.line, 12);
    EXPECT_EQ(diagnostics.Items()[0].location.path, STEP + ".condition");
}

TEST_F(ValidateParamsTest, UnknownParamSuggestsTheClosest) {
    auto diagnostics = Validate("select_columns", {{"colums", {"a"}}});
    ASSERT_EQ(diagnostics.Items().size(), 2u); // "columns" missing and "colums" unknown
    const auto& unknown = diagnostics.Items()[1];
    EXPECT_EQ(unknown.code, ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_THAT(unknown.message, HasSubstr("unknown param \"colums\" of transformer \"select_columns\""));
    EXPECT_THAT(unknown.suggestions, ::testing::Contains("Did you mean \"columns\"?"));
    EXPECT_EQ(unknown.location.path, STEP + ".colums");
    EXPECT_EQ(unknown.location.line, 13);
}

TEST_F(ValidateParamsTest, WrongJsonTypeIsReported) {
    auto diagnostics = Validate("select_columns", {{"columns", "a"}});
    ASSERT_EQ(diagnostics.Items().size(), 1u);
    EXPECT_THAT(diagnostics.Items()[0].message, HasSubstr("must be list[string], found string"));
    diagnostics = Validate("limit", {{"n", "ten"}});
    ASSERT_EQ(diagnostics.Items().size(), 1u);
    EXPECT_THAT(diagnostics.Items()[0].message, HasSubstr("\"n\" of transformer \"limit\" must be int"));
    diagnostics = Validate("rename_columns", {{"mapping", {{"a", 1}}}});
    ASSERT_EQ(diagnostics.Items().size(), 1u);
    diagnostics = Validate("filter_rows", {{"condition", nullptr}});
    ASSERT_EQ(diagnostics.Items().size(), 1u);
    EXPECT_THAT(diagnostics.Items()[0].message, HasSubstr("found null"));
}

TEST_F(ValidateParamsTest, ParamsThatAreNotAMapAreReported) {
    auto diagnostics = Validate("filter_rows", Json::array({"x"}));
    ASSERT_EQ(diagnostics.Items().size(), 1u);
    EXPECT_THAT(diagnostics.Items()[0].message, HasSubstr("must be a map"));
    EXPECT_EQ(diagnostics.Items()[0].location.path, STEP);
}

TEST_F(ValidateParamsTest, InvalidEnumValueListsTheValidOnes) {
    auto diagnostics = Validate("join", {{"right_dataset", "c"}, {"on", "id"}, {"how", "lefft"}});
    ASSERT_EQ(diagnostics.Items().size(), 1u);
    const auto& item = diagnostics.Items()[0];
    EXPECT_THAT(item.message, HasSubstr("invalid value \"lefft\" for param \"how\""));
    EXPECT_THAT(item.suggestions, ::testing::Contains("Did you mean \"left\"?"));
    EXPECT_THAT(item.suggestions, ::testing::Contains(HasSubstr("\"anti\", \"semi\"")));
    EXPECT_EQ(item.location.line, 14);
    diagnostics = Validate("extract_date_parts", {{"source_col", "d"}, {"parts", {"year", "week"}}});
    ASSERT_EQ(diagnostics.Items().size(), 1u);
    EXPECT_THAT(diagnostics.Items()[0].message, HasSubstr("\"week\""));
}

TEST_F(ValidateParamsTest, TransformerChecksAreLocatedAtTheirParam) {
    auto diagnostics = Validate("join", {{"right_dataset", "customers"}, {"how", "inner"}});
    ASSERT_EQ(diagnostics.Items().size(), 1u);
    EXPECT_EQ(diagnostics.Items()[0].code, ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_THAT(diagnostics.Items()[0].message, HasSubstr("\"on\""));
    EXPECT_EQ(diagnostics.Items()[0].location.line, 15);
    EXPECT_EQ(diagnostics.Items()[0].location.path, STEP + ".on");
    EXPECT_TRUE(Validate("join", {{"right_dataset", "customers"}, {"how", "cross"}}).Items().empty());
}

TEST_F(ValidateParamsTest, EveryProblemIsCollected) {
    auto diagnostics = Validate("split_part", {{"col", 3}, {"index", "first"}, {"delim", "@"}});
    // col has the wrong type, delimiter is missing, index is not an int, delim is unknown.
    EXPECT_EQ(diagnostics.ErrorCount(), 4u);
}

} // namespace
} // namespace odibi::transform::testing
