// The data-quality config: validation tests, contracts, quarantine, gate and cross_check nodes
// parsed into typed structs, with every mistake reported at its line with a fix.
#include "config_test_support.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "odibi/config/project.hpp"

namespace odibi::config {
namespace {

using testing::LoadErrors;
using testing::MinimalProject;
using testing::PositionOf;
using testing::RenderAll;
using testing::TempDirectory;
using testing::WithCode;

// The minimal project with `block` (node keys, indented by 8) added to its node "load".
std::string WithNodeKeys(const std::string& block) {
    std::string text = MinimalProject();
    const std::string anchor = "      - name: load\n";
    size_t position = text.find(anchor);
    EXPECT_NE(position, std::string::npos);
    text.insert(position + anchor.size(), block);
    return text;
}

const NodeConfig& LoadNode(const TempDirectory& directory, const std::string& text, size_t index = 0) {
    static LoadResult result;
    result = LoadProject(directory.Write("odibi.yaml", text));
    return result.project.pipelines.at(0).nodes.at(index);
}

// Expects one diagnostic with `code` whose message holds `fragment`, at the line and column of
// the `occurrence`-th `needle` of `text`.
void ExpectDiagnostic(const std::vector<Diagnostic>& diagnostics,
                      ErrorCode code,
                      const std::string& fragment,
                      const std::string& text,
                      const std::string& needle,
                      size_t occurrence = 0) {
    for (const auto& diagnostic : diagnostics) {
        if (diagnostic.code == code && diagnostic.message.find(fragment) != std::string::npos) {
            auto [line, column] = PositionOf(text, needle, occurrence);
            EXPECT_EQ(diagnostic.location.line, line) << fragment;
            EXPECT_EQ(diagnostic.location.column, column) << fragment;
            EXPECT_FALSE(diagnostic.location.file.empty()) << fragment;
            return;
        }
    }
    ADD_FAILURE() << "no " << ErrorCodeString(code) << " with \"" << fragment << "\" in:\n" << RenderAll(diagnostics);
}

TEST(QualityConfig, EveryTestTypeIsTypedWithItsDefaults) {
    TempDirectory directory;
    std::string text = WithNodeKeys("        validation:\n"
                                    "          tests:\n"
                                    "            - type: not_null\n"
                                    "              columns: [id, name]\n"
                                    "            - type: unique\n"
                                    "              columns: [id, day]\n"
                                    "              on_fail: warn\n"
                                    "            - type: accepted_values\n"
                                    "              column: status\n"
                                    "              values: [active, 1, true]\n"
                                    "            - type: row_count\n"
                                    "              min: 1\n"
                                    "            - type: custom_sql\n"
                                    "              condition: amount > 0\n"
                                    "            - type: range\n"
                                    "              column: amount\n"
                                    "              min: 0\n"
                                    "              max: 100.5\n"
                                    "            - type: regex_match\n"
                                    "              column: email\n"
                                    "              pattern: '^[a-z]+@'\n"
                                    "            - type: volume_drop\n"
                                    "            - type: schema\n"
                                    "            - type: distribution\n"
                                    "              column: amount\n"
                                    "              metric: mean\n"
                                    "              threshold: '>100'\n"
                                    "            - type: freshness\n"
                                    "              max_age: 24h\n"
                                    "            - type: relationships\n"
                                    "              column: customer_id\n"
                                    "              to: load\n");
    const NodeConfig& node = LoadNode(directory, text);
    ASSERT_TRUE(node.validation.has_value());
    const ValidationConfig& validation = *node.validation;
    EXPECT_EQ(validation.mode, ValidationMode::FAIL);
    EXPECT_FALSE(validation.fail_fast);
    EXPECT_FALSE(validation.quarantine.has_value());
    EXPECT_FALSE(validation.gate.has_value());
    EXPECT_EQ(validation.config_path, "pipelines[0].nodes[0].validation");
    ASSERT_EQ(validation.tests.size(), 12u);
    const auto& tests = validation.tests;
    for (size_t index = 0; index < tests.size(); ++index) {
        EXPECT_EQ(tests[index].name, QualityTestTypeName(tests[index].type));
        EXPECT_EQ(tests[index].config_path, "pipelines[0].nodes[0].validation.tests[" + std::to_string(index) + "]");
    }
    EXPECT_EQ(tests[0].type, QualityTestType::NOT_NULL);
    EXPECT_EQ(tests[0].columns, (std::vector<std::string>{"id", "name"}));
    EXPECT_EQ(tests[0].on_fail, QualitySeverity::FAIL);
    EXPECT_EQ(tests[1].type, QualityTestType::UNIQUE);
    EXPECT_EQ(tests[1].columns, (std::vector<std::string>{"id", "day"}));
    EXPECT_EQ(tests[1].on_fail, QualitySeverity::WARN);
    EXPECT_EQ(tests[2].column, "status");
    EXPECT_EQ(tests[2].values, Json::parse(R"(["active", 1, true])"));
    EXPECT_EQ(tests[3].min_rows, 1);
    EXPECT_FALSE(tests[3].max_rows.has_value());
    EXPECT_EQ(tests[4].condition, "amount > 0");
    EXPECT_DOUBLE_EQ(tests[4].threshold, 0.0);
    EXPECT_EQ(tests[5].min, Json(0));
    EXPECT_EQ(tests[5].max, Json(100.5));
    EXPECT_EQ(tests[6].pattern, "^[a-z]+@");
    EXPECT_DOUBLE_EQ(tests[7].threshold, 0.5);
    EXPECT_EQ(tests[7].lookback_days, 7);
    EXPECT_TRUE(tests[8].strict);
    EXPECT_EQ(tests[9].metric, "mean");
    EXPECT_EQ(tests[9].on_fail, QualitySeverity::WARN);
    ASSERT_TRUE(tests[9].distribution_threshold.has_value());
    EXPECT_EQ(tests[9].distribution_threshold->comparison, ">");
    EXPECT_DOUBLE_EQ(tests[9].distribution_threshold->value, 100.0);
    EXPECT_EQ(tests[10].column, "updated_at");
    EXPECT_EQ(tests[10].max_age, "24h");
    EXPECT_EQ(tests[10].max_age_seconds, 24 * 3600);
    EXPECT_EQ(tests[11].column, "customer_id");
    EXPECT_EQ(tests[11].to, "load");
    EXPECT_EQ(tests[11].field, "customer_id");
    EXPECT_FALSE(tests[11].nullable);
    EXPECT_FALSE(node.validation_source.is_null());
}

TEST(QualityConfig, ExplicitValuesReplaceTheDefaults) {
    TempDirectory directory;
    std::string text = WithNodeKeys("        validation:\n"
                                    "          mode: warn\n"
                                    "          on_fail: alert\n"
                                    "          fail_fast: true\n"
                                    "          cache_df: true\n"
                                    "          tests:\n"
                                    "            - type: custom_sql\n"
                                    "              condition: a = b\n"
                                    "              threshold: 0.25\n"
                                    "            - type: range\n"
                                    "              column: day\n"
                                    "              min: '2024-01-01'\n"
                                    "            - type: volume_drop\n"
                                    "              threshold: 0.2\n"
                                    "              lookback_days: 30\n"
                                    "            - type: schema\n"
                                    "              strict: false\n"
                                    "            - type: distribution\n"
                                    "              column: amount\n"
                                    "              metric: null_percentage\n"
                                    "              threshold: 'within 10%'\n"
                                    "              on_fail: fail\n"
                                    "            - type: freshness\n"
                                    "              column: loaded_at\n"
                                    "              max_age: 30m\n"
                                    "            - type: relationships\n"
                                    "              column: customer_id\n"
                                    "              to: load\n"
                                    "              field: id\n"
                                    "              nullable: true\n"
                                    "            - type: row_count\n"
                                    "              max: 10\n");
    const NodeConfig& node = LoadNode(directory, text);
    const ValidationConfig& validation = *node.validation;
    EXPECT_EQ(validation.mode, ValidationMode::WARN);
    EXPECT_TRUE(validation.fail_fast);
    const auto& tests = validation.tests;
    ASSERT_EQ(tests.size(), 8u);
    EXPECT_DOUBLE_EQ(tests[0].threshold, 0.25);
    EXPECT_EQ(tests[1].min, Json("2024-01-01"));
    EXPECT_TRUE(tests[1].max.is_null());
    EXPECT_DOUBLE_EQ(tests[2].threshold, 0.2);
    EXPECT_EQ(tests[2].lookback_days, 30);
    EXPECT_FALSE(tests[3].strict);
    EXPECT_EQ(tests[4].on_fail, QualitySeverity::FAIL);
    EXPECT_TRUE(tests[4].distribution_threshold->relative_to_previous);
    EXPECT_DOUBLE_EQ(tests[4].distribution_threshold->value, 10.0);
    EXPECT_EQ(tests[4].distribution_threshold->text, "within 10%");
    EXPECT_EQ(tests[5].column, "loaded_at");
    EXPECT_EQ(tests[5].max_age_seconds, 30 * 60);
    EXPECT_EQ(tests[6].field, "id");
    EXPECT_TRUE(tests[6].nullable);
    EXPECT_FALSE(tests[7].min_rows.has_value());
    EXPECT_EQ(tests[7].max_rows, 10);
}

TEST(QualityConfig, DistributionThresholdsAndMaxAgesParse) {
    struct Case {
        std::string threshold;
        std::string comparison;
        double value;
    };
    for (const auto& item : std::vector<Case>{{">100", ">", 100},
                                              {">= 0.5", ">=", 0.5},
                                              {"<-3", "<", -3},
                                              {"<= 1e3", "<=", 1000},
                                              {"== 0", "==", 0},
                                              {"!= 7", "!=", 7}}) {
        TempDirectory directory;
        std::string text =
            WithNodeKeys("        validation:\n          tests:\n            - type: distribution\n"
                         "              column: a\n              metric: max\n              threshold: '" +
                         item.threshold + "'\n");
        const NodeConfig& node = LoadNode(directory, text);
        const auto& threshold = node.validation->tests.at(0).distribution_threshold;
        ASSERT_TRUE(threshold.has_value()) << item.threshold;
        EXPECT_EQ(threshold->comparison, item.comparison) << item.threshold;
        EXPECT_DOUBLE_EQ(threshold->value, item.value) << item.threshold;
        EXPECT_FALSE(threshold->relative_to_previous);
    }
    for (const auto& [max_age, seconds] :
         std::vector<std::pair<std::string, int64_t>>{{"45s", 45}, {"15m", 900}, {"2h", 7200}, {"7d", 604800}}) {
        TempDirectory directory;
        std::string text =
            WithNodeKeys("        contracts:\n            - type: freshness\n              max_age: " + max_age + "\n");
        EXPECT_EQ(LoadNode(directory, text).contracts.at(0).max_age_seconds, seconds) << max_age;
    }
}

TEST(QualityConfig, RepeatedNamesGetTheirPositionWithinTheirList) {
    TempDirectory directory;
    std::string text = WithNodeKeys("        validation:\n"
                                    "          tests:\n"
                                    "            - type: not_null\n"
                                    "              columns: [a]\n"
                                    "            - type: not_null\n"
                                    "              columns: [b]\n"
                                    "            - type: unique\n"
                                    "              name: keys\n"
                                    "              columns: [a]\n"
                                    "            - type: unique\n"
                                    "              name: keys\n"
                                    "              columns: [b]\n"
                                    "            - type: not_null\n"
                                    "              columns: [c]\n"
                                    "        contracts:\n"
                                    "          - type: not_null\n"
                                    "            columns: [a]\n"
                                    "          - type: not_null\n"
                                    "            columns: [b]\n");
    const NodeConfig& node = LoadNode(directory, text);
    std::vector<std::string> names;
    for (const auto& test : node.validation->tests) {
        names.push_back(test.name);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"not_null", "not_null_1", "keys", "keys_3", "not_null_4"}));
    ASSERT_EQ(node.contracts.size(), 2u);
    EXPECT_EQ(node.contracts[0].name, "not_null");
    EXPECT_EQ(node.contracts[1].name, "not_null_1");
    EXPECT_EQ(node.contracts[1].config_path, "pipelines[0].nodes[0].contracts[1]");
    EXPECT_FALSE(node.contracts_source.is_null());
}

