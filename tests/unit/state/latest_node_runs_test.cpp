// ListLatestNodeRuns: each node's newest executed run (what --resume compares with), SKIPPED rows passed over.
#include <gtest/gtest.h>

#include "odibi/state/catalog.hpp"

namespace odibi::state {
namespace {

NodeRunRecord NodeRun(const std::string& run_id,
                      const std::string& pipeline,
                      const std::string& node,
                      const std::string& status,
                      const std::string& started,
                      const std::string& hash) {
    NodeRunRecord record;
    record.run_id = run_id;
    record.pipeline_name = pipeline;
    record.node_name = node;
    record.status = status;
    record.run_start_at = started;
    record.run_end_at = started;
    record.metrics = {{"version_hash", hash}};
    return record;
}

TEST(LatestNodeRuns, NewestExecutedRunPerNodeOfOnePipeline) {
    auto catalog = OpenSqliteCatalog(":memory:");
    catalog->RecordNodeRun(NodeRun("r1", "p", "a", "SUCCESS", "2026-01-01T00:00:00.000Z", "h1"));
    catalog->RecordNodeRun(NodeRun("r1", "p", "b", "SUCCESS", "2026-01-01T00:00:01.000Z", "h2"));
    catalog->RecordNodeRun(NodeRun("r2", "p", "a", "FAILED", "2026-01-02T00:00:00.000Z", "h3"));
    catalog->RecordNodeRun(NodeRun("r2", "p", "b", "SKIPPED", "2026-01-02T00:00:01.000Z", "h2"));
    catalog->RecordNodeRun(NodeRun("r3", "q", "a", "SUCCESS", "2026-01-03T00:00:00.000Z", "h9"));
    auto latest = catalog->ListLatestNodeRuns("p", {"a", "b", "never_ran"});
    ASSERT_EQ(latest.size(), 2u);
    EXPECT_EQ(latest[0].node_name, "a");
    EXPECT_EQ(latest[0].run_id, "r2");
    EXPECT_EQ(latest[0].status, "FAILED");
    EXPECT_EQ(latest[0].metrics["version_hash"], "h3");
    EXPECT_EQ(latest[1].node_name, "b");
    EXPECT_EQ(latest[1].run_id, "r1"); // the SKIPPED row of r2 is passed over
    EXPECT_TRUE(catalog->ListLatestNodeRuns("none", {"a"}).empty());
    EXPECT_TRUE(catalog->ListLatestNodeRuns("p", {}).empty());
    // More nodes than one statement covers.
    std::vector<std::string> many;
    for (size_t index = 0; index < 450; ++index) {
        many.push_back("n" + std::to_string(index));
        catalog->RecordNodeRun(NodeRun("r4", "wide", many.back(), "SUCCESS", "2026-01-04T00:00:00.000Z", "h"));
    }
    EXPECT_EQ(catalog->ListLatestNodeRuns("wide", many).size(), 450u);
}

} // namespace
} // namespace odibi::state
