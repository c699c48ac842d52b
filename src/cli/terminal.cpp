// Rendering of tables, diagnostics and node failures for the terminal.
#include "terminal.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>
#include <unistd.h>

#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"

namespace odibi::cli {
namespace {

constexpr int64_t MILLISECONDS_PER_SECOND = 1000;
constexpr size_t MAXIMUM_SQL_LINES = 30;

std::string Colour(const char* code, const std::string& text) {
    if (!Terminal::UseColour(STDERR_FILENO)) {
        return text;
    }
    return fmt::format("\033[{}m{}\033[0m", code, text);
}

} // namespace

bool Terminal::UseColour(int file_descriptor) {
    return isatty(file_descriptor) != 0 && std::getenv("NO_COLOR") == nullptr;
}
std::string Terminal::Green(const std::string& text) {
    return Colour("32", text);
}
std::string Terminal::Red(const std::string& text) {
    return Colour("31", text);
}
std::string Terminal::Yellow(const std::string& text) {
    return Colour("33", text);
}
std::string Terminal::Dim(const std::string& text) {
    return Colour("2", text);
}
std::string Terminal::Bold(const std::string& text) {
    return Colour("1", text);
}

namespace {

// A cell on one line: a line break and the indentation after it become one space.
std::string OneLine(const std::string& cell) {
    std::string text;
    for (size_t index = 0; index < cell.size(); ++index) {
        if (cell[index] != '\n' && cell[index] != '\r') {
            text += cell[index];
            continue;
        }
        while (index + 1 < cell.size() && std::isspace(static_cast<unsigned char>(cell[index + 1])) != 0) {
            ++index;
        }
        if (!text.empty() && text.back() != ' ') {
            text += ' ';
        }
    }
    return text;
}

} // namespace

std::string FormatTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& cells) {
    std::vector<std::vector<std::string>> rows;
    rows.reserve(cells.size());
    for (const auto& row : cells) {
        std::vector<std::string>& flat = rows.emplace_back();
        for (const auto& cell : row) {
            flat.push_back(OneLine(cell));
        }
    }
    std::vector<size_t> widths(header.size());
    for (size_t column = 0; column < header.size(); ++column) {
        widths[column] = header[column].size();
        for (const auto& row : rows) {
            if (column < row.size()) {
                widths[column] = std::max(widths[column], row[column].size());
            }
        }
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (size_t column = 0; column < header.size(); ++column) {
            std::string cell = column < cells.size() ? cells[column] : "";
            text += column + 1 == header.size() ? cell : fmt::format("{:<{}}  ", cell, widths[column]);
        }
        return Trim(text) + "\n";
    };
    std::string text = line(header);
    std::vector<std::string> rules;
    for (size_t width : widths) {
        rules.emplace_back(width, '-');
    }
    text += line(rules);
    for (const auto& row : rows) {
        text += line(row);
    }
    return text;
}

void PrintDiagnostics(const DiagnosticList& diagnostics) {
    for (const auto& item : diagnostics.Items()) {
        std::string text = SecretRegistry::Redact(item.Render());
        if (item.severity == Severity::ERROR) {
            std::cerr << Terminal::Red(text) << "\n";
        } else if (item.severity == Severity::WARNING) {
            std::cerr << Terminal::Yellow(text) << "\n";
        } else {
            std::cerr << Terminal::Dim(text) << "\n";
        }
    }
}

void PrintError(const Error& error) {
    const auto* diagnostics = dynamic_cast<const DiagnosticsError*>(&error);
    if (diagnostics == nullptr) {
        std::cerr << Terminal::Red(SecretRegistry::Redact(error.Render()));
        return;
    }
    std::cerr << Terminal::Red(fmt::format("error: {} problem{} found; nothing ran\n",
                                           diagnostics->Diagnostics().size(),
                                           diagnostics->Diagnostics().size() == 1 ? "" : "s"));
    for (const auto& item : diagnostics->Diagnostics()) {
        std::cerr << SecretRegistry::Redact(item.Render()) << "\n";
    }
}

std::string RenderNodeFailure(const execute::NodeResult& node) {
    if (!node.error) {
        return "";
    }
    const auto& error = *node.error;
    std::string text = fmt::format("✗ node '{}' failed in pipeline '{}' [{}]\n", node.node, node.pipeline, error.code);
    if (!error.location.empty()) {
        text += fmt::format("  location: {}\n", error.location);
    }
    if (!error.step.empty()) {
        text += fmt::format("  step: {} ({})\n", error.step, error.phase);
    }
    text += "  error:\n";
    for (const auto& line : Split(error.message, '\n')) {
        text += "    " + line + "\n";
    }
    if (!error.sql.empty()) {
        text += "  sql:\n";
        auto lines = Split(error.sql, '\n');
        for (size_t index = 0; index < lines.size() && index < MAXIMUM_SQL_LINES; ++index) {
            text += "    " + lines[index] + "\n";
        }
    }
    if (!error.available_columns.empty()) {
        text += fmt::format("  available columns: {}\n", Join(error.available_columns, ", "));
    }
    if (node.attempts > 1) {
        text += fmt::format("  attempts: {}\n", node.attempts);
    }
    if (!error.suggestions.empty()) {
        text += "  suggestions:\n";
        for (size_t index = 0; index < error.suggestions.size(); ++index) {
            text += fmt::format("    {}. {}\n", index + 1, error.suggestions[index]);
        }
    }
    if (!node.runbook_url.empty()) {
        text += fmt::format("  runbook: {}\n", node.runbook_url);
    }
    return text;
}

std::string FormatDuration(int64_t milliseconds) {
    if (milliseconds < MILLISECONDS_PER_SECOND) {
        return fmt::format("{} ms", milliseconds);
    }
    return fmt::format("{:.2f} s", static_cast<double>(milliseconds) / MILLISECONDS_PER_SECOND);
}

} // namespace odibi::cli