TEST(QualityConfig, QuarantineIsAnAppendWriteWithBothColumnSpellings) {
    for (const std::string prefix : {"", "_"}) {
        TempDirectory directory;
        std::string text = WithNodeKeys("        validation:\n"
                                        "          tests:\n"
                                        "            - type: not_null\n"
                                        "              columns: [id]\n"
                                        "              on_fail: quarantine\n"
                                        "          quarantine:\n"
                                        "            connection: local\n"
                                        "            path: quarantine/orders\n"
                                        "            add_columns:\n"
                                        "              " +
                                        prefix + "rejection_reason: false\n              " + prefix +
                                        "original_node: true\n"
                                        "            max_rows: 100\n"
                                        "            sample_fraction: 0.5\n");
        LoadResult result = LoadProject(directory.Write("odibi.yaml", text));
        const NodeConfig& node = result.project.pipelines[0].nodes[0];
        ASSERT_TRUE(node.validation->quarantine.has_value()) << prefix;
        const QuarantineConfig& quarantine = *node.validation->quarantine;
        EXPECT_EQ(quarantine.write.connection, "local");
        EXPECT_EQ(quarantine.write.format, "parquet");
        EXPECT_EQ(quarantine.write.path, "quarantine/orders");
        EXPECT_FALSE(quarantine.write.table.has_value());
        EXPECT_EQ(quarantine.write.mode, WriteMode::APPEND);
        EXPECT_EQ(quarantine.write.config_path, "pipelines[0].nodes[0].validation.quarantine");
        EXPECT_EQ(quarantine.config_path, "pipelines[0].nodes[0].validation.quarantine");
        EXPECT_FALSE(quarantine.add_rejection_reason) << prefix;
        EXPECT_TRUE(quarantine.add_rejected_at);
        EXPECT_TRUE(quarantine.add_source_batch_id);
        EXPECT_TRUE(quarantine.add_failed_tests);
        EXPECT_TRUE(quarantine.add_original_node) << prefix;
        EXPECT_EQ(quarantine.retention_days, 90);
        EXPECT_EQ(quarantine.max_rows, 100);
        EXPECT_EQ(quarantine.sample_fraction, 0.5);
        EXPECT_EQ(node.validation->tests[0].on_fail, QualitySeverity::QUARANTINE);
        EXPECT_TRUE(WithCode(result.diagnostics.Items(), ErrorCode::SETTING_IGNORED).empty());
    }
}

