// The odibi command line: parses arguments, installs the log sink, maps errors to exit codes.
#include <iostream>

#include "commands.hpp"
#include "terminal.hpp"
#include <fmt/format.h>

#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::cli {

int RunCli(int argc, char** argv) {
    CLI::App app{"odibi: declarative data pipelines on DuckDB"};
    app.require_subcommand(1);
    app.set_version_flag("--version",
                         fmt::format("odibi {} (DuckDB {})", ODIBI_VERSION, engine::DuckDbVersion()),
                         "Print odibi's and DuckDB's versions");
    CommandAction action;
    AddRunCommand(app, action);
    AddValidateCommand(app, action);
    AddGraphCommands(app, action);
    AddStoryCommand(app, action);
    AddCatalogCommand(app, action);
    AddListCommands(app, action);
    AddStateCommand(app, action);
    AddDeltaCommand(app, action);

    Log::SetSink([](LogLevel level, std::string_view message) {
        std::string text = fmt::format("{}: {}", ToLower(std::string(LogLevelName(level))), message);
        std::cerr << (level >= LogLevel::ERROR     ? Terminal::Red(text)
                      : level == LogLevel::WARNING ? Terminal::Yellow(text)
                                                   : Terminal::Dim(text))
                  << std::endl;
    });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        int code = app.exit(error);
        return code == 0 ? static_cast<int>(ExitCode::SUCCESS) : static_cast<int>(ExitCode::INVALID);
    }
    try {
        return static_cast<int>(action());
    } catch (const Error& error) {
        PrintError(error);
        return static_cast<int>(error.Source() == ErrorSource::INTERNAL ? ExitCode::INTERNAL : ExitCode::INVALID);
    } catch (const std::exception& error) {
        std::cerr << Terminal::Red(fmt::format("internal error: {}\n", SecretRegistry::Redact(error.what())));
        return static_cast<int>(ExitCode::INTERNAL);
    }
}

} // namespace odibi::cli
