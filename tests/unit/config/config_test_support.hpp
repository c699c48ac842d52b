// Helpers for config tests: a temporary project directory and access to collected diagnostics.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "odibi/config/project.hpp"

namespace odibi::config::testing {

/// A fresh directory under the system temp dir, removed when the test ends.
class TempDirectory {
public:
    TempDirectory() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("odibi_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDirectory() {
        std::error_code error;
        std::filesystem::remove_all(path_, error);
    }
    TempDirectory(const TempDirectory&) = delete;
    TempDirectory& operator=(const TempDirectory&) = delete;

    [[nodiscard]] const std::filesystem::path& Path() const { return path_; }

    /// Writes `text` to `relative` (creating folders) and returns the absolute path.
    std::string Write(const std::string& relative, const std::string& text) const {
        std::filesystem::path file = path_ / relative;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream stream(file, std::ios::binary);
        stream << text;
        return file.string();
    }

private:
    std::filesystem::path path_;
};

inline std::string ReadFile(const std::string& path) {
    std::ifstream stream(path, std::ios::binary);
    std::stringstream buffer;
    buffer << stream.rdbuf();
    return buffer.str();
}

/// 1-based line and column where `needle` first occurs in `text` (for expectations that follow the file).
inline std::pair<int, int> PositionOf(const std::string& text, const std::string& needle, size_t occurrence = 0) {
    size_t offset = text.find(needle);
    for (size_t index = 0; index < occurrence && offset != std::string::npos; ++index) {
        offset = text.find(needle, offset + 1);
    }
    if (offset == std::string::npos) {
        ADD_FAILURE() << "\"" << needle << "\" not in the test's YAML";
        return {0, 0};
    }
    int line = 1;
    size_t line_start = 0;
    for (size_t index = 0; index < offset; ++index) {
        if (text[index] == '\n') {
            ++line;
            line_start = index + 1;
        }
    }
    return {line, static_cast<int>(offset - line_start) + 1};
}

/// Loads `path` expecting failure; returns every diagnostic of the thrown DiagnosticsError.
inline std::vector<Diagnostic> LoadErrors(const std::string& path, const LoadOptions& options = {}) {
    try {
        (void)LoadProject(path, options);
    } catch (const DiagnosticsError& error) {
        return error.Diagnostics();
    }
    ADD_FAILURE() << "loading " << path << " was expected to fail";
    return {};
}

/// The diagnostics with `code`.
inline std::vector<Diagnostic> WithCode(const std::vector<Diagnostic>& diagnostics, ErrorCode code) {
    std::vector<Diagnostic> result;
    for (const auto& diagnostic : diagnostics) {
        if (diagnostic.code == code) {
            result.push_back(diagnostic);
        }
    }
    return result;
}

inline std::string RenderAll(const std::vector<Diagnostic>& diagnostics) {
    std::string text;
    for (const auto& diagnostic : diagnostics) {
        text += diagnostic.Render() + "\n";
    }
    return text;
}

/// A valid project used as a base by tests; `nodes` is inserted under the single pipeline.
inline std::string MinimalProject(const std::string& extra_top_level = "") {
    return "project: demo\n"
           "connections:\n"
           "  local:\n"
           "    type: local\n"
           "    base_path: ./data\n"
           "story:\n"
           "  connection: local\n"
           "  path: stories\n"
           "system:\n"
           "  connection: local\n" +
           extra_top_level +
           "pipelines:\n"
           "  - pipeline: main\n"
           "    nodes:\n"
           "      - name: load\n"
           "        read:\n"
           "          connection: local\n"
           "          format: csv\n"
           "          path: input.csv\n"
           "        write:\n"
           "          connection: local\n"
           "          format: parquet\n"
           "          path: out\n";
}

} // namespace odibi::config::testing