TEST(QualityConfig, GateIsTyped) {
    TempDirectory directory;
    std::string text = WithNodeKeys("        validation:\n"
                                    "          tests:\n"
                                    "            - type: not_null\n"
                                    "              name: ids\n"
                                    "              columns: [id]\n"
                                    "          gate:\n"
                                    "            require_pass_rate: 0.9\n"
                                    "            on_fail: write_valid_only\n"
                                    "            thresholds:\n"
                                    "              - test: ids\n"
                                    "                min_pass_rate: 0.99\n"
                                    "            row_count:\n"
                                    "              min: 1\n"
                                    "              change_threshold: 0.5\n");
    const NodeConfig& node = LoadNode(directory, text);
    ASSERT_TRUE(node.validation->gate.has_value());
    const GateConfig& gate = *node.validation->gate;
    EXPECT_DOUBLE_EQ(gate.require_pass_rate, 0.9);
    EXPECT_EQ(gate.on_fail, GateOnFail::WRITE_VALID_ONLY);
    ASSERT_EQ(gate.thresholds.size(), 1u);
    EXPECT_EQ(gate.thresholds[0].test, "ids");
    EXPECT_DOUBLE_EQ(gate.thresholds[0].min_pass_rate, 0.99);
    ASSERT_TRUE(gate.row_count.has_value());
    EXPECT_EQ(gate.row_count->min, 1);
    EXPECT_FALSE(gate.row_count->max.has_value());
    EXPECT_EQ(gate.row_count->change_threshold, 0.5);
    EXPECT_EQ(gate.config_path, "pipelines[0].nodes[0].validation.gate");

    TempDirectory defaults_directory;
    std::string defaults = WithNodeKeys("        validation:\n          gate: {}\n");
    const GateConfig& default_gate = *LoadNode(defaults_directory, defaults).validation->gate;
    EXPECT_DOUBLE_EQ(default_gate.require_pass_rate, 0.95);
    EXPECT_EQ(default_gate.on_fail, GateOnFail::ABORT);
}

