// Story files on disk: layout, unique names, indexes, listing order, loading and retention.
#include <fstream>
#include <sstream>

#include "story_test_data.hpp"
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "odibi/common/error.hpp"
#include "odibi/observe/story.hpp"

namespace odibi::observe {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using testing::MakeSampleResult;

std::string ReadText(const fs::path& path) {
    std::ifstream stream(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << stream.rdbuf();
    return buffer.str();
}

void WriteText(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream stream(path, std::ios::binary);
    stream << text;
}

bool Contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

Json StoryAt(const std::string& pipeline, const std::string& started_at, const std::string& run_id) {
    Json story = BuildStory(MakeSampleResult(), StoryOptions{});
    story["pipeline"] = pipeline;
    story["started_at"] = started_at;
    story["run_id"] = run_id;
    return story;
}

std::vector<std::string> RunIds(const std::vector<StoryEntry>& entries) {
    std::vector<std::string> ids;
    for (const auto& entry : entries) {
        ids.push_back(entry.run_id);
    }
    return ids;
}

class StoryStore : public ::testing::Test {
protected:
    [[nodiscard]] std::string Root() const { return (folder_.Path() / "stories").string(); }
    testing::TemporaryFolder folder_;
};

TEST_F(StoryStore, WritesJsonAndHtmlUnderPipelineAndDate) {
    Json story = BuildStory(MakeSampleResult(), StoryOptions{});
    StoryPaths paths = WriteStory(story, Root());
    fs::path date_folder = fs::path(Root()) / "orders" / "2026-11-22";
    EXPECT_EQ(paths.json_path, (date_folder / "run_10-04-05.json").string());
    EXPECT_EQ(paths.html_path, (date_folder / "run_10-04-05.html").string());
    EXPECT_EQ(paths.pipeline_index_path, (fs::path(Root()) / "orders" / "index.html").string());
    EXPECT_EQ(paths.root_index_path, (fs::path(Root()) / "index.html").string());
    EXPECT_EQ(Json::parse(ReadText(paths.json_path)), story);
    EXPECT_EQ(ReadText(paths.html_path), RenderStoryHtml(story));
    // Temporary files are gone: only the two run files are in the date folder.
    std::vector<std::string> names;
    for (const auto& file : fs::directory_iterator(date_folder)) {
        names.push_back(file.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"run_10-04-05.html", "run_10-04-05.json"}));
}

TEST_F(StoryStore, TakenNamesGetASequenceSuffix) {
    Json story = BuildStory(MakeSampleResult(), StoryOptions{});
    EXPECT_TRUE(WriteStory(story, Root()).json_path.ends_with("run_10-04-05.json"));
    EXPECT_TRUE(WriteStory(story, Root()).json_path.ends_with("run_10-04-05_2.json"));
    StoryPaths third = WriteStory(story, Root());
    EXPECT_TRUE(third.json_path.ends_with("run_10-04-05_3.json"));
    EXPECT_TRUE(third.html_path.ends_with("run_10-04-05_3.html"));
    EXPECT_TRUE(fs::exists(third.html_path));
}

TEST_F(StoryStore, IndexesLinkTheRuns) {
    WriteStory(StoryAt("orders", "2026-11-22T10:04:05.123Z", "r1"), Root());
    WriteStory(StoryAt("orders", "2026-11-23T08:00:00.000Z", "r2"), Root());
    StoryPaths paths = WriteStory(StoryAt("customers", "2026-11-21T07:30:00.000Z", "r3"), Root());

    std::string orders_index = ReadText(fs::path(Root()) / "orders" / "index.html");
    EXPECT_TRUE(Contains(orders_index, "<h1>orders</h1>"));
    EXPECT_TRUE(Contains(orders_index, R"(<a href="2026-11-22/run_10-04-05.html">report</a>)")) << orders_index;
    EXPECT_TRUE(Contains(orders_index, R"(<a href="2026-11-23/run_08-00-00.json">json</a>)")) << orders_index;
    EXPECT_TRUE(Contains(orders_index, R"(<a href="../index.html">All pipelines</a>)"));
    EXPECT_TRUE(Contains(orders_index, "status-failed"));
    EXPECT_LT(orders_index.find("r2"), orders_index.find("r1")); // newest first
    EXPECT_FALSE(Contains(orders_index, "r3"));

    std::string root_index = ReadText(paths.root_index_path);
    EXPECT_TRUE(Contains(root_index, R"(<a href="orders/index.html">orders</a>)")) << root_index;
    EXPECT_TRUE(Contains(root_index, R"(<a href="customers/index.html">customers</a>)")) << root_index;
    EXPECT_TRUE(Contains(root_index, R"(<a href="orders/2026-11-23/run_08-00-00.html">report</a>)")) << root_index;
    EXPECT_FALSE(Contains(root_index, "orders/2026-11-22/run_10-04-05.html")); // only the latest run
    EXPECT_FALSE(Contains(root_index, "http:"));
    EXPECT_FALSE(Contains(root_index, "https:"));
}

TEST_F(StoryStore, PipelineIndexShowsAtMostFiftyRuns) {
    for (int minute = 0; minute < 52; ++minute) {
        WriteStory(
            StoryAt("orders", fmt::format("2026-11-22T10:{:02}:00.000Z", minute), fmt::format("run-{:02}", minute)),
            Root());
    }
    std::string index = ReadText(fs::path(Root()) / "orders" / "index.html");
    size_t rows = 0;
    for (size_t position = index.find("<tr><td"); position != std::string::npos;
         position = index.find("<tr><td", position + 1)) {
        ++rows;
    }
    EXPECT_EQ(rows, STORY_INDEX_RUN_LIMIT);
    EXPECT_TRUE(Contains(index, "run-51"));
    EXPECT_TRUE(Contains(index, "run-02"));
    EXPECT_FALSE(Contains(index, "run-01"));
    EXPECT_TRUE(Contains(index, "50 most recent of 52 stored runs"));
}

TEST_F(StoryStore, ListsNewestFirstAcrossPipelines) {
    WriteStory(StoryAt("orders", "2026-11-22T10:00:00.000Z", "orders-1"), Root());
    WriteStory(StoryAt("customers", "2026-11-22T11:00:00.000Z", "customers-1"), Root());
    WriteStory(StoryAt("orders", "2026-11-20T09:00:00.000Z", "orders-0"), Root());
    WriteStory(StoryAt("orders", "2026-11-22T12:00:00.000Z", "orders-2"), Root());
    // Same second as orders-2: written later, so newer.
    WriteStory(StoryAt("orders", "2026-11-22T12:00:00.000Z", "orders-3"), Root());

    auto all = ListStories(Root(), 0);
    EXPECT_EQ(RunIds(all), (std::vector<std::string>{"orders-3", "orders-2", "customers-1", "orders-1", "orders-0"}));
    EXPECT_EQ(all[0].pipeline, "orders");
    EXPECT_EQ(all[0].status, "FAILED");
    EXPECT_EQ(all[0].started_at, "2026-11-22T12:00:00.000Z");
    EXPECT_EQ(all[0].duration_ms, 2500);
    EXPECT_EQ(all[0].nodes_total, 3);
    EXPECT_EQ(all[0].nodes_failed, 1);
    EXPECT_TRUE(all[0].json_path.ends_with("run_12-00-00_2.json"));
    EXPECT_TRUE(all[0].html_path.ends_with("run_12-00-00_2.html"));

    EXPECT_EQ(RunIds(ListStories(Root(), 2)), (std::vector<std::string>{"orders-3", "orders-2"}));
    EXPECT_EQ(RunIds(ListPipelineStories(Root(), "customers", 0)), (std::vector<std::string>{"customers-1"}));

    auto last = TryGetLastStory(Root());
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->run_id, "orders-3");
    auto last_customers = TryGetLastStory(Root(), "customers");
    ASSERT_TRUE(last_customers.has_value());
    EXPECT_EQ(last_customers->run_id, "customers-1");
    EXPECT_FALSE(TryGetLastStory(Root(), "unknown").has_value());
    EXPECT_FALSE(TryGetLastStory((folder_.Path() / "nowhere").string()).has_value());
}

