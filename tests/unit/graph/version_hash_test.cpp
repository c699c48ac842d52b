// Version hashes: stable for equal configs, changed by SQL (incl. sql_file text) and by any upstream change.
#include <filesystem>
#include <fstream>
#include <random>

#include "project_builder.hpp"
#include <gtest/gtest.h>

#include "odibi/common/log.hpp"
#include "odibi/graph/plan.hpp"

namespace odibi::graph {
namespace {

using fixture::KnownTransformers;
using fixture::NodeBuilder;
using fixture::ProjectBuilder;

// A fresh directory under the system temp dir, removed with the fixture.
class VersionHashTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device random;
        directory_ = std::filesystem::temp_directory_path() / ("odibi_graph_hash_" + std::to_string(random()));
        std::filesystem::create_directories(directory_ / "sql");
    }
    void TearDown() override {
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }
    void WriteFile(const std::string& relative, const std::string& text) const {
        std::ofstream stream(directory_ / relative, std::ios::binary | std::ios::trunc);
        stream << text;
    }
    [[nodiscard]] std::string PathOf(const std::string& relative) const { return (directory_ / relative).string(); }

    // raw -> cleaned (sql_file) -> report; other stands apart.
    [[nodiscard]] Plan BuildChain() const {
        auto project = ProjectBuilder()
                           .Pipeline("p",
                                     {NodeBuilder("raw").Read("raw.csv"),
                                      NodeBuilder("cleaned").DependsOn({"raw"}).SqlFile(PathOf("sql/clean.sql")),
                                      NodeBuilder("report").DependsOn({"cleaned"}).Sql("SELECT * FROM df"),
                                      NodeBuilder("other").Read("other.csv")})
                           .Build();
        return BuildPlan(project, Selection{}, KnownTransformers());
    }

    std::filesystem::path directory_;
};

std::string HashOf(const Plan& plan, const std::string& node) {
    return plan.pipelines.at(0).GetNode(node).version_hash;
}

TEST_F(VersionHashTest, IsASha256HexDigestAndStable) {
    WriteFile("sql/clean.sql", "SELECT * FROM df WHERE id IS NOT NULL");
    Plan first = BuildChain();
    Plan second = BuildChain();
    for (const auto& node : first.pipelines[0].nodes) {
        EXPECT_EQ(node.version_hash.size(), 64u);
        EXPECT_EQ(node.version_hash.find_first_not_of("0123456789abcdef"), std::string::npos);
        EXPECT_EQ(node.version_hash, HashOf(second, node.name)) << node.name;
    }
    EXPECT_NE(HashOf(first, "raw"), HashOf(first, "other"));
}

TEST_F(VersionHashTest, SqlFileContentChangeCascadesToDescendantsOnly) {
    WriteFile("sql/clean.sql", "SELECT * FROM df WHERE id IS NOT NULL");
    Plan before = BuildChain();
    WriteFile("sql/clean.sql", "SELECT * FROM df WHERE id > 0");
    Plan after = BuildChain();
    EXPECT_EQ(HashOf(before, "raw"), HashOf(after, "raw"));
    EXPECT_EQ(HashOf(before, "other"), HashOf(after, "other"));
    EXPECT_NE(HashOf(before, "cleaned"), HashOf(after, "cleaned"));
    EXPECT_NE(HashOf(before, "report"), HashOf(after, "report"));
}

TEST_F(VersionHashTest, ReadSqlFileIsResolvedAgainstTheDefiningYaml) {
    WriteFile("sql/extract.sql", "SELECT * FROM orders");
    auto build = [&] {
        auto project =
            ProjectBuilder()
                .Pipeline("p",
                          {NodeBuilder("extract").ReadSqlFile("sql/extract.sql").SourceFile(PathOf("pipelines.yaml"))})
                .Build();
        return BuildPlan(project, Selection{}, KnownTransformers());
    };
    std::string before = HashOf(build(), "extract");
    WriteFile("sql/extract.sql", "SELECT * FROM orders WHERE amount > 0");
    EXPECT_NE(HashOf(build(), "extract"), before);
}

TEST(VersionHash, IgnoresParamKeyOrderButNotParamValues) {
    auto build = [](config::Json params) {
        auto project = ProjectBuilder()
                           .Pipeline("p", {NodeBuilder("n").Read("a.csv").Function("filter_rows", std::move(params))})
                           .Build();
        return BuildPlan(project, Selection{}, KnownTransformers());
    };
    config::Json forward = config::Json::object();
    forward["condition"] = "x > 1";
    forward["note"] = "a";
    config::Json backward = config::Json::object();
    backward["note"] = "a";
    backward["condition"] = "x > 1";
    config::Json changed = forward;
    changed["condition"] = "x > 2";
    EXPECT_EQ(HashOf(build(forward), "n"), HashOf(build(backward), "n"));
    EXPECT_NE(HashOf(build(forward), "n"), HashOf(build(changed), "n"));
}