TEST(QualityConfig, QuarantineWithoutABlockAndQuarantineContractsWarnAndFail) {
    TempDirectory directory;
    std::string text = WithNodeKeys("        validation:\n"
                                    "          tests:\n"
                                    "            - type: not_null\n"
                                    "              columns: [id]\n"
                                    "              on_fail: quarantine\n"
                                    "        contracts:\n"
                                    "          - type: unique\n"
                                    "            columns: [id]\n"
                                    "            on_fail: quarantine\n");
    LoadResult result = LoadProject(directory.Write("odibi.yaml", text));
    const NodeConfig& node = result.project.pipelines[0].nodes[0];
    EXPECT_EQ(node.validation->tests[0].on_fail, QualitySeverity::FAIL);
    EXPECT_EQ(node.contracts[0].on_fail, QualitySeverity::FAIL);
    auto warnings = WithCode(result.diagnostics.Items(), ErrorCode::SETTING_IGNORED);
    ASSERT_EQ(warnings.size(), 2u) << RenderAll(result.diagnostics.Items());
    for (const auto& warning : warnings) {
        EXPECT_EQ(warning.severity, Severity::WARNING);
    }
    ExpectDiagnostic(warnings, ErrorCode::SETTING_IGNORED, "no quarantine: block", text, "quarantine", 0);
    ExpectDiagnostic(warnings, ErrorCode::SETTING_IGNORED, "contracts never quarantine", text, "quarantine", 1);
}

