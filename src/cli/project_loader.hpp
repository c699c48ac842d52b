// Loads a project and builds its plan the same way for every command.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"
#include "odibi/graph/plan.hpp"

namespace odibi::cli {

struct ProjectRequest {
    std::string config_path = "odibi.yaml";
    std::optional<std::string> environment;
    std::optional<std::string> engine;
    graph::Selection selection;
};

struct LoadedProject {
    std::shared_ptr<const config::ProjectConfig> project;
    graph::Plan plan;
    DiagnosticList diagnostics; ///< warnings and info lines from every stage
};

/// LOAD, VALIDATE and PLAN: throws DiagnosticsError (all problems at once) when anything is wrong.
[[nodiscard]] LoadedProject LoadAndPlan(const ProjectRequest& request);

/// Loads only the configuration (for commands that need paths, not a plan).
[[nodiscard]] config::ProjectConfig LoadConfigOnly(const std::string& config_path);

} // namespace odibi::cli
