// `.env` parsing and `${NAME}` substitution on raw YAML text.
#include "environment.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace odibi::config {

EnvironmentVariables::EnvironmentVariables(std::map<std::string, std::string> dot_env, std::string dot_env_path)
    : dot_env_(std::move(dot_env)), dot_env_path_(std::move(dot_env_path)) {}

std::optional<std::string> EnvironmentVariables::Get(const std::string& name) const {
    if (const char* value = std::getenv(name.c_str())) {
        return std::string(value);
    }
    auto found = dot_env_.find(name);
    if (found != dot_env_.end()) {
        return found->second;
    }
    return std::nullopt;
}

namespace {

bool IsNameCharacter(char character) {
    return (character >= 'A' && character <= 'Z') || (character >= 'a' && character <= 'z') ||
           (character >= '0' && character <= '9') || character == '_';
}

bool IsBlank(char character) {
    return character == ' ' || character == '\t' || character == '\r';
}

// Expands ${VAR} and ${VAR:-default} the way python-dotenv does without override: the process
// environment first, then values defined earlier in the same file.
std::string Interpolate(const std::string& value, const std::map<std::string, std::string>& defined) {
    std::string result;
    size_t position = 0;
    while (position < value.size()) {
        size_t start = value.find("${", position);
        if (start == std::string::npos) {
            result += value.substr(position);
            break;
        }
        size_t end = value.find('}', start + 2);
        if (end == std::string::npos) {
            result += value.substr(position);
            break;
        }
        result += value.substr(position, start - position);
        std::string inner = value.substr(start + 2, end - start - 2);
        std::string name = inner;
        std::string fallback;
        size_t default_marker = inner.find(":-");
        if (default_marker != std::string::npos) {
            name = inner.substr(0, default_marker);
            fallback = inner.substr(default_marker + 2);
        }
        if (const char* environment_value = std::getenv(name.c_str())) {
            result += environment_value;
        } else if (auto found = defined.find(name); found != defined.end()) {
            result += found->second;
        } else {
            result += fallback;
        }
        position = end + 1;
    }
    return result;
}

std::string DecodeDoubleQuoted(const std::string& raw) {
    std::string result;
    for (size_t index = 0; index < raw.size(); ++index) {
        char character = raw[index];
        if (character != '\\' || index + 1 >= raw.size()) {
            result += character;
            continue;
        }
        char escaped = raw[++index];
        switch (escaped) {
        case 'n':
            result += '\n';
            break;
        case 't':
            result += '\t';
            break;
        case 'r':
            result += '\r';
            break;
        case 'a':
            result += '\a';
            break;
        case 'b':
            result += '\b';
            break;
        case 'f':
            result += '\f';
            break;
        case 'v':
            result += '\v';
            break;
        case '\\':
        case '"':
        case '\'':
            result += escaped;
            break;
        default:
            result += '\\';
            result += escaped;
            break;
        }
    }
    return result;
}

std::string DecodeSingleQuoted(const std::string& raw) {
    std::string result;
    for (size_t index = 0; index < raw.size(); ++index) {
        if (raw[index] == '\\' && index + 1 < raw.size() && (raw[index + 1] == '\\' || raw[index + 1] == '\'')) {
            result += raw[++index];
            continue;
        }
        result += raw[index];
    }
    return result;
}

int LineOf(const std::string& text, size_t offset) {
    int line = 1;
    for (size_t index = 0; index < offset && index < text.size(); ++index) {
        if (text[index] == '\n') {
            ++line;
        }
    }
    return line;
}

} // namespace

