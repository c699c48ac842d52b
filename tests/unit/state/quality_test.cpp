// meta_quality on each backend: round trips of every field, filters and order, the baseline of the last
// run in which the node succeeded, retention, and the upgrade of a version-3 catalog.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "catalog_backends.hpp"
#include "catalog_migrations.hpp"
#include "catalog_queries.hpp"
#include "catalog_test_support.hpp"
#include "postgres/postgres_migrator.hpp"
#include "sqlite/sqlite_migrator.hpp"
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
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int QUALITY_MIGRATION = 4;

std::string HoursAgo(int hours) {
    return FormatIsoUtc(Now() - std::chrono::hours(hours));
}

QualityRecord
MakeCheck(const std::string& run_id, const std::string& node, const std::string& check, const std::string& timestamp) {
    QualityRecord record;
    record.run_id = run_id;
    record.pipeline_name = "bronze";
    record.node_name = node;
    record.check_name = check;
    record.check_type = "not_null";
    record.phase = "validation";
    record.columns = "id";
    record.severity = "fail";
    record.status = "passed";
    record.rows_checked = 10;
    record.timestamp = timestamp;
    return record;
}

NodeRunRecord MakeNodeRun(const std::string& run_id, const std::string& node, const std::string& status) {
    NodeRunRecord node_run;
    node_run.run_id = run_id;
    node_run.pipeline_name = "bronze";
    node_run.node_name = node;
    node_run.status = status;
    node_run.run_start_at = "2026-11-22T10:00:00.000Z";
    node_run.run_end_at = "2026-11-22T10:00:01.000Z";
    return node_run;
}

// "run/node/check" of each record, in the order given.
std::vector<std::string> Keys(const std::vector<QualityRecord>& records) {
    std::vector<std::string> keys;
    for (const auto& record : records) {
        keys.push_back(record.run_id + "/" + record.node_name + "/" + record.check_name);
    }
    return keys;
}

class QualityTest : public ::testing::TestWithParam<Backend> {
protected:
    QualityTest() : backend_(testing::MakeBackend(GetParam())), catalog_(backend_->Open()) {}

    std::unique_ptr<testing::CatalogBackend> backend_;
    std::unique_ptr<Catalog> catalog_;
};

