// `odibi state list|get|set|reset`: read and change stored state (high-water marks), e.g. for a backfill.
#include <iostream>

#include "commands.hpp"
#include "confirmation.hpp"
#include "project_loader.hpp"
#include "terminal.hpp"
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "odibi/common/error.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/execute/catalog_open.hpp"
#include "odibi/execute/runner.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::cli {
namespace {

struct StateArguments {
    std::string config_path = "odibi.yaml";
    std::string key;
    std::string value;
    std::string format = "table";
    bool all = false;
    bool yes = false;
};

struct OpenedState {
    config::ProjectConfig project;
    std::unique_ptr<state::Catalog> catalog;
};

OpenedState Open(const std::string& config_path) {
    OpenedState opened{LoadConfigOnly(config_path), nullptr};
    opened.catalog = execute::OpenCatalog(opened.project);
    return opened;
}

std::vector<std::string> KeysOf(state::Catalog& catalog) {
    std::vector<std::string> keys;
    for (const auto& entry : catalog.ListState()) {
        keys.push_back(entry.key);
    }
    return keys;
}

Error UnknownKey(state::Catalog& catalog, const std::string& key) {
    std::vector<std::string> keys = KeysOf(catalog);
    std::string message = fmt::format("no state stored under key \"{}\"", key);
    std::string hint = DidYouMean(key, keys);
    if (!hint.empty()) {
        message += ". " + hint;
    }
    Error error(ErrorCode::STATE_NOT_FOUND, ErrorSource::USER, message);
    error.WithContext("key", key);
    error.WithSuggestion(keys.empty() ? std::string("no state is stored yet: a stateful incremental node stores its "
                                                    "high-water mark when it first succeeds")
                                      : fmt::format("stored keys: {} (odibi state list)", Join(keys, ", ")));
    return error;
}

/// Asks on a terminal; elsewhere the caller must have said --yes.
bool Confirm(const std::string& question, bool yes) {
    return cli::Confirm(question, "this changes stored state", yes);
}

/// The value as meta_state keeps it: JSON text. Text that is not JSON is stored as a JSON string.
std::string Encode(const std::string& value) {
    nlohmann::json parsed = nlohmann::json::parse(value, nullptr, false);
    if (parsed.is_discarded()) {
        return nlohmann::json(value).dump();
    }
    return parsed.dump();
}

void PrintEntries(const std::vector<state::StateEntry>& entries, const std::string& format) {
    if (format == "json") {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& entry : entries) {
            nlohmann::ordered_json value = nlohmann::ordered_json::parse(entry.value, nullptr, false);
            list.push_back({{"key", entry.key},
                            {"value", value.is_discarded() ? nlohmann::ordered_json(entry.value) : value},
                            {"environment", entry.environment},
                            {"updated_at", entry.updated_at}});
        }
        std::cout << list.dump(2) << std::endl;
        return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& entry : entries) {
        rows.push_back({entry.key, entry.value, entry.environment, entry.updated_at});
    }
    std::cout << FormatTable({"key", "value", "environment", "updated_at"}, rows);
}

ExitCode List(const StateArguments& arguments) {
    auto opened = Open(arguments.config_path);
    PrintEntries(opened.catalog->ListState(), arguments.format);
    return ExitCode::SUCCESS;
}

ExitCode Get(const StateArguments& arguments) {
    auto opened = Open(arguments.config_path);
    auto entry = opened.catalog->TryGetState(arguments.key);
    if (!entry) {
        throw UnknownKey(*opened.catalog, arguments.key);
    }
    PrintEntries({*entry}, arguments.format);
    return ExitCode::SUCCESS;
}

ExitCode Set(const StateArguments& arguments) {
    auto opened = Open(arguments.config_path);
    std::string value = Encode(arguments.value);
    auto existing = opened.catalog->TryGetState(arguments.key);
    if (existing && existing->value == value) {
        std::cout << fmt::format("{} already holds {}: nothing to change\n", arguments.key, value);
        return ExitCode::SUCCESS;
    }
    if (existing) {
        if (!Confirm(fmt::format("replace {} = {} with {}", arguments.key, existing->value, value), arguments.yes)) {
            std::cout << "nothing changed\n";
            return ExitCode::FAILED;
        }
    } else {
        std::string hint = DidYouMean(arguments.key, KeysOf(*opened.catalog));
        if (!hint.empty()) {
            std::cerr << Terminal::Yellow(
                fmt::format("note: no key \"{}\" was stored yet; a new one is made. {}\n", arguments.key, hint));
        }
    }
    const auto& project = opened.project;
    opened.catalog->SetState(state::StateEntry{
        arguments.key, value, project.system.environment.value_or(project.environment.value_or("")), ""});
    std::cout << fmt::format(
        "{} = {}{}\n", arguments.key, value, existing ? fmt::format(" (was {})", existing->value) : std::string());
    return ExitCode::SUCCESS;
}

