// Splits a command line into words the way a POSIX shell does for quotes and backslashes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace odibi::e2e {

struct ShellWord {
    std::string text;
    bool quoted = false; // some part of the word was quoted, so `<` is a literal, not a redirection
};

// Splits on unquoted whitespace; 'single quotes' are literal, "double quotes" honour \" \\ \$ and
// a backslash outside quotes escapes the next character. Throws std::invalid_argument on an
// unterminated quote or a trailing backslash.
[[nodiscard]] std::vector<ShellWord> SplitShellWords(std::string_view line);

// Quotes a word for display so that SplitShellWords would give it back.
[[nodiscard]] std::string QuoteShellWord(std::string_view word);

} // namespace odibi::e2e
