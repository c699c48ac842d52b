// Round trips and queries of every catalog record type, on each backend (SQLite and PostgreSQL).
#include <chrono>
#include <memory>

#include "catalog_backends.hpp"
#include "catalog_test_support.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "odibi/common/clock.hpp"
#include "odibi/common/error.hpp"
#include "odibi/common/log.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::state {
namespace {

using testing::Backend;
using testing::BackendName;
using testing::CatalogBackend;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string HoursAgo(int hours) {
    return FormatIsoUtc(Now() - std::chrono::hours(hours));
}

PipelineRunRecord MakeRun(const std::string& run_id, const std::string& pipeline, const std::string& start) {
    PipelineRunRecord run;
    run.run_id = run_id;
    run.project = "sales";
    run.pipeline_name = pipeline;
    run.run_start_at = start;
    run.host = "host-a";
    run.pid = 4242;
    return run;
}

NodeRunRecord MakeNodeRun(const std::string& run_id, const std::string& node, const std::string& start) {
    NodeRunRecord node_run;
    node_run.run_id = run_id;
    node_run.project = "sales";
    node_run.pipeline_name = "bronze";
    node_run.node_name = node;
    node_run.status = "SUCCESS";
    node_run.run_start_at = start;
    node_run.run_end_at = start;
    return node_run;
}

std::vector<std::string> RunIds(const std::vector<PipelineRunRecord>& runs) {
    std::vector<std::string> ids;
    for (const auto& run : runs) {
        ids.push_back(run.run_id);
    }
    return ids;
}

// Each test runs once per backend, on a fresh store: a new SQLite file, or a new PostgreSQL schema.
class CatalogTest : public ::testing::TestWithParam<Backend> {
protected:
    CatalogTest() : backend_(testing::MakeBackend(GetParam())), catalog_(backend_->Open()) {}

    /// SQL on the store through a second connection, for checks the Catalog interface does not expose.
    CatalogBackend& Raw() { return *backend_; }

    std::unique_ptr<CatalogBackend> backend_;
    std::unique_ptr<Catalog> catalog_;
};

TEST(SqliteCatalogTest, CreatesParentDirectoriesAndUsesWal) {
    testing::SqliteBackend backend;
    auto catalog = backend.Open();
    EXPECT_TRUE(std::filesystem::exists(backend.Path()));
    EXPECT_EQ(backend.Text("PRAGMA journal_mode"), "wal");
}

TEST_P(CatalogTest, PipelineRunRoundTripsEveryField) {
    PipelineRunRecord run = MakeRun("run-1", "bronze", "2026-11-22T10:04:05.123Z");
    run.owner = "data-team";
    run.layer = "bronze";
    run.run_end_at = "2026-11-22T10:05:05.123Z";
    run.duration_ms = 60000;
    run.status = "SUCCESS";
    run.nodes_total = 4;
    run.nodes_succeeded = 2;
    run.nodes_failed = 1;
    run.nodes_skipped = 1;
    run.rows_processed = 1234567890123;
    run.error_summary = "node orders failed";
    run.terminal_nodes = "orders,customers";
    run.environment = "dev";
    run.heartbeat_at = "2026-11-22T10:04:35.000Z";
    run.story_path = "stories/bronze/run-1.json";
    catalog_->BeginPipelineRun(run);

    auto stored = catalog_->TryGetLastRun("bronze", std::nullopt);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->run_id, "run-1");
    EXPECT_EQ(stored->project, "sales");
    EXPECT_EQ(stored->pipeline_name, "bronze");
    EXPECT_EQ(stored->owner, "data-team");
    EXPECT_EQ(stored->layer, "bronze");
    EXPECT_EQ(stored->run_start_at, "2026-11-22T10:04:05.123Z");
    EXPECT_EQ(stored->run_end_at, "2026-11-22T10:05:05.123Z");
    EXPECT_EQ(stored->duration_ms, 60000);
    EXPECT_EQ(stored->status, "SUCCESS");
    EXPECT_EQ(stored->nodes_total, 4);
    EXPECT_EQ(stored->nodes_succeeded, 2);
    EXPECT_EQ(stored->nodes_failed, 1);
    EXPECT_EQ(stored->nodes_skipped, 1);
    EXPECT_EQ(stored->rows_processed, 1234567890123);
    EXPECT_EQ(stored->error_summary, "node orders failed");
    EXPECT_EQ(stored->terminal_nodes, "orders,customers");
    EXPECT_EQ(stored->environment, "dev");
    EXPECT_EQ(stored->host, "host-a");
    EXPECT_EQ(stored->pid, 4242);
    EXPECT_EQ(stored->heartbeat_at, "2026-11-22T10:04:35.000Z");
    EXPECT_EQ(stored->story_path, "stories/bronze/run-1.json");
}