TEST_P(QualityTest, RoundTripsEveryField) {
    QualityRecord full;
    full.quality_id = "q-1";
    full.run_id = "run-1";
    full.pipeline_name = "bronze";
    full.node_name = "orders";
    full.check_name = "amount_in_range";
    full.check_type = "range";
    full.phase = "contract";
    full.columns = "amount,currency";
    full.severity = "warn";
    full.status = "warned";
    full.rows_checked = 9'876'543'210;
    full.violation_count = 3;
    full.pass_rate = 0.1 + 0.2; // not exactly 0.3: the stored double must be the same bits
    full.threshold = 0.95;
    full.observed_value = -1.0e-7;
    full.failing_sample = {"{\"id\": 7, \"amount\": -3}", "naïve 'quoted' \"value\"", "?$1"};
    full.message = "3 of 9876543210 rows outside [0, 100]";
    full.timestamp = "2021-11-22T10:04:05.123Z";

    QualityRecord minimal = MakeCheck("run-1", "", "row_count_matches", "");
    minimal.check_type = "row_count_diff";
    minimal.phase = "cross_check";
    minimal.columns = "";
    minimal.severity = "";
    minimal.failing_sample = nlohmann::json();
    catalog_->RecordQualityResults({full, minimal});

    QualityQuery query;
    query.run_id = "run-1";
    auto records = catalog_->ListQualityResults(query);
    ASSERT_EQ(records.size(), 2U);
    // The minimal record was dated now, so it comes first.
    const QualityRecord& stored_minimal = records[0];
    const QualityRecord& stored = records[1];

    EXPECT_EQ(stored.quality_id, "q-1");
    EXPECT_EQ(stored.run_id, "run-1");
    EXPECT_EQ(stored.pipeline_name, "bronze");
    EXPECT_EQ(stored.node_name, "orders");
    EXPECT_EQ(stored.check_name, "amount_in_range");
    EXPECT_EQ(stored.check_type, "range");
    EXPECT_EQ(stored.phase, "contract");
    EXPECT_EQ(stored.columns, "amount,currency");
    EXPECT_EQ(stored.severity, "warn");
    EXPECT_EQ(stored.status, "warned");
    EXPECT_EQ(stored.rows_checked, 9'876'543'210);
    EXPECT_EQ(stored.violation_count, 3);
    EXPECT_EQ(stored.pass_rate, full.pass_rate);
    ASSERT_TRUE(stored.threshold.has_value());
    EXPECT_EQ(*stored.threshold, 0.95);
    ASSERT_TRUE(stored.observed_value.has_value());
    EXPECT_EQ(*stored.observed_value, -1.0e-7);
    EXPECT_EQ(stored.failing_sample, full.failing_sample);
    EXPECT_EQ(stored.message, full.message);
    EXPECT_EQ(stored.timestamp, "2021-11-22T10:04:05.123Z");
    EXPECT_EQ(backend_->Text("SELECT date FROM meta_quality WHERE quality_id = 'q-1'"), "2021-11-22");

    EXPECT_EQ(stored_minimal.quality_id.size(), 36U);
    EXPECT_EQ(stored_minimal.node_name, "");
    EXPECT_EQ(stored_minimal.phase, "cross_check");
    EXPECT_EQ(stored_minimal.columns, "");
    EXPECT_EQ(stored_minimal.severity, "");
    EXPECT_EQ(stored_minimal.pass_rate, 1.0);
    EXPECT_FALSE(stored_minimal.threshold.has_value());
    EXPECT_FALSE(stored_minimal.observed_value.has_value());
    EXPECT_EQ(stored_minimal.failing_sample, nlohmann::json::array());
    EXPECT_EQ(stored_minimal.message, "");
    EXPECT_EQ(stored_minimal.timestamp.size(), std::string("2026-11-22T10:04:05.123Z").size());
    EXPECT_EQ(backend_->Int("SELECT count(*) FROM meta_quality WHERE node_name IS NULL AND threshold IS NULL AND "
                            "observed_value IS NULL AND message IS NULL AND failing_sample = '[]'"),
              1);
}

TEST_P(QualityTest, UnusualNumbersSurviveOrBecomeNull) {
    QualityRecord record = MakeCheck("run-1", "orders", "growth", "2026-11-22T10:00:00.000Z");
    record.pass_rate = 0.0;
    record.threshold = std::numeric_limits<double>::infinity();
    record.observed_value = std::numeric_limits<double>::quiet_NaN();
    catalog_->RecordQualityResults({record});
    auto stored = catalog_->ListQualityResults(QualityQuery{});
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored.front().pass_rate, 0.0);
    ASSERT_TRUE(stored.front().threshold.has_value());
    EXPECT_TRUE(std::isinf(*stored.front().threshold));
    // SQLite cannot store NaN: both backends store NULL, so both read the same.
    EXPECT_FALSE(stored.front().observed_value.has_value());

    QualityRecord not_a_rate = MakeCheck("run-1", "orders", "broken", "");
    not_a_rate.pass_rate = std::numeric_limits<double>::quiet_NaN();
    try {
        catalog_->RecordQualityResults({not_a_rate});
        FAIL() << "expected INTERNAL";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::INTERNAL);
        EXPECT_THAT(error.Message(), HasSubstr("pass_rate of check broken"));
    }
}

TEST_P(QualityTest, MessageIsRedactedAndCut) {
    SecretRegistry::Register("quality-message-sas-token");
    QualityRecord record = MakeCheck("run-1", "orders", "custom_sql", "");
    record.message = "sig=quality-message-sas-token " + std::string(2000, 'm');
    record.failing_sample = {"quality-message-sas-token"};
    catalog_->RecordQualityResults({record});
    auto stored = catalog_->ListQualityResults(QualityQuery{});
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored.front().message.size(), ERROR_MESSAGE_MAX_CHARACTERS);
    EXPECT_THAT(stored.front().message, ::testing::StartsWith("sig=*** mmm"));
    EXPECT_EQ(stored.front().failing_sample, nlohmann::json::array({"***"}));
    EXPECT_EQ(backend_->Int("SELECT count(*) FROM meta_quality WHERE message LIKE '%quality-message-sas%' OR "
                            "failing_sample LIKE '%quality-message-sas%'"),
              0);
}

TEST_P(QualityTest, ARecordWithoutARequiredFieldWritesNoneOfTheBatch) {
    QualityRecord good = MakeCheck("run-1", "orders", "id_not_null", "");
    QualityRecord bad = MakeCheck("run-1", "orders", "", "");
    try {
        catalog_->RecordQualityResults({good, bad});
        FAIL() << "expected INTERNAL";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::INTERNAL);
        EXPECT_THAT(error.Message(), HasSubstr("check_name is empty"));
    }
    EXPECT_EQ(backend_->Int("SELECT count(*) FROM meta_quality"), 0);
    catalog_->RecordQualityResults({});
    EXPECT_EQ(backend_->Int("SELECT count(*) FROM meta_quality"), 0);
}

