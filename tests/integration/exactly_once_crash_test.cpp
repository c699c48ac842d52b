// The crash matrix of the exactly-once commit protocol (docs/exactly-once.md): every named crash
// point x every write mode x csv / parquet / partitioned parquet / Delta. Batch 1 runs clean; the run of batch
// 2 ends at the crash point (no cleanup); a normal re-run then recovers. The target must equal what
// clean runs give (no duplicate, no loss), the high-water mark must match it, and the crashed run must
// be in the catalog as FAILED or ABANDONED.
#include <string>
#include <tuple>
#include <vector>

#include "exactly_once_support.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace odibi::integration {
namespace {

using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

/// A crash point and what recovery must find there.
struct CrashPoint {
    std::string name;
    bool committed = false;    ///< the write was published: recovery keeps it (roll forward or nothing to do)
    std::string recovery_says; ///< the recovery notice the re-run prints ("" when no intent is open)
};

const std::vector<CrashPoint>& CrashPoints() {
    static const std::vector<CrashPoint> POINTS = {
        {"after_stage", false, ""},
        {"after_intent", false, "(rolled back)"},
        {"after_move_aside", false, "(rolled back)"},
        {"after_publish", true, "(rolled forward)"},
        {"after_commit", true, ""},
        {"before_cleanup", true, ""},
    };
    return POINTS;
}

using CrashCase = std::tuple<std::string, std::string, Layout>;

class CrashMatrixTest : public ::testing::TestWithParam<CrashCase> {};

TEST_P(CrashMatrixTest, RecoveryGivesWhatCleanRunsGive) {
    const auto& [point_name, mode, layout] = GetParam();
    const CrashPoint& point = *std::find_if(CrashPoints().begin(),
                                            CrashPoints().end(),
                                            [&](const CrashPoint& candidate) { return candidate.name == point_name; });
    ExactlyOnceProject project("crash", mode, layout);

    project.SetSource(1);
    ProcessOutcome first = RunOdibi(project.Directory());
    ASSERT_EQ(first.exit_code, 0) << first.output;
    ASSERT_EQ(project.TargetRows(), ExpectedAfterFirstRun(mode));

    project.SetSource(2);
    std::map<std::string, std::string> crash = {{"ODIBI_CRASH_AT", point.name}};
    if (point.name == "after_move_aside") {
        // The step exists only when the file system cannot exchange two paths in one rename.
        crash["ODIBI_FAULT_FLAGS"] = "no_rename_exchange";
    }
    ProcessOutcome crashed = RunOdibi(project.Directory(), crash);
    ASSERT_TRUE(crashed.exited) << crashed.output;
    ASSERT_EQ(crashed.exit_code, CRASH_EXIT_CODE) << "the crash point was not reached:\n" << crashed.output;
    // Between the crash and the recovery, readers see the old target or the new one, never a mix;
    // without RENAME_EXCHANGE the crash between the two renames leaves no target at all.
    if (point.name == "after_move_aside") {
        EXPECT_FALSE(fs::exists(project.Target()));
    } else {
        EXPECT_THAT(project.TargetRows(), AnyOf(ExpectedAfterFirstRun(mode), ExpectedRows(mode, false)));
    }

    ProcessOutcome rerun = RunOdibi(project.Directory());
    ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
    if (point.recovery_says.empty()) {
        EXPECT_THAT(rerun.output, Not(HasSubstr("recovery:")));
    } else {
        EXPECT_THAT(rerun.output, HasSubstr(point.recovery_says));
    }

    EXPECT_EQ(project.TargetRows(), ExpectedRows(mode, point.committed));
    EXPECT_THAT(project.StateValues(), ElementsAre(LastSeqState()));
    EXPECT_TRUE(project.OpenIntents().empty());
    EXPECT_THAT(project.RunStatuses(), ElementsAre("SUCCESS", AnyOf("FAILED", "ABANDONED"), "SUCCESS"));
    // Nothing the crashed run staged is left beside the target: recovery or the re-run's write removed it.
    EXPECT_THAT(project.LeftoverSiblings(), ElementsAre());
}

// Without a crash the same sequence gives the model's result: this pins the model the matrix uses.
class CleanSequenceTest : public ::testing::TestWithParam<std::tuple<std::string, Layout>> {};

TEST_P(CleanSequenceTest, CleanRunsGiveTheModelsRows) {
    const auto& [mode, layout] = GetParam();
    ExactlyOnceProject project("clean", mode, layout);
    project.SetSource(1);
    ProcessOutcome first = RunOdibi(project.Directory());
    ASSERT_EQ(first.exit_code, 0) << first.output;
    project.SetSource(2);
    ProcessOutcome second = RunOdibi(project.Directory());
    ASSERT_EQ(second.exit_code, 0) << second.output;
    EXPECT_EQ(project.TargetRows(), ExpectedRows(mode, false));
    ProcessOutcome third = RunOdibi(project.Directory());
    ASSERT_EQ(third.exit_code, 0) << third.output;
    EXPECT_EQ(project.TargetRows(), ExpectedRows(mode, true));
    EXPECT_THAT(project.StateValues(), ElementsAre(LastSeqState()));
    EXPECT_THAT(project.RunStatuses(), ElementsAre("SUCCESS", "SUCCESS", "SUCCESS"));
    EXPECT_THAT(project.LeftoverSiblings(), ElementsAre());
}

std::string CaseName(const ::testing::TestParamInfo<CrashCase>& info) {
    return std::get<0>(info.param) + "_" + std::get<1>(info.param) + "_" + LayoutName(std::get<2>(info.param));
}

std::vector<CrashCase> AllCrashCases() {
    std::vector<CrashCase> cases;
    for (const auto& point : CrashPoints()) {
        for (const auto& mode : WriteModes()) {
            for (Layout layout :
                 {Layout::CSV_FILE, Layout::PARQUET_FILE, Layout::PARTITIONED_PARQUET, Layout::DELTA_TABLE}) {
                // A file replaces a file with one rename(2): only directories are moved aside.
                // A Delta write publishes by a commit file: it moves nothing aside either.
                if (point.name == "after_move_aside" && layout != Layout::PARTITIONED_PARQUET) {
                    continue;
                }
                cases.emplace_back(point.name, mode, layout);
            }
        }
    }
    return cases;
}

INSTANTIATE_TEST_SUITE_P(ExactlyOnce, CrashMatrixTest, ::testing::ValuesIn(AllCrashCases()), CaseName);

INSTANTIATE_TEST_SUITE_P(ExactlyOnce,
                         CleanSequenceTest,
                         ::testing::Combine(::testing::ValuesIn(WriteModes()),
                                            ::testing::Values(Layout::CSV_FILE,
                                                              Layout::PARQUET_FILE,
                                                              Layout::PARTITIONED_PARQUET,
                                                              Layout::DELTA_TABLE)),
                         [](const ::testing::TestParamInfo<std::tuple<std::string, Layout>>& info) {
                             return std::get<0>(info.param) + "_" + LayoutName(std::get<1>(info.param));
                         });

} // namespace
} // namespace odibi::integration