TEST_P(CatalogTest, BeginDefaultsToRunningWithHeartbeatAtStart) {
    catalog_->BeginPipelineRun(MakeRun("run-1", "bronze", "2026-11-22T10:00:00.000Z"));

    auto stored = catalog_->TryGetLastRun("bronze", std::nullopt);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->status, "RUNNING");
    EXPECT_EQ(stored->heartbeat_at, "2026-11-22T10:00:00.000Z");
    EXPECT_EQ(stored->run_end_at, "");
    auto& raw = Raw();
    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_pipeline_runs WHERE run_end_at IS NULL AND created_at <> ''"), 1);
}

TEST_P(CatalogTest, FinishKeepsWhatOnlyTheStartKnew) {
    PipelineRunRecord begin = MakeRun("run-1", "bronze", "2026-11-22T10:00:00.000Z");
    begin.owner = "data-team";
    begin.environment = "prod";
    catalog_->BeginPipelineRun(begin);

    PipelineRunRecord finish;
    finish.run_id = "run-1";
    finish.pipeline_name = "bronze";
    finish.status = "failed";
    finish.run_end_at = "2026-11-22T10:01:00.000Z";
    finish.duration_ms = 60000;
    finish.nodes_total = 3;
    finish.nodes_failed = 1;
    finish.story_path = "stories/run-1.json";
    catalog_->FinishPipelineRun(finish);

    auto stored = catalog_->TryGetLastRun("bronze", std::nullopt);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->status, "FAILED");
    EXPECT_EQ(stored->run_start_at, "2026-11-22T10:00:00.000Z");
    EXPECT_EQ(stored->run_end_at, "2026-11-22T10:01:00.000Z");
    EXPECT_EQ(stored->duration_ms, 60000);
    EXPECT_EQ(stored->nodes_total, 3);
    EXPECT_EQ(stored->nodes_failed, 1);
    EXPECT_EQ(stored->owner, "data-team");
    EXPECT_EQ(stored->environment, "prod");
    EXPECT_EQ(stored->host, "host-a");
    EXPECT_EQ(stored->pid, 4242);
    EXPECT_EQ(stored->project, "sales");
    EXPECT_EQ(stored->story_path, "stories/run-1.json");
    EXPECT_EQ(catalog_->ListPipelineRuns(RunQuery{}).size(), 1U);
}

TEST_P(CatalogTest, FinishWithoutBeginStillRecordsTheRun) {
    PipelineRunRecord finish;
    finish.run_id = "run-9";
    finish.pipeline_name = "silver";
    finish.status = "INTERRUPTED";
    catalog_->FinishPipelineRun(finish);

    auto stored = catalog_->TryGetLastRun("silver", std::nullopt);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->status, "INTERRUPTED");
    EXPECT_FALSE(stored->run_end_at.empty());
    EXPECT_EQ(stored->run_start_at, stored->run_end_at);
}

TEST_P(CatalogTest, ErrorSummaryIsRedactedAndCutTo500Characters) {
    SecretRegistry::Register("pipeline-run-summary-password");
    PipelineRunRecord run = MakeRun("run-1", "bronze", "2026-11-22T10:00:00.000Z");
    run.status = "FAILED";
    run.error_summary = "login with pipeline-run-summary-password failed: " + std::string(1000, 'x');
    catalog_->FinishPipelineRun(run);

    auto stored = catalog_->TryGetLastRun("bronze", std::nullopt);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->error_summary.size(), ERROR_SUMMARY_MAX_CHARACTERS);
    EXPECT_THAT(stored->error_summary, ::testing::StartsWith("login with *** failed: xxx"));
}

