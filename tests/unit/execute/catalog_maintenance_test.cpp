// system.retention_days as per-table cutoffs, and catalog maintenance after a run on a real (in-memory
// SQLite) catalog. A catalog that refuses the cleanup is pinned by tests/e2e/state/catalog_retention.test.
#include <chrono>
#include <string>

#include "catalog_maintenance.hpp"
#include <gtest/gtest.h>

#include "odibi/common/clock.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::execute {
namespace {

std::string DaysBefore(TimePoint now, int days) {
    return FormatIsoUtc(now - std::chrono::days(days));
}

TEST(CatalogMaintenanceTest, EachRetentionKeyBecomesTheCutoffOfItsTables) {
    TimePoint now = Now();
    config::SystemConfig system;
    EXPECT_FALSE(RetentionCutoff(system, now).has_value());

    system.retention_days = config::CatalogRetention{};
    system.retention_days->failures = 30;
    system.retention_days->observability_errors = 7;
    auto cutoff = RetentionCutoff(system, now);
    ASSERT_TRUE(cutoff.has_value());
    EXPECT_EQ(cutoff->failures, DaysBefore(now, 30));
    EXPECT_EQ(cutoff->observability_errors, DaysBefore(now, 7));
    // Without odibi's own `runs` key the run history is kept, as in Odibi.
    EXPECT_FALSE(cutoff->runs.has_value());

    system.retention_days->runs = 400;
    EXPECT_EQ(RetentionCutoff(system, now)->runs, DaysBefore(now, 400));
}

TEST(CatalogMaintenanceTest, DeletesHistoryOlderThanItsDaysAndOptimizes) {
    auto catalog = state::OpenSqliteCatalog(":memory:");
    for (int days : {10, 40}) {
        state::FailureRecord failure;
        failure.failure_id = "f-" + std::to_string(days);
        failure.run_id = "run";
        failure.pipeline_name = "ingest";
        failure.node_name = "orders";
        failure.error_type = "SQL_ERROR";
        failure.timestamp = DaysBefore(Now(), days);
        catalog->RecordFailure(failure);
    }
    config::SystemConfig system;
    system.retention_days = config::CatalogRetention{};
    system.retention_days->failures = 30;
    system.optimize_catalog = true;
    EXPECT_TRUE(MaintainCatalog(system, *catalog, MaintainedRun{"run-2", "ingest"}).empty());
    state::RunQuery all;
    all.limit = 0;
    auto failures = catalog->ListFailures(all);
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0].failure_id, "f-10");
}

} // namespace
} // namespace odibi::execute