TEST(QualityConfig, TestMistakesAreReportedAtTheirLines) {
    TempDirectory directory;
    std::string text = WithNodeKeys("        validation:\n"
                                    "          tests:\n"
                                    "            - type: not_nul\n"
                                    "              columns: [id]\n"
                                    "            - columns: [id]\n"
                                    "            - type: unique\n"
                                    "              colums: [id]\n"
                                    "            - type: not_null\n"
                                    "              columns: []\n"
                                    "            - type: accepted_values\n"
                                    "              column: s\n"
                                    "              values: []\n"
                                    "            - type: accepted_values\n"
                                    "              values: [a]\n"
                                    "            - type: row_count\n"
                                    "            - type: row_count\n"
                                    "              min: 5\n"
                                    "              max: 2\n"
                                    "            - type: custom_sql\n"
                                    "              threshold: 1.5\n"
                                    "            - type: range\n"
                                    "              column: a\n"
                                    "            - type: range\n"
                                    "              column: a\n"
                                    "              min: 9\n"
                                    "              max: 3\n"
                                    "            - type: regex_match\n"
                                    "              column: a\n"
                                    "            - type: volume_drop\n"
                                    "              lookback_days: 0\n"
                                    "            - type: distribution\n"
                                    "              column: a\n"
                                    "              metric: median\n"
                                    "              threshold: 'about 5'\n"
                                    "            - type: freshness\n"
                                    "              max_age: 3w\n"
                                    "            - type: relationships\n"
                                    "              column: a\n"
                                    "            - type: not_null\n"
                                    "              columns: [id]\n"
                                    "              on_fail: explode\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "Did you mean \"not_null\"?", text, "not_nul");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "\"relationships\"", text, "not_nul");
    ExpectDiagnostic(
        errors, ErrorCode::MISSING_KEY, "quality test requires the key \"type\"", text, "columns: [id]", 1);
    ExpectDiagnostic(errors, ErrorCode::UNKNOWN_KEY, "Did you mean \"columns\"?", text, "colums");
    ExpectDiagnostic(errors, ErrorCode::MISSING_KEY, "unique test requires the key \"columns\"", text, "type: unique");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "columns is empty", text, "[]");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "values is empty", text, "[]", 1);
    ExpectDiagnostic(errors,
                     ErrorCode::MISSING_KEY,
                     "accepted_values test requires the key \"column\"",
                     text,
                     "type: accepted_values",
                     1);
    ExpectDiagnostic(errors, ErrorCode::MISSING_KEY, "row_count test needs min, max or both", text, "type: row_count");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "row_count min (5) is greater than max (2)", text, "5\n");
    ExpectDiagnostic(
        errors, ErrorCode::MISSING_KEY, "custom_sql test requires the key \"condition\"", text, "type: custom_sql");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "\"threshold\" must be between 0 and 1", text, "1.5");
    ExpectDiagnostic(errors, ErrorCode::MISSING_KEY, "range test needs min, max or both", text, "type: range");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "range min (9) is greater than max (3)", text, "9\n");
    ExpectDiagnostic(
        errors, ErrorCode::MISSING_KEY, "regex_match test requires the key \"pattern\"", text, "type: regex_match");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "\"lookback_days\" must be", text, "0\n", 0);
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "Did you mean \"mean\"?", text, "median");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "distribution threshold \"about 5\"", text, "'about 5'");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "max_age \"3w\" is not a duration", text, "3w");
    ExpectDiagnostic(
        errors, ErrorCode::MISSING_KEY, "relationships test requires the key \"to\"", text, "type: relationships");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "invalid value \"explode\" for \"on_fail\"", text, "explode");
    for (const auto& error : errors) {
        if (error.message.find("about 5") != std::string::npos) {
            ASSERT_FALSE(error.suggestions.empty());
            EXPECT_THAT(error.suggestions[0], ::testing::HasSubstr("within 10%"));
            EXPECT_THAT(error.suggestions[0], ::testing::HasSubstr(">= 0.5"));
        }
    }
    EXPECT_EQ(WithCode(errors, ErrorCode::INVALID_VALUE)[0].location.path,
              "pipelines[0].nodes[0].validation.tests[0].type");
}