TEST_P(QualityTest, RecordingTheSameIdAgainReplacesTheRow) {
    QualityRecord record = MakeCheck("run-1", "orders", "id_not_null", "2026-11-22T10:00:00.000Z");
    record.quality_id = "q-1";
    catalog_->RecordQualityResults({record});
    record.status = "failed";
    record.violation_count = 2;
    catalog_->RecordQualityResults({record});
    auto stored = catalog_->ListQualityResults(QualityQuery{});
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored.front().status, "failed");
    EXPECT_EQ(stored.front().violation_count, 2);
}

class QualityHistoryTest : public QualityTest {
protected:
    QualityHistoryTest() {
        // Newest first: r4 (silver) 1 h ago, r3 2 h ago, r2 3 days ago, r1 30 days ago.
        // One instant for both: two calls could fall in different milliseconds and swap the order.
        std::string thirty_days_ago = HoursAgo(24 * 30);
        catalog_->RecordQualityResults({MakeCheck("r1", "orders", "a_check", thirty_days_ago),
                                        MakeCheck("r1", "orders", "b_check", thirty_days_ago)});
        catalog_->RecordQualityResults({MakeCheck("r2", "customers", "a_check", HoursAgo(24 * 3))});
        // Checks recorded together share their timestamp: their names order them.
        std::string two_hours_ago = HoursAgo(2);
        catalog_->RecordQualityResults({MakeCheck("r3", "orders", "z_check", two_hours_ago),
                                        MakeCheck("r3", "orders", "a_check", two_hours_ago),
                                        MakeCheck("r3", "customers", "m_check", two_hours_ago)});
        QualityRecord silver = MakeCheck("r4", "orders", "a_check", HoursAgo(1));
        silver.pipeline_name = "silver";
        catalog_->RecordQualityResults({silver});
    }
};

TEST_P(QualityHistoryTest, ListsNewestFirstWithFilters) {
    EXPECT_THAT(Keys(catalog_->ListQualityResults(QualityQuery{})),
                ElementsAre("r4/orders/a_check",
                            "r3/customers/m_check",
                            "r3/orders/a_check",
                            "r3/orders/z_check",
                            "r2/customers/a_check",
                            "r1/orders/a_check",
                            "r1/orders/b_check"));

    QualityQuery query;
    query.pipeline = "bronze";
    query.node = "orders";
    EXPECT_THAT(Keys(catalog_->ListQualityResults(query)),
                ElementsAre("r3/orders/a_check", "r3/orders/z_check", "r1/orders/a_check", "r1/orders/b_check"));
    query.days = 7;
    EXPECT_THAT(Keys(catalog_->ListQualityResults(query)), ElementsAre("r3/orders/a_check", "r3/orders/z_check"));
    query.limit = 1;
    EXPECT_THAT(Keys(catalog_->ListQualityResults(query)), ElementsAre("r3/orders/a_check"));

    QualityQuery of_run;
    of_run.run_id = "r3";
    EXPECT_THAT(Keys(catalog_->ListQualityResults(of_run)),
                ElementsAre("r3/customers/m_check", "r3/orders/a_check", "r3/orders/z_check"));
    of_run.run_id = "no-such-run";
    EXPECT_TRUE(catalog_->ListQualityResults(of_run).empty());

    QualityQuery by_pipeline;
    by_pipeline.pipeline = "silver";
    EXPECT_THAT(Keys(catalog_->ListQualityResults(by_pipeline)), ElementsAre("r4/orders/a_check"));

    QualityQuery recent;
    recent.days = 1;
    recent.limit = 0;
    EXPECT_EQ(catalog_->ListQualityResults(recent).size(), 4U);
    recent.days = 0;
    EXPECT_EQ(catalog_->ListQualityResults(recent).size(), 7U);
}

