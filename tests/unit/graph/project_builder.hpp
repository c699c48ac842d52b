// Builds ProjectConfig values in C++ for the graph tests, the way the loader would fill them.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"

namespace odibi::graph::fixture {

/// One node, built fluently: NodeBuilder("orders").Read("orders.csv").Sql("SELECT ...").
class NodeBuilder {
public:
    explicit NodeBuilder(std::string name) { node_.name = std::move(name); }

    NodeBuilder& Read(const std::string& path) {
        config::ReadConfig read;
        read.connection = "local";
        read.format = "csv";
        read.path = path;
        node_.read = read;
        return *this;
    }
    NodeBuilder& ReadSqlFile(const std::string& path) {
        config::ReadConfig read;
        read.connection = "warehouse";
        read.format = "sql";
        read.sql_file = path;
        node_.read = read;
        return *this;
    }
    NodeBuilder& DependsOn(std::vector<std::string> names) {
        node_.depends_on = std::move(names);
        return *this;
    }
    /// `reference` is "$pipeline.node".
    NodeBuilder& Input(const std::string& alias, const std::string& reference) {
        config::InputConfig input;
        input.alias = alias;
        auto dot = reference.find('.');
        if (reference.empty() || reference[0] != '$' || dot == std::string::npos) {
            throw std::invalid_argument("Input needs \"$pipeline.node\", got " + reference);
        }
        input.reference_pipeline = reference.substr(1, dot - 1);
        input.reference_node = reference.substr(dot + 1);
        node_.inputs.push_back(input);
        return *this;
    }
    NodeBuilder& InlineInput(const std::string& alias, const std::string& path) {
        config::InputConfig input;
        input.alias = alias;
        config::ReadConfig read;
        read.connection = "local";
        read.format = "csv";
        read.path = path;
        input.read = read;
        node_.inputs.push_back(input);
        return *this;
    }
    NodeBuilder& Sql(const std::string& sql) { return Step(config::StepKind::SQL, sql); }
    NodeBuilder& SqlFile(const std::string& path) { return Step(config::StepKind::SQL_FILE, path); }
    NodeBuilder& Function(const std::string& name, config::Json params = config::Json::object()) {
        return Step(config::StepKind::FUNCTION, name, std::move(params));
    }
    NodeBuilder& Operation(const std::string& name) { return Step(config::StepKind::OPERATION, name); }
    NodeBuilder& Transformer(const std::string& name, config::Json params) {
        node_.transformer = name;
        node_.params = std::move(params);
        return *this;
    }
    NodeBuilder& Write(const std::string& path) {
        config::WriteConfig write;
        write.connection = "local";
        write.format = "parquet";
        write.path = path;
        node_.write = write;
        return *this;
    }
    NodeBuilder& Tags(std::vector<std::string> tags) {
        node_.tags = std::move(tags);
        return *this;
    }
    NodeBuilder& Disabled() {
        node_.enabled = false;
        return *this;
    }
    NodeBuilder& Cache() {
        node_.cache = true;
        return *this;
    }
    NodeBuilder& Description(const std::string& text) {
        node_.description = text;
        return *this;
    }
    NodeBuilder& SourceFile(const std::string& path) {
        node_.source_file = path;
        return *this;
    }

    // NOLINTNEXTLINE(google-explicit-constructor): lets tests list builders where nodes are expected.
    operator config::NodeConfig() const { return node_; }

private:
    NodeBuilder& Step(config::StepKind kind, const std::string& text, config::Json params = config::Json::object()) {
        config::TransformStep step;
        step.kind = kind;
        step.text = text;
        step.params = std::move(params);
        node_.transform_steps.push_back(step);
        return *this;
    }

    config::NodeConfig node_;
};

/// A project of pipelines; Build() fills config paths as the loader does and returns it shared.
class ProjectBuilder {
public:
    ProjectBuilder() {
        project_.project = "test_project";
        project_.config_file = "odibi.yaml";
    }

    ProjectBuilder& Pipeline(const std::string& name,
                             std::vector<config::NodeConfig> nodes,
                             std::optional<int> auto_cache_threshold = 3) {
        config::PipelineConfig pipeline;
        pipeline.name = name;
        pipeline.nodes = std::move(nodes);
        pipeline.auto_cache_threshold = auto_cache_threshold;
        project_.pipelines.push_back(std::move(pipeline));
        return *this;
    }

    /// Records where `path` was written, as the loader would.
    ProjectBuilder& Location(const std::string& path, int line, int column) {
        project_.locations.Set(path, SourceLocation{project_.config_file, line, column, path});
        return *this;
    }

    [[nodiscard]] std::shared_ptr<const config::ProjectConfig> Build() {
        for (size_t pipeline_index = 0; pipeline_index < project_.pipelines.size(); ++pipeline_index) {
            auto& pipeline = project_.pipelines[pipeline_index];
            pipeline.config_path = "pipelines[" + std::to_string(pipeline_index) + "]";
            for (size_t node_index = 0; node_index < pipeline.nodes.size(); ++node_index) {
                auto& node = pipeline.nodes[node_index];
                node.config_path = pipeline.config_path + ".nodes[" + std::to_string(node_index) + "]";
                for (size_t step_index = 0; step_index < node.transform_steps.size(); ++step_index) {
                    node.transform_steps[step_index].config_path =
                        node.config_path + ".transform.steps[" + std::to_string(step_index) + "]";
                }
                for (auto& input : node.inputs) {
                    input.config_path = node.config_path + ".inputs." + input.alias;
                }
            }
        }
        return std::make_shared<const config::ProjectConfig>(project_);
    }

private:
    config::ProjectConfig project_;
};

/// The diagnostics of the DiagnosticsError that `action` throws; fails the test when it throws none.
template <typename Action> std::vector<Diagnostic> DiagnosticsOf(Action&& action) {
    try {
        action();
    } catch (const DiagnosticsError& error) {
        return error.Diagnostics();
    }
    ADD_FAILURE() << "expected a DiagnosticsError";
    return {};
}

/// Names of the known transformers the tests plan with.
inline const std::vector<std::string>& KnownTransformers() {
    static const std::vector<std::string> names = {
        "filter_rows", "derive_columns", "deduplicate", "drop_duplicates", "rename_columns", "aggregate"};
    return names;
}

} // namespace odibi::graph::fixture
