// The catalog side of the exactly-once commit protocol: write intents, the atomic write commit,
// max-semantics state advances (across processes) and recorded observability errors.
#include <string>
#include <vector>

#include "catalog_backends.hpp"
#include "catalog_test_support.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "odibi/common/error.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::state {
namespace {

using ::testing::HasSubstr;

WriteCommit MakeCommit(const std::string& intent_id, const std::string& high_water_mark) {
    WriteCommit commit;
    commit.intent_id = intent_id;
    commit.state_updates.push_back(StateEntry{"sales.orders.hwm", high_water_mark, "dev", ""});
    OutputRecord output;
    output.pipeline_name = "sales";
    output.node_name = "orders";
    output.connection_name = "lake";
    output.path = "out/orders.parquet";
    output.format = "parquet";
    output.row_count = 7;
    commit.output = output;
    NodeRunRecord node_run;
    node_run.run_id = "run-1";
    node_run.project = "shop";
    node_run.pipeline_name = "sales";
    node_run.node_name = "orders";
    node_run.status = "success";
    node_run.run_start_at = "2026-11-22T10:00:00.000Z";
    node_run.run_end_at = "2026-11-22T10:00:01.000Z";
    node_run.duration_ms = 1000;
    node_run.rows_processed = 7;
    node_run.metrics = {{"rows_written", 7}};
    commit.node_run = node_run;
    return commit;
}

WriteIntent MakeIntent(const std::string& intent_id, const WriteCommit& commit) {
    WriteIntent intent;
    intent.intent_id = intent_id;
    intent.run_id = "run-1";
    intent.pipeline_name = "sales";
    intent.node_name = "orders";
    intent.target = "/data/out/orders.parquet";
    intent.staging = "/data/out/.orders.parquet.odibi-staging-1";
    intent.mode = "append";
    intent.format = "parquet";
    intent.published_marker = "2049:1234";
    intent.commit = WriteCommitToJson(commit);
    return intent;
}

// Each test runs once per backend (SQLite and PostgreSQL), on a fresh store.
class WriteIntentTest : public ::testing::TestWithParam<testing::Backend> {
protected:
    WriteIntentTest() : backend_(testing::MakeBackend(GetParam())), catalog_(backend_->Open()) {}