TEST_P(QualityTest, LastSucceededQualityComesFromARunInWhichTheNodeSucceeded) {
    EXPECT_FALSE(catalog_->TryGetLastSucceededQuality("bronze", "orders", "row_count").has_value());

    auto check = [](const std::string& run_id, const std::string& timestamp, double observed) {
        QualityRecord record = MakeCheck(run_id, "orders", "row_count", timestamp);
        record.check_type = "row_count";
        record.observed_value = observed;
        return record;
    };
    // r1: orders succeeded. r2 (newer): orders failed. r3 (newer still): only another node succeeded.
    // r4 (newest): no node run at all (the run crashed before recording it).
    catalog_->RecordNodeRun(MakeNodeRun("r1", "orders", "SUCCESS"));
    catalog_->RecordNodeRun(MakeNodeRun("r2", "orders", "FAILED"));
    catalog_->RecordNodeRun(MakeNodeRun("r3", "customers", "SUCCESS"));
    catalog_->RecordNodeRun(MakeNodeRun("r3", "orders", "SKIPPED"));
    catalog_->RecordQualityResults({check("r1", "2026-11-20T10:00:00.000Z", 100)});
    catalog_->RecordQualityResults({check("r2", "2026-11-21T10:00:00.000Z", 200)});
    catalog_->RecordQualityResults({check("r3", "2026-11-22T10:00:00.000Z", 300)});
    catalog_->RecordQualityResults({check("r4", "2026-11-23T10:00:00.000Z", 400)});
    // The same check of another node and another check of the node, in a newer succeeded run.
    catalog_->RecordNodeRun(MakeNodeRun("r5", "customers", "SUCCESS"));
    QualityRecord other_node = check("r5", "2026-11-24T10:00:00.000Z", 500);
    other_node.node_name = "customers";
    QualityRecord other_check = check("r3", "2026-11-24T10:00:00.000Z", 600);
    other_check.check_name = "id_unique";
    catalog_->RecordQualityResults({other_node, other_check});
    // A node of the same name in another pipeline succeeded in r2.
    NodeRunRecord silver = MakeNodeRun("r2", "orders", "SUCCESS");
    silver.pipeline_name = "silver";
    catalog_->RecordNodeRun(silver);

    auto baseline = catalog_->TryGetLastSucceededQuality("bronze", "orders", "row_count");
    ASSERT_TRUE(baseline.has_value());
    EXPECT_EQ(baseline->run_id, "r1");
    EXPECT_EQ(baseline->observed_value, 100);

    // The node succeeds in a newer run: its result becomes the baseline. Status case does not matter.
    catalog_->RecordNodeRun(MakeNodeRun("r6", "orders", "success"));
    catalog_->RecordQualityResults({check("r6", "2026-11-25T10:00:00.000Z", 700)});
    baseline = catalog_->TryGetLastSucceededQuality("bronze", "orders", "row_count");
    ASSERT_TRUE(baseline.has_value());
    EXPECT_EQ(baseline->run_id, "r6");

    EXPECT_FALSE(catalog_->TryGetLastSucceededQuality("bronze", "orders", "no_such_check").has_value());
    EXPECT_FALSE(catalog_->TryGetLastSucceededQuality("gold", "orders", "row_count").has_value());
}

TEST_P(QualityTest, OldQualityRowsGoWithTheirOwnCutoff) {
    auto days_ago = [](int days) { return FormatIsoUtc(Now() - std::chrono::days(days)); };
    PipelineRunRecord running;
    running.run_id = "still-running";
    running.pipeline_name = "bronze";
    running.run_start_at = days_ago(100);
    catalog_->BeginPipelineRun(running);
    catalog_->RecordQualityResults({MakeCheck("old", "orders", "a_check", days_ago(100)),
                                    MakeCheck("old", "orders", "b_check", days_ago(100)),
                                    MakeCheck("still-running", "orders", "a_check", days_ago(100)),
                                    MakeCheck("recent", "orders", "a_check", days_ago(1))});

    HistoryCutoff cutoff;
    cutoff.quality = CutoffBefore(Now(), std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::days(90)));
    HistoryDeleted counted = catalog_->CountHistory(cutoff);
    ASSERT_EQ(counted.tables.size(), 1U);
    EXPECT_EQ(counted.tables.front().table, "meta_quality");
    EXPECT_EQ(counted.tables.front().rows, 2);
    EXPECT_EQ(backend_->Int("SELECT count(*) FROM meta_quality"), 4);

    HistoryDeleted deleted = catalog_->DeleteHistory(cutoff);
    EXPECT_EQ(deleted.RowsOf("meta_quality"), 2);
    EXPECT_EQ(deleted.Total(), 2);
    QualityQuery all;
    all.limit = 0;
    EXPECT_THAT(Keys(catalog_->ListQualityResults(all)),
                ElementsAre("recent/orders/a_check", "still-running/orders/a_check"));
    EXPECT_EQ(backend_->Int("SELECT count(*) FROM meta_pipeline_runs"), 1);

    // Other cutoffs leave quality rows alone.
    HistoryCutoff others;
    others.runs = cutoff.quality;
    others.failures = cutoff.quality;
    others.observability_errors = cutoff.quality;
    EXPECT_EQ(catalog_->DeleteHistory(others).RowsOf("meta_quality"), 0);
    EXPECT_EQ(backend_->Int("SELECT count(*) FROM meta_quality"), 2);
}

