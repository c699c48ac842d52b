// Confirming a destructive command: a question on a terminal, `--yes` everywhere else.
#pragma once

#include <string>

namespace odibi::cli {

/// True when the change may go ahead: `yes` was given, or the user answered y/yes on the terminal.
/// Without a terminal and without `yes`, throws CONFIRMATION_REQUIRED (E801) naming the change:
/// "<question>: <consequence> and needs a confirmation, ...".
[[nodiscard]] bool Confirm(const std::string& question, const std::string& consequence, bool yes);

} // namespace odibi::cli
