// MarkAbandonedRuns: RUNNING runs whose process is gone become ABANDONED; live ones are left alone.
#include "catalog_backends.hpp"
#include "catalog_test_support.hpp"
#include "process_liveness.hpp"
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "odibi/state/catalog.hpp"

namespace odibi::state {
namespace {

// A pid that belonged to a process which has exited and been reaped.
int64_t PidOfExitedChild() {
    pid_t child = ::fork();
    if (child == 0) {
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;
}

PipelineRunRecord RunningRun(const std::string& run_id, const std::string& host, int64_t pid) {
    PipelineRunRecord run;
    run.run_id = run_id;
    run.pipeline_name = "bronze";
    run.run_start_at = "2026-01-01T10:00:00.000Z";
    run.heartbeat_at = "2026-01-01T10:00:42.500Z";
    run.host = host;
    run.pid = pid;
    return run;
}

TEST(ProcessLivenessTest, ExitedChildIsGoneAndThisProcessIsNot) {
    EXPECT_TRUE(IsProcessGone(PidOfExitedChild()));
    EXPECT_FALSE(IsProcessGone(CurrentProcessId()));
    EXPECT_FALSE(IsProcessGone(0));
    EXPECT_FALSE(IsProcessGone(-1));
}

class AbandonedRunsTest : public ::testing::TestWithParam<testing::Backend> {};

TEST_P(AbandonedRunsTest, MarksOnlyRunsOfGoneProcessesOnThisHost) {
    auto backend = testing::MakeBackend(GetParam());
    auto catalog = backend->Open();
    int64_t gone_pid = PidOfExitedChild();

    catalog->BeginPipelineRun(RunningRun("gone", "host-a", gone_pid));
    PipelineRunRecord without_heartbeat = RunningRun("gone-no-heartbeat", "host-a", gone_pid);
    without_heartbeat.pipeline_name = "silver";
    catalog->BeginPipelineRun(without_heartbeat);
    catalog->Heartbeat("gone-no-heartbeat", "");
    catalog->BeginPipelineRun(RunningRun("alive", "host-a", CurrentProcessId()));
    catalog->BeginPipelineRun(RunningRun("other-host", "host-b", gone_pid));
    PipelineRunRecord finished = RunningRun("finished", "host-a", gone_pid);
    finished.status = "SUCCESS";
    catalog->BeginPipelineRun(finished);

    auto abandoned = catalog->MarkAbandonedRuns("host-a");

    ASSERT_EQ(abandoned.size(), 2U);
    EXPECT_EQ(abandoned[0].status, "ABANDONED");
    auto gone = catalog->TryGetLastRun("bronze", std::string("ABANDONED"));
    ASSERT_TRUE(gone.has_value());
    EXPECT_EQ(gone->run_id, "gone");
    EXPECT_EQ(gone->run_end_at, "2026-01-01T10:00:42.500Z");
    EXPECT_EQ(gone->duration_ms, 42500);
    EXPECT_NE(gone->error_summary.find(std::to_string(gone_pid)), std::string::npos);

    auto silver = catalog->TryGetLastRun("silver", std::nullopt);
    ASSERT_TRUE(silver.has_value());
    EXPECT_EQ(silver->status, "ABANDONED");
    EXPECT_EQ(silver->run_end_at, silver->heartbeat_at);

    RunQuery running;
    running.status = "RUNNING";
    std::vector<std::string> still_running;
    for (const auto& run : catalog->ListPipelineRuns(running)) {
        still_running.push_back(run.run_id);
    }
    EXPECT_EQ(still_running, (std::vector<std::string>{"alive", "other-host"}));

    // Nothing left to mark: a second call finds no gone owner.
    EXPECT_TRUE(catalog->MarkAbandonedRuns("host-a").empty());
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         AbandonedRunsTest,
                         ::testing::Values(testing::Backend::SQLITE, testing::Backend::POSTGRES),
                         testing::BackendName);

} // namespace
} // namespace odibi::state