TEST(VersionHash, DocumentationDoesNotChangeTheHashButTheWriteTargetDoes) {
    auto build = [](const config::NodeConfig& node) {
        auto project = ProjectBuilder().Pipeline("p", {node}).Build();
        return BuildPlan(project, Selection{}, KnownTransformers());
    };
    std::string base = HashOf(build(NodeBuilder("n").Read("a.csv").Write("out")), "n");
    EXPECT_EQ(HashOf(build(NodeBuilder("n").Read("a.csv").Write("out").Description("docs").Tags({"x"})), "n"), base);
    EXPECT_NE(HashOf(build(NodeBuilder("n").Read("a.csv").Write("elsewhere")), "n"), base);
}

TEST(VersionHash, UpstreamChangeCascadesThroughSamePipelineInputs) {
    auto build = [](const std::string& source_path) {
        auto project = ProjectBuilder()
                           .Pipeline("p",
                                     {NodeBuilder("source").Read(source_path),
                                      NodeBuilder("consumer").Input("df", "$p.source").Sql("SELECT * FROM df")})
                           .Build();
        return BuildPlan(project, Selection{}, KnownTransformers());
    };
    EXPECT_NE(HashOf(build("a.csv"), "consumer"), HashOf(build("b.csv"), "consumer"));
}

TEST(VersionHash, TransformerOrPatternParamsChangeTheHash) {
    auto build = [](const std::string& keys) {
        config::Json params = config::Json::object();
        params["natural_key"] = keys;
        auto project =
            ProjectBuilder().Pipeline("p", {NodeBuilder("n").Read("a.csv").Transformer("aggregate", params)}).Build();
        return BuildPlan(project, Selection{}, KnownTransformers());
    };
    EXPECT_EQ(HashOf(build("id"), "n"), HashOf(build("id"), "n"));
    EXPECT_NE(HashOf(build("id"), "n"), HashOf(build("code"), "n"));
}

TEST(VersionHash, IncrementalSettingsAreHashedByMeaning) {
    auto build = [](const std::string& lag, int64_t lag_seconds, config::IncrementalMode mode) {
        config::NodeConfig node = NodeBuilder("n").Read("a.csv");
        config::IncrementalConfig incremental;
        incremental.mode = mode;
        incremental.column = "updated_at";
        incremental.watermark_lag = lag;
        incremental.watermark_lag_seconds = lag_seconds;
        node.read->incremental = incremental;
        return BuildPlan(ProjectBuilder().Pipeline("p", {node}).Build(), Selection{}, KnownTransformers());
    };
    std::string hour = HashOf(build("1h", 3600, config::IncrementalMode::STATEFUL), "n");
    EXPECT_EQ(hour, HashOf(build("60m", 3600, config::IncrementalMode::STATEFUL), "n"));
    EXPECT_NE(hour, HashOf(build("2h", 7200, config::IncrementalMode::STATEFUL), "n"));
    EXPECT_NE(hour, HashOf(build("1h", 3600, config::IncrementalMode::ROLLING_WINDOW), "n"));
    EXPECT_NE(hour,
              HashOf(BuildPlan(ProjectBuilder().Pipeline("p", {NodeBuilder("n").Read("a.csv")}).Build(),
                               Selection{},
                               KnownTransformers()),
                     "n"));
}

TEST(VersionHash, ConnectionSettingsAreHashedWithoutTheirSecrets) {
    SecretRegistry::Register("s3cr3t-password");
    auto build = [](const std::string& base_path, const std::string& password) {
        config::ProjectConfig project =
            *ProjectBuilder().Pipeline("p", {NodeBuilder("n").Read("a.csv").Write("out")}).Build();
        config::ConnectionConfig connection;
        connection.name = "local";
        connection.fields = config::Json::object();
        connection.fields["type"] = "local";
        connection.fields["base_path"] = base_path;
        connection.fields["password"] = password;
        project.connections["local"] = connection;
        return BuildPlan(std::make_shared<const config::ProjectConfig>(project), Selection{}, KnownTransformers());
    };
    Plan plan = build("./data", "s3cr3t-password");
    EXPECT_NE(HashOf(plan, "n"), HashOf(build("./elsewhere", "s3cr3t-password"), "n"));
    EXPECT_EQ(plan.pipelines[0].GetNode("n").config_snapshot.dump().find("s3cr3t-password"), std::string::npos);
    EXPECT_NE(plan.pipelines[0].GetNode("n").config_snapshot.dump().find("./data"), std::string::npos);
}

} // namespace
} // namespace odibi::graph
