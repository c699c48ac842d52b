// Terminal output: colours when stdout is a TTY, aligned tables, error and diagnostic rendering.
#pragma once

#include <string>
#include <vector>

#include "odibi/common/error.hpp"
#include "odibi/execute/run_result.hpp"

namespace odibi::cli {

class Terminal {
public:
    /// Colour only when the stream is a terminal and NO_COLOR is not set.
    [[nodiscard]] static bool UseColour(int file_descriptor);
    [[nodiscard]] static std::string Green(const std::string& text);
    [[nodiscard]] static std::string Red(const std::string& text);
    [[nodiscard]] static std::string Yellow(const std::string& text);
    [[nodiscard]] static std::string Dim(const std::string& text);
    [[nodiscard]] static std::string Bold(const std::string& text);
};

/// Left-aligned columns sized to their widest cell; a multi-line cell is shown on one line.
[[nodiscard]] std::string FormatTable(const std::vector<std::string>& header,
                                      const std::vector<std::vector<std::string>>& rows);

/// Prints every diagnostic (errors to stderr, warnings and info to stderr in a softer colour).
void PrintDiagnostics(const DiagnosticList& diagnostics);
/// Prints an Error thrown before anything ran (config, plan, usage) with all its diagnostics.
void PrintError(const Error& error);

/// A failed node as the terminal shows it: node, location, step, error, SQL, columns, suggestions.
[[nodiscard]] std::string RenderNodeFailure(const execute::NodeResult& node);

/// "1.24 s" / "312 ms".
[[nodiscard]] std::string FormatDuration(int64_t milliseconds);

} // namespace odibi::cli