    std::unique_ptr<testing::CatalogBackend> backend_;
    std::unique_ptr<Catalog> catalog_;
};

TEST_P(WriteIntentTest, IntentRoundTripsWithItsCommit) {
    WriteCommit commit = MakeCommit("intent-1", "\"2026-11-21\"");
    catalog_->RecordWriteIntent(MakeIntent("intent-1", commit));

    auto intents = catalog_->ListWriteIntents();
    ASSERT_EQ(intents.size(), 1U);
    EXPECT_EQ(intents[0].intent_id, "intent-1");
    EXPECT_EQ(intents[0].target, "/data/out/orders.parquet");
    EXPECT_EQ(intents[0].staging, "/data/out/.orders.parquet.odibi-staging-1");
    EXPECT_EQ(intents[0].mode, "append");
    EXPECT_EQ(intents[0].format, "parquet");
    EXPECT_EQ(intents[0].published_marker, "2049:1234");
    EXPECT_FALSE(intents[0].created_at.empty());

    WriteCommit read_back = WriteCommitFromJson(intents[0].commit, intents[0].intent_id);
    ASSERT_EQ(read_back.state_updates.size(), 1U);
    EXPECT_EQ(read_back.state_updates[0].key, "sales.orders.hwm");
    EXPECT_EQ(read_back.state_updates[0].value, "\"2026-11-21\"");
    ASSERT_TRUE(read_back.output.has_value());
    EXPECT_EQ(read_back.output->path, "out/orders.parquet");
    EXPECT_EQ(read_back.output->row_count, 7);
    ASSERT_TRUE(read_back.node_run.has_value());
    EXPECT_EQ(read_back.node_run->duration_ms, 1000);
    EXPECT_EQ(read_back.node_run->metrics["rows_written"], 7);
}

TEST_P(WriteIntentTest, CommitAppliesEverythingAndClosesTheIntent) {
    WriteCommit commit = MakeCommit("intent-1", "41");
    catalog_->RecordWriteIntent(MakeIntent("intent-1", commit));
    catalog_->CommitWrite(commit);

    EXPECT_TRUE(catalog_->ListWriteIntents().empty());
    EXPECT_EQ(catalog_->GetState("sales.orders.hwm").value, "41");
    auto output = catalog_->TryGetOutput("sales", "orders");
    ASSERT_TRUE(output.has_value());
    EXPECT_EQ(output->row_count, 7);
    auto node_runs = catalog_->ListNodeRunsOfRun("run-1");
    ASSERT_EQ(node_runs.size(), 1U);
    EXPECT_EQ(node_runs[0].status, "SUCCESS");
    auto& raw = *backend_;
    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_runs WHERE run_id = 'run-1'"), 1);
}

TEST_P(WriteIntentTest, CommitOfAClosedIntentAppliesNothing) {
    WriteCommit commit = MakeCommit("intent-1", "41");
    catalog_->RecordWriteIntent(MakeIntent("intent-1", commit));
    EXPECT_TRUE(catalog_->AbandonWriteIntent("intent-1"));
    EXPECT_FALSE(catalog_->AbandonWriteIntent("intent-1"));
    try {
        catalog_->CommitWrite(commit);
        FAIL() << "expected WRITE_INTENT_NOT_OPEN";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::WRITE_INTENT_NOT_OPEN);
        EXPECT_THAT(error.Message(), HasSubstr("intent-1"));
    }
    EXPECT_FALSE(catalog_->TryGetState("sales.orders.hwm").has_value());
    EXPECT_FALSE(catalog_->TryGetOutput("sales", "orders").has_value());
    EXPECT_TRUE(catalog_->ListNodeRunsOfRun("run-1").empty());
}

TEST_P(WriteIntentTest, CommitWithoutIntentCommitsStateAndNodeRun) {
    WriteCommit commit = MakeCommit("", "5");
    commit.output.reset();
    catalog_->CommitWrite(commit);
    EXPECT_EQ(catalog_->GetState("sales.orders.hwm").value, "5");
    EXPECT_EQ(catalog_->ListNodeRunsOfRun("run-1").size(), 1U);
    EXPECT_FALSE(catalog_->TryGetOutput("sales", "orders").has_value());
}

TEST_P(WriteIntentTest, FailingCommitLeavesStateAndIntentAsTheyWere) {
    WriteCommit commit = MakeCommit("intent-1", "41");
    catalog_->RecordWriteIntent(MakeIntent("intent-1", commit));
    catalog_->SetState(StateEntry{"sales.orders.hwm", "40", "", ""});
    commit.node_run->node_name.clear(); // the last row of the commit is refused
    EXPECT_THROW(catalog_->CommitWrite(commit), Error);
    EXPECT_EQ(catalog_->GetState("sales.orders.hwm").value, "40");
    EXPECT_EQ(catalog_->ListWriteIntents().size(), 1U);
    EXPECT_FALSE(catalog_->TryGetOutput("sales", "orders").has_value());
}

TEST_P(WriteIntentTest, IntentsAreListedOldestFirst) {
    WriteCommit commit = MakeCommit("", "1");
    WriteIntent second = MakeIntent("b", commit);
    second.created_at = "2026-11-22T10:00:02.000Z";
    WriteIntent first = MakeIntent("a", commit);
    first.created_at = "2026-11-22T10:00:01.000Z";
    catalog_->RecordWriteIntent(second);
    catalog_->RecordWriteIntent(first);
    auto intents = catalog_->ListWriteIntents();
    ASSERT_EQ(intents.size(), 2U);
    EXPECT_EQ(intents[0].intent_id, "a");
    EXPECT_EQ(intents[1].intent_id, "b");
}