TEST_P(CatalogTest, MissingRequiredFieldIsAnInternalError) {
    PipelineRunRecord run;
    run.pipeline_name = "bronze";
    try {
        catalog_->BeginPipelineRun(run);
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::INTERNAL);
        EXPECT_THAT(error.Message(), HasSubstr("run_id"));
    }
    NodeRunRecord node_run = MakeNodeRun("run-1", "orders", HoursAgo(1));
    node_run.status.clear();
    EXPECT_THROW(catalog_->RecordNodeRun(node_run), Error);
}

TEST_P(CatalogTest, NodeRunIsWrittenToMetaRunsAndMetaNodeRuns) {
    NodeRunRecord node_run = MakeNodeRun("run-1", "orders", "2026-11-22T10:00:00.000Z");
    node_run.status = "success";
    node_run.run_end_at = "2026-11-22T10:00:02.500Z";
    node_run.duration_ms = 2500;
    node_run.rows_processed = 77;
    node_run.metrics = {{"rows_in", 80}, {"rows_out", 77}, {"version_hash", "abc123"}, {"attempts", 2}};
    node_run.environment = "dev";
    catalog_->RecordNodeRun(node_run);

    auto node_runs = catalog_->ListNodeRunsOfRun("run-1");
    ASSERT_EQ(node_runs.size(), 1U);
    const auto& stored = node_runs.front();
    EXPECT_EQ(stored.run_id, "run-1");
    EXPECT_EQ(stored.project, "sales");
    EXPECT_EQ(stored.pipeline_name, "bronze");
    EXPECT_EQ(stored.node_name, "orders");
    EXPECT_EQ(stored.status, "SUCCESS");
    EXPECT_EQ(stored.run_start_at, "2026-11-22T10:00:00.000Z");
    EXPECT_EQ(stored.run_end_at, "2026-11-22T10:00:02.500Z");
    EXPECT_EQ(stored.duration_ms, 2500);
    EXPECT_EQ(stored.rows_processed, 77);
    EXPECT_EQ(stored.metrics, node_run.metrics);
    EXPECT_EQ(stored.environment, "dev");

    auto& raw = Raw();
    EXPECT_EQ(raw.Text("SELECT run_id || '|' || project || '|' || pipeline_name || '|' || node_name || '|' || status "
                       "|| '|' || rows_processed || '|' || duration_ms || '|' || environment || '|' || timestamp || "
                       "'|' || date FROM meta_runs"),
              "run-1|sales|bronze|orders|SUCCESS|77|2500|dev|2026-11-22T10:00:02.500Z|2026-11-22");
    EXPECT_EQ(nlohmann::json::parse(raw.Text("SELECT metrics_json FROM meta_runs")), node_run.metrics);
    EXPECT_EQ(raw.Int("SELECT length(node_id) FROM meta_node_runs"), 36);
}

TEST_P(CatalogTest, RecordingANodeAgainReplacesItsRows) {
    NodeRunRecord node_run = MakeNodeRun("run-1", "orders", HoursAgo(1));
    node_run.status = "FAILED";
    catalog_->RecordNodeRun(node_run);
    auto& raw = Raw();
    std::string node_id = raw.Text("SELECT node_id FROM meta_node_runs");

    node_run.status = "SUCCESS";
    node_run.rows_processed = 10;
    catalog_->RecordNodeRun(node_run);

    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_runs"), 1);
    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_node_runs"), 1);
    EXPECT_EQ(raw.Text("SELECT status FROM meta_runs"), "SUCCESS");
    EXPECT_EQ(raw.Text("SELECT node_id FROM meta_node_runs"), node_id);
    EXPECT_EQ(catalog_->ListNodeRunsOfRun("run-1").front().rows_processed, 10);
}

