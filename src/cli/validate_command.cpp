// `odibi validate`: load + validate + plan without running; text or JSON report.
#include <iostream>

#include "commands.hpp"
#include "project_loader.hpp"
#include "terminal.hpp"
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "odibi/common/log.hpp"

namespace odibi::cli {
namespace {

struct ValidateArguments {
    ProjectRequest request;
    std::string format = "text";
};

nlohmann::ordered_json DiagnosticJson(const Diagnostic& diagnostic) {
    nlohmann::ordered_json item;
    item["code"] = ErrorCodeString(diagnostic.code);
    item["field_path"] = diagnostic.location.path;
    item["message"] = SecretRegistry::Redact(diagnostic.message);
    item["fix"] = diagnostic.suggestions.empty() ? "" : SecretRegistry::Redact(diagnostic.suggestions.front());
    item["suggestions"] = diagnostic.suggestions;
    item["file"] = diagnostic.location.file;
    item["line"] = diagnostic.location.line;
    item["column"] = diagnostic.location.column;
    return item;
}

ExitCode Validate(const ValidateArguments& arguments) {
    std::vector<Diagnostic> errors;
    DiagnosticList notes;
    size_t pipeline_count = 0;
    size_t node_count = 0;
    try {
        LoadedProject loaded = LoadAndPlan(arguments.request);
        notes = loaded.diagnostics;
        pipeline_count = loaded.plan.pipelines.size();
        for (const auto& pipeline : loaded.plan.pipelines) {
            node_count += pipeline.nodes.size();
        }
    } catch (const DiagnosticsError& error) {
        errors = error.Diagnostics();
    } catch (const Error& error) {
        errors.push_back(Diagnostic::FromError(error));
    }
    bool valid = errors.empty();
    std::string summary = valid ? fmt::format("valid: {} pipeline{}, {} node{}",
                                              pipeline_count,
                                              pipeline_count == 1 ? "" : "s",
                                              node_count,
                                              node_count == 1 ? "" : "s")
                                : fmt::format("invalid: {} error{}", errors.size(), errors.size() == 1 ? "" : "s");
    if (arguments.format == "json") {
        nlohmann::ordered_json report;
        report["valid"] = valid;
        report["errors"] = nlohmann::ordered_json::array();
        for (const auto& error : errors) {
            report["errors"].push_back(DiagnosticJson(error));
        }
        report["warnings"] = nlohmann::ordered_json::array();
        for (const auto& note : notes.Items()) {
            report["warnings"].push_back(DiagnosticJson(note));
        }
        report["summary"] = summary;
        std::cout << report.dump(2) << std::endl;
    } else {
        PrintDiagnostics(notes);
        for (const auto& error : errors) {
            std::cerr << SecretRegistry::Redact(error.Render()) << "\n";
        }
        std::cout << (valid ? Terminal::Green("✓ " + summary) : Terminal::Red("✗ " + summary)) << std::endl;
    }
    return valid ? ExitCode::SUCCESS : ExitCode::INVALID;
}

} // namespace

void AddValidateCommand(CLI::App& app, CommandAction& action) {
    auto arguments = std::make_shared<ValidateArguments>();
    auto* command = app.add_subcommand("validate", "Check a project without running it; reports every problem at once");
    command->add_option("config", arguments->request.config_path, "Project file")->default_val("odibi.yaml");
    command->add_option("--env", arguments->request.environment, "Environment overrides to apply");
    command
        ->add_option("--engine", arguments->request.engine, "Validate a project written for another engine as DuckDB")
        ->check(CLI::IsMember({"duckdb"}));
    command->add_option("--format", arguments->format, "Output format")->check(CLI::IsMember({"text", "json", "auto"}));
    command->callback([arguments, &action] { action = [arguments] { return Validate(*arguments); }; });
}

} // namespace odibi::cli
