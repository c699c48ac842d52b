// The story HTML page and terminal text: content, escaping, no external resources, DAG layout.
#include <regex>

#include "dag_layout.hpp"
#include "html_text.hpp"
#include "story_format.hpp"
#include "story_test_data.hpp"
#include <gtest/gtest.h>

#include "odibi/observe/story.hpp"

namespace odibi::observe {
namespace {

using Json = nlohmann::ordered_json;
using testing::MakeSampleResult;

size_t CountOf(const std::string& text, const std::string& needle) {
    size_t count = 0;
    for (size_t position = text.find(needle); position != std::string::npos;
         position = text.find(needle, position + needle.size())) {
        ++count;
    }
    return count;
}

bool Contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

class StoryHtml : public ::testing::Test {
protected:
    void SetUp() override {
        story_ = BuildStory(MakeSampleResult(), StoryOptions{});
        html_ = RenderStoryHtml(story_);
    }
    Json story_;
    std::string html_;
};

TEST_F(StoryHtml, IsOneCompletePage) {
    EXPECT_TRUE(html_.starts_with("<!DOCTYPE html>"));
    EXPECT_TRUE(Contains(html_, "</html>"));
    EXPECT_TRUE(Contains(html_, "<style>"));
    EXPECT_TRUE(Contains(html_, "Content-Security-Policy"));
}

TEST_F(StoryHtml, ShowsSummary) {
    EXPECT_TRUE(Contains(html_, R"(<span class="pipeline-name">orders</span>)"));
    EXPECT_TRUE(Contains(html_, R"(<span class="badge run-status status-failed">FAILED</span>)"));
    EXPECT_TRUE(Contains(html_, "33.3%"));
    EXPECT_TRUE(Contains(html_, "2.5 s"));
    EXPECT_TRUE(Contains(html_, "run-123"));
    EXPECT_TRUE(Contains(html_, R"(<span class="metric-value">100</span><span class="metric-label">Rows in</span>)"));
}

TEST_F(StoryHtml, HasACardPerNodeWithTabs) {
    for (const auto* name : {"load_customers", "clean_orders", "publish"}) {
        EXPECT_TRUE(Contains(html_, std::string("data-node=\"") + name + "\"")) << name;
        EXPECT_TRUE(Contains(html_, std::string("<h3 class=\"node-name\">") + name + "</h3>")) << name;
    }
    EXPECT_EQ(CountOf(html_, "<article class=\"node-card"), 3u);
    EXPECT_EQ(CountOf(html_, "data-panel=\"info\""), 3u);
    EXPECT_EQ(CountOf(html_, "data-panel=\"data\""), 3u);
    EXPECT_EQ(CountOf(html_, "data-panel=\"sql\""), 3u);
    EXPECT_EQ(CountOf(html_, "data-panel=\"config\""), 3u);
    EXPECT_TRUE(Contains(html_, "<pre class=\"sql\">SELECT * FROM read_csv(&#39;landing/customers.csv&#39;)</pre>"));
    EXPECT_TRUE(Contains(html_, "<code>email</code>"));                          // column added
    EXPECT_TRUE(Contains(html_, "<code>legacy_code</code>"));                    // column removed
    EXPECT_TRUE(Contains(html_, "&quot;path&quot;: &quot;customers.csv&quot;")); // config, pretty-printed
    EXPECT_TRUE(Contains(html_, "Skipped: upstream &#39;clean_orders&#39; failed"));
}

TEST_F(StoryHtml, ShowsErrorWithStepSqlColumnsAndSuggestions) {
    EXPECT_TRUE(Contains(html_, "<div class=\"error-box\" role=\"alert\">"));
    EXPECT_TRUE(Contains(html_, "E300 SQL_ERROR</p>") || Contains(html_, "E300 SQL_ERROR in phase transform"));
    EXPECT_TRUE(Contains(html_, "step 2 of 2 (sql)"));
    EXPECT_TRUE(Contains(html_, "Referenced column &quot;emial&quot; not found"));
    EXPECT_TRUE(Contains(html_, "<h4>Failing SQL</h4><pre class=\"sql\">SELECT emial FROM df</pre>"));
    EXPECT_TRUE(Contains(
        html_,
        "<h4>Available columns</h4><p class=\"columns-list\"><code>id</code><code>name</code><code>email</code></p>"));
    EXPECT_TRUE(Contains(html_, "<ol class=\"suggestions\"><li>Did you mean &quot;email&quot;?</li>"));
    EXPECT_TRUE(Contains(html_, "odibi.yaml:40:11 pipelines[0].nodes[1].transform.steps[1]"));
    // The failures list at the top links to the failed node's card.
    EXPECT_TRUE(Contains(html_, "<section id=\"failures\""));
    EXPECT_TRUE(Contains(html_, "<li><a href=\"#node-1\">clean_orders</a>"));
}

TEST_F(StoryHtml, EscapesEveryValue) {
    EXPECT_FALSE(Contains(html_, testing::INJECTED_VALUE));
    EXPECT_FALSE(Contains(html_, "<b>customers</b>"));
    EXPECT_TRUE(Contains(html_, "Loads &lt;b&gt;customers&lt;/b&gt; &amp; cleans them"));
    EXPECT_TRUE(Contains(
        html_, "&lt;script&gt;document.body.setAttribute(&#39;data-injected&#39;,&#39;1&#39;)&lt;/script&gt;"));
    // Only the page's own two script elements: the embedded JSON and the inline script.
    EXPECT_EQ(CountOf(html_, "<script"), 2u);
    EXPECT_EQ(CountOf(html_, "</script"), 2u);
}

TEST_F(StoryHtml, EscapesHostileNamesInAttributesAndSvg) {
    auto result = MakeSampleResult();
    result.nodes[0].node = R"(x"><img src=x onerror=alert(1)>)";
    result.nodes[1].dependencies = {result.nodes[0].node};
    std::string html = RenderStoryHtml(BuildStory(result, StoryOptions{}));
    EXPECT_FALSE(Contains(html, "<img"));
    EXPECT_FALSE(Contains(html, R"(x">)"));
    EXPECT_TRUE(Contains(html, "x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
}

TEST_F(StoryHtml, ReferencesNothingOutsideThePage) {
    std::regex external(R"((src|href|action|xmlns)\s*=\s*["']?\s*(https?:|//))", std::regex::icase);
    EXPECT_FALSE(std::regex_search(html_, external));
    std::regex css_external(R"((url\(\s*["']?\s*(https?:|//))|@import)", std::regex::icase);
    EXPECT_FALSE(std::regex_search(html_, css_external));
    EXPECT_FALSE(Contains(html_, "http://"));
    // The runbook address is shown as text only.
    EXPECT_TRUE(Contains(html_, "https://wiki.example.com/runbooks/customers"));
    EXPECT_FALSE(Contains(html_, "href=\"https://wiki"));
}

TEST_F(StoryHtml, DrawsTheDagAsInlineSvg) {
    EXPECT_EQ(CountOf(html_, "<svg class=\"dag\""), 1u);
    EXPECT_EQ(CountOf(html_, "class=\"dag-node status-success\""), 1u);
    EXPECT_EQ(CountOf(html_, "class=\"dag-node status-failed\""), 1u);
    EXPECT_EQ(CountOf(html_, "class=\"dag-node status-skipped\""), 1u);
    EXPECT_EQ(CountOf(html_, "<path class=\"edge\""), 2u);
    EXPECT_TRUE(Contains(html_, R"(data-source="load_customers" data-target="clean_orders")"));
    // Three layers left to right: x of the node boxes grows along the chain.
    std::regex rect(R"re(<rect x="([0-9.]+)")re");
    std::vector<double> xs;
    for (auto match = std::sregex_iterator(html_.begin(), html_.end(), rect); match != std::sregex_iterator();
         ++match) {
        xs.push_back(std::stod((*match)[1].str()));
    }
    ASSERT_EQ(xs.size(), 3u);
    EXPECT_LT(xs[0], xs[1]);
    EXPECT_LT(xs[1], xs[2]);
}

TEST_F(StoryHtml, DrawsATimeline) {
    EXPECT_EQ(CountOf(html_, "<div class=\"timeline-row\">"), 3u);
    // load_customers starts at the run start and takes 1200 of 2500 ms; clean_orders follows it.
    EXPECT_TRUE(Contains(html_, "class=\"timeline-bar status-success\" style=\"left:0.00%;width:48.00%\""));
    EXPECT_TRUE(Contains(html_, "class=\"timeline-bar status-failed\" style=\"left:48.00%;width:48.00%\""));
    EXPECT_TRUE(Contains(html_, "<span class=\"timeline-note\">skipped</span>"));
}

TEST_F(StoryHtml, EmbedsTheStoryJsonSafely) {
    std::string open = "<script type=\"application/json\" id=\"odibi-story-json\">";
    size_t start = html_.find(open);
    ASSERT_NE(start, std::string::npos);
    start += open.size();
    size_t end = html_.find("</script>", start);
    Json embedded = Json::parse(html_.substr(start, end - start));
    EXPECT_EQ(embedded, story_);
}

TEST_F(StoryHtml, RendersFromJsonAlone) {
    Json reparsed = Json::parse(story_.dump());
    EXPECT_EQ(RenderStoryHtml(reparsed), html_);
    // A story with fields missing (an older or foreign file) still renders.
    std::string minimal = RenderStoryHtml(Json{{"pipeline", "p"}, {"nodes", Json::array({Json{{"name", "n"}}})}});
    EXPECT_TRUE(Contains(minimal, "data-node=\"n\""));
    EXPECT_TRUE(Contains(minimal, "No timing was recorded"));
}

TEST(StoryText, SummarisesRunAndNodes) {
    std::string text = RenderStoryText(BuildStory(MakeSampleResult(), StoryOptions{}));
    EXPECT_TRUE(Contains(text, "Pipeline orders: FAILED\n")) << text;
    EXPECT_TRUE(Contains(text, "run: run-123")) << text;
    EXPECT_TRUE(Contains(text, "nodes: 3 (1 succeeded, 1 failed, 1 skipped; success rate 33.3%)")) << text;
    EXPECT_TRUE(Contains(text, "rows: 100 in, 90 written")) << text;
    std::regex load_line(R"(\n  success +load_customers +1\.2 s +100 -> 90 +90\n)");
    EXPECT_TRUE(std::regex_search(text, load_line)) << text;
    std::regex publish_line(R"(\n  skipped +publish +- +- -> - +-\n)");
    EXPECT_TRUE(std::regex_search(text, publish_line)) << text;
    EXPECT_TRUE(Contains(text, "skipped: upstream 'clean_orders' failed")) << text;
    EXPECT_TRUE(Contains(text, std::string("E300 SQL_ERROR (transform, step 2 of 2 (sql)): ") + testing::ERROR_MESSAGE))
        << text;
    EXPECT_TRUE(Contains(text, "at odibi.yaml:40:11")) << text;
    EXPECT_TRUE(Contains(text, "SQL: SELECT emial FROM df")) << text;
    EXPECT_TRUE(Contains(text, "available columns: id, name, email")) << text;
    EXPECT_TRUE(Contains(text, "1. Did you mean \"email\"?")) << text;
    EXPECT_TRUE(Contains(text, "2. Debug: odibi run")) << text;
    EXPECT_TRUE(Contains(text, "warning: 3 rows had an empty name")) << text;
}

TEST(DagLayout, LayersByLongestPathAndKeepsRowsCompact) {
    // a -> b -> d, a -> c -> d, a -> d, e alone.
    DagLayout layout = LayoutDag(5, {{0, 1}, {1, 3}, {0, 2}, {2, 3}, {0, 3}});
    EXPECT_EQ(layout.layer_count, 3u);
    EXPECT_EQ(layout.nodes[0].layer, 0u);
    EXPECT_EQ(layout.nodes[1].layer, 1u);
    EXPECT_EQ(layout.nodes[2].layer, 1u);
    EXPECT_EQ(layout.nodes[3].layer, 2u);
    EXPECT_EQ(layout.nodes[4].layer, 0u);
    EXPECT_NE(layout.nodes[1].row, layout.nodes[2].row);
    EXPECT_LT(layout.nodes[0].x, layout.nodes[1].x);
    EXPECT_DOUBLE_EQ(layout.nodes[1].x, layout.nodes[2].x);
    EXPECT_LT(layout.nodes[1].x, layout.nodes[3].x);
    EXPECT_GE(layout.width, layout.nodes[3].x + DAG_NODE_WIDTH);
    EXPECT_GE(layout.height, layout.nodes[4].y + DAG_NODE_HEIGHT);
}

TEST(DagLayout, OrdersLayerByUpstreamRows) {
    // Roots r0, r1; x depends on r1, y on r0: y is drawn above x.
    DagLayout layout = LayoutDag(4, {{1, 2}, {0, 3}});
    EXPECT_EQ(layout.nodes[3].row, 0u);
    EXPECT_EQ(layout.nodes[2].row, 1u);
}

TEST(DagLayout, SurvivesCyclesAndBadEdges) {
    DagLayout layout = LayoutDag(3, {{0, 1}, {1, 2}, {2, 1}, {7, 0}, {1, 1}});
    EXPECT_EQ(layout.nodes.size(), 3u);
    EXPECT_EQ(layout.nodes[0].layer, 0u);
    EXPECT_GT(layout.nodes[1].layer, 0u);
    EXPECT_GT(layout.width, 0.0);
}

TEST(StoryFormat, ParsesIsoTimestampsAndFormatsDurations) {
    EXPECT_EQ(ParseIsoMilliseconds("2026-11-22T10:04:05.123Z"), 1795341845123);
    EXPECT_EQ(ParseIsoMilliseconds("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(ParseIsoMilliseconds("2024-02-29T23:59:59.5Z"), 1709251199500);
    EXPECT_FALSE(ParseIsoMilliseconds("2026-11-22 10:04:05").has_value());
    EXPECT_FALSE(ParseIsoMilliseconds("2026-13-22T10:04:05Z").has_value());
    EXPECT_FALSE(ParseIsoMilliseconds("").has_value());
    EXPECT_EQ(FormatDuration(850), "850 ms");
    EXPECT_EQ(FormatDuration(12400), "12.4 s");
    EXPECT_EQ(FormatDuration(185000), "3 min 05 s");
    EXPECT_EQ(FormatDuration(7260000), "2 h 01 min");
    EXPECT_EQ(FormatCount(1234567), "1,234,567");
    EXPECT_EQ(FormatCount(-1000), "-1,000");
    EXPECT_EQ(FormatCount(999), "999");
    EXPECT_EQ(EscapeHtml(R"(<a href="x">'&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    EXPECT_EQ(EncodePathSegment("run 1/é"), "run%201%2F%C3%A9");
}

} // namespace
} // namespace odibi::observe
