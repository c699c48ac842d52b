// The plan's JSON shape and the three graph drawings, compared whole against expected text.
#include "project_builder.hpp"
#include <gtest/gtest.h>

#include "odibi/graph/plan.hpp"

namespace odibi::graph {
namespace {

using fixture::KnownTransformers;
using fixture::NodeBuilder;
using fixture::ProjectBuilder;

Plan SalesPlan() {
    auto project = ProjectBuilder()
                       .Pipeline("sales",
                                 {NodeBuilder("raw_orders").Read("orders.csv"),
                                  NodeBuilder("raw_customers").Read("customers.csv").Disabled(),
                                  NodeBuilder("clean_orders").DependsOn({"raw_orders"}).Sql("SELECT * FROM df"),
                                  NodeBuilder("report").DependsOn({"clean_orders", "raw_customers"}).Write("report")})
                       .Build();
    return BuildPlan(project, Selection{}, KnownTransformers());
}

const std::map<std::string, std::string> STATUS = {{"clean_orders", "SUCCESS"}};

TEST(RenderGraph, AsciiListsLayersWithArrowsAndMarks) {
    std::string expected = "pipeline sales (4 nodes, 3 layers)\n"
                           "layer 1\n"
                           "  - raw_orders [read]\n"
                           "  - raw_customers [read] (disabled)\n"
                           "layer 2\n"
                           "  - clean_orders: SUCCESS [transform] <- raw_orders\n"
                           "layer 3\n"
                           "  - report [write] (skipped: upstream 'raw_customers' is disabled) <- clean_orders, "
                           "raw_customers\n";
    EXPECT_EQ(RenderGraph(SalesPlan().pipelines[0], GraphFormat::ASCII, STATUS), expected);
}

TEST(RenderGraph, MermaidDrawsEdgesLabelsAndDisabledClass) {
    std::string expected = "graph TD\n"
                           "    raw_orders[\"raw_orders [read]\"]\n"
                           "    raw_customers[\"raw_customers [read] (disabled)\"]\n"
                           "    clean_orders[\"clean_orders: SUCCESS [transform]\"]\n"
                           "    report[\"report [write] (skipped: upstream 'raw_customers' is disabled)\"]\n"
                           "    raw_orders --> clean_orders\n"
                           "    clean_orders --> report\n"
                           "    raw_customers --> report\n"
                           "    classDef disabled fill:#eeeeee,stroke:#999999,color:#777777,stroke-dasharray:5 5\n"
                           "    class raw_customers,report disabled\n";
    EXPECT_EQ(RenderGraph(SalesPlan().pipelines[0], GraphFormat::MERMAID, STATUS), expected);
}

TEST(RenderGraph, DotQuotesIdsAndDashesDisabledNodes) {
    std::string disabled_style = ", style=\"rounded,dashed\", color=\"gray50\", fontcolor=\"gray50\"";
    std::string expected = "digraph \"sales\" {\n"
                           "    rankdir=TB;\n"
                           "    node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
                           "    \"raw_orders\" [label=\"raw_orders\\n[read]\"];\n"
                           "    \"raw_customers\" [label=\"raw_customers\\n[read]\\n(disabled)\"" +
                           disabled_style +
                           "];\n"
                           "    \"clean_orders\" [label=\"clean_orders\\nSUCCESS\\n[transform]\"];\n"
                           "    \"report\" [label=\"report\\n[write]\\n(skipped: upstream 'raw_customers' is "
                           "disabled)\"" +
                           disabled_style +
                           "];\n"
                           "    \"raw_orders\" -> \"clean_orders\";\n"
                           "    \"clean_orders\" -> \"report\";\n"
                           "    \"raw_customers\" -> \"report\";\n"
                           "}\n";
    EXPECT_EQ(RenderGraph(SalesPlan().pipelines[0], GraphFormat::DOT, STATUS), expected);
}

TEST(RenderGraph, EscapesQuotesAndGivesOddNamesSafeMermaidIds) {
    auto project = ProjectBuilder()
                       .Pipeline("odd \"one\"",
                                 {NodeBuilder("end").Read("a.csv"), NodeBuilder("my-node").DependsOn({"end"}).Sql("x")})
                       .Build();
    Plan plan = BuildPlan(project, Selection{}, KnownTransformers());
    std::map<std::string, std::string> annotations = {{"end", "said \"hi\" <b>"}};
    std::string mermaid = RenderGraph(plan.pipelines[0], GraphFormat::MERMAID, annotations);
    EXPECT_EQ(mermaid,
              "graph TD\n"
              "    node_1[\"end: said #quot;hi#quot; #lt;b#gt; [read]\"]\n"
              "    node_2[\"my-node [transform]\"]\n"
              "    node_1 --> node_2\n");
    std::string dot = RenderGraph(plan.pipelines[0], GraphFormat::DOT, annotations);
    EXPECT_NE(dot.find("digraph \"odd \\\"one\\\"\" {"), std::string::npos) << dot;
    EXPECT_NE(dot.find("\"end\" [label=\"end\\nsaid \\\"hi\\\" <b>\\n[read]\"];"), std::string::npos) << dot;
    EXPECT_NE(dot.find("\"end\" -> \"my-node\";"), std::string::npos) << dot;
}

TEST(RenderGraph, MarksUnselectedNodes) {
    auto project = ProjectBuilder()
                       .Pipeline("p", {NodeBuilder("a").Read("a.csv"), NodeBuilder("b").Read("b.csv").Tags({"t"})})
                       .Build();
    Selection selection;
    selection.tags = {"t"};
    Plan plan = BuildPlan(project, selection, KnownTransformers());
    std::string ascii = RenderGraph(plan.pipelines[0], GraphFormat::ASCII);
    EXPECT_EQ(ascii, "pipeline p (2 nodes, 1 layer)\nlayer 1\n  - a [read] (not selected)\n  - b [read]\n");
    std::string mermaid = RenderGraph(plan.pipelines[0], GraphFormat::MERMAID);
    EXPECT_NE(mermaid.find("    class a unselected\n"), std::string::npos) << mermaid;
}

TEST(RenderGraph, ParsesFormatNames) {
    EXPECT_EQ(TryParseGraphFormat("ascii"), GraphFormat::ASCII);
    EXPECT_EQ(TryParseGraphFormat("Mermaid"), GraphFormat::MERMAID);
    EXPECT_EQ(TryParseGraphFormat("dot"), GraphFormat::DOT);
    EXPECT_FALSE(TryParseGraphFormat("svg").has_value());
    EXPECT_FALSE(TryParseGraphFormat("").has_value());
    for (const auto& name : GraphFormatNames()) {
        auto format = TryParseGraphFormat(name);
        ASSERT_TRUE(format.has_value()) << name;
        EXPECT_EQ(GraphFormatName(*format), name);
    }
}

TEST(PlanJson, HasTheDocumentedShape) {
    Plan plan = SalesPlan();
    const PipelinePlan& sales = plan.pipelines[0];
    auto node_json = [&](const std::string& name,
                         const std::string& kind,
                         std::vector<std::string> depends_on,
                         const std::string& input,
                         bool enabled) {
        config::Json node = config::Json::object();
        node["name"] = name;
        node["kind"] = kind;
        node["depends_on"] = std::move(depends_on);
        node["input"] = input;
        node["selected"] = true;
        node["enabled"] = enabled;
        node["materialize"] = false;
        node["version_hash"] = sales.GetNode(name).version_hash;
        return node;
    };
    config::Json expected = config::Json::object();
    expected["schema_version"] = "1.0";
    expected["project"] = "test_project";
    config::Json pipeline = config::Json::object();
    pipeline["name"] = "sales";
    pipeline["layers"] =
        std::vector<std::vector<std::string>>{{"raw_orders", "raw_customers"}, {"clean_orders"}, {"report"}};
    pipeline["nodes"] =
        config::Json::array({node_json("raw_orders", "read", {}, "read", true),
                             node_json("raw_customers", "read", {}, "read", false),
                             node_json("clean_orders", "transform", {"raw_orders"}, "dependency", true),
                             node_json("report", "write", {"clean_orders", "raw_customers"}, "dependency", false)});
    pipeline["edges"] = config::Json::array({config::Json{{"source", "clean_orders"}, {"target", "report"}},
                                             config::Json{{"source", "raw_customers"}, {"target", "report"}},
                                             config::Json{{"source", "raw_orders"}, {"target", "clean_orders"}}});
    expected["pipelines"] = config::Json::array({pipeline});
    EXPECT_EQ(plan.ToJson().dump(2), expected.dump(2));
}

TEST(PlanJson, NodeKindFollowsOdibisPlanCommand) {
    config::NodeConfig node;
    EXPECT_EQ(NodeKind(node), "unknown");
    node.write = config::WriteConfig{};
    EXPECT_EQ(NodeKind(node), "write");
    node.inputs.push_back(config::InputConfig{});
    EXPECT_EQ(NodeKind(node), "read");
    node.transformer = "deduplicate";
    EXPECT_EQ(NodeKind(node), "transform");
}

} // namespace
} // namespace odibi::graph
