// The CLI's commands: each file adds one command (or command group) to the CLI11 app.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace odibi::cli {

/// Exit codes: 0 success; 1 ran and something failed; 2 usage/config/plan error, nothing ran;
/// 3 internal error; 130 interrupted.
enum class ExitCode : int { SUCCESS = 0, FAILED = 1, INVALID = 2, INTERNAL = 3, INTERRUPTED = 130 };

/// The action a parsed command runs; returns the process exit code.
using CommandAction = std::function<ExitCode()>;

/// Each Add*Command registers its options and, when the command is chosen, sets `action`.
void AddRunCommand(CLI::App& app, CommandAction& action);
void AddValidateCommand(CLI::App& app, CommandAction& action);
void AddGraphCommands(CLI::App& app, CommandAction& action);
void AddStoryCommand(CLI::App& app, CommandAction& action);
void AddCatalogCommand(CLI::App& app, CommandAction& action);
void AddListCommands(CLI::App& app, CommandAction& action);
void AddStateCommand(CLI::App& app, CommandAction& action);
void AddDeltaCommand(CLI::App& app, CommandAction& action);

/// Runs the odibi CLI (used by main and by tests).
[[nodiscard]] int RunCli(int argc, char** argv);

} // namespace odibi::cli