ExitCode Reset(const StateArguments& arguments) {
    auto opened = Open(arguments.config_path);
    if (arguments.all == !arguments.key.empty()) {
        throw Error(ErrorCode::USAGE_ERROR, ErrorSource::USER, "odibi state reset needs a key or --all, not both")
            .WithSuggestion("odibi state reset <key>, or odibi state reset --all");
    }
    if (arguments.all) {
        std::vector<std::string> keys = KeysOf(*opened.catalog);
        if (keys.empty()) {
            std::cout << "no state is stored: nothing to reset\n";
            return ExitCode::SUCCESS;
        }
        if (!Confirm(fmt::format("delete all {} state keys ({})", keys.size(), Join(keys, ", ")), arguments.yes)) {
            std::cout << "nothing changed\n";
            return ExitCode::FAILED;
        }
        for (const auto& key : keys) {
            (void)opened.catalog->DeleteState(key);
        }
        std::cout << fmt::format("deleted {} state keys; the next run of their nodes reads everything\n", keys.size());
        return ExitCode::SUCCESS;
    }
    auto existing = opened.catalog->TryGetState(arguments.key);
    if (!existing) {
        throw UnknownKey(*opened.catalog, arguments.key);
    }
    if (!Confirm(fmt::format("delete {} = {}", arguments.key, existing->value), arguments.yes)) {
        std::cout << "nothing changed\n";
        return ExitCode::FAILED;
    }
    (void)opened.catalog->DeleteState(arguments.key);
    std::cout << fmt::format(
        "deleted {} (was {}); the next run of its node reads everything\n", arguments.key, existing->value);
    return ExitCode::SUCCESS;
}

void AddConfigOption(CLI::App* command, StateArguments& arguments) {
    command->add_option("-c,--config", arguments.config_path, "Project file")->default_val("odibi.yaml");
}

} // namespace

void AddStateCommand(CLI::App& app, CommandAction& action) {
    auto* group = app.add_subcommand("state", "Read and change stored state (high-water marks)");
    group->require_subcommand(1);

    auto list_arguments = std::make_shared<StateArguments>();
    auto* list = group->add_subcommand("list", "Every stored key with its value and when it changed");
    list->add_option("config", list_arguments->config_path, "Project file")->default_val("odibi.yaml");
    list->add_option("--format", list_arguments->format, "Output")->check(CLI::IsMember({"table", "json"}));
    list->callback([list_arguments, &action] { action = [list_arguments] { return List(*list_arguments); }; });

    auto get_arguments = std::make_shared<StateArguments>();
    auto* get = group->add_subcommand("get", "One key's value");
    get->add_option("key", get_arguments->key, "State key (e.g. orders_hwm)")->required();
    AddConfigOption(get, *get_arguments);
    get->add_option("--format", get_arguments->format, "Output")->check(CLI::IsMember({"table", "json"}));
    get->callback([get_arguments, &action] { action = [get_arguments] { return Get(*get_arguments); }; });

    auto set_arguments = std::make_shared<StateArguments>();
    auto* set = group->add_subcommand("set", "Set a key's value (JSON, or plain text stored as a string)");
    set->add_option("key", set_arguments->key, "State key (e.g. orders_hwm)")->required();
    set->add_option("value", set_arguments->value, "New value, e.g. '2026-01-01 00:00:00' or 42")->required();
    AddConfigOption(set, *set_arguments);
    set->add_flag("-y,--yes", set_arguments->yes, "Replace an existing value without asking");
    set->callback([set_arguments, &action] { action = [set_arguments] { return Set(*set_arguments); }; });

    auto reset_arguments = std::make_shared<StateArguments>();
    auto* reset = group->add_subcommand("reset", "Delete a key (its node then reads everything again)");
    reset->add_option("key", reset_arguments->key, "State key (e.g. orders_hwm)");
    AddConfigOption(reset, *reset_arguments);
    reset->add_flag("--all", reset_arguments->all, "Delete every key");
    reset->add_flag("-y,--yes", reset_arguments->yes, "Delete without asking");
    reset->callback([reset_arguments, &action] { action = [reset_arguments] { return Reset(*reset_arguments); }; });
}

} // namespace odibi::cli