TEST_P(CatalogTest, SkippedNodeWithoutTimesIsDatedWhenRecorded) {
    NodeRunRecord node_run;
    node_run.run_id = "run-1";
    node_run.pipeline_name = "bronze";
    node_run.node_name = "orders";
    node_run.status = "SKIPPED";
    catalog_->RecordNodeRun(node_run);

    RunQuery last_day;
    last_day.days = 1;
    auto node_runs = catalog_->ListNodeRuns(last_day);
    ASSERT_EQ(node_runs.size(), 1U);
    EXPECT_FALSE(node_runs.front().run_start_at.empty());
    EXPECT_EQ(node_runs.front().run_end_at, "");
}

TEST_P(CatalogTest, NodeRunsOfARunComeInStartOrder) {
    catalog_->RecordNodeRun(MakeNodeRun("run-1", "c", "2026-11-22T10:00:03.000Z"));
    catalog_->RecordNodeRun(MakeNodeRun("run-1", "a", "2026-11-22T10:00:01.000Z"));
    catalog_->RecordNodeRun(MakeNodeRun("run-1", "b", "2026-11-22T10:00:02.000Z"));
    catalog_->RecordNodeRun(MakeNodeRun("run-2", "z", "2026-11-22T10:00:00.000Z"));

    std::vector<std::string> names;
    for (const auto& node_run : catalog_->ListNodeRunsOfRun("run-1")) {
        names.push_back(node_run.node_name);
    }
    EXPECT_THAT(names, ElementsAre("a", "b", "c"));
    EXPECT_TRUE(catalog_->ListNodeRunsOfRun("run-3").empty());
}

TEST_P(CatalogTest, FailureRoundTripsWithGeneratedIdAndTimestamp) {
    FailureRecord failure;
    failure.run_id = "run-1";
    failure.project = "sales";
    failure.pipeline_name = "bronze";
    failure.node_name = "orders";
    failure.error_type = "SQL_ERROR";
    failure.error_message = "Binder Error: column \"amount\" not found";
    failure.error_code = "E300";
    failure.stack_trace = "step 2 of 3 (sql): SELECT amount FROM df";
    failure.environment = "dev";
    catalog_->RecordFailure(failure);

    auto failures = catalog_->ListFailures(RunQuery{});
    ASSERT_EQ(failures.size(), 1U);
    const auto& stored = failures.front();
    EXPECT_EQ(stored.failure_id.size(), 36U);
    EXPECT_EQ(stored.run_id, "run-1");
    EXPECT_EQ(stored.project, "sales");
    EXPECT_EQ(stored.pipeline_name, "bronze");
    EXPECT_EQ(stored.node_name, "orders");
    EXPECT_EQ(stored.error_type, "SQL_ERROR");
    EXPECT_EQ(stored.error_message, failure.error_message);
    EXPECT_EQ(stored.error_code, "E300");
    EXPECT_EQ(stored.stack_trace, failure.stack_trace);
    EXPECT_EQ(stored.environment, "dev");
    EXPECT_EQ(stored.timestamp.size(), std::string("2026-11-22T10:04:05.123Z").size());
    auto& raw = Raw();
    EXPECT_EQ(raw.Text("SELECT date FROM meta_failures"), stored.timestamp.substr(0, 10));
}

TEST_P(CatalogTest, FailureTextIsRedactedAndCut) {
    SecretRegistry::Register("failure-text-sas-token");
    FailureRecord failure;
    failure.failure_id = "failure-1";
    failure.run_id = "run-1";
    failure.pipeline_name = "bronze";
    failure.node_name = "orders";
    failure.error_type = "READ_FAILED";
    failure.error_message = "GET https://x/blob?sig=failure-text-sas-token " + std::string(2000, 'm');
    failure.stack_trace = "failure-text-sas-token " + std::string(3000, 's');
    catalog_->RecordFailure(failure);

    auto failures = catalog_->ListFailures(RunQuery{});
    ASSERT_EQ(failures.size(), 1U);
    EXPECT_EQ(failures.front().failure_id, "failure-1");
    EXPECT_EQ(failures.front().error_message.size(), ERROR_MESSAGE_MAX_CHARACTERS);
    EXPECT_EQ(failures.front().stack_trace.size(), STACK_TRACE_MAX_CHARACTERS);
    EXPECT_THAT(failures.front().error_message, ::testing::StartsWith("GET https://x/blob?sig=*** mmm"));
    EXPECT_THAT(failures.front().stack_trace, ::testing::StartsWith("*** sss"));
    auto& raw = Raw();
    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_failures WHERE error_message LIKE '%failure-text-sas%' OR "
                      "stack_trace LIKE '%failure-text-sas%'"),
              0);
}

