// Selection: --pipeline drops pipelines, --node pulls in its upstream, --tag does not; bad names are errors.
#include "project_builder.hpp"
#include <gtest/gtest.h>

#include "odibi/graph/plan.hpp"

namespace odibi::graph {
namespace {

using fixture::DiagnosticsOf;
using fixture::KnownTransformers;
using fixture::NodeBuilder;
using fixture::ProjectBuilder;

std::shared_ptr<const config::ProjectConfig> MedallionProject() {
    return ProjectBuilder()
        .Pipeline("bronze",
                  {NodeBuilder("raw_orders").Read("orders.csv").Tags({"daily"}),
                   NodeBuilder("raw_customers").Read("customers.csv")})
        .Pipeline("silver",
                  {NodeBuilder("orders").Read("orders.csv"),
                   NodeBuilder("customers").Read("customers.csv"),
                   NodeBuilder("clean").DependsOn({"orders"}).Sql("SELECT * FROM df"),
                   NodeBuilder("joined").DependsOn({"clean", "customers"}).Sql("SELECT 1").Tags({"daily"}),
                   NodeBuilder("report").DependsOn({"joined"}).Sql("SELECT 1"),
                   NodeBuilder("side").DependsOn({"orders"}).Sql("SELECT 1")})
        .Pipeline("gold", {NodeBuilder("report").Read("report.csv"), NodeBuilder("kpi").Read("kpi.csv")})
        .Build();
}

std::vector<std::string> SelectedNames(const PipelinePlan& pipeline) {
    std::vector<std::string> names;
    for (const auto& node : pipeline.nodes) {
        if (node.selected) {
            names.push_back(node.name);
        }
    }
    return names;
}

std::vector<std::string> PipelineNames(const Plan& plan) {
    std::vector<std::string> names;
    for (const auto& pipeline : plan.pipelines) {
        names.push_back(pipeline.name);
    }
    return names;
}

TEST(Selection, EmptySelectionPlansEveryPipelineAndNode) {
    Plan plan = BuildPlan(MedallionProject(), Selection{}, KnownTransformers());
    EXPECT_EQ(PipelineNames(plan), (std::vector<std::string>{"bronze", "silver", "gold"}));
    EXPECT_EQ(SelectedNames(plan.GetPipeline("silver")).size(), 6u);
}

TEST(Selection, PipelineSelectionKeepsDeclarationOrder) {
    Selection selection;
    selection.pipelines = {"gold", "bronze"};
    Plan plan = BuildPlan(MedallionProject(), selection, KnownTransformers());
    EXPECT_EQ(PipelineNames(plan), (std::vector<std::string>{"bronze", "gold"}));
}

TEST(Selection, UnknownPipelineSuggestsTheClosestName) {
    Selection selection;
    selection.pipelines = {"silvr", "platinum"};
    auto diagnostics = DiagnosticsOf([&] { (void)BuildPlan(MedallionProject(), selection, KnownTransformers()); });
    ASSERT_EQ(diagnostics.size(), 2u);
    EXPECT_EQ(diagnostics[0].code, ErrorCode::SELECTION_NOT_FOUND);
    EXPECT_NE(diagnostics[0].message.find("--pipeline \"silvr\""), std::string::npos) << diagnostics[0].message;
    EXPECT_NE(diagnostics[0].message.find("Did you mean \"silver\"?"), std::string::npos) << diagnostics[0].message;
    EXPECT_EQ(diagnostics[1].code, ErrorCode::SELECTION_NOT_FOUND);
    EXPECT_EQ(diagnostics[1].message.find("Did you mean"), std::string::npos) << diagnostics[1].message;
}

TEST(Selection, NodePullsInEveryTransitiveUpstreamNode) {
    Selection selection;
    selection.pipelines = {"silver"};
    selection.nodes = {"report"};
    Plan plan = BuildPlan(MedallionProject(), selection, KnownTransformers());
    ASSERT_EQ(plan.pipelines.size(), 1u);
    const PipelinePlan& silver = plan.pipelines[0];
    EXPECT_EQ(SelectedNames(silver), (std::vector<std::string>{"orders", "customers", "clean", "joined", "report"}));
    // Unselected nodes stay in the plan so the runner can resolve their written outputs.
    ASSERT_NE(silver.TryGetNode("side"), nullptr);
    EXPECT_FALSE(silver.GetNode("side").selected);
    EXPECT_EQ(silver.nodes.size(), 6u);
}

TEST(Selection, NodeMustExistInEverySelectedPipeline) {
    Selection selection;
    selection.nodes = {"report"};
    auto diagnostics = DiagnosticsOf([&] { (void)BuildPlan(MedallionProject(), selection, KnownTransformers()); });
    ASSERT_EQ(diagnostics.size(), 1u);
    EXPECT_EQ(diagnostics[0].code, ErrorCode::SELECTION_NOT_FOUND);
    EXPECT_NE(diagnostics[0].message.find("--node \"report\" is not a node of the selected pipeline \"bronze\""),
              std::string::npos)
        << diagnostics[0].message;
    ASSERT_EQ(diagnostics[0].suggestions.size(), 1u);
    EXPECT_NE(diagnostics[0].suggestions[0].find("\"silver\", \"gold\""), std::string::npos)
        << diagnostics[0].suggestions[0];
}

TEST(Selection, NodeInEverySelectedPipelineSelectsItInEach) {
    Selection selection;
    selection.pipelines = {"silver", "gold"};
    selection.nodes = {"report"};
    Plan plan = BuildPlan(MedallionProject(), selection, KnownTransformers());
    EXPECT_EQ(SelectedNames(plan.GetPipeline("gold")), (std::vector<std::string>{"report"}));
    EXPECT_EQ(SelectedNames(plan.GetPipeline("silver")).size(), 5u);
}

TEST(Selection, MisspelledNodeGetsDidYouMean) {
    Selection selection;
    selection.pipelines = {"silver"};
    selection.nodes = {"joind"};
    auto diagnostics = DiagnosticsOf([&] { (void)BuildPlan(MedallionProject(), selection, KnownTransformers()); });
    ASSERT_EQ(diagnostics.size(), 1u);
    EXPECT_NE(diagnostics[0].message.find("Did you mean \"joined\"?"), std::string::npos) << diagnostics[0].message;
}

TEST(Selection, TagSelectsOnlyTaggedNodesWithoutTheirDependencies) {
    Selection selection;
    selection.tags = {"daily"};
    Plan plan = BuildPlan(MedallionProject(), selection, KnownTransformers());
    // gold has no daily node, so a tag-only selection leaves it out.
    EXPECT_EQ(PipelineNames(plan), (std::vector<std::string>{"bronze", "silver"}));
    EXPECT_EQ(SelectedNames(plan.GetPipeline("bronze")), (std::vector<std::string>{"raw_orders"}));
    EXPECT_EQ(SelectedNames(plan.GetPipeline("silver")), (std::vector<std::string>{"joined"}));
    EXPECT_FALSE(plan.GetPipeline("silver").GetNode("clean").selected);
}

TEST(Selection, TagThatSelectsNothingIsAnError) {
    Selection selection;
    selection.tags = {"dayly"};
    auto diagnostics = DiagnosticsOf([&] { (void)BuildPlan(MedallionProject(), selection, KnownTransformers()); });
    ASSERT_EQ(diagnostics.size(), 1u);
    EXPECT_EQ(diagnostics[0].code, ErrorCode::SELECTION_NOT_FOUND);
    EXPECT_NE(diagnostics[0].message.find("Did you mean \"daily\"?"), std::string::npos) << diagnostics[0].message;
}

TEST(Selection, TagOutsideTheSelectedPipelinesSelectsNothing) {
    Selection selection;
    selection.pipelines = {"gold"};
    selection.tags = {"daily"};
    auto diagnostics = DiagnosticsOf([&] { (void)BuildPlan(MedallionProject(), selection, KnownTransformers()); });
    ASSERT_EQ(diagnostics.size(), 1u);
    EXPECT_EQ(diagnostics[0].code, ErrorCode::SELECTION_NOT_FOUND);
}

TEST(Selection, NodeAndTagSelectionsAreCombined) {
    Selection selection;
    selection.pipelines = {"silver"};
    selection.nodes = {"clean"};
    selection.tags = {"daily"};
    Plan plan = BuildPlan(MedallionProject(), selection, KnownTransformers());
    EXPECT_EQ(SelectedNames(plan.GetPipeline("silver")), (std::vector<std::string>{"orders", "clean", "joined"}));
}

} // namespace
} // namespace odibi::graph
