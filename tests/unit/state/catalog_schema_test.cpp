// The catalog's schema: versioned migrations, the reference's columns, indexes the queries rely on,
// and the errors a user sees when the file cannot be used.
#include <fstream>

#include "catalog_migrations.hpp"
#include "catalog_queries.hpp"
#include "catalog_test_support.hpp"
#include "sqlite/sqlite_migrator.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "odibi/common/error.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::state {
namespace {

using ::testing::HasSubstr;
using testing::RawCatalog;
using testing::ScratchDirectory;

constexpr std::chrono::milliseconds SHORT_WAIT{50};

std::string ColumnsOf(RawCatalog& raw, const std::string& table) {
    return raw.Lines("SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid");
}

std::string PlanOf(RawCatalog& raw, const std::string& sql) {
    auto statement = raw.Connection().Prepare("EXPLAIN QUERY PLAN " + sql, "explain");
    std::string plan;
    while (statement.Step()) {
        plan += statement.ColumnText(3) + "\n";
    }
    return plan;
}

TEST(CatalogSchemaTest, OpeningTwiceAppliesEachMigrationOnce) {
    ScratchDirectory scratch;
    std::string path = scratch.File("catalog.db");
    (void)OpenSqliteCatalog(path);
    auto second = OpenSqliteCatalog(path);
    second->SetState(StateEntry{"k", "1", "", ""});
    (void)OpenSqliteCatalog(path);

    RawCatalog raw(path);
    auto migrations = static_cast<int64_t>(CatalogMigrations().size());
    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_schema_version"), migrations);
    EXPECT_EQ(raw.Int("SELECT max(version) FROM meta_schema_version"), migrations);
    EXPECT_EQ(ReadSchemaVersion(raw.Connection()), migrations);
    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_state"), 1);
}

TEST(CatalogSchemaTest, TablesHaveTheReferenceColumns) {
    ScratchDirectory scratch;
    std::string path = scratch.File("catalog.db");
    (void)OpenSqliteCatalog(path);
    RawCatalog raw(path);
    EXPECT_EQ(ColumnsOf(raw, "meta_runs"),
              "run_id\nproject\npipeline_name\nnode_name\nstatus\nrows_processed\nduration_ms\nmetrics_json\n"
              "environment\ntimestamp\ndate\n");
    EXPECT_EQ(ColumnsOf(raw, "meta_pipeline_runs"),
              "run_id\nproject\npipeline_name\nowner\nlayer\nrun_start_at\nrun_end_at\nduration_ms\nstatus\n"
              "nodes_total\nnodes_succeeded\nnodes_failed\nnodes_skipped\nrows_processed\nerror_summary\n"
              "terminal_nodes\nenvironment\ndatabricks_cluster_id\ndatabricks_job_id\ndatabricks_workspace_id\n"
              "estimated_cost_usd\nactual_cost_usd\ncost_source\nhost\npid\nheartbeat_at\nstory_path\ncreated_at\n");
    EXPECT_EQ(ColumnsOf(raw, "meta_node_runs"),
              "run_id\nnode_id\nproject\npipeline_name\nnode_name\nstatus\nrun_start_at\nrun_end_at\nduration_ms\n"
              "rows_processed\nestimated_cost_usd\nmetrics_json\nenvironment\ncreated_at\n");
    EXPECT_EQ(ColumnsOf(raw, "meta_failures"),
              "failure_id\nrun_id\nproject\npipeline_name\nnode_name\nerror_type\nerror_message\nerror_code\n"
              "stack_trace\nenvironment\ntimestamp\ndate\n");
    EXPECT_EQ(ColumnsOf(raw, "meta_outputs"),
              "pipeline_name\nnode_name\noutput_type\nconnection_name\npath\nformat\ntable_name\nlast_run\n"
              "row_count\nupdated_at\n");
    EXPECT_EQ(ColumnsOf(raw, "meta_state"), "key\nvalue\nenvironment\nupdated_at\n");
    EXPECT_EQ(ColumnsOf(raw, "meta_schemas"),
              "table_path\nschema_version\nschema_hash\ncolumns\ncaptured_at\npipeline\nnode\nrun_id\n"
              "columns_added\ncolumns_removed\ncolumns_type_changed\n");
    EXPECT_EQ(ColumnsOf(raw, "meta_tables"),
              "project\ntable_name\npath\nformat\npattern_type\nschema_hash\nupdated_at\n");
}

TEST(CatalogSchemaTest, LastRunOfAPipelineUsesItsIndex) {
    ScratchDirectory scratch;
    std::string path = scratch.File("catalog.db");
    auto catalog = OpenSqliteCatalog(path);
    for (int run = 0; run < 20; ++run) {
        PipelineRunRecord record;
        record.run_id = "run-" + std::to_string(run);
        record.pipeline_name = "pipeline-" + std::to_string(run % 4);
        catalog->BeginPipelineRun(record);
    }
    RawCatalog raw(path);
    EXPECT_THAT(PlanOf(raw, LastPipelineRunSql(false)), HasSubstr("idx_meta_pipeline_runs_pipeline_start"));
    EXPECT_THAT(PlanOf(raw, LastPipelineRunSql(true)), HasSubstr("idx_meta_pipeline_runs_pipeline_start"));
    EXPECT_THAT(PlanOf(raw, LastPipelineRunSql(false)), ::testing::Not(HasSubstr("TEMP B-TREE")));

    RunQuery last_days;
    last_days.days = 7;
    EXPECT_THAT(PlanOf(raw, PipelineRunsQuery(last_days, Now()).sql), HasSubstr("idx_meta_pipeline_runs_start"));
    EXPECT_THAT(PlanOf(raw, NodeRunsOfRunSql()), HasSubstr("USING INDEX"));
    EXPECT_THAT(PlanOf(raw, "SELECT * FROM meta_failures WHERE run_id = ?"), HasSubstr("idx_meta_failures_run"));
}

TEST(CatalogSchemaTest, CatalogFromANewerOdibiIsRefused) {
    ScratchDirectory scratch;
    std::string path = scratch.File("catalog.db");
    (void)OpenSqliteCatalog(path);
    {
        RawCatalog raw(path);
        raw.Execute("INSERT INTO meta_schema_version VALUES (999, 'from the future', '2030-01-01T00:00:00.000Z')");
    }
    try {
        (void)OpenSqliteCatalog(path);
        FAIL() << "expected CATALOG_ERROR";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::CATALOG_ERROR);
        EXPECT_THAT(error.Message(), HasSubstr("schema version 999"));
        EXPECT_THAT(error.Message(), HasSubstr(path));
        ASSERT_FALSE(error.Suggestions().empty());
        EXPECT_THAT(error.Suggestions().front(), HasSubstr("upgrade odibi"));
    }
}