TEST(QualityConfig, ValidationAndContractShapesAreChecked) {
    TempDirectory directory;
    std::string text = WithNodeKeys("        validation:\n"
                                    "          mode: strict\n"
                                    "          on_fail: page\n"
                                    "          tets: []\n"
                                    "        contracts:\n"
                                    "          - type: not_null\n"
                                    "            columns: id\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "invalid value \"strict\" for \"mode\"", text, "strict");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "invalid value \"page\" for \"on_fail\"", text, "page");
    ExpectDiagnostic(errors, ErrorCode::UNKNOWN_KEY, "Did you mean \"tests\"?", text, "tets");
    ExpectDiagnostic(errors, ErrorCode::INVALID_TYPE, "\"columns\" must be a list of strings", text, "id\n", 0);

    TempDirectory list_directory;
    std::string list_text = WithNodeKeys("        contracts:\n          type: not_null\n");
    auto list_errors = LoadErrors(list_directory.Write("odibi.yaml", list_text));
    ExpectDiagnostic(
        list_errors, ErrorCode::INVALID_TYPE, "\"contracts\" must be a list of tests", list_text, "type: not_null");
}

TEST(QualityConfig, QuarantineMistakesAreReported) {
    TempDirectory directory;
    std::string text = WithNodeKeys("        validation:\n"
                                    "          quarantine:\n"
                                    "            connection: locl\n"
                                    "            path: q\n"
                                    "            table: q\n"
                                    "            format: avro\n"
                                    "            add_columns:\n"
                                    "              rejection_reason: true\n"
                                    "              _rejection_reason: false\n"
                                    "              rejected: true\n"
                                    "            retention_days: -1\n"
                                    "            max_rows: 0\n"
                                    "            sample_fraction: 0\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ExpectDiagnostic(errors,
                     ErrorCode::UNKNOWN_CONNECTION,
                     "unknown connection \"locl\" (used by validation.quarantine). Did you mean \"local\"?",
                     text,
                     "locl");
    ExpectDiagnostic(errors, ErrorCode::CONFLICTING_KEYS, "\"path\" and \"table\"", text, "table: q");
    ExpectDiagnostic(errors, ErrorCode::NOT_SUPPORTED_YET, "format: avro", text, "avro");
    ExpectDiagnostic(errors,
                     ErrorCode::CONFLICTING_KEYS,
                     "\"rejection_reason\" and \"_rejection_reason\"",
                     text,
                     "_rejection_reason");
    ExpectDiagnostic(errors, ErrorCode::UNKNOWN_KEY, "Did you mean \"rejected_at\"?", text, "rejected:");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "\"retention_days\" must be at least 0", text, "-1");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "\"max_rows\" must be at least 1", text, "0\n", 0);
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "\"sample_fraction\" must be greater than 0", text, "0\n", 1);

    TempDirectory missing_directory;
    std::string missing = WithNodeKeys("        validation:\n          quarantine:\n            format: csv\n");
    auto missing_errors = LoadErrors(missing_directory.Write("odibi.yaml", missing));
    ExpectDiagnostic(
        missing_errors, ErrorCode::MISSING_KEY, "QuarantineConfig requires the key \"connection\"", missing, "format");
    ExpectDiagnostic(missing_errors,
                     ErrorCode::MISSING_KEY,
                     "QuarantineConfig needs exactly one of path or table",
                     missing,
                     "format");
}