TEST_P(CatalogTest, OutputUpsertAndLookup) {
    EXPECT_FALSE(catalog_->TryGetOutput("bronze", "orders").has_value());

    OutputRecord output;
    output.pipeline_name = "bronze";
    output.node_name = "orders";
    output.connection_name = "lake";
    output.path = "bronze/orders";
    output.format = "delta";
    output.last_run = "2020-01-01T10:00:00.000Z";
    output.updated_at = "2020-01-01T10:00:01.000Z";
    catalog_->UpsertOutput(output);

    auto stored = catalog_->TryGetOutput("bronze", "orders");
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->output_type, "external_table");
    EXPECT_EQ(stored->connection_name, "lake");
    EXPECT_EQ(stored->path, "bronze/orders");
    EXPECT_EQ(stored->format, "delta");
    EXPECT_EQ(stored->table_name, "");
    EXPECT_EQ(stored->last_run, "2020-01-01T10:00:00.000Z");
    EXPECT_FALSE(stored->row_count.has_value());
    EXPECT_EQ(stored->updated_at, "2020-01-01T10:00:01.000Z");

    output.output_type = "managed_table";
    output.table_name = "bronze.orders";
    output.row_count = 0;
    output.updated_at.clear();
    catalog_->UpsertOutput(output);
    stored = catalog_->TryGetOutput("bronze", "orders");
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->output_type, "managed_table");
    EXPECT_EQ(stored->table_name, "bronze.orders");
    EXPECT_EQ(stored->row_count, std::optional<int64_t>(0));
    EXPECT_GT(stored->updated_at, "2020-01-01T10:00:01.000Z");
    EXPECT_FALSE(catalog_->TryGetOutput("bronze", "customers").has_value());
    EXPECT_FALSE(catalog_->TryGetOutput("silver", "orders").has_value());
}

TEST_P(CatalogTest, TableUpsertReplacesByProjectAndName) {
    TableRecord table;
    table.project = "sales";
    table.table_name = "dim_customer";
    table.path = "gold/dim_customer";
    table.format = "delta";
    table.pattern_type = "dimension";
    table.schema_hash = "h1";
    catalog_->UpsertTable(table);
    table.schema_hash = "h2";
    catalog_->UpsertTable(table);
    table.project = "finance";
    catalog_->UpsertTable(table);

    auto& raw = Raw();
    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_tables"), 2);
    EXPECT_EQ(raw.Text("SELECT path || '|' || format || '|' || pattern_type || '|' || schema_hash FROM meta_tables "
                       "WHERE project = 'sales' AND table_name = 'dim_customer'"),
              "gold/dim_customer|delta|dimension|h2");
    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_tables WHERE updated_at LIKE '____-__-__T__:__:__.___Z'"), 2);
}