TEST_F(StoryStore, ListingIgnoresFilesThatAreNotRunStories) {
    WriteStory(StoryAt("orders", "2026-11-22T10:00:00.000Z", "orders-1"), Root());
    WriteText(fs::path(Root()) / "lineage" / "2026-11-22" / "run_10-00-00.json",
              R"({"kind":"lineage","pipeline":"x"})");
    WriteText(fs::path(Root()) / "orders" / "2026-11-22" / "run_09-00-00.json", "{ not json");
    WriteText(fs::path(Root()) / "orders" / "2026-11-22" / "notes.json", R"({"kind":"pipeline_run"})");
    EXPECT_EQ(RunIds(ListStories(Root(), 0)), (std::vector<std::string>{"orders-1"}));
}

TEST_F(StoryStore, LoadsFromJsonOrHtml) {
    Json story = BuildStory(MakeSampleResult(), StoryOptions{});
    StoryPaths paths = WriteStory(story, Root());
    EXPECT_EQ(LoadStory(paths.json_path), story);
    EXPECT_EQ(LoadStory(paths.html_path), story);
    // Without its .json file the page still carries the story.
    fs::remove(paths.json_path);
    EXPECT_EQ(LoadStory(paths.html_path), story);
}

TEST_F(StoryStore, LoadNamesThePathWhenThereIsNoStory) {
    std::string missing = (folder_.Path() / "missing" / "run_1.json").string();
    try {
        (void)LoadStory(missing);
        FAIL() << "expected STORY_NOT_FOUND";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::STORY_NOT_FOUND);
        EXPECT_TRUE(Contains(error.Message(), missing)) << error.Message();
    }
    fs::path text_file = folder_.Path() / "notes.txt";
    WriteText(text_file, "hello");
    try {
        (void)LoadStory(text_file.string());
        FAIL() << "expected STORY_NOT_FOUND";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::STORY_NOT_FOUND);
        EXPECT_TRUE(Contains(error.Message(), text_file.string())) << error.Message();
    }
    fs::path broken = folder_.Path() / "broken.json";
    WriteText(broken, "{ nope");
    try {
        (void)LoadStory(broken.string());
        FAIL() << "expected STORY_INVALID";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::STORY_INVALID);
        EXPECT_TRUE(Contains(error.Message(), broken.string())) << error.Message();
    }
    fs::path page = folder_.Path() / "page.html";
    WriteText(page, "<html><body>hello</body></html>");
    EXPECT_THROW((void)LoadStory(page.string()), Error);
}

