// The commit protocol when the catalog fails: a node with state never writes without its state store,
// a failed intent stops the write before it is published, a failed commit after publication fails the
// node and is finished by recovery, and every catalog failure is printed, summarised and kept in
// meta_observability_errors.
#include <string>

#include "exactly_once_support.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace odibi::integration {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The catalog refuses every insert into `table` (and updates of it) until the trigger is dropped.
void RefuseWritesTo(const ExactlyOnceProject& project, const std::string& table) {
    CatalogFile catalog(project.CatalogPath(), true);
    catalog.Execute(fmt::format("CREATE TRIGGER refuse_insert_{0} BEFORE INSERT ON {0} BEGIN SELECT RAISE(ABORT, "
                                "'injected catalog failure'); END; CREATE TRIGGER refuse_update_{0} BEFORE UPDATE "
                                "ON {0} BEGIN SELECT RAISE(ABORT, 'injected catalog failure'); END;",
                                table));
}

void AcceptWritesTo(const ExactlyOnceProject& project, const std::string& table) {
    CatalogFile catalog(project.CatalogPath(), true);
    catalog.Execute(fmt::format("DROP TRIGGER refuse_insert_{0}; DROP TRIGGER refuse_update_{0};", table));
}

TEST(ExactlyOnceCatalogTest, NodeWithStateDoesNotWriteWithoutItsStateStore) {
    ExactlyOnceProject project("no_catalog", "append", Layout::PARQUET_FILE);
    // A directory where the catalog file belongs: SQLite cannot open it.
    fs::create_directories(project.CatalogPath());
    project.SetSource(1);

    ProcessOutcome run = RunOdibi(project.Directory());

    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_THAT(run.output, HasSubstr("E503"));
    EXPECT_THAT(run.output, HasSubstr("could not open"));
    EXPECT_FALSE(fs::exists(project.Target()));
    EXPECT_THAT(project.LeftoverSiblings(), IsEmpty());
}

TEST(ExactlyOnceCatalogTest, FailedIntentStopsTheWriteBeforeItIsPublished) {
    ExactlyOnceProject project("intent_refused", "append", Layout::CSV_FILE);
    project.SetSource(1);
    ASSERT_EQ(RunOdibi(project.Directory()).exit_code, 0);
    RefuseWritesTo(project, "meta_write_intents");
    project.SetSource(2);

    ProcessOutcome refused = RunOdibi(project.Directory());

    EXPECT_EQ(refused.exit_code, 1) << refused.output;
    EXPECT_THAT(refused.output, HasSubstr("E503"));
    EXPECT_THAT(refused.output, HasSubstr("write intent could not be recorded"));
    EXPECT_EQ(project.TargetRows(), ExpectedAfterFirstRun("append"));
    EXPECT_THAT(project.StateValues(), ElementsAre("3"));
    EXPECT_THAT(project.LeftoverSiblings(), IsEmpty());

    AcceptWritesTo(project, "meta_write_intents");
    ProcessOutcome rerun = RunOdibi(project.Directory());
    ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_EQ(project.TargetRows(), ExpectedRows("append", false));
    EXPECT_THAT(project.StateValues(), ElementsAre(LastSeqState()));
}

TEST(ExactlyOnceCatalogTest, FailedCommitAfterPublishIsFinishedByRecovery) {
    ExactlyOnceProject project("commit_refused", "upsert", Layout::PARTITIONED_PARQUET);
    project.SetSource(1);
    ASSERT_EQ(RunOdibi(project.Directory()).exit_code, 0);
    // The commit upserts the node's output row: refusing it makes the whole commit roll back.
    RefuseWritesTo(project, "meta_outputs");
    project.SetSource(2);

    ProcessOutcome refused = RunOdibi(project.Directory());

    // The data is in place; the node failed because its state did not commit, and says how it ends.
    EXPECT_EQ(refused.exit_code, 1) << refused.output;
    EXPECT_THAT(refused.output, HasSubstr("E503"));
    EXPECT_THAT(refused.output, HasSubstr("node 'orders' wrote its data but could not commit its state"));
    EXPECT_THAT(refused.output, HasSubstr("recovery commits the state at the start of the next run"));
    EXPECT_THAT(refused.output, Not(HasSubstr("retrying")));
    EXPECT_EQ(project.TargetRows(), ExpectedRows("upsert", false));
    EXPECT_THAT(project.StateValues(), ElementsAre("3"));
    EXPECT_EQ(project.OpenIntents().size(), 1U);
    {
        CatalogFile catalog(project.CatalogPath());
        EXPECT_THAT(catalog.Rows("SELECT error_message FROM meta_failures"),
                    ElementsAre(AllOf(HasSubstr("could not commit its state"), HasSubstr("injected catalog failure"))));
        EXPECT_THAT(catalog.Rows("SELECT status FROM meta_pipeline_runs ORDER BY run_start_at DESC LIMIT 1"),
                    ElementsAre("FAILED"));
    }

    AcceptWritesTo(project, "meta_outputs");
    ProcessOutcome rerun = RunOdibi(project.Directory());

    ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_THAT(rerun.output, HasSubstr("(rolled forward)"));
    EXPECT_EQ(project.TargetRows(), ExpectedRows("upsert", true));
    EXPECT_THAT(project.StateValues(), ElementsAre(LastSeqState()));
    EXPECT_THAT(project.OpenIntents(), IsEmpty());
}

TEST(ExactlyOnceCatalogTest, FailedRecordsAreReportedNotSilent) {
    ExactlyOnceProject project("table_refused", "append", Layout::PARQUET_FILE);
    project.SetSource(1);
    ASSERT_EQ(RunOdibi(project.Directory()).exit_code, 0);
    // meta_tables is written on every run (a schema only when it changed).
    RefuseWritesTo(project, "meta_tables");
    project.SetSource(2);

    ProcessOutcome run = RunOdibi(project.Directory());

    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_THAT(run.output, HasSubstr("could not record the schema and table of 'orders'"));
    EXPECT_THAT(run.output, HasSubstr("1 catalog write(s) failed"));
    EXPECT_THAT(run.output, HasSubstr("Pipeline 'ingest' completed, but its catalog records are incomplete"));
    EXPECT_THAT(run.output, Not(HasSubstr("completed successfully")));
    // The data and its state committed together regardless.
    EXPECT_EQ(project.TargetRows(), ExpectedRows("append", false));
    EXPECT_THAT(project.StateValues(), ElementsAre(LastSeqState()));
    CatalogFile catalog(project.CatalogPath());
    EXPECT_THAT(catalog.Rows("SELECT e.component FROM meta_observability_errors e JOIN meta_pipeline_runs r ON "
                             "r.run_id = e.run_id WHERE r.status = 'SUCCESS'"),
                ElementsAre("catalog"));
}

} // namespace
} // namespace odibi::integration
