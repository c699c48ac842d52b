// The randomised side of the exactly-once guarantee: 50 seeded runs of batch 2 (split by layout), each killed with
// SIGKILL from outside after a seeded delay (anywhere in the run: before the run record, in the read,
// in the COPY, around the publish and the commit), then a normal re-run that recovers. Every write mode
// and target layout takes its turn; the invariants are the crash matrix's.
#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "exactly_once_support.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace odibi::integration {
namespace {

using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int SEEDED_RUNS = 50;
// Each crash point of the write protocol sleeps this long in the killed runs (ODIBI_FAULT_DELAY_MS),
// so that random kills land inside the protocol's steps, not only in the read or the COPY.
const std::map<std::string, std::string> WIDENED_STEPS = {{"ODIBI_FAULT_DELAY_MS", "40"}};

/// How long a run of batch 2 takes here, so that the kill delays spread over the whole run.
std::chrono::microseconds MeasureRun() {
    ExactlyOnceProject project("kill_measure", "append", Layout::PARQUET_FILE);
    project.SetSource(1);
    EXPECT_EQ(RunOdibi(project.Directory()).exit_code, 0);
    project.SetSource(2);
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(RunOdibi(project.Directory(), WIDENED_STEPS).exit_code, 0);
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
}

const std::vector<Layout>& Layouts() {
    static const std::vector<Layout> LAYOUTS = {
        Layout::CSV_FILE, Layout::PARQUET_FILE, Layout::PARTITIONED_PARQUET, Layout::DELTA_TABLE};
    return LAYOUTS;
}

// The 50 seeds are shared out by target layout (seed / 4 picks it), one test each, so that the four
// can run side by side; the write mode turns with every seed.
class ExactlyOnceKillTest : public ::testing::TestWithParam<Layout> {};

TEST_P(ExactlyOnceKillTest, SeededKillsThenRecovery) {
    const Layout layout = GetParam();
    std::chrono::microseconds run_time = MeasureRun();
    // Batch 1 runs once per mode; each seeded case starts from a copy of its output.
    std::map<std::string, std::unique_ptr<ExactlyOnceProject>> after_first_run;
    for (const auto& mode : WriteModes()) {
        auto project = std::make_unique<ExactlyOnceProject>("kill_template", mode, layout);
        project->SetSource(1);
        ProcessOutcome first = RunOdibi(project->Directory());
        ASSERT_EQ(first.exit_code, 0) << first.output;
        ASSERT_EQ(project->TargetRows(), ExpectedAfterFirstRun(mode));
        after_first_run[mode] = std::move(project);
    }
    int seeds = 0;
    int killed = 0;
    int rolled_forward = 0;
    int rolled_back = 0;
    int killed_before_commit = 0;
    int killed_between_renames = 0;
    for (int seed = 1; seed <= SEEDED_RUNS; ++seed) {
        if (Layouts()[static_cast<size_t>(seed / 4) % Layouts().size()] != layout) {
            continue;
        }
        ++seeds;
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::mt19937 random(static_cast<std::mt19937::result_type>(seed));
        const std::string& mode = WriteModes()[static_cast<size_t>(seed) % WriteModes().size()];
        SCOPED_TRACE(mode + " " + LayoutName(layout));
        // The delay covers the second half of a run, where it reads, stages, publishes and commits
        // (the first half is mostly the process and DuckDB starting), up to a little past its end.
        std::uniform_int_distribution<int64_t> delay(run_time.count() * 2 / 5, run_time.count() * 11 / 10);
        ExactlyOnceProject project("kill", mode, layout);
        project.CopyOutputFrom(*after_first_run.at(mode));
        project.SetSource(2);
        std::map<std::string, std::string> environment = WIDENED_STEPS;
        if (seed % 2 == 0) {
            // Half of the runs publish directories without RENAME_EXCHANGE (move aside, move in).
            environment["ODIBI_FAULT_FLAGS"] = "no_rename_exchange";
        }
        OdibiProcess victim(project.Directory(), environment);
        std::this_thread::sleep_for(std::chrono::microseconds(delay(random)));
        victim.Kill();
        ProcessOutcome outcome = victim.Wait();
        bool was_killed = !outcome.exited;
        if (was_killed) {
            ++killed;
        } else {
            ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
        }
        bool moved_aside = environment.contains("ODIBI_FAULT_FLAGS") && !fs::exists(project.Target());
        if (moved_aside) {
            // Killed between moving the old directory aside and moving the new one in: no target
            // until recovery puts the old one back (checked below with everything else).
            ++killed_between_renames;
        } else {
            EXPECT_THAT(project.TargetRows(), AnyOf(ExpectedAfterFirstRun(mode), ExpectedRows(mode, false)));
        }
        // Whether batch 2 committed before the kill: its mark is stored, or recovery finds it published.
        bool committed_before_rerun = false;
        if (fs::exists(project.CatalogPath())) {
            auto values = project.StateValues();
            committed_before_rerun = values.size() == 1 && values.front() == LastSeqState();
        }

        ProcessOutcome rerun = RunOdibi(project.Directory());
        ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
        bool forward = rerun.output.find("(rolled forward)") != std::string::npos;
        rolled_forward += forward ? 1 : 0;
        rolled_back += rerun.output.find("(rolled back)") != std::string::npos ? 1 : 0;
        bool committed = committed_before_rerun || forward;
        killed_before_commit += was_killed && !committed_before_rerun ? 1 : 0;

        EXPECT_EQ(project.TargetRows(), ExpectedRows(mode, committed)) << rerun.output;
        EXPECT_THAT(project.StateValues(), ElementsAre(LastSeqState()));
        EXPECT_TRUE(project.OpenIntents().empty());
        std::vector<std::string> statuses = project.RunStatuses();
        if (was_killed && statuses.size() == 3 && statuses[1] == "SUCCESS") {
            // Killed after the run was finalised (while the process was exiting): it did commit.
            EXPECT_TRUE(committed_before_rerun);
        } else if (was_killed && statuses.size() == 3) {
            EXPECT_THAT(statuses, ElementsAre("SUCCESS", AnyOf("FAILED", "ABANDONED"), "SUCCESS"));
        } else if (was_killed) {
            // Killed before it wrote its run record: the run left nothing else behind either.
            EXPECT_THAT(statuses, ElementsAre("SUCCESS", "SUCCESS"));
            EXPECT_FALSE(committed_before_rerun);
        } else {
            EXPECT_THAT(statuses, ElementsAre("SUCCESS", "SUCCESS", "SUCCESS"));
        }
    }
    // The delays must really land inside runs, or the test proves nothing.
    EXPECT_GE(killed, seeds / 2);
    RecordProperty("killed", killed);
    RecordProperty("rolled_forward", rolled_forward);
    RecordProperty("rolled_back", rolled_back);
    std::cout << LayoutName(layout) << ": killed " << killed << " of " << seeds << " runs (" << killed_before_commit
              << " before batch 2 committed, " << killed_between_renames << " between two renames); recovery rolled "
              << rolled_forward << " forward and " << rolled_back << " back\n";
}

INSTANTIATE_TEST_SUITE_P(ExactlyOnce,
                         ExactlyOnceKillTest,
                         ::testing::ValuesIn(Layouts()),
                         [](const ::testing::TestParamInfo<Layout>& info) { return LayoutName(info.param); });

} // namespace
} // namespace odibi::integration
