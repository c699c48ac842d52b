// `odibi story last|list|show`: find and print run stories under the project's story path.
#include <iostream>

#include "commands.hpp"
#include "project_loader.hpp"
#include "terminal.hpp"
#include <fmt/format.h>

#include "odibi/execute/runner.hpp"
#include "odibi/observe/story.hpp"

namespace odibi::cli {
namespace {

struct StoryArguments {
    std::string config_path = "odibi.yaml";
    std::optional<std::string> directory;
    std::optional<std::string> pipeline;
    std::string path;
    size_t limit = 10;
    std::string format = "text";
};

std::string StoryRootOf(const StoryArguments& arguments) {
    if (arguments.directory) {
        return *arguments.directory;
    }
    return execute::StoryRoot(LoadConfigOnly(arguments.config_path));
}

void PrintStory(const nlohmann::ordered_json& story, const std::string& format, const std::string& path) {
    if (format == "json") {
        std::cout << story.dump(2) << std::endl;
        return;
    }
    std::cout << observe::RenderStoryText(story);
    std::cout << fmt::format("Story: {}\n", path);
}

ExitCode Last(const StoryArguments& arguments) {
    std::string root = StoryRootOf(arguments);
    auto last = observe::TryGetLastStory(root, arguments.pipeline);
    if (!last) {
        throw Error(ErrorCode::STORY_NOT_FOUND, ErrorSource::USER, fmt::format("no stories under {}", root))
            .WithSuggestion("run a pipeline first: odibi run " + arguments.config_path);
    }
    PrintStory(observe::LoadStory(last->json_path), arguments.format, last->html_path);
    return ExitCode::SUCCESS;
}

ExitCode List(const StoryArguments& arguments) {
    std::string root = StoryRootOf(arguments);
    auto stories = observe::ListStories(root, arguments.limit);
    if (arguments.format == "json") {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& story : stories) {
            list.push_back({{"pipeline", story.pipeline},
                            {"started_at", story.started_at},
                            {"status", story.status},
                            {"json_path", story.json_path},
                            {"html_path", story.html_path}});
        }
        std::cout << list.dump(2) << std::endl;
        return ExitCode::SUCCESS;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& story : stories) {
        rows.push_back({story.started_at, story.pipeline, story.status, story.html_path});
    }
    std::cout << FormatTable({"started_at", "pipeline", "status", "story"}, rows);
    return ExitCode::SUCCESS;
}

ExitCode Show(const StoryArguments& arguments) {
    PrintStory(observe::LoadStory(arguments.path), arguments.format, arguments.path);
    return ExitCode::SUCCESS;
}

} // namespace

void AddStoryCommand(CLI::App& app, CommandAction& action) {
    auto* story = app.add_subcommand("story", "Find and show run stories");
    story->require_subcommand(1);

    auto last_arguments = std::make_shared<StoryArguments>();
    auto* last = story->add_subcommand("last", "Show the newest story of the project");
    last->add_option("config", last_arguments->config_path, "Project file")->default_val("odibi.yaml");
    last->add_option("--pipeline", last_arguments->pipeline, "Only this pipeline's stories");
    last->add_option("--directory", last_arguments->directory, "Story directory (instead of the project's story path)");
    last->add_option("--format", last_arguments->format, "Output")->check(CLI::IsMember({"text", "json"}));
    last->callback([last_arguments, &action] { action = [last_arguments] { return Last(*last_arguments); }; });

    auto list_arguments = std::make_shared<StoryArguments>();
    auto* list = story->add_subcommand("list", "List stories, newest first");
    list->add_option("config", list_arguments->config_path, "Project file")->default_val("odibi.yaml");
    list->add_option("--directory", list_arguments->directory, "Story directory (instead of the project's story path)");
    list->add_option("--limit", list_arguments->limit, "How many")->default_val(10);
    list->add_option("--format", list_arguments->format, "Output")->check(CLI::IsMember({"text", "json"}));
    list->callback([list_arguments, &action] { action = [list_arguments] { return List(*list_arguments); }; });

    auto show_arguments = std::make_shared<StoryArguments>();
    auto* show = story->add_subcommand("show", "Show a story file (.json or .html)");
    show->add_option("path", show_arguments->path, "Story file")->required();
    show->add_option("--format", show_arguments->format, "Output")->check(CLI::IsMember({"text", "json"}));
    show->callback([show_arguments, &action] { action = [show_arguments] { return Show(*show_arguments); }; });
}

} // namespace odibi::cli