TEST_P(CatalogTest, StateSetGetDeleteList) {
    EXPECT_FALSE(catalog_->TryGetState("orders_hwm").has_value());
    try {
        (void)catalog_->GetState("orders_hwm");
        FAIL() << "expected STATE_NOT_FOUND";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::STATE_NOT_FOUND);
        EXPECT_THAT(error.Message(), HasSubstr("orders_hwm"));
    }

    catalog_->SetState(StateEntry{"orders_hwm", "\"2026-11-01 00:00:00\"", "dev", ""});
    catalog_->SetState(StateEntry{"customers_hwm", "42", "", "2026-11-22T10:00:00.000Z"});
    auto entry = catalog_->GetState("orders_hwm");
    EXPECT_EQ(entry.value, "\"2026-11-01 00:00:00\"");
    EXPECT_EQ(entry.environment, "dev");
    EXPECT_FALSE(entry.updated_at.empty());

    catalog_->SetState(StateEntry{"orders_hwm", "\"2026-11-02 00:00:00\"", "dev", ""});
    EXPECT_EQ(catalog_->GetState("orders_hwm").value, "\"2026-11-02 00:00:00\"");

    auto entries = catalog_->ListState();
    ASSERT_EQ(entries.size(), 2U);
    EXPECT_EQ(entries[0].key, "customers_hwm");
    EXPECT_EQ(entries[0].value, "42");
    EXPECT_EQ(entries[0].updated_at, "2026-11-22T10:00:00.000Z");
    EXPECT_EQ(entries[1].key, "orders_hwm");

    EXPECT_TRUE(catalog_->DeleteState("orders_hwm"));
    EXPECT_FALSE(catalog_->DeleteState("orders_hwm"));
    EXPECT_FALSE(catalog_->TryGetState("orders_hwm").has_value());
    EXPECT_EQ(catalog_->ListState().size(), 1U);
}

class RunHistoryTest : public CatalogTest {
protected:
    RunHistoryTest() {
        // Newest first: r5 (bronze, 1 h ago) ... r1 (bronze, 30 days ago).
        AddRun("r1", "bronze", 24 * 30, "SUCCESS");
        AddRun("r2", "bronze", 24 * 3, "FAILED");
        AddRun("r3", "silver", 24 * 2, "SUCCESS");
        AddRun("r4", "bronze", 5, "SUCCESS");
        AddRun("r5", "bronze", 1, "FAILED");
    }

    void AddRun(const std::string& run_id, const std::string& pipeline, int hours_ago, const std::string& status) {
        PipelineRunRecord run = MakeRun(run_id, pipeline, HoursAgo(hours_ago));
        catalog_->BeginPipelineRun(run);
        run.status = status;
        catalog_->FinishPipelineRun(run);
        NodeRunRecord node_run = MakeNodeRun(run_id, run_id == "r4" ? "special" : "orders", run.run_start_at);
        node_run.pipeline_name = pipeline;
        node_run.status = status;
        catalog_->RecordNodeRun(node_run);
        FailureRecord failure;
        failure.run_id = run_id;
        failure.pipeline_name = pipeline;
        failure.node_name = node_run.node_name;
        failure.error_type = "SQL_ERROR";
        failure.timestamp = run.run_start_at;
        catalog_->RecordFailure(failure);
    }
};

TEST_P(RunHistoryTest, ListsNewestFirstWithDefaultLimit) {
    EXPECT_THAT(RunIds(catalog_->ListPipelineRuns(RunQuery{})), ElementsAre("r5", "r4", "r3", "r2", "r1"));
}

TEST_P(RunHistoryTest, FiltersByPipeline) {
    RunQuery query;
    query.pipeline = "bronze";
    EXPECT_THAT(RunIds(catalog_->ListPipelineRuns(query)), ElementsAre("r5", "r4", "r2", "r1"));
    query.pipeline = "gold";
    EXPECT_TRUE(catalog_->ListPipelineRuns(query).empty());
}

TEST_P(RunHistoryTest, FiltersByStatusInAnyCase) {
    RunQuery query;
    query.status = "failed";
    EXPECT_THAT(RunIds(catalog_->ListPipelineRuns(query)), ElementsAre("r5", "r2"));
    query.pipeline = "silver";
    EXPECT_TRUE(catalog_->ListPipelineRuns(query).empty());
}

TEST_P(RunHistoryTest, FiltersByDays) {
    RunQuery query;
    query.days = 7;
    EXPECT_THAT(RunIds(catalog_->ListPipelineRuns(query)), ElementsAre("r5", "r4", "r3", "r2"));
    query.days = 1;
    EXPECT_THAT(RunIds(catalog_->ListPipelineRuns(query)), ElementsAre("r5", "r4"));
    query.days = 0;
    EXPECT_EQ(catalog_->ListPipelineRuns(query).size(), 5U);
}

