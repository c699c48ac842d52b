// Shell-like word splitting for command lines in .test files.
#include "shell_words.hpp"

#include <stdexcept>

namespace odibi::e2e {

namespace {

bool IsBlank(char character) {
    return character == ' ' || character == '\t';
}

} // namespace

std::vector<ShellWord> SplitShellWords(std::string_view line) {
    std::vector<ShellWord> words;
    ShellWord current;
    bool in_word = false;
    size_t index = 0;
    while (index < line.size()) {
        char character = line[index];
        if (IsBlank(character)) {
            if (in_word) {
                words.push_back(std::move(current));
                current = ShellWord{};
                in_word = false;
            }
            ++index;
            continue;
        }
        in_word = true;
        if (character == '\'') {
            size_t close = line.find('\'', index + 1);
            if (close == std::string_view::npos) {
                throw std::invalid_argument("unterminated single quote");
            }
            current.text.append(line.substr(index + 1, close - index - 1));
            current.quoted = true;
            index = close + 1;
            continue;
        }
        if (character == '"') {
            current.quoted = true;
            ++index;
            bool closed = false;
            while (index < line.size()) {
                char inner = line[index];
                if (inner == '"') {
                    closed = true;
                    ++index;
                    break;
                }
                if (inner == '\\' && index + 1 < line.size() &&
                    (line[index + 1] == '"' || line[index + 1] == '\\' || line[index + 1] == '$')) {
                    current.text.push_back(line[index + 1]);
                    index += 2;
                    continue;
                }
                current.text.push_back(inner);
                ++index;
            }
            if (!closed) {
                throw std::invalid_argument("unterminated double quote");
            }
            continue;
        }
        if (character == '\\') {
            if (index + 1 >= line.size()) {
                throw std::invalid_argument("trailing backslash");
            }
            current.text.push_back(line[index + 1]);
            current.quoted = true;
            index += 2;
            continue;
        }
        current.text.push_back(character);
        ++index;
    }
    if (in_word) {
        words.push_back(std::move(current));
    }
    return words;
}

std::string QuoteShellWord(std::string_view word) {
    if (!word.empty() && word.find_first_of(" \t'\"\\$<>|&;()*?`") == std::string_view::npos) {
        return std::string(word);
    }
    std::string quoted = "'";
    for (char character : word) {
        if (character == '\'') {
            quoted += "'\\''";
        } else {
            quoted.push_back(character);
        }
    }
    quoted += "'";
    return quoted;
}

} // namespace odibi::e2e
