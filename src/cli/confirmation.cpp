// Asks before a command deletes or replaces what the catalog keeps (`odibi state`, `odibi catalog vacuum`).
#include "confirmation.hpp"

#include <iostream>

#include <fmt/format.h>
#include <unistd.h>

#include "odibi/common/error.hpp"
#include "odibi/common/strings.hpp"

namespace odibi::cli {

bool Confirm(const std::string& question, const std::string& consequence, bool yes) {
    if (yes) {
        return true;
    }
    if (isatty(STDIN_FILENO) == 0) {
        throw Error(ErrorCode::CONFIRMATION_REQUIRED,
                    ErrorSource::USER,
                    fmt::format("{}: {} and needs a confirmation, but no terminal is attached to ask on",
                                question,
                                consequence))
            .WithSuggestion("run it again with --yes to confirm");
    }
    std::cout << question << " [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    answer = ToLower(Trim(answer));
    return answer == "y" || answer == "yes";
}

} // namespace odibi::cli