TEST(QualityConfig, GateMistakesAreReported) {
    TempDirectory directory;
    std::string text = WithNodeKeys("        validation:\n"
                                    "          tests:\n"
                                    "            - type: not_null\n"
                                    "              name: id_present\n"
                                    "              columns: [id]\n"
                                    "          gate:\n"
                                    "            require_pass_rate: 95\n"
                                    "            on_fail: warn\n"
                                    "            thresholds:\n"
                                    "              - test: id_presnt\n"
                                    "                min_pass_rate: 0.9\n"
                                    "              - test: id_present\n"
                                    "            row_count:\n"
                                    "              min: 10\n"
                                    "              max: 5\n"
                                    "              change_threshold: 2\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "\"require_pass_rate\" must be between 0 and 1", text, "95");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "Did you mean \"warn_and_write\"?", text, "warn\n");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "Did you mean \"id_present\"?", text, "id_presnt");
    ExpectDiagnostic(errors,
                     ErrorCode::MISSING_KEY,
                     "GateThreshold requires the key \"min_pass_rate\"",
                     text,
                     "test: id_present",
                     0);
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "gate row_count min (10) is greater than max (5)", text, "10\n");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "\"change_threshold\" must be between 0 and 1", text, "2\n");

    TempDirectory quarantine_all_directory;
    std::string quarantine_all =
        WithNodeKeys("        validation:\n          gate:\n            on_fail: quarantine_all\n");
    auto quarantine_errors = LoadErrors(quarantine_all_directory.Write("odibi.yaml", quarantine_all));
    ExpectDiagnostic(quarantine_errors,
                     ErrorCode::INVALID_VALUE,
                     "Did you mean \"write_valid_only\"?",
                     quarantine_all,
                     "quarantine_all");
    ASSERT_EQ(quarantine_errors.size(), 1u);
    EXPECT_THAT(quarantine_errors[0].suggestions, ::testing::Contains("use on_fail: write_valid_only"));
}

TEST(QualityConfig, RelationshipsTargetsBecomeDependencies) {
    TempDirectory directory;
    std::string text = MinimalProject() + "      - name: customers\n"
                                          "        read:\n"
                                          "          connection: local\n"
                                          "          format: csv\n"
                                          "          path: customers.csv\n"
                                          "      - name: orders\n"
                                          "        depends_on: [load]\n"
                                          "        inputs:\n"
                                          "          lookup: $main.load\n"
                                          "        transform:\n"
                                          "          steps:\n"
                                          "            - SELECT * FROM lookup\n"
                                          "        validation:\n"
                                          "          tests:\n"
                                          "            - type: relationships\n"
                                          "              column: customer_id\n"
                                          "              to: customers\n"
                                          "            - type: relationships\n"
                                          "              column: id\n"
                                          "              to: lookup\n"
                                          "        contracts:\n"
                                          "          - type: relationships\n"
                                          "            column: id\n"
                                          "            to: load\n";
    const NodeConfig& orders = LoadNode(directory, text, 2);
    EXPECT_EQ(orders.depends_on, (std::vector<std::string>{"load", "customers"}));

    TempDirectory unknown_directory;
    std::string unknown = text + "      - name: audit\n"
                                 "        depends_on: [orders]\n"
                                 "        transform:\n"
                                 "          steps:\n"
                                 "            - SELECT 1\n"
                                 "        validation:\n"
                                 "          tests:\n"
                                 "            - type: relationships\n"
                                 "              name: fk_customer\n"
                                 "              column: customer_id\n"
                                 "              to: custmers\n";
    auto errors = LoadErrors(unknown_directory.Write("odibi.yaml", unknown));
    ASSERT_EQ(errors.size(), 1u) << RenderAll(errors);
    ExpectDiagnostic(errors, ErrorCode::UNKNOWN_DEPENDENCY, "Did you mean \"customers\"?", unknown, "custmers");
    EXPECT_THAT(errors[0].message, ::testing::HasSubstr("relationships test \"fk_customer\" of node \"audit\""));
    EXPECT_EQ(errors[0].location.path, "pipelines[0].nodes[3].validation.tests[0].to");
}