TEST_P(RunHistoryTest, AppliesTheLimitAfterOrdering) {
    RunQuery query;
    query.limit = 2;
    EXPECT_THAT(RunIds(catalog_->ListPipelineRuns(query)), ElementsAre("r5", "r4"));
    query.limit = 0;
    EXPECT_EQ(catalog_->ListPipelineRuns(query).size(), 5U);
}

TEST_P(RunHistoryTest, FiltersPipelineRunsByNode) {
    RunQuery query;
    query.node = "special";
    EXPECT_THAT(RunIds(catalog_->ListPipelineRuns(query)), ElementsAre("r4"));
}

TEST_P(RunHistoryTest, CombinesFilters) {
    RunQuery query;
    query.pipeline = "bronze";
    query.status = "SUCCESS";
    query.days = 7;
    query.limit = 10;
    EXPECT_THAT(RunIds(catalog_->ListPipelineRuns(query)), ElementsAre("r4"));
}

TEST_P(RunHistoryTest, LastRunWithAndWithoutStatus) {
    auto last = catalog_->TryGetLastRun("bronze", std::nullopt);
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->run_id, "r5");
    auto last_success = catalog_->TryGetLastRun("bronze", std::string("success"));
    ASSERT_TRUE(last_success.has_value());
    EXPECT_EQ(last_success->run_id, "r4");
    auto last_silver_failure = catalog_->TryGetLastRun("silver", std::string("FAILED"));
    EXPECT_FALSE(last_silver_failure.has_value());
    EXPECT_FALSE(catalog_->TryGetLastRun("gold", std::nullopt).has_value());
}

TEST_P(RunHistoryTest, ListsNodeRunsWithFilters) {
    RunQuery query;
    query.pipeline = "bronze";
    query.node = "orders";
    auto node_runs = catalog_->ListNodeRuns(query);
    ASSERT_EQ(node_runs.size(), 3U);
    EXPECT_EQ(node_runs[0].run_id, "r5");
    EXPECT_EQ(node_runs[1].run_id, "r2");
    EXPECT_EQ(node_runs[2].run_id, "r1");
    query.status = "FAILED";
    query.days = 7;
    query.limit = 1;
    node_runs = catalog_->ListNodeRuns(query);
    ASSERT_EQ(node_runs.size(), 1U);
    EXPECT_EQ(node_runs[0].run_id, "r5");
}

TEST_P(RunHistoryTest, ListsFailuresWithFilters) {
    RunQuery query;
    query.days = 7;
    auto failures = catalog_->ListFailures(query);
    ASSERT_EQ(failures.size(), 4U);
    EXPECT_EQ(failures.front().run_id, "r5");
    query.pipeline = "silver";
    failures = catalog_->ListFailures(query);
    ASSERT_EQ(failures.size(), 1U);
    EXPECT_EQ(failures.front().run_id, "r3");
    query = RunQuery{};
    query.node = "special";
    failures = catalog_->ListFailures(query);
    ASSERT_EQ(failures.size(), 1U);
    EXPECT_EQ(failures.front().run_id, "r4");
}

TEST_P(CatalogTest, HeartbeatMovesOnlyRunningRuns) {
    catalog_->BeginPipelineRun(MakeRun("running", "bronze", "2020-01-01T10:00:00.000Z"));
    PipelineRunRecord finished = MakeRun("finished", "silver", "2020-01-01T10:00:00.000Z");
    finished.status = "SUCCESS";
    catalog_->BeginPipelineRun(finished);

    catalog_->Heartbeat("running", "2020-01-01T10:00:30.000Z");
    catalog_->Heartbeat("finished", "2020-01-01T10:00:30.000Z");
    catalog_->Heartbeat("no-such-run", "2020-01-01T10:00:30.000Z");

    EXPECT_EQ(catalog_->TryGetLastRun("bronze", std::nullopt)->heartbeat_at, "2020-01-01T10:00:30.000Z");
    EXPECT_EQ(catalog_->TryGetLastRun("silver", std::nullopt)->heartbeat_at, "2020-01-01T10:00:00.000Z");
    catalog_->Heartbeat("running", "");
    EXPECT_GT(catalog_->TryGetLastRun("bronze", std::nullopt)->heartbeat_at, "2020-01-01T10:00:30.000Z");
}