std::map<std::string, std::string>
ParseDotEnv(const std::string& text, const std::string& display_path, DiagnosticList& diagnostics) {
    std::map<std::string, std::string> values;
    size_t position = 0;
    auto skip_blanks = [&]() {
        while (position < text.size() && IsBlank(text[position])) {
            ++position;
        }
    };
    auto skip_line = [&]() {
        size_t end = text.find('\n', position);
        position = end == std::string::npos ? text.size() : end + 1;
    };
    auto warn = [&](size_t offset, const std::string& message) {
        Error error(ErrorCode::INVALID_VALUE, ErrorSource::USER, message);
        error.WithLocation(SourceLocation{display_path, LineOf(text, offset), 0, ""});
        error.WithSuggestion("write the line as KEY=VALUE (quotes optional), or start it with # to comment it out");
        diagnostics.Add(Diagnostic::FromError(error, Severity::WARNING));
    };
    while (position < text.size()) {
        skip_blanks();
        if (position >= text.size()) {
            break;
        }
        if (text[position] == '\n' || text[position] == '#') {
            skip_line();
            continue;
        }
        size_t line_start = position;
        if (text.compare(position, 7, "export ") == 0 || text.compare(position, 7, "export\t") == 0) {
            position += 7;
            skip_blanks();
        }
        size_t key_start = position;
        while (position < text.size() && text[position] != '=' && text[position] != '\n' && !IsBlank(text[position]) &&
               text[position] != '#') {
            ++position;
        }
        std::string key = text.substr(key_start, position - key_start);
        skip_blanks();
        if (key.empty() || position >= text.size() || text[position] != '=') {
            if (key.empty() || (position < text.size() && text[position] != '\n' && text[position] != '#')) {
                warn(
                    line_start,
                    fmt::format("{}: line {} is not KEY=VALUE; it is ignored", display_path, LineOf(text, line_start)));
            }
            skip_line(); // "KEY" alone declares no value, as in python-dotenv
            continue;
        }
        ++position; // '='
        skip_blanks();
        std::string value;
        if (position < text.size() && (text[position] == '"' || text[position] == '\'')) {
            char quote = text[position];
            size_t content_start = ++position;
            while (position < text.size() && text[position] != quote) {
                if (text[position] == '\\' && position + 1 < text.size()) {
                    ++position;
                }
                ++position;
            }
            if (position >= text.size()) {
                warn(line_start,
                     fmt::format("{}: the value of {} opens a {} quote that is never closed; it is ignored",
                                 display_path,
                                 key,
                                 quote == '"' ? "double" : "single"));
                break;
            }
            std::string raw = text.substr(content_start, position - content_start);
            ++position; // closing quote
            value = quote == '"' ? Interpolate(DecodeDoubleQuoted(raw), values) : DecodeSingleQuoted(raw);
            skip_blanks();
            if (position < text.size() && text[position] != '\n' && text[position] != '#') {
                warn(line_start, fmt::format("{}: unexpected text after the quoted value of {}", display_path, key));
            }
            skip_line();
        } else {
            size_t end = text.find('\n', position);
            std::string raw = text.substr(position, end == std::string::npos ? std::string::npos : end - position);
            // An unquoted value ends at " #" (an inline comment).
            for (size_t index = 0; index < raw.size(); ++index) {
                if (raw[index] == '#' && (index == 0 || IsBlank(raw[index - 1]))) {
                    raw.resize(index);
                    break;
                }
            }
            while (!raw.empty() && IsBlank(raw.back())) {
                raw.pop_back();
            }
            value = Interpolate(raw, values);
            position = end == std::string::npos ? text.size() : end + 1;
        }
        values[key] = value;
    }
    return values;
}

EnvironmentVariables
LoadEnvironment(const std::string& directory, const std::string& display_directory, DiagnosticList& diagnostics) {
    std::filesystem::path path = std::filesystem::path(directory) / ".env";
    std::string display =
        display_directory.empty() ? ".env" : (std::filesystem::path(display_directory) / ".env").string();
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
        return EnvironmentVariables({}, display);
    }
    std::ifstream stream(path, std::ios::binary);
    std::stringstream buffer;
    buffer << stream.rdbuf();
    return EnvironmentVariables(ParseDotEnv(buffer.str(), display, diagnostics), display);
}

SubstitutedText
SubstituteEnvironment(const std::string& text, const EnvironmentVariables& variables, TextPositions& positions) {
    SubstitutedText result;
    size_t position = 0;
    while (position < text.size()) {
        size_t start = text.find("${", position);
        if (start == std::string::npos) {
            result.text.append(text, position, std::string::npos);
            break;
        }
        result.text.append(text, position, start - position);
        size_t name_start = start + 2;
        if (text.compare(name_start, 4, "env:") == 0) {
            name_start += 4;
        }
        size_t name_end = name_start;
        while (name_end < text.size() && IsNameCharacter(text[name_end])) {
            ++name_end;
        }
        if (name_end == name_start || name_end >= text.size() || text[name_end] != '}') {
            // Not an environment placeholder (${vars.x}, ${date:...}, ${recipe.x}): keep it for later steps.
            result.text += "${";
            position = start + 2;
            continue;
        }
        std::string name = text.substr(name_start, name_end - name_start);
        size_t placeholder_length = name_end + 1 - start;
        auto value = variables.Get(name);
        if (!value) {
            result.missing.push_back(MissingVariable{name, start});
            result.text.append(text, start, placeholder_length);
        } else {
            positions.AddReplacement(result.text.size(), value->size(), start, placeholder_length);
            result.text += *value;
        }
        position = start + placeholder_length;
    }
    return result;
}

} // namespace odibi::config
