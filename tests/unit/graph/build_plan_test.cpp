// BuildPlan's graph rules: order, layers, inputs, references, cycles, unknown names, disabled nodes, caching.
#include "project_builder.hpp"
#include <gtest/gtest.h>

#include "odibi/graph/plan.hpp"

namespace odibi::graph {
namespace {

using fixture::DiagnosticsOf;
using fixture::KnownTransformers;
using fixture::NodeBuilder;
using fixture::ProjectBuilder;

std::vector<std::string> OrderOf(const PipelinePlan& pipeline) {
    std::vector<std::string> names;
    for (const auto& node : pipeline.nodes) {
        names.push_back(node.name);
    }
    return names;
}

Plan BuildAll(const std::shared_ptr<const config::ProjectConfig>& project) {
    return BuildPlan(project, Selection{}, KnownTransformers());
}

TEST(BuildPlan, OrdersTopologicallyWithTiesInDeclarationOrder) {
    auto project = ProjectBuilder()
                       .Pipeline("silver",
                                 {NodeBuilder("report").DependsOn({"joined"}).Sql("SELECT * FROM joined"),
                                  NodeBuilder("customers").Read("customers.csv"),
                                  NodeBuilder("joined").DependsOn({"orders", "customers"}).Sql("SELECT 1"),
                                  NodeBuilder("orders").Read("orders.csv"),
                                  NodeBuilder("audit").Read("audit.csv")})
                       .Build();
    Plan plan = BuildAll(project);
    ASSERT_EQ(plan.pipelines.size(), 1u);
    const PipelinePlan& pipeline = plan.pipelines[0];
    EXPECT_EQ(OrderOf(pipeline), (std::vector<std::string>{"customers", "orders", "joined", "report", "audit"}));
    EXPECT_EQ(pipeline.layers,
              (std::vector<std::vector<std::string>>{{"customers", "orders", "audit"}, {"joined"}, {"report"}}));
    EXPECT_EQ(pipeline.GetNode("report").layer, 2);
    EXPECT_EQ(pipeline.GetNode("joined").dependencies, (std::vector<std::string>{"orders", "customers"}));
    EXPECT_EQ(pipeline.GetNode("customers").dependents, (std::vector<std::string>{"joined"}));
    EXPECT_EQ(pipeline.GetNode("joined").config, &project->pipelines[0].nodes[2]);
    EXPECT_EQ(pipeline.config, &project->pipelines[0]);
    EXPECT_EQ(plan.project, project);
}

TEST(BuildPlan, LayerIsOnePlusTheDeepestDependency) {
    auto project = ProjectBuilder()
                       .Pipeline("p",
                                 {NodeBuilder("a").Read("a.csv"),
                                  NodeBuilder("b").DependsOn({"a"}).Sql("SELECT 1"),
                                  NodeBuilder("c").DependsOn({"b"}).Sql("SELECT 1"),
                                  NodeBuilder("d").DependsOn({"a", "c"}).Sql("SELECT 1")})
                       .Build();
    Plan plan = BuildAll(project);
    const PipelinePlan& pipeline = plan.pipelines[0];
    EXPECT_EQ(pipeline.GetNode("a").layer, 0);
    EXPECT_EQ(pipeline.GetNode("d").layer, 3);
    EXPECT_EQ(pipeline.layers.size(), 4u);
}

TEST(BuildPlan, InputKindFollowsReadInputsThenFirstDependency) {
    auto project = ProjectBuilder()
                       .Pipeline("p",
                                 {NodeBuilder("source").Read("a.csv"),
                                  NodeBuilder("other").Read("b.csv"),
                                  NodeBuilder("injected").DependsOn({"other", "source"}).Sql("SELECT * FROM df"),
                                  NodeBuilder("multi").Input("df", "$p.source").InlineInput("extra", "c.csv"),
                                  NodeBuilder("query_only").Sql("SELECT 1 AS x")})
                       .Build();
    Plan plan = BuildAll(project);
    const PipelinePlan& pipeline = plan.pipelines[0];
    EXPECT_EQ(pipeline.GetNode("source").input_kind, InputKind::READ);
    EXPECT_EQ(pipeline.GetNode("injected").input_kind, InputKind::DEPENDENCY);
    EXPECT_EQ(pipeline.GetNode("injected").config->depends_on.front(), "other");
    EXPECT_EQ(pipeline.GetNode("multi").input_kind, InputKind::INPUTS);
    EXPECT_EQ(pipeline.GetNode("query_only").input_kind, InputKind::NONE);
    EXPECT_EQ(InputKindName(InputKind::DEPENDENCY), "dependency");
}

TEST(BuildPlan, SamePipelineInputReferenceAddsADependency) {
    auto project = ProjectBuilder()
                       .Pipeline("silver",
                                 {NodeBuilder("merged").Input("orders", "$silver.orders").Sql("SELECT * FROM orders"),
                                  NodeBuilder("orders").Read("orders.csv")})
                       .Build();
    Plan plan = BuildAll(project);
    const PipelinePlan& pipeline = plan.pipelines[0];
    EXPECT_EQ(OrderOf(pipeline), (std::vector<std::string>{"orders", "merged"}));
    const PlanNode& merged = pipeline.GetNode("merged");
    EXPECT_EQ(merged.dependencies, (std::vector<std::string>{"orders"}));
    ASSERT_EQ(merged.references.size(), 1u);
    EXPECT_TRUE(merged.references[0].same_pipeline);
    EXPECT_EQ(merged.references[0].alias, "orders");
    EXPECT_EQ(merged.references[0].node, "orders");
}

TEST(BuildPlan, CrossPipelineReferenceIsKeptWithoutADependency) {
    auto project =
        ProjectBuilder()
            .Pipeline("bronze", {NodeBuilder("raw_orders").Read("o.csv").Write("raw/orders")})
            .Pipeline("silver", {NodeBuilder("clean").Input("df", "$bronze.raw_orders").Sql("SELECT * FROM df")})
            .Build();
    Plan plan = BuildAll(project);
    const PlanNode& clean = plan.GetPipeline("silver").GetNode("clean");
    EXPECT_TRUE(clean.dependencies.empty());
    ASSERT_EQ(clean.references.size(), 1u);
    EXPECT_FALSE(clean.references[0].same_pipeline);
    EXPECT_EQ(clean.references[0].pipeline, "bronze");
    EXPECT_EQ(clean.references[0].node, "raw_orders");
    EXPECT_EQ(clean.references[0].alias, "df");
}

TEST(BuildPlan, UnknownPipelineReferenceSuggestsTheClosestPipeline) {
    auto project = ProjectBuilder()
                       .Pipeline("bronze", {NodeBuilder("raw_orders").Read("o.csv")})
                       .Pipeline("silver", {NodeBuilder("clean").Input("df", "$bronz.raw_orders")})
                       .Location("pipelines[1].nodes[0].inputs.df", 14, 13)
                       .Build();
    auto diagnostics = DiagnosticsOf([&] { (void)BuildAll(project); });
    ASSERT_EQ(diagnostics.size(), 1u);
    EXPECT_EQ(diagnostics[0].code, ErrorCode::UNRESOLVED_REFERENCE);
    EXPECT_NE(diagnostics[0].message.find("no pipeline \"bronz\""), std::string::npos) << diagnostics[0].message;
    EXPECT_NE(diagnostics[0].message.find("Did you mean \"bronze\"?"), std::string::npos) << diagnostics[0].message;
    EXPECT_EQ(diagnostics[0].location.path, "pipelines[1].nodes[0].inputs.df");
    EXPECT_EQ(diagnostics[0].location.line, 14);
}

TEST(BuildPlan, UnknownNodeInAnExistingPipelineIsUnresolved) {
    auto project = ProjectBuilder()
                       .Pipeline("bronze", {NodeBuilder("raw_orders").Read("o.csv")})
                       .Pipeline("silver",
                                 {NodeBuilder("clean").Input("df", "$bronze.raw_order"),
                                  NodeBuilder("local").Input("df", "$silver.clen")})
                       .Build();
    auto diagnostics = DiagnosticsOf([&] { (void)BuildAll(project); });
    ASSERT_EQ(diagnostics.size(), 2u);
    EXPECT_EQ(diagnostics[0].code, ErrorCode::UNRESOLVED_REFERENCE);
    EXPECT_NE(
        diagnostics[0].message.find("pipeline \"bronze\" has no node \"raw_order\". Did you mean \"raw_orders\"?"),
        std::string::npos)
        << diagnostics[0].message;
    EXPECT_EQ(diagnostics[1].code, ErrorCode::UNRESOLVED_REFERENCE);
    EXPECT_NE(diagnostics[1].message.find("Did you mean \"clean\"?"), std::string::npos) << diagnostics[1].message;
}

TEST(BuildPlan, UnknownDependencySuggestsANodeOfThePipelineAndPointsAtTheEntry) {
    auto project = ProjectBuilder()
                       .Pipeline("silver",
                                 {NodeBuilder("orders").Read("o.csv"),
                                  NodeBuilder("clean").DependsOn({"orders", "ordres"}).Sql("SELECT 1")})
                       .Location("pipelines[0].nodes[1].depends_on[1]", 12, 29)
                       .Build();
    try {
        (void)BuildAll(project);
        FAIL() << "expected UNKNOWN_DEPENDENCY";
    } catch (const DiagnosticsError& error) {
        ASSERT_EQ(error.Diagnostics().size(), 1u);
        const Diagnostic& diagnostic = error.Diagnostics()[0];
        EXPECT_EQ(error.Code(), ErrorCode::UNKNOWN_DEPENDENCY);
        EXPECT_EQ(diagnostic.location.path, "pipelines[0].nodes[1].depends_on[1]");
        EXPECT_EQ(diagnostic.location.line, 12);
        EXPECT_EQ(diagnostic.location.column, 29);
        EXPECT_NE(diagnostic.message.find("node \"clean\" depends on \"ordres\""), std::string::npos);
        EXPECT_NE(diagnostic.message.find("Did you mean \"orders\"?"), std::string::npos) << diagnostic.message;
        std::string text = error.what();
        EXPECT_NE(text.find("odibi.yaml:12:29 pipelines[0].nodes[1].depends_on[1]"), std::string::npos) << text;
    }
}

TEST(BuildPlan, EveryProblemIsReportedInOneError) {
    auto project = ProjectBuilder()
                       .Pipeline("p",
                                 {NodeBuilder("a").Read("a.csv"),
                                  NodeBuilder("b").DependsOn({"x"}).Sql("SELECT 1"),
                                  NodeBuilder("c").DependsOn({"y"}).Function("filter_rowz")})
                       .Pipeline("q", {NodeBuilder("d").DependsOn({"a"}).Sql("SELECT 1")})
                       .Build();
    auto diagnostics = DiagnosticsOf([&] { (void)BuildAll(project); });
    ASSERT_EQ(diagnostics.size(), 4u);
    EXPECT_EQ(diagnostics[0].code, ErrorCode::UNKNOWN_DEPENDENCY);
    EXPECT_NE(diagnostics[0].message.find("\"x\""), std::string::npos);
    EXPECT_EQ(diagnostics[1].code, ErrorCode::UNKNOWN_DEPENDENCY);
    EXPECT_NE(diagnostics[1].message.find("\"y\""), std::string::npos);
    EXPECT_EQ(diagnostics[2].code, ErrorCode::UNKNOWN_TRANSFORMER);
    EXPECT_EQ(diagnostics[3].code, ErrorCode::UNKNOWN_DEPENDENCY);
    EXPECT_NE(diagnostics[3].message.find("pipeline \"q\""), std::string::npos) << diagnostics[3].message;
}

TEST(BuildPlan, CyclePrintsTheWholePathFromTheFirstDeclaredNode) {
    auto project = ProjectBuilder()
                       .Pipeline("p",
                                 {NodeBuilder("start").Read("s.csv"),
                                  NodeBuilder("b").DependsOn({"a"}).Sql("SELECT 1"),
                                  NodeBuilder("c").DependsOn({"b"}).Sql("SELECT 1"),
                                  NodeBuilder("a").DependsOn({"start", "c"}).Sql("SELECT 1"),
                                  NodeBuilder("after").DependsOn({"c"}).Sql("SELECT 1")})
                       .Location("pipelines[0].nodes[1]", 9, 7)
                       .Build();
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto diagnostics = DiagnosticsOf([&] { (void)BuildAll(project); });
        ASSERT_EQ(diagnostics.size(), 1u);
        EXPECT_EQ(diagnostics[0].code, ErrorCode::DEPENDENCY_CYCLE);
        EXPECT_NE(diagnostics[0].message.find("b -> c -> a -> b"), std::string::npos) << diagnostics[0].message;
        EXPECT_EQ(diagnostics[0].location.path, "pipelines[0].nodes[1]");
        EXPECT_EQ(diagnostics[0].location.line, 9);
        ASSERT_FALSE(diagnostics[0].suggestions.empty());
        EXPECT_NE(diagnostics[0].suggestions[0].find("remove \"a\" from the depends_on (or the inputs) of \"b\""),
                  std::string::npos)
            << diagnostics[0].suggestions[0];
    }
}

TEST(BuildPlan, SelfDependencyAndSeparateCyclesAreEachReported) {
    auto project = ProjectBuilder()
                       .Pipeline("p",
                                 {NodeBuilder("x").DependsOn({"y"}).Sql("SELECT 1"),
                                  NodeBuilder("self").DependsOn({"self"}).Sql("SELECT 1"),
                                  NodeBuilder("y").DependsOn({"x"}).Sql("SELECT 1")})
                       .Build();
    auto diagnostics = DiagnosticsOf([&] { (void)BuildAll(project); });
    ASSERT_EQ(diagnostics.size(), 2u);
    EXPECT_NE(diagnostics[0].message.find(": x -> y -> x ("), std::string::npos) << diagnostics[0].message;
    EXPECT_NE(diagnostics[1].message.find(": self -> self ("), std::string::npos) << diagnostics[1].message;
}

TEST(BuildPlan, CycleThroughASamePipelineInputReference) {
    auto project = ProjectBuilder()
                       .Pipeline("p",
                                 {NodeBuilder("a").Input("df", "$p.b").Sql("SELECT 1"),
                                  NodeBuilder("b").DependsOn({"a"}).Sql("SELECT 1")})
                       .Build();
    auto diagnostics = DiagnosticsOf([&] { (void)BuildAll(project); });
    ASSERT_EQ(diagnostics.size(), 1u);
    EXPECT_EQ(diagnostics[0].code, ErrorCode::DEPENDENCY_CYCLE);
    EXPECT_NE(diagnostics[0].message.find("a -> b -> a"), std::string::npos) << diagnostics[0].message;
}

TEST(BuildPlan, DuplicateNodeNamesAreReportedWithoutCrashing) {
    auto project = ProjectBuilder()
                       .Pipeline("p",
                                 {NodeBuilder("a").Read("a.csv"),
                                  NodeBuilder("b").DependsOn({"a"}).Sql("SELECT 1"),
                                  NodeBuilder("a").DependsOn({"b"}).Sql("SELECT 2")})
                       .Location("pipelines[0].nodes[0]", 5, 7)
                       .Location("pipelines[0].nodes[2].name", 11, 13)
                       .Build();
    auto diagnostics = DiagnosticsOf([&] { (void)BuildAll(project); });
    ASSERT_EQ(diagnostics.size(), 1u);
    EXPECT_EQ(diagnostics[0].code, ErrorCode::DUPLICATE_NAME);
    EXPECT_EQ(diagnostics[0].location.line, 11);
    EXPECT_NE(diagnostics[0].message.find("more than one node named \"a\"; the first is at odibi.yaml:5:7"),
              std::string::npos)
        << diagnostics[0].message;
}

TEST(BuildPlan, UnknownTransformerAndStepFunctionGetDidYouMeanAndTheirLocation) {
    auto project = ProjectBuilder()
                       .Pipeline("p",
                                 {NodeBuilder("a")
                                      .Read("a.csv")
                                      .Transformer("deduplicat", {{"keys", {"id"}}})
                                      .Sql("SELECT 1")
                                      .Function("derive_column")
                                      .Operation("drop_duplicates")})
                       .Location("pipelines[0].nodes[0].transform.steps[1]", 20, 15)
                       .Build();
    auto diagnostics = DiagnosticsOf([&] { (void)BuildAll(project); });
    ASSERT_EQ(diagnostics.size(), 2u);
    EXPECT_EQ(diagnostics[0].code, ErrorCode::UNKNOWN_TRANSFORMER);
    EXPECT_NE(diagnostics[0].message.find("unknown transformer \"deduplicat\""), std::string::npos);
    EXPECT_NE(diagnostics[0].message.find("Did you mean \"deduplicate\"?"), std::string::npos);
    EXPECT_EQ(diagnostics[0].location.path, "pipelines[0].nodes[0].transformer");
    EXPECT_EQ(diagnostics[1].code, ErrorCode::UNKNOWN_TRANSFORMER);
    EXPECT_NE(diagnostics[1].message.find("unknown function \"derive_column\""), std::string::npos);
    EXPECT_NE(diagnostics[1].message.find("Did you mean \"derive_columns\"?"), std::string::npos);
    EXPECT_EQ(diagnostics[1].location.path, "pipelines[0].nodes[0].transform.steps[1]");
    EXPECT_EQ(diagnostics[1].location.line, 20);
}

TEST(BuildPlan, PlannedTransformerIsNotSupportedYetRatherThanUnknown) {
    auto project = ProjectBuilder()
                       .Pipeline("p",
                                 {NodeBuilder("dim").Read("c.csv").Transformer("dimension", {{"natural_key", "id"}}),
                                  NodeBuilder("dates").Transformer("date_dimensio", {{"start_date", "2025-01-01"}})})
                       .Build();
    std::vector<std::string> planned = {"dimension", "date_dimension", "scd2"};
    auto diagnostics = DiagnosticsOf([&] { (void)BuildPlan(project, Selection{}, KnownTransformers(), planned); });
    ASSERT_EQ(diagnostics.size(), 2u);
    EXPECT_EQ(diagnostics[0].code, ErrorCode::NOT_SUPPORTED_YET);
    EXPECT_NE(diagnostics[0].message.find("not supported yet: transformer dimension"), std::string::npos)
        << diagnostics[0].message;
    EXPECT_EQ(diagnostics[1].code, ErrorCode::UNKNOWN_TRANSFORMER);
    EXPECT_NE(diagnostics[1].message.find("Did you mean \"date_dimension\"?"), std::string::npos);
}

TEST(BuildPlan, ProjectWithoutPipelinesIsAnError) {
    auto project = ProjectBuilder().Build();
    auto diagnostics = DiagnosticsOf([&] { (void)BuildAll(project); });
    ASSERT_EQ(diagnostics.size(), 1u);
    EXPECT_EQ(diagnostics[0].code, ErrorCode::NO_PIPELINES);
    EXPECT_FALSE(diagnostics[0].suggestions.empty());
}

TEST(BuildPlan, DisabledNodeSkipsEveryTransitiveDependent) {
    auto project = ProjectBuilder()
                       .Pipeline("p",
                                 {NodeBuilder("raw").Read("r.csv"),
                                  NodeBuilder("off").DependsOn({"raw"}).Sql("SELECT 1").Disabled(),
                                  NodeBuilder("child").DependsOn({"off"}).Sql("SELECT 1"),
                                  NodeBuilder("grandchild").DependsOn({"raw", "child"}).Sql("SELECT 1"),
                                  NodeBuilder("sibling").DependsOn({"raw"}).Sql("SELECT 1")})
                       .Build();
    Plan plan = BuildAll(project);
    const PipelinePlan& pipeline = plan.pipelines[0];
    EXPECT_TRUE(pipeline.GetNode("raw").enabled);
    EXPECT_TRUE(pipeline.GetNode("sibling").enabled);
    EXPECT_TRUE(pipeline.GetNode("sibling").skip_cause.empty());
    EXPECT_FALSE(pipeline.GetNode("off").enabled);
    EXPECT_EQ(pipeline.GetNode("off").skip_cause, "disabled");
    EXPECT_FALSE(pipeline.GetNode("child").enabled);
    EXPECT_EQ(pipeline.GetNode("child").skip_cause, "upstream 'off' is disabled");
    EXPECT_FALSE(pipeline.GetNode("grandchild").enabled);
    EXPECT_EQ(pipeline.GetNode("grandchild").skip_cause, "upstream 'off' is disabled");
    EXPECT_TRUE(pipeline.GetNode("grandchild").selected);
}

TEST(BuildPlan, AutoCacheMaterialisesNodesWithEnoughDependents) {
    std::vector<config::NodeConfig> nodes = {NodeBuilder("hub").Read("h.csv"),
                                             NodeBuilder("pair").Read("p.csv"),
                                             NodeBuilder("cached").Read("c.csv").Cache(),
                                             NodeBuilder("x").DependsOn({"hub", "pair"}).Sql("SELECT 1"),
                                             NodeBuilder("y").DependsOn({"hub", "pair"}).Sql("SELECT 1"),
                                             NodeBuilder("z").DependsOn({"hub"}).Sql("SELECT 1")};
    auto project = ProjectBuilder()
                       .Pipeline("three", nodes, 3)
                       .Pipeline("two", nodes, 2)
                       .Pipeline("off", nodes, std::nullopt)
                       .Build();
    Plan plan = BuildAll(project);
    const PipelinePlan& three = plan.GetPipeline("three");
    EXPECT_TRUE(three.GetNode("hub").materialize);
    EXPECT_FALSE(three.GetNode("pair").materialize);
    EXPECT_TRUE(three.GetNode("cached").materialize);
    EXPECT_FALSE(three.GetNode("x").materialize);
    const PipelinePlan& two = plan.GetPipeline("two");
    EXPECT_TRUE(two.GetNode("hub").materialize);
    EXPECT_TRUE(two.GetNode("pair").materialize);
    const PipelinePlan& off = plan.GetPipeline("off");
    EXPECT_FALSE(off.GetNode("hub").materialize);
    EXPECT_TRUE(off.GetNode("cached").materialize);
}

TEST(BuildPlan, RepeatedPipelineNameRunsItsLastDefinition) {
    auto project = ProjectBuilder()
                       .Pipeline("p", {NodeBuilder("old").Read("o.csv")})
                       .Pipeline("q", {NodeBuilder("other").Read("q.csv")})
                       .Pipeline("p", {NodeBuilder("new").Read("n.csv")})
                       .Build();
    Plan plan = BuildAll(project);
    ASSERT_EQ(plan.pipelines.size(), 2u);
    EXPECT_EQ(plan.pipelines[0].name, "q");
    EXPECT_EQ(plan.pipelines[1].name, "p");
    EXPECT_NE(plan.pipelines[1].TryGetNode("new"), nullptr);
    EXPECT_EQ(plan.pipelines[1].TryGetNode("old"), nullptr);
}

TEST(BuildPlan, LookupsThrowTypedErrorsWithSuggestions) {
    auto project = ProjectBuilder().Pipeline("silver", {NodeBuilder("orders").Read("o.csv")}).Build();
    Plan plan = BuildAll(project);
    EXPECT_EQ(plan.TryGetPipeline("gold"), nullptr);
    try {
        (void)plan.GetPipeline("silvr");
        FAIL() << "expected SELECTION_NOT_FOUND";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::SELECTION_NOT_FOUND);
        EXPECT_NE(error.Message().find("Did you mean \"silver\"?"), std::string::npos) << error.Message();
    }
    try {
        (void)plan.GetPipeline("silver").GetNode("order");
        FAIL() << "expected UNKNOWN_NODE";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::UNKNOWN_NODE);
        EXPECT_NE(error.Message().find("Did you mean \"orders\"?"), std::string::npos) << error.Message();
    }
}

TEST(BuildPlan, NullProjectIsAnInternalError) {
    try {
        (void)BuildPlan(nullptr, Selection{}, {});
        FAIL() << "expected an internal error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::INTERNAL);
    }
}

} // namespace
} // namespace odibi::graph
