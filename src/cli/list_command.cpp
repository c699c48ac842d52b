// `odibi list transformers` (table, JSON, or the Markdown of docs/transformers.md) and `odibi explain <name>`.
#include <iostream>

#include "commands.hpp"
#include "terminal.hpp"
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "odibi/common/strings.hpp"
#include "odibi/transform/transformer.hpp"
#include "odibi/transform/transformer_docs.hpp"

namespace odibi::cli {
namespace {

ExitCode ListTransformers(const std::string& format) {
    const auto& registry = transform::TransformerRegistry::Builtins();
    if (format == "markdown") {
        std::cout << transform::TransformersMarkdown(registry);
        return ExitCode::SUCCESS;
    }
    if (format == "json") {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& name : registry.Names()) {
            const auto& info = registry.Get(name).Info();
            nlohmann::ordered_json params = nlohmann::ordered_json::array();
            for (const auto& param : info.params) {
                params.push_back({{"name", param.name},
                                  {"type", param.type},
                                  {"required", param.required},
                                  {"default", param.default_value},
                                  {"allowed_values", param.allowed_values},
                                  {"description", param.description}});
            }
            list.push_back({{"name", info.name},
                            {"category", info.category},
                            {"description", info.description},
                            {"params", params}});
        }
        std::cout << list.dump(2) << std::endl;
        return ExitCode::SUCCESS;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& name : registry.Names()) {
        const auto& info = registry.Get(name).Info();
        std::vector<std::string> params;
        for (const auto& param : info.params) {
            params.push_back(param.required ? param.name + "*" : param.name);
        }
        rows.push_back({info.name, info.category, Join(params, ", ")});
    }
    std::cout << FormatTable({"transformer", "category", "params (* = required)"}, rows);
    return ExitCode::SUCCESS;
}

ExitCode Explain(const std::string& name) {
    const auto& info = transform::TransformerRegistry::Builtins().Get(name).Info();
    std::cout << Terminal::Bold(info.name)
              << fmt::format(" ({})\n\n{}\n\nParameters:\n", info.category, info.description);
    for (const auto& param : info.params) {
        std::cout << fmt::format("  {}{} ({}){}{}\n      {}\n",
                                 param.name,
                                 param.required ? " [required]" : "",
                                 param.type,
                                 param.default_value.empty() ? "" : ", default " + param.default_value,
                                 param.allowed_values.empty() ? "" : ", one of " + Join(param.allowed_values, ", "),
                                 param.description);
    }
    std::cout << "\nExample:\n" << info.example_yaml << "\n";
    return ExitCode::SUCCESS;
}

} // namespace

void AddListCommands(CLI::App& app, CommandAction& action) {
    auto* list = app.add_subcommand("list", "List built-in components");
    list->require_subcommand(1);
    auto format = std::make_shared<std::string>("table");
    auto* transformers = list->add_subcommand("transformers", "Built-in transformers and their parameters");
    transformers->add_option("--format", *format, "Output")->check(CLI::IsMember({"table", "json", "markdown"}));
    transformers->callback([format, &action] { action = [format] { return ListTransformers(*format); }; });

    auto name = std::make_shared<std::string>();
    auto* explain = app.add_subcommand("explain", "Describe a transformer: parameters and an example");
    explain->add_option("name", *name, "Transformer name")->required();
    explain->callback([name, &action] { action = [name] { return Explain(*name); }; });
}

} // namespace odibi::cli