TEST_P(WriteIntentTest, MalformedCommitIsACatalogError) {
    try {
        static_cast<void>(WriteCommitFromJson(nlohmann::json("not a commit"), "intent-9"));
        FAIL() << "expected CATALOG_ERROR";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::CATALOG_ERROR);
        EXPECT_THAT(error.Message(), HasSubstr("intent-9"));
    }
}

TEST_P(WriteIntentTest, AdvanceStateKeepsTheLargestValue) {
    EXPECT_EQ(catalog_->AdvanceState(StateEntry{"n", "10", "", ""}).value, "10");
    EXPECT_EQ(catalog_->AdvanceState(StateEntry{"n", "9", "", ""}).value, "10");
    EXPECT_EQ(catalog_->AdvanceState(StateEntry{"n", "100", "", ""}).value, "100");
    EXPECT_EQ(catalog_->AdvanceState(StateEntry{"n", "99.5", "", ""}).value, "100");
    EXPECT_EQ(catalog_->GetState("n").value, "100");

    catalog_->AdvanceState(StateEntry{"t", "\"2026-11-22T10:00:00Z\"", "", ""});
    EXPECT_EQ(catalog_->AdvanceState(StateEntry{"t", "\"2026-11-21T23:59:59Z\"", "", ""}).value,
              "\"2026-11-22T10:00:00Z\"");
    EXPECT_EQ(catalog_->AdvanceState(StateEntry{"t", "\"2026-11-23T00:00:00Z\"", "", ""}).value,
              "\"2026-11-23T00:00:00Z\"");
}

// Several processes advance one shared key and their own keys: the shared key ends at the largest
// value any of them wrote, and no advance of a distinct key is lost.
TEST_P(WriteIntentTest, AdvanceStateIsAtomicAcrossProcesses) {
    constexpr int PROCESSES = 4;
    constexpr int ADVANCES = 50;
    catalog_.reset();
    std::vector<pid_t> children;
    for (int process = 0; process < PROCESSES; ++process) {
        pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            int status = 0;
            try {
                auto catalog = backend_->Open();
                for (int advance = 1; advance <= ADVANCES; ++advance) {
                    // Interleaved values: each process writes every PROCESSES-th number.
                    int value = advance * PROCESSES + process;
                    catalog->AdvanceState(StateEntry{"shared", std::to_string(value), "", ""});
                    catalog->AdvanceState(
                        StateEntry{"own." + std::to_string(process), std::to_string(advance), "", ""});
                }
            } catch (...) {
                status = 1;
            }
            ::_exit(status);
        }
        children.push_back(child);
    }
    for (pid_t child : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    auto catalog = backend_->Open();
    EXPECT_EQ(catalog->GetState("shared").value, std::to_string(ADVANCES * PROCESSES + PROCESSES - 1));
    for (int process = 0; process < PROCESSES; ++process) {
        EXPECT_EQ(catalog->GetState("own." + std::to_string(process)).value, std::to_string(ADVANCES));
    }
}

TEST_P(WriteIntentTest, ObservabilityErrorsAreRecordedRedactedAndDated) {
    ObservabilityErrorRecord record;
    record.run_id = "run-1";
    record.pipeline_name = "sales";
    record.component = "catalog";
    record.error_message = "could not record node 'orders': database is locked";
    record.timestamp = "2026-11-22T10:00:00.000Z";
    catalog_->RecordObservabilityError(record);
    auto& raw = *backend_;
    EXPECT_EQ(raw.Text("SELECT component || '|' || error_message || '|' || date FROM meta_observability_errors"),
              "catalog|could not record node 'orders': database is locked|2026-11-22");
    EXPECT_EQ(raw.Int("SELECT length(error_id) FROM meta_observability_errors"), 36);
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         WriteIntentTest,
                         ::testing::Values(testing::Backend::SQLITE, testing::Backend::POSTGRES),
                         testing::BackendName);

} // namespace
} // namespace odibi::state
