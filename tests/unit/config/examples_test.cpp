// The canonical Odibi example projects load unchanged (or fail only on features not built yet).
#include <filesystem>

#include "config_test_support.hpp"
#include <gtest/gtest.h>

#include "odibi/config/project.hpp"

namespace odibi::config {
namespace {

using testing::LoadErrors;
using testing::PositionOf;
using testing::ReadFile;
using testing::RenderAll;
using testing::TempDirectory;
using testing::WithCode;

// Copies runnable/ and sample_data/ side by side, as the examples expect (`../sample_data`).
class ExamplesTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::filesystem::path source = std::filesystem::path(ODIBI_SHARED_DIR) / "testdata" / "odibi";
        std::filesystem::copy(
            source / "runnable", directory_.Path() / "runnable", std::filesystem::copy_options::recursive);
        std::filesystem::copy(
            source / "sample_data", directory_.Path() / "sample_data", std::filesystem::copy_options::recursive);
        for (const auto& entry : std::filesystem::recursive_directory_iterator(directory_.Path())) {
            std::filesystem::permissions(
                entry.path(), std::filesystem::perms::owner_all, std::filesystem::perm_options::add);
        }
    }

    [[nodiscard]] std::string Example(const std::string& name) const {
        return (directory_.Path() / "runnable" / name).string();
    }

    TempDirectory directory_;
};

TEST_F(ExamplesTest, HelloWorldLoads) {
    LoadResult result = LoadProject(Example("01_hello_world.yaml"));
    const ProjectConfig& project = result.project;
    EXPECT_EQ(project.project, "hello_world");
    EXPECT_EQ(project.engine, EngineKind::PANDAS);
    ASSERT_EQ(project.connections.size(), 2u);
    const ConnectionConfig& landing = project.GetConnection("landing");
    EXPECT_EQ(landing.type, ConnectionType::LOCAL);
    EXPECT_EQ(landing.base_path, (directory_.Path() / "sample_data").string());
    EXPECT_EQ(project.GetConnection("bronze").base_path, (directory_.Path() / "runnable" / "data" / "bronze").string());
    EXPECT_EQ(project.story.connection, "bronze");
    EXPECT_EQ(project.story.path, "stories");
    EXPECT_EQ(project.system.path, "_system");
    ASSERT_EQ(project.pipelines.size(), 1u);
    const PipelineConfig& pipeline = project.pipelines[0];
    EXPECT_EQ(pipeline.name, "ingest");
    EXPECT_EQ(pipeline.layer, "bronze");
    ASSERT_EQ(pipeline.nodes.size(), 1u);
    const NodeConfig& node = pipeline.nodes[0];
    EXPECT_EQ(node.name, "ingest_customers");
    EXPECT_EQ(node.source_file, Example("01_hello_world.yaml"));
    ASSERT_TRUE(node.read.has_value());
    EXPECT_EQ(node.read->connection, "landing");
    EXPECT_EQ(node.read->format, "csv");
    EXPECT_EQ(node.read->path, "customers.csv");
    EXPECT_EQ(node.read->options["header"], true);
    ASSERT_TRUE(node.write.has_value());
    EXPECT_EQ(node.write->mode, WriteMode::OVERWRITE);
    EXPECT_EQ(node.write->path, "customers");
    EXPECT_EQ(node.write->config_path, "pipelines[0].nodes[0].write");
    // engine: pandas is implied, so there is no "runs on DuckDB" note; nothing else to report.
    EXPECT_TRUE(result.diagnostics.Items().empty()) << RenderAll(result.diagnostics.Items());

    std::string text = ReadFile(Example("01_hello_world.yaml"));
    auto [line, column] = PositionOf(text, "mode: overwrite");
    SourceLocation location = project.locations.Find("pipelines[0].nodes[0].write.mode");
    EXPECT_EQ(location.line, line);
    EXPECT_EQ(location.column, column);
    EXPECT_EQ(location.file, Example("01_hello_world.yaml"));
}

TEST_F(ExamplesTest, FactTableLoadsWithPatternsRewrittenToTransformers) {
    LoadResult result = LoadProject(Example("04_fact_table.yaml"));
    const ProjectConfig& project = result.project;
    ASSERT_EQ(project.pipelines.size(), 2u);
    const PipelineConfig& dimensions = project.pipelines[0];
    ASSERT_EQ(dimensions.nodes.size(), 3u);
    EXPECT_EQ(dimensions.nodes[0].transformer, "dimension");
    EXPECT_EQ(dimensions.nodes[0].params["natural_key"], "customer_id");
    EXPECT_EQ(dimensions.nodes[0].params["scd_type"], 1);
    EXPECT_EQ(dimensions.nodes[0].params["unknown_member"], true);
    EXPECT_EQ(dimensions.nodes[2].transformer, "date_dimension");
    EXPECT_EQ(dimensions.nodes[2].params["start_date"], "2025-01-01");
    EXPECT_FALSE(dimensions.nodes[2].read.has_value());
    const PipelineConfig* facts = project.TryGetPipeline("build_facts");
    ASSERT_NE(facts, nullptr);
    ASSERT_EQ(facts->nodes.size(), 4u);
    EXPECT_EQ(project.TryGetPipeline("no_such_pipeline"), nullptr);
    const NodeConfig& fact = facts->nodes[3];
    EXPECT_EQ(fact.transformer, "fact");
    EXPECT_EQ(fact.depends_on, (std::vector<std::string>{"dim_customer", "dim_product", "dim_date"}));
    EXPECT_EQ(fact.params["dimensions"].size(), 3u);
    EXPECT_EQ(fact.params["audit"]["source_system"], "orders_csv");
    // The params of a pattern keep their own lines (transform-parameter checks point at them).
    std::string text = ReadFile(Example("04_fact_table.yaml"));
    auto [line, column] = PositionOf(text, "orphan_handling: unknown");
    SourceLocation location = project.locations.Find("pipelines[1].nodes[3].params.orphan_handling");
    EXPECT_EQ(location.line, line);
    EXPECT_EQ(location.column, column);
    EXPECT_EQ(project.locations.Find("pipelines[1].nodes[3].transformer").line, PositionOf(text, "type: fact").first);
}

TEST_F(ExamplesTest, ScdExamplesWithDeltaTargetsLoad) {
    for (const std::string name : {"03_scd2_dimension.yaml", "03_scd2_demo/step1_initial_load.yaml"}) {
        LoadResult result = LoadProject(Example(name));
        EXPECT_EQ(result.project.pipelines[0].nodes[0].write->format, "delta") << name;
    }
}

TEST_F(ExamplesTest, ScdStepTwoMergesOnItsMergeKeys) {
    LoadResult result = LoadProject(Example("03_scd2_demo/step2_with_changes.yaml"));
    const auto& write = *result.project.pipelines[0].nodes[0].write;
    EXPECT_EQ(write.mode, WriteMode::MERGE);
    EXPECT_EQ(write.merge_keys, std::vector<std::string>{"customer_sk"});
}

} // namespace
} // namespace odibi::config