TEST(CatalogSchemaTest, MigrationsApplyInOrderAndOnlyOnce) {
    ScratchDirectory scratch;
    RawCatalog raw(scratch.File("migrations.db"));
    std::vector<Migration> migrations = {
        {1, "create t", {"CREATE TABLE t (a INTEGER)"}},
        {2, "add a column to t", {"ALTER TABLE t ADD COLUMN b INTEGER", "INSERT INTO t VALUES (1, 2)"}},
    };
    EXPECT_EQ(ApplyMigrations(raw.Connection(), std::span(migrations).first(1)), 1);
    EXPECT_EQ(ApplyMigrations(raw.Connection(), migrations), 2);
    EXPECT_EQ(ApplyMigrations(raw.Connection(), migrations), 2);
    EXPECT_EQ(raw.Int("SELECT count(*) FROM t"), 1);
    EXPECT_EQ(raw.Lines("SELECT description FROM meta_schema_version ORDER BY version"),
              "create t\nadd a column to t\n");
}

TEST(CatalogSchemaTest, FailingMigrationLeavesTheCatalogUnchanged) {
    ScratchDirectory scratch;
    RawCatalog raw(scratch.File("migrations.db"));
    std::vector<Migration> migrations = {
        {1, "create t", {"CREATE TABLE t (a INTEGER)"}},
        {2, "broken", {"CREATE TABLE u (a INTEGER)", "ALTER TABLE no_such_table ADD COLUMN b INTEGER"}},
    };
    try {
        (void)ApplyMigrations(raw.Connection(), migrations);
        FAIL() << "expected CATALOG_ERROR";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::CATALOG_ERROR);
        EXPECT_THAT(error.Message(), HasSubstr("migration 2 (broken)"));
        EXPECT_THAT(error.Message(), HasSubstr("no_such_table"));
    }
    EXPECT_EQ(ReadSchemaVersion(raw.Connection()), 0);
    EXPECT_EQ(raw.Int("SELECT count(*) FROM sqlite_master WHERE name IN ('t', 'u')"), 0);
}

