// The story JSON model: run facts, counts, rows, DAG, per-node fields, masking and redaction.
#include "story_test_data.hpp"
#include <gtest/gtest.h>

#include "odibi/common/log.hpp"
#include "odibi/observe/story.hpp"

namespace odibi::observe {
namespace {

using Json = nlohmann::ordered_json;
using testing::MakeSampleResult;

const Json& NodeNamed(const Json& story, const std::string& name) {
    for (const auto& node : story["nodes"]) {
        if (node["name"] == name) {
            return node;
        }
    }
    throw std::runtime_error("no node " + name);
}

TEST(StoryModel, RunFactsCountsAndRows) {
    Json story = BuildStory(MakeSampleResult(), StoryOptions{});
    EXPECT_EQ(story["schema_version"], "1");
    EXPECT_EQ(story["kind"], "pipeline_run");
    EXPECT_EQ(story["project"], "shop");
    EXPECT_EQ(story["pipeline"], "orders");
    EXPECT_EQ(story["layer"], "silver");
    EXPECT_EQ(story["owner"], "data-team");
    EXPECT_EQ(story["run_id"], "run-123");
    EXPECT_EQ(story["environment"], "dev");
    EXPECT_EQ(story["status"], "FAILED");
    EXPECT_EQ(story["started_at"], "2026-11-22T10:04:05.123Z");
    EXPECT_EQ(story["completed_at"], "2026-11-22T10:04:07.623Z");
    EXPECT_EQ(story["duration_ms"], 2500);

    const Json& counts = story["counts"];
    EXPECT_EQ(counts["total"], 3);
    EXPECT_EQ(counts["succeeded"], 1);
    EXPECT_EQ(counts["failed"], 1);
    EXPECT_EQ(counts["skipped"], 1);
    EXPECT_DOUBLE_EQ(counts["success_rate"].get<double>(), 33.3);

    // Only the root node's input counts as the pipeline's input (clean_orders also has rows_in).
    EXPECT_EQ(story["rows"]["rows_in"], 100);
    EXPECT_EQ(story["rows"]["rows_written"], 90);
}

TEST(StoryModel, DagFollowsDependencies) {
    auto result = MakeSampleResult();
    result.nodes[2].dependencies.push_back("other_pipeline_node"); // not part of this run: no edge
    Json story = BuildStory(result, StoryOptions{});
    Json expected_nodes = Json::array({Json{{"name", "load_customers"}, {"status", "success"}},
                                       Json{{"name", "clean_orders"}, {"status", "failed"}},
                                       Json{{"name", "publish"}, {"status", "skipped"}}});
    EXPECT_EQ(story["dag"]["nodes"], expected_nodes);
    Json expected_edges = Json::array({Json{{"source", "load_customers"}, {"target", "clean_orders"}},
                                       Json{{"source", "clean_orders"}, {"target", "publish"}}});
    EXPECT_EQ(story["dag"]["edges"], expected_edges);
    EXPECT_EQ(NodeNamed(story, "publish")["depends_on"], Json::array({"clean_orders", "other_pipeline_node"}));
}

TEST(StoryModel, SuccessfulNodeFields) {
    Json story = BuildStory(MakeSampleResult(), StoryOptions{});
    const Json& node = NodeNamed(story, "load_customers");
    EXPECT_EQ(node["status"], "success");
    EXPECT_TRUE(node["skip_cause"].is_null());
    EXPECT_EQ(node["operation"], "read -> write");
    EXPECT_EQ(node["description"], "Loads <b>customers</b> & cleans them");
    EXPECT_EQ(node["runbook_url"], "https://wiki.example.com/runbooks/customers");
    EXPECT_EQ(node["started_at"], "2026-11-22T10:04:05.123Z");
    EXPECT_EQ(node["completed_at"], "2026-11-22T10:04:06.323Z");
    EXPECT_EQ(node["duration_ms"], 1200);
    EXPECT_EQ(node["attempts"], 1);
    EXPECT_EQ(node["rows_in"], 100);
    EXPECT_EQ(node["rows_out"], 90);
    EXPECT_EQ(node["rows_written"], 90);
    EXPECT_EQ(node["rows_change"], -10);
    EXPECT_DOUBLE_EQ(node["rows_change_pct"].get<double>(), -10.0);
    EXPECT_EQ(node["schema_in"][2], (Json{{"name", "legacy_code"}, {"type", "VARCHAR"}}));
    EXPECT_EQ(node["schema_out"].size(), 3u);
    EXPECT_EQ(node["columns_added"], Json::array({"email"}));
    EXPECT_EQ(node["columns_removed"], Json::array({"legacy_code"}));
    EXPECT_EQ(node["columns_type_changed"], Json::array({Json{{"name", "id"}, {"from", "INTEGER"}, {"to", "BIGINT"}}}));
    EXPECT_EQ(node["steps"].size(), 2u);
    EXPECT_EQ(node["steps"][0],
              (Json{{"phase", "read"},
                    {"description", "read csv landing/customers.csv"},
                    {"sql", "SELECT * FROM read_csv('landing/customers.csv')"},
                    {"duration_ms", 800}}));
    EXPECT_TRUE(node["error"].is_null());
    EXPECT_EQ(node["write"],
              (Json{{"location", "silver/customers.parquet"}, {"format", "parquet"}, {"mode", "overwrite"}}));
    EXPECT_EQ(node["version_hash"], "abc123");
    EXPECT_EQ(node["config"]["read"]["path"], "customers.csv");
    EXPECT_EQ(node["sample_out"]["columns"], Json::array({"id", "name", "email"}));
    EXPECT_EQ(node["sample_out"]["rows"].size(), 3u);
    EXPECT_TRUE(node["sample_out"]["rows"][2][2].is_null());
    EXPECT_FALSE(node["sample_out"]["truncated"].get<bool>());
}

TEST(StoryModel, FailedNodeKeepsEveryErrorField) {
    Json story = BuildStory(MakeSampleResult(), StoryOptions{});
    const Json& node = NodeNamed(story, "clean_orders");
    EXPECT_EQ(node["status"], "failed");
    EXPECT_EQ(node["attempts"], 3);
    EXPECT_TRUE(node["rows_out"].is_null());
    EXPECT_TRUE(node["rows_change"].is_null());
    EXPECT_TRUE(node["write"].is_null());
    // Without an output schema there is no diff to report.
    EXPECT_TRUE(node["columns_added"].empty());
    EXPECT_TRUE(node["columns_removed"].empty());
    EXPECT_EQ(node["warnings"], Json::array({"3 rows had an empty name"}));
    const Json& error = node["error"];
    EXPECT_EQ(error["code"], "E300");
    EXPECT_EQ(error["type"], "SQL_ERROR");
    EXPECT_EQ(error["message"], testing::ERROR_MESSAGE);
    EXPECT_EQ(error["phase"], "transform");
    EXPECT_EQ(error["step"], "step 2 of 2 (sql)");
    EXPECT_EQ(error["sql"], "SELECT emial FROM df");
    EXPECT_EQ(error["location"], "odibi.yaml:40:11 pipelines[0].nodes[1].transform.steps[1]");
    EXPECT_EQ(error["available_columns"], Json::array({"id", "name", "email"}));
    EXPECT_EQ(error["suggestions"][0], "Did you mean \"email\"?");
    EXPECT_EQ(error["suggestions"].size(), 2u);
}

TEST(StoryModel, SkippedNodeHasCauseAndNoTimes) {
    Json story = BuildStory(MakeSampleResult(), StoryOptions{});
    const Json& node = NodeNamed(story, "publish");
    EXPECT_EQ(node["status"], "skipped");
    EXPECT_EQ(node["skip_cause"], "upstream 'clean_orders' failed");
    EXPECT_TRUE(node["started_at"].is_null());
    EXPECT_TRUE(node["completed_at"].is_null());
    EXPECT_TRUE(node["sample_out"].is_null());
    EXPECT_TRUE(node["config"].is_null());
}

TEST(StoryModel, SamplesAreLimitedOrDisabled) {
    StoryOptions options;
    options.max_sample_rows = 2;
    Json story = BuildStory(MakeSampleResult(), options);
    const Json& sample = NodeNamed(story, "load_customers")["sample_out"];
    EXPECT_EQ(sample["rows"].size(), 2u);
    EXPECT_TRUE(sample["truncated"].get<bool>());

    options.max_sample_rows = 0;
    Json without = BuildStory(MakeSampleResult(), options);
    EXPECT_TRUE(NodeNamed(without, "load_customers")["sample_in"].is_null());
    EXPECT_TRUE(NodeNamed(without, "load_customers")["sample_out"].is_null());
}

TEST(StoryModel, SensitiveColumnsAreMasked) {
    StoryOptions options;
    options.sensitive_columns["load_customers"] = SensitiveColumns{false, {"EMAIL"}};
    Json story = BuildStory(MakeSampleResult(), options);
    const Json& sample = NodeNamed(story, "load_customers")["sample_out"];
    EXPECT_EQ(sample["masked_columns"], Json::array({"email"}));
    for (const auto& row : sample["rows"]) {
        EXPECT_EQ(row[2], "***");
    }
    EXPECT_EQ(sample["rows"][0][1], "Ann");
    EXPECT_EQ(story.dump().find("ann@example.com"), std::string::npos);

    options.sensitive_columns["load_customers"] = SensitiveColumns{true, {}};
    Json all = BuildStory(MakeSampleResult(), options);
    for (const auto* key : {"sample_in", "sample_out"}) {
        for (const auto& row : NodeNamed(all, "load_customers")[key]["rows"]) {
            for (const auto& value : row) {
                EXPECT_EQ(value, "***");
            }
        }
    }
    EXPECT_EQ(all.dump().find("Ann"), std::string::npos);
}

TEST(StoryModel, SensitiveConfigIsParsed) {
    EXPECT_FALSE(ParseSensitiveColumns(config::Json(false)).all);
    EXPECT_TRUE(ParseSensitiveColumns(config::Json(true)).all);
    EXPECT_TRUE(ParseSensitiveColumns(config::Json()).columns.empty());
    auto listed = ParseSensitiveColumns(config::Json::array({"email", "phone"}));
    EXPECT_FALSE(listed.all);
    EXPECT_EQ(listed.columns, (std::vector<std::string>{"email", "phone"}));

    config::StoryConfig story_config;
    story_config.max_sample_rows = 7;
    config::PipelineConfig pipeline;
    config::NodeConfig secret_node;
    secret_node.name = "load_customers";
    secret_node.sensitive = true;
    config::NodeConfig plain_node;
    plain_node.name = "publish";
    plain_node.sensitive = false;
    pipeline.nodes = {secret_node, plain_node};
    StoryOptions options = MakeStoryOptions(story_config, pipeline);
    EXPECT_EQ(options.max_sample_rows, 7u);
    ASSERT_EQ(options.sensitive_columns.count("load_customers"), 1u);
    EXPECT_TRUE(options.sensitive_columns["load_customers"].all);
    EXPECT_EQ(options.sensitive_columns.count("publish"), 0u);
}

TEST(StoryModel, SecretsAreRedactedEverywhere) {
    constexpr const char* SECRET = "sv=2024&sig=Zm9vYmFyc2VjcmV0";
    SecretRegistry::Register(SECRET);
    auto result = MakeSampleResult();
    result.nodes[0].steps[0].sql = std::string("SELECT * FROM read_csv('https://acct.blob/x.csv?") + SECRET + "')";
    result.nodes[0].write_location = std::string("abfss://c/x?") + SECRET;
    result.nodes[0].config_yaml = std::string(R"({"connection":{"sas_token":")") + SECRET + R"("}})";
    result.nodes[1].error->message = std::string("HTTP 403 for token ") + SECRET;
    result.nodes[1].warnings.push_back(SECRET);
    Json story = BuildStory(result, StoryOptions{});
    std::string text = story.dump();
    EXPECT_EQ(text.find(SECRET), std::string::npos) << text;
    EXPECT_EQ(NodeNamed(story, "clean_orders")["error"]["message"], "HTTP 403 for token ***");
    EXPECT_EQ(NodeNamed(story, "load_customers")["config"]["connection"]["sas_token"], "***");
}

TEST(StoryModel, ConfigThatIsNotJsonIsKeptAsText) {
    auto result = MakeSampleResult();
    result.nodes[0].config_yaml = "name: load_customers\nread: {format: csv}";
    Json story = BuildStory(result, StoryOptions{});
    EXPECT_EQ(NodeNamed(story, "load_customers")["config"], "name: load_customers\nread: {format: csv}");
}

TEST(StoryModel, EmptyRunHasZeroCounts) {
    execute::PipelineResult result;
    result.pipeline = "empty";
    result.status = execute::RunStatus::SUCCESS;
    Json story = BuildStory(result, StoryOptions{});
    EXPECT_EQ(story["counts"]["total"], 0);
    EXPECT_DOUBLE_EQ(story["counts"]["success_rate"].get<double>(), 0.0);
    EXPECT_TRUE(story["rows"]["rows_in"].is_null());
    EXPECT_TRUE(story["started_at"].is_null());
    EXPECT_TRUE(story["environment"].is_null());
    EXPECT_TRUE(story["dag"]["nodes"].empty());
}

} // namespace
} // namespace odibi::observe
