// Recovery of open write intents: roll forward a published write, roll back an unpublished one
// (putting back a target that was moved aside), leave a live run's intent alone, and refuse to run
// when an intent cannot be recovered.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "recovery.hpp"
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "odibi/common/error.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::execute {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class NoticeCollector : public RunObserver {
public:
    void OnNotice(const std::string& text) override { notices.push_back(text); }
    std::vector<std::string> notices;
};

void WriteFile(const fs::path& path, const std::string& text) {
    std::ofstream stream(path, std::ios::binary | std::ios::trunc);
    stream << text;
}

std::string ReadFile(const fs::path& path) {
    std::ifstream stream(path, std::ios::binary);
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

std::string MarkerOf(const fs::path& path) {
    struct stat status {};
    EXPECT_EQ(::lstat(path.c_str(), &status), 0) << path;
    return fmt::format("{}:{}", static_cast<uint64_t>(status.st_dev), static_cast<uint64_t>(status.st_ino));
}

class RecoveryTest : public ::testing::Test {
protected:
    RecoveryTest() {
        static std::atomic<int> counter{0};
        directory_ = fs::temp_directory_path() / fmt::format("odibi_recovery_test_{}_{}", ::getpid(), counter++);
        fs::remove_all(directory_);
        fs::create_directories(directory_);
        catalog_ = state::OpenSqliteCatalog((directory_ / "catalog.db").string());
        target_ = directory_ / "orders.csv";
        staging_ = directory_ / ".orders.csv.odibi-staging-1";
    }
    ~RecoveryTest() override {
        std::error_code ignored;
        fs::remove_all(directory_, ignored);
    }

    state::WriteIntent Intent(const std::string& marker) const {
        state::WriteCommit commit;
        commit.intent_id = "intent-1";
        commit.state_updates.push_back(state::StateEntry{"orders_hwm", "6", "", ""});
        state::NodeRunRecord node_run;
        node_run.run_id = "run-1";
        node_run.pipeline_name = "ingest";
        node_run.node_name = "orders";
        node_run.status = "SUCCESS";
        commit.node_run = node_run;
        state::WriteIntent intent;
        intent.intent_id = "intent-1";
        intent.run_id = "run-1";
        intent.pipeline_name = "ingest";
        intent.node_name = "orders";
        intent.target = target_.string();
        intent.staging = staging_.string();
        intent.mode = "append";
        intent.format = "csv";
        intent.published_marker = marker;
        intent.commit = state::WriteCommitToJson(commit);
        return intent;
    }

    fs::path directory_;
    fs::path target_;
    fs::path staging_;
    std::unique_ptr<state::Catalog> catalog_;
    NoticeCollector observer_;
};

TEST_F(RecoveryTest, PublishedWriteIsRolledForward) {
    WriteFile(target_, "new rows\n");
    catalog_->RecordWriteIntent(Intent(MarkerOf(target_)));
    // What an exchange left at the staging path: the previous output, now invisible.
    WriteFile(staging_, "old rows\n");

    RecoveryReport report = RecoverOpenWrites(*catalog_, observer_);

    EXPECT_EQ(report.rolled_forward, 1);
    EXPECT_EQ(report.rolled_back, 0);
    EXPECT_TRUE(report.failures.empty());
    EXPECT_EQ(catalog_->GetState("orders_hwm").value, "6");
    EXPECT_EQ(catalog_->ListNodeRunsOfRun("run-1").size(), 1U);
    EXPECT_TRUE(catalog_->ListWriteIntents().empty());
    EXPECT_EQ(ReadFile(target_), "new rows\n");
    EXPECT_FALSE(fs::exists(staging_));
    ASSERT_EQ(observer_.notices.size(), 1U);
    EXPECT_THAT(observer_.notices[0], HasSubstr("(rolled forward)"));
    EXPECT_THAT(observer_.notices[0], HasSubstr("node 'orders'"));
}

TEST_F(RecoveryTest, UnpublishedWriteIsRolledBack) {
    WriteFile(target_, "old rows\n");
    WriteFile(staging_, "new rows\n");
    catalog_->RecordWriteIntent(Intent(MarkerOf(staging_)));

    RecoveryReport report = RecoverOpenWrites(*catalog_, observer_);

    EXPECT_EQ(report.rolled_back, 1);
    EXPECT_EQ(ReadFile(target_), "old rows\n");
    EXPECT_FALSE(fs::exists(staging_));
    EXPECT_FALSE(catalog_->TryGetState("orders_hwm").has_value());
    EXPECT_TRUE(catalog_->ListNodeRunsOfRun("run-1").empty());
    EXPECT_TRUE(catalog_->ListWriteIntents().empty());
    ASSERT_EQ(observer_.notices.size(), 1U);
    EXPECT_THAT(observer_.notices[0], HasSubstr("(rolled back)"));
}

TEST_F(RecoveryTest, TargetMovedAsideIsPutBack) {
    fs::path backup = staging_.string() + "-previous";
    WriteFile(backup, "old rows\n");
    WriteFile(staging_, "new rows\n");
    catalog_->RecordWriteIntent(Intent(MarkerOf(staging_)));

    RecoveryReport report = RecoverOpenWrites(*catalog_, observer_);

    EXPECT_EQ(report.rolled_back, 1);
    EXPECT_EQ(ReadFile(target_), "old rows\n");
    EXPECT_FALSE(fs::exists(staging_));
    EXPECT_FALSE(fs::exists(backup));
}

TEST_F(RecoveryTest, IntentOfARunningRunIsLeftAlone) {
    state::PipelineRunRecord run;
    run.run_id = "run-1";
    run.pipeline_name = "ingest";
    catalog_->BeginPipelineRun(run);
    WriteFile(target_, "old rows\n");
    WriteFile(staging_, "new rows\n");
    catalog_->RecordWriteIntent(Intent(MarkerOf(staging_)));

    RecoveryReport report = RecoverOpenWrites(*catalog_, observer_);

    EXPECT_EQ(report.left_open, 1);
    EXPECT_EQ(catalog_->ListWriteIntents().size(), 1U);
    EXPECT_EQ(ReadFile(staging_), "new rows\n");
    ASSERT_EQ(observer_.notices.size(), 1U);
    EXPECT_THAT(observer_.notices[0], HasSubstr("still RUNNING"));
}

TEST_F(RecoveryTest, UnrecoverableIntentStopsTheRun) {
    WriteFile(target_, "new rows\n");
    state::WriteIntent intent = Intent(MarkerOf(target_));
    intent.commit = nlohmann::json("not a commit");
    catalog_->RecordWriteIntent(intent);

    RecoveryReport report = RecoverOpenWrites(*catalog_, observer_);

    ASSERT_EQ(report.failures.size(), 1U);
    EXPECT_THAT(report.failures[0], HasSubstr("node 'orders'"));
    EXPECT_EQ(catalog_->ListWriteIntents().size(), 1U);
    Error error = RecoveryFailed(report);
    EXPECT_EQ(error.Code(), ErrorCode::RECOVERY_FAILED);
    EXPECT_THAT(error.Message(), HasSubstr("no pipeline ran"));
}

TEST_F(RecoveryTest, NoOpenIntentsNoNotices) {
    RecoveryReport report = RecoverOpenWrites(*catalog_, observer_);
    EXPECT_EQ(report.rolled_forward + report.rolled_back + report.left_open, 0);
    EXPECT_THAT(observer_.notices, ElementsAre());
}

} // namespace
} // namespace odibi::execute