TEST(CatalogSchemaTest, MisnumberedMigrationsAreABug) {
    ScratchDirectory scratch;
    RawCatalog raw(scratch.File("migrations.db"));
    std::vector<Migration> migrations = {{1, "a", {}}, {3, "c", {}}};
    try {
        (void)ApplyMigrations(raw.Connection(), migrations);
        FAIL() << "expected INTERNAL";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::INTERNAL);
    }
}

TEST(CatalogErrorTest, FileThatIsNotADatabase) {
    ScratchDirectory scratch;
    std::string path = scratch.File("catalog.db");
    std::ofstream(path) << "this is not a SQLite database, just some text that is long enough to be read as a header";
    try {
        (void)OpenSqliteCatalog(path);
        FAIL() << "expected CATALOG_ERROR";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::CATALOG_ERROR);
        EXPECT_EQ(error.Source(), ErrorSource::EXTERNAL);
        EXPECT_THAT(error.Message(), HasSubstr(path));
        EXPECT_THAT(error.Message(), HasSubstr("not a database"));
        ASSERT_FALSE(error.Suggestions().empty());
        EXPECT_THAT(error.Suggestions().front(), HasSubstr("move it aside"));
    }
}

TEST(CatalogErrorTest, DirectoryThatCannotBeCreated) {
    ScratchDirectory scratch;
    std::string blocker = scratch.File("blocker");
    std::ofstream(blocker) << "a file where a directory should be";
    try {
        (void)OpenSqliteCatalog(blocker + "/system/catalog.db");
        FAIL() << "expected CATALOG_ERROR";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::CATALOG_ERROR);
        EXPECT_EQ(error.Source(), ErrorSource::EXTERNAL);
        EXPECT_THAT(error.Message(), HasSubstr(blocker));
    }
}

TEST(CatalogErrorTest, EmptyPathIsAUserError) {
    try {
        (void)OpenSqliteCatalog("");
        FAIL() << "expected CATALOG_ERROR";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::CATALOG_ERROR);
        EXPECT_EQ(error.Source(), ErrorSource::USER);
    }
}

TEST(CatalogErrorTest, LockHeldByAnotherProgramNamesTheOperationPathAndFix) {
    ScratchDirectory scratch;
    std::string path = scratch.File("catalog.db");
    auto catalog = OpenSqliteCatalog(path, SqliteCatalogOptions{SHORT_WAIT, SHORT_WAIT});
    RawCatalog other_program(path);
    other_program.Execute("BEGIN IMMEDIATE");
    try {
        catalog->SetState(StateEntry{"k", "1", "", ""});
        FAIL() << "expected CATALOG_ERROR";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::CATALOG_ERROR);
        EXPECT_EQ(error.Source(), ErrorSource::EXTERNAL);
        EXPECT_THAT(error.Message(), HasSubstr("set state"));
        EXPECT_THAT(error.Message(), HasSubstr(path));
        EXPECT_THAT(error.Message(), HasSubstr("database is locked"));
        ASSERT_FALSE(error.Suggestions().empty());
        EXPECT_THAT(error.Suggestions().front(), HasSubstr("is another program holding a lock on " + path));
    }
    // Readers are not blocked by a writer in WAL mode, and the catalog recovers once the lock is gone.
    EXPECT_FALSE(catalog->TryGetState("k").has_value());
    other_program.Execute("ROLLBACK");
    catalog->SetState(StateEntry{"k", "1", "", ""});
    EXPECT_EQ(catalog->GetState("k").value, "1");
}

TEST(CatalogErrorTest, WriterWaitsForAShortLock) {
    ScratchDirectory scratch;
    std::string path = scratch.File("catalog.db");
    auto catalog = OpenSqliteCatalog(path);
    RawCatalog other_program(path);
    other_program.Execute("BEGIN IMMEDIATE");
    std::thread releaser([&]() {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        other_program.Execute("COMMIT");
    });
    catalog->SetState(StateEntry{"k", "1", "", ""});
    releaser.join();
    EXPECT_EQ(catalog->GetState("k").value, "1");
}

} // namespace
} // namespace odibi::state
