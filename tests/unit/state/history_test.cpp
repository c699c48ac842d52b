// Catalog maintenance on each backend: DeleteHistory / CountHistory with per-table cutoffs (finished
// history goes, RUNNING runs and everything that is not history stay) and Optimize.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "catalog_backends.hpp"
#include "catalog_queries.hpp"
#include "catalog_test_support.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "odibi/common/clock.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::state {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string DaysAgo(int days) {
    return FormatIsoUtc(Now() - std::chrono::days(days));
}

std::string CutoffDays(int days) {
    return CutoffBefore(Now(), std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::days(days)));
}

// A pipeline run with one node run, one failure, one observability error and one quality result, all
// dated `start`.
void AddRun(Catalog& catalog, const std::string& run_id, const std::string& start, const std::string& status) {
    PipelineRunRecord run;
    run.run_id = run_id;
    run.pipeline_name = "bronze";
    run.run_start_at = start;
    run.status = "RUNNING";
    run.host = "host-a";
    catalog.BeginPipelineRun(run);
    if (status != "RUNNING") {
        run.status = status;
        run.run_end_at = start;
        catalog.FinishPipelineRun(run);
    }
    NodeRunRecord node;
    node.run_id = run_id;
    node.pipeline_name = "bronze";
    node.node_name = "orders";
    node.status = "FAILED";
    node.run_start_at = start;
    node.run_end_at = start;
    catalog.RecordNodeRun(node);
    FailureRecord failure;
    failure.run_id = run_id;
    failure.pipeline_name = "bronze";
    failure.node_name = "orders";
    failure.error_type = "SQL_ERROR";
    failure.timestamp = start;
    catalog.RecordFailure(failure);
    ObservabilityErrorRecord problem;
    problem.run_id = run_id;
    problem.pipeline_name = "bronze";
    problem.component = "catalog";
    problem.error_message = "could not record node 'orders'";
    problem.timestamp = start;
    catalog.RecordObservabilityError(problem);
    QualityRecord check;
    check.run_id = run_id;
    check.pipeline_name = "bronze";
    check.node_name = "orders";
    check.check_name = "id_not_null";
    check.check_type = "not_null";
    check.status = "passed";
    check.timestamp = start;
    catalog.RecordQualityResults({check});
}

// What is not history, written long ago: none of it may ever be deleted.
void AddEverythingElse(Catalog& catalog, const std::string& long_ago) {
    catalog.SetState(StateEntry{"orders_hwm", "42", "dev", long_ago});
    OutputRecord output;
    output.pipeline_name = "bronze";
    output.node_name = "orders";
    output.path = "out/orders";
    output.updated_at = long_ago;
    output.last_run = long_ago;
    catalog.UpsertOutput(output);
    SchemaRecord schema;
    schema.table_path = "out/orders";
    schema.schema_hash = "h1";
    schema.columns = {{"id", "BIGINT"}};
    schema.captured_at = long_ago;
    (void)catalog.RecordSchema(schema);
    TableRecord table;
    table.project = "shop";
    table.table_name = "orders";
    table.updated_at = long_ago;
    catalog.UpsertTable(table);
    WriteIntent intent;
    intent.intent_id = "intent-1";
    intent.run_id = "old";
    intent.pipeline_name = "bronze";
    intent.node_name = "orders";
    intent.target = "/data/out/orders";
    intent.staging = "/data/out/.orders.staging";
    intent.mode = "append";
    intent.format = "parquet";
    intent.published_marker = "1:2";
    intent.created_at = long_ago;
    catalog.RecordWriteIntent(intent);
}

using TableRows = std::pair<std::string, int64_t>;

std::vector<TableRows> Rows(const HistoryDeleted& history) {
    std::vector<TableRows> rows;
    for (const auto& table : history.tables) {
        rows.emplace_back(table.table, table.rows);
    }
    return rows;
}

class HistoryTest : public ::testing::TestWithParam<testing::Backend> {
protected:
    HistoryTest() : backend_(testing::MakeBackend(GetParam())), catalog_(backend_->Open()) {}

    int64_t Count(const std::string& table) { return backend_->Int("SELECT count(*) FROM " + table); }

    std::unique_ptr<testing::CatalogBackend> backend_;
    std::unique_ptr<Catalog> catalog_;
};