TEST(QualityConfig, CrossCheckNodesAreTypedAndDependOnTheirInputs) {
    TempDirectory directory;
    std::string text = MinimalProject() + "      - name: other\n"
                                          "        read:\n"
                                          "          connection: local\n"
                                          "          format: csv\n"
                                          "          path: other.csv\n"
                                          "      - name: same_rows\n"
                                          "        depends_on: [load]\n"
                                          "        transformer: cross_check\n"
                                          "        params:\n"
                                          "          type: row_count_diff\n"
                                          "          inputs: [load, other]\n"
                                          "          threshold: 0.1\n"
                                          "      - name: no_orphans\n"
                                          "        transformer: cross_check\n"
                                          "        params:\n"
                                          "          type: sql\n"
                                          "          name: orphans\n"
                                          "          inputs: [other]\n"
                                          "          sql: SELECT * FROM other WHERE id IS NULL\n"
                                          "          on_fail: warn\n";
    LoadResult result = LoadProject(directory.Write("odibi.yaml", text));
    const auto& nodes = result.project.pipelines[0].nodes;
    ASSERT_EQ(nodes.size(), 4u);
    EXPECT_FALSE(nodes[0].cross_check.has_value());
    ASSERT_TRUE(nodes[2].cross_check.has_value());
    const CrossCheckConfig& rows = *nodes[2].cross_check;
    EXPECT_EQ(rows.type, CrossCheckType::ROW_COUNT_DIFF);
    EXPECT_EQ(rows.name, "same_rows");
    EXPECT_EQ(rows.inputs, (std::vector<std::string>{"load", "other"}));
    EXPECT_DOUBLE_EQ(rows.threshold, 0.1);
    EXPECT_EQ(rows.on_fail, QualitySeverity::FAIL);
    EXPECT_EQ(rows.config_path, "pipelines[0].nodes[2].params");
    EXPECT_EQ(nodes[2].depends_on, (std::vector<std::string>{"load", "other"}));
    const CrossCheckConfig& orphans = *nodes[3].cross_check;
    EXPECT_EQ(orphans.type, CrossCheckType::SQL);
    EXPECT_EQ(orphans.name, "orphans");
    EXPECT_EQ(orphans.sql, "SELECT * FROM other WHERE id IS NULL");
    EXPECT_EQ(orphans.on_fail, QualitySeverity::WARN);
    EXPECT_EQ(nodes[3].depends_on, (std::vector<std::string>{"other"}));
}

TEST(QualityConfig, CrossCheckMistakesAreReported) {
    TempDirectory directory;
    std::string text = MinimalProject() + "      - name: compare\n"
                                          "        transformer: cross_check\n"
                                          "        params:\n"
                                          "          type: row_count_dif\n"
                                          "          inputs: [load]\n"
                                          "      - name: one_input\n"
                                          "        transformer: cross_check\n"
                                          "        params:\n"
                                          "          type: schema_match\n"
                                          "          inputs: [load]\n"
                                          "          sql: SELECT 1\n"
                                          "          treshold: 1\n"
                                          "        write:\n"
                                          "          connection: local\n"
                                          "          format: csv\n"
                                          "          path: check.csv\n"
                                          "      - name: no_sql\n"
                                          "        transformer: cross_check\n"
                                          "        params:\n"
                                          "          type: sql\n"
                                          "          threshold: -1\n"
                                          "          on_fail: quarantine\n";
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "Did you mean \"row_count_diff\"?", text, "row_count_dif");
    ExpectDiagnostic(
        errors, ErrorCode::MISSING_KEY, "schema_match compares nodes and needs at least 2 inputs", text, "[load]", 1);
    ExpectDiagnostic(errors, ErrorCode::CONFLICTING_KEYS, "\"type: schema_match\" and \"sql\"", text, "sql: SELECT 1");
    ExpectDiagnostic(errors, ErrorCode::UNKNOWN_KEY, "Did you mean \"threshold\"?", text, "treshold");
    ExpectDiagnostic(
        errors, ErrorCode::CONFLICTING_KEYS, "\"transformer: cross_check\" and \"write\"", text, "write:", 1);
    ExpectDiagnostic(errors, ErrorCode::MISSING_KEY, "cross_check type sql needs sql", text, "type: sql");
    ExpectDiagnostic(errors, ErrorCode::INVALID_VALUE, "\"threshold\" must be at least 0", text, "-1");
    ExpectDiagnostic(
        errors, ErrorCode::INVALID_VALUE, "invalid value \"quarantine\" for \"on_fail\"", text, "quarantine");
}

} // namespace
} // namespace odibi::config