// A catalog written by an odibi that knew versions 1 to 3 gains meta_quality when it is opened, and keeps
// everything it held.
TEST_P(QualityTest, VersionThreeCatalogIsUpgradedToQuality) {
    ASSERT_EQ(CatalogMigrations().size(), static_cast<size_t>(QUALITY_MIGRATION));
    auto version_three = std::span(CatalogMigrations()).first(QUALITY_MIGRATION - 1);
    std::unique_ptr<testing::CatalogBackend> old_backend = testing::MakeBackend(GetParam());
    if (GetParam() == Backend::SQLITE) {
        auto& sqlite = static_cast<testing::SqliteBackend&>(*old_backend);
        std::filesystem::create_directories(std::filesystem::path(sqlite.Path()).parent_path());
        testing::RawCatalog raw(sqlite.Path());
        EXPECT_EQ(ApplyMigrations(raw.Connection(), version_three), QUALITY_MIGRATION - 1);
    } else {
        auto& postgres = static_cast<testing::PostgresBackend&>(*old_backend);
        PostgresConnection connection(postgres.Options());
        EXPECT_EQ(ApplyPostgresMigrations(connection, version_three), QUALITY_MIGRATION - 1);
    }
    old_backend->Execute(
        "INSERT INTO meta_state (key, value, updated_at) VALUES ('orders_hwm', '42', '2026-01-01T00:00:00.000Z')");
    EXPECT_EQ(old_backend->Int("SELECT max(version) FROM meta_schema_version"), QUALITY_MIGRATION - 1);

    auto catalog = old_backend->Open();
    EXPECT_EQ(old_backend->Int("SELECT max(version) FROM meta_schema_version"), QUALITY_MIGRATION);
    EXPECT_EQ(old_backend->Text("SELECT description FROM meta_schema_version WHERE version = 4"),
              "data-quality results: every check of every run");
    EXPECT_EQ(catalog->GetState("orders_hwm").value, "42");
    catalog->RecordQualityResults({MakeCheck("run-1", "orders", "id_not_null", "")});
    EXPECT_EQ(catalog->ListQualityResults(QualityQuery{}).size(), 1U);
    // Opening again applies nothing.
    (void)old_backend->Open();
    EXPECT_EQ(old_backend->Int("SELECT count(*) FROM meta_schema_version"), QUALITY_MIGRATION);
}

TEST(SqliteQualityTest, QualityTableHasItsColumnsAndQueriesUseItsIndexes) {
    testing::SqliteBackend backend;
    auto catalog = backend.Open();
    testing::RawCatalog raw(backend.Path());
    EXPECT_EQ(raw.Lines("SELECT name FROM pragma_table_info('meta_quality') ORDER BY cid"),
              "quality_id\nrun_id\npipeline_name\nnode_name\ncheck_name\ncheck_type\nphase\ncolumns\nseverity\n"
              "status\nrows_checked\nviolation_count\npass_rate\nthreshold\nobserved_value\nfailing_sample\nmessage\n"
              "timestamp\ndate\n");
    auto plan = [&](const std::string& sql) {
        auto statement = raw.Connection().Prepare("EXPLAIN QUERY PLAN " + sql, "explain");
        std::string text;
        while (statement.Step()) {
            text += statement.ColumnText(3) + "\n";
        }
        return text;
    };
    std::string last = plan(LastSucceededQualitySql());
    EXPECT_THAT(last, HasSubstr("idx_meta_quality_pipeline_node_check_timestamp"));
    EXPECT_THAT(last, HasSubstr("sqlite_autoindex_meta_node_runs"));
    EXPECT_THAT(last, ::testing::Not(HasSubstr("TEMP B-TREE")));

    QualityQuery of_node;
    of_node.pipeline = "bronze";
    of_node.node = "orders";
    EXPECT_THAT(plan(QualityResultsQuery(of_node, Now()).sql), HasSubstr("idx_meta_quality_pipeline_node_timestamp"));
    QualityQuery of_run;
    of_run.run_id = "run-1";
    EXPECT_THAT(plan(QualityResultsQuery(of_run, Now()).sql), HasSubstr("idx_meta_quality_run"));
    QualityQuery recent;
    recent.days = 7;
    EXPECT_THAT(plan(QualityResultsQuery(recent, Now()).sql), HasSubstr("idx_meta_quality_timestamp"));
}

INSTANTIATE_TEST_SUITE_P(Backends, QualityTest, ::testing::Values(Backend::SQLITE, Backend::POSTGRES), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends,
                         QualityHistoryTest,
                         ::testing::Values(Backend::SQLITE, Backend::POSTGRES),
                         BackendName);

} // namespace
} // namespace odibi::state