TEST_P(CatalogTest, SchemaVersionsAndDiffs) {
    SchemaRecord first;
    first.table_path = "silver/customers";
    first.schema_hash = "hash-1";
    first.columns = {{"id", "BIGINT"}, {"name", "VARCHAR"}, {"score", "INTEGER"}};
    first.pipeline = "silver";
    first.node = "customers";
    first.run_id = "run-1";
    SchemaRecord v1 = catalog_->RecordSchema(first);
    EXPECT_EQ(v1.schema_version, 1);
    EXPECT_EQ(v1.columns, first.columns);
    EXPECT_TRUE(v1.columns_added.empty());
    EXPECT_TRUE(v1.columns_removed.empty());
    EXPECT_TRUE(v1.columns_type_changed.empty());
    EXPECT_FALSE(v1.captured_at.empty());

    SchemaRecord same = first;
    same.run_id = "run-2";
    SchemaRecord unchanged = catalog_->RecordSchema(same);
    EXPECT_EQ(unchanged.schema_version, 1);
    EXPECT_EQ(unchanged.run_id, "run-1");
    EXPECT_EQ(unchanged.captured_at, v1.captured_at);

    SchemaRecord second = first;
    second.schema_hash = "hash-2";
    second.run_id = "run-3";
    second.columns = {{"id", "BIGINT"}, {"score", "DOUBLE"}, {"email", "VARCHAR"}, {"city", "VARCHAR"}};
    SchemaRecord v2 = catalog_->RecordSchema(second);
    EXPECT_EQ(v2.schema_version, 2);
    EXPECT_EQ(v2.columns_added, nlohmann::json::array({"city", "email"}));
    EXPECT_EQ(v2.columns_removed, nlohmann::json::array({"name"}));
    EXPECT_EQ(v2.columns_type_changed, nlohmann::json::array({"score"}));

    // Back to the first shape: a new version, diffed against version 2, not version 1.
    SchemaRecord third = first;
    third.run_id = "run-4";
    SchemaRecord v3 = catalog_->RecordSchema(third);
    EXPECT_EQ(v3.schema_version, 3);
    EXPECT_EQ(v3.columns_added, nlohmann::json::array({"name"}));
    EXPECT_EQ(v3.columns_removed, nlohmann::json::array({"city", "email"}));
    EXPECT_EQ(v3.columns_type_changed, nlohmann::json::array({"score"}));

    SchemaRecord other_table = first;
    other_table.table_path = "silver/orders";
    EXPECT_EQ(catalog_->RecordSchema(other_table).schema_version, 1);

    auto& raw = Raw();
    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_schemas"), 4);
    EXPECT_EQ(raw.Text("SELECT columns_added || columns_removed || columns_type_changed FROM meta_schemas WHERE "
                       "table_path = 'silver/customers' AND schema_version = 2"),
              "[\"city\",\"email\"][\"name\"][\"score\"]");
    EXPECT_EQ(nlohmann::json::parse(raw.Text("SELECT columns FROM meta_schemas WHERE schema_version = 2 AND "
                                             "table_path = 'silver/customers'")),
              second.columns);
}

TEST_P(CatalogTest, SchemaColumnsMustBeAnObject) {
    SchemaRecord record;
    record.table_path = "silver/customers";
    record.schema_hash = "hash-1";
    record.columns = nlohmann::json::array({"id"});
    try {
        (void)catalog_->RecordSchema(record);
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::INTERNAL);
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogTest, ::testing::Values(Backend::SQLITE, Backend::POSTGRES), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, RunHistoryTest, ::testing::Values(Backend::SQLITE, Backend::POSTGRES), BackendName);

TEST(SqliteCatalogInMemoryTest, WorksWithoutAFile) {
    auto catalog = OpenSqliteCatalog(":memory:");
    catalog->SetState(StateEntry{"k", "1", "", ""});
    EXPECT_EQ(catalog->GetState("k").value, "1");
}

} // namespace
} // namespace odibi::state