TEST_P(HistoryTest, DeletesOldFinishedHistoryAndKeepsRunningRunsAndEverythingElse) {
    AddRun(*catalog_, "old", DaysAgo(100), "SUCCESS");
    AddRun(*catalog_, "old-failed", DaysAgo(95), "FAILED");
    AddRun(*catalog_, "old-but-running", DaysAgo(100), "RUNNING");
    AddRun(*catalog_, "recent", DaysAgo(1), "SUCCESS");
    // An observability error without a run (the catalog could not even open) ages like the others.
    catalog_->RecordObservabilityError(ObservabilityErrorRecord{"", "", "", "catalog", "lost", DaysAgo(100)});
    AddEverythingElse(*catalog_, DaysAgo(400));

    std::string cutoff = CutoffDays(90);
    HistoryCutoff everything{cutoff, cutoff, cutoff, cutoff};
    std::vector<TableRows> expected = {{"meta_pipeline_runs", 2},
                                       {"meta_runs", 2},
                                       {"meta_node_runs", 2},
                                       {"meta_failures", 2},
                                       {"meta_observability_errors", 3},
                                       {"meta_quality", 2}};
    // Counting changes nothing and counts exactly what the delete removes.
    HistoryDeleted counted = catalog_->CountHistory(everything);
    EXPECT_EQ(Rows(counted), expected);
    EXPECT_EQ(counted.Total(), 13);
    EXPECT_EQ(Count("meta_pipeline_runs"), 4);

    HistoryDeleted deleted = catalog_->DeleteHistory(everything);
    EXPECT_EQ(Rows(deleted), expected);
    EXPECT_EQ(deleted.RowsOf("meta_observability_errors"), 3);
    EXPECT_EQ(deleted.RowsOf("meta_state"), 0);

    RunQuery all;
    all.limit = 0;
    std::vector<std::string> kept;
    for (const auto& run : catalog_->ListPipelineRuns(all)) {
        kept.push_back(run.run_id);
    }
    EXPECT_THAT(kept, ElementsAre("recent", "old-but-running"));
    for (const std::string table :
         {"meta_runs", "meta_node_runs", "meta_failures", "meta_observability_errors", "meta_quality"}) {
        EXPECT_EQ(backend_->Int("SELECT count(*) FROM " + table + " WHERE run_id NOT IN ('recent', 'old-but-running')"),
                  0)
            << table;
        EXPECT_EQ(Count(table), 2) << table;
    }
    EXPECT_EQ(Count("meta_state"), 1);
    EXPECT_EQ(Count("meta_outputs"), 1);
    EXPECT_EQ(Count("meta_schemas"), 1);
    EXPECT_EQ(Count("meta_tables"), 1);
    EXPECT_EQ(catalog_->ListWriteIntents().size(), 1u);

    // Nothing old is left: a second cleanup deletes nothing.
    EXPECT_EQ(catalog_->DeleteHistory(everything).Total(), 0);
}

TEST_P(HistoryTest, EachKindOfHistoryHasItsOwnCutoff) {
    AddRun(*catalog_, "forty-days", DaysAgo(40), "SUCCESS");
    AddRun(*catalog_, "ten-days", DaysAgo(10), "SUCCESS");

    // Failures older than 30 days go; runs and observability errors have no cutoff and stay whole.
    HistoryCutoff failures_only;
    failures_only.failures = CutoffDays(30);
    HistoryDeleted deleted = catalog_->DeleteHistory(failures_only);
    EXPECT_EQ(Rows(deleted), (std::vector<TableRows>{{"meta_failures", 1}}));
    EXPECT_EQ(backend_->Text("SELECT run_id FROM meta_failures"), "ten-days");
    EXPECT_EQ(Count("meta_pipeline_runs"), 2);
    EXPECT_EQ(Count("meta_observability_errors"), 2);

    // Runs older than 5 days go with their node rows; observability errors still stay.
    HistoryCutoff runs_only;
    runs_only.runs = CutoffDays(5);
    EXPECT_EQ(Rows(catalog_->DeleteHistory(runs_only)),
              (std::vector<TableRows>{{"meta_pipeline_runs", 2}, {"meta_runs", 2}, {"meta_node_runs", 2}}));
    EXPECT_EQ(Count("meta_observability_errors"), 2);
    EXPECT_EQ(Count("meta_quality"), 2);

    // No cutoff at all: nothing is looked at.
    EXPECT_TRUE(catalog_->DeleteHistory(HistoryCutoff{}).tables.empty());
    EXPECT_TRUE(catalog_->CountHistory(HistoryCutoff{}).tables.empty());
}