TEST_F(StoryStore, RetentionKeepsTheNewestRunsPerPipeline) {
    for (int day = 1; day <= 5; ++day) {
        WriteStory(StoryAt("orders", fmt::format("2026-11-0{}T10:00:00.000Z", day), fmt::format("orders-{}", day)),
                   Root());
    }
    WriteStory(StoryAt("customers", "2026-11-01T10:00:00.000Z", "customers-1"), Root());
    TimePoint now = testing::At(0); // 2026-11-22

    EXPECT_EQ(ApplyRetention(Root(), std::nullopt, 3, now), 2u);
    EXPECT_EQ(RunIds(ListPipelineStories(Root(), "orders", 0)),
              (std::vector<std::string>{"orders-5", "orders-4", "orders-3"}));
    EXPECT_FALSE(fs::exists(fs::path(Root()) / "orders" / "2026-11-01")); // emptied date folders go
    EXPECT_FALSE(fs::exists(fs::path(Root()) / "orders" / "2026-11-02"));
    EXPECT_EQ(RunIds(ListPipelineStories(Root(), "customers", 0)), (std::vector<std::string>{"customers-1"}));
    std::string index = ReadText(fs::path(Root()) / "orders" / "index.html");
    EXPECT_FALSE(Contains(index, "orders-1"));
    EXPECT_TRUE(Contains(index, "orders-3"));

    // 19 days before 2026-11-22T10:04 is 2026-11-03T10:04: orders-3 (10:00) and customers-1 go.
    EXPECT_EQ(ApplyRetention(Root(), 19, 100, now), 2u);
    EXPECT_EQ(RunIds(ListStories(Root(), 0)), (std::vector<std::string>{"orders-5", "orders-4"}));
    EXPECT_FALSE(Contains(ReadText(fs::path(Root()) / "index.html"), "customers/index.html"));

    EXPECT_EQ(ApplyRetention(Root(), 365, 100, now), 0u);
    // Limits below 1 are treated as no limit, never as "delete everything".
    EXPECT_EQ(ApplyRetention(Root(), 0, 0, now), 0u);
    EXPECT_EQ(ListStories(Root(), 0).size(), 2u);
}

TEST_F(StoryStore, PipelineFolderNamesAreSafe) {
    EXPECT_EQ(StoryDirectoryName("orders"), "orders");
    EXPECT_EQ(StoryDirectoryName("a/b c"), "a_b_c");
    EXPECT_EQ(StoryDirectoryName(".."), "_..");
    Json story = StoryAt("../escape", "2026-11-22T10:00:00.000Z", "r");
    StoryPaths paths = WriteStory(story, Root());
    EXPECT_TRUE(paths.json_path.starts_with(Root() + "/.._escape/")) << paths.json_path;
    EXPECT_EQ(RunIds(ListPipelineStories(Root(), "../escape", 0)), (std::vector<std::string>{"r"}));
}

TEST_F(StoryStore, WriteFailsWithCodeWhenTheRootIsAFile) {
    WriteText(folder_.Path() / "file", "x");
    try {
        WriteStory(BuildStory(MakeSampleResult(), StoryOptions{}), (folder_.Path() / "file").string());
        FAIL() << "expected STORY_WRITE_FAILED";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::STORY_WRITE_FAILED);
    }
}

} // namespace
} // namespace odibi::observe