TEST_P(HistoryTest, OptimizeRunsOutsideATransactionAndKeepsTheData) {
    AddRun(*catalog_, "recent", DaysAgo(1), "SUCCESS");
    CatalogOptimization optimization = catalog_->Optimize();
    ASSERT_FALSE(optimization.steps.empty());
    if (GetParam() == testing::Backend::SQLITE) {
        EXPECT_THAT(optimization.steps,
                    ElementsAre("PRAGMA optimize", "ANALYZE", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"));
        ASSERT_TRUE(optimization.bytes_before.has_value());
        ASSERT_TRUE(optimization.bytes_after.has_value());
        // ANALYZE left its statistics behind.
        EXPECT_GT(Count("sqlite_stat1"), 0);
    } else {
        EXPECT_THAT(optimization.steps.front(), HasSubstr("VACUUM (ANALYZE) meta_pipeline_runs, meta_runs"));
        EXPECT_FALSE(optimization.bytes_before.has_value());
        // Every meta table was vacuumed and analysed (the statistics are shared at once on PostgreSQL 15+).
        EXPECT_EQ(backend_->Int("SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = current_schema() AND "
                                "last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"),
                  static_cast<int64_t>(CatalogTableNames().size()));
    }
    // The catalog goes on working on the same connection.
    EXPECT_EQ(catalog_->TryGetLastRun("bronze", std::nullopt)->run_id, "recent");
    AddRun(*catalog_, "after", DaysAgo(0), "SUCCESS");
    EXPECT_EQ(Count("meta_pipeline_runs"), 2);
}

TEST_P(HistoryTest, CatalogTableNamesAreEveryTableOfTheLayout) {
    std::string sql = GetParam() == testing::Backend::SQLITE
                          ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'meta%'"
                          : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                            "AND table_name LIKE 'meta%'";
    // meta_schema_version belongs to the migrator, not to the catalog's data.
    EXPECT_EQ(backend_->Int(sql) - 1, static_cast<int64_t>(CatalogTableNames().size()));
    for (std::string_view table : CatalogTableNames()) {
        EXPECT_GE(Count(std::string(table)), 0) << table;
    }
}

TEST(SqliteHistoryTest, OptimizeGivesTheSpaceOfDeletedHistoryBack) {
    testing::SqliteBackend backend;
    auto catalog = backend.Open();
    // About 2 MB of old observability errors, inserted in one statement to keep the test fast.
    backend.Execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                    "INSERT INTO meta_observability_errors (error_id, component, error_message, timestamp, date) "
                    "SELECT 'e' || i, 'catalog', printf('%.1000c', 'x'), '2001-01-01T00:00:00.000Z', '2001-01-01' "
                    "FROM n");
    HistoryCutoff cutoff;
    cutoff.observability_errors = CutoffDays(1);
    EXPECT_EQ(catalog->DeleteHistory(cutoff).Total(), 2000);

    CatalogOptimization optimization = catalog->Optimize();
    ASSERT_TRUE(optimization.bytes_before && optimization.bytes_after);
    constexpr int64_t MEGABYTE = 1024 * 1024;
    EXPECT_GT(*optimization.bytes_before, 2 * MEGABYTE);
    EXPECT_LT(*optimization.bytes_after, *optimization.bytes_before / 4);
    // The checkpoint truncated the WAL.
    std::error_code error;
    EXPECT_EQ(std::filesystem::file_size(backend.Path() + "-wal", error), 0u) << error.message();
}

TEST(SqliteHistoryTest, InMemoryCatalogHasNoSizeOnDisk) {
    auto catalog = OpenSqliteCatalog(":memory:");
    CatalogOptimization optimization = catalog->Optimize();
    EXPECT_FALSE(optimization.bytes_before.has_value());
    EXPECT_EQ(optimization.steps.size(), 4u);
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         HistoryTest,
                         ::testing::Values(testing::Backend::SQLITE, testing::Backend::POSTGRES),
                         testing::BackendName);

} // namespace
} // namespace odibi::state
