// Shared pieces of the state tests: a scratch directory per test and direct SQL on a catalog file.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>

#include "sqlite/sqlite_connection.hpp"
#include <unistd.h>

namespace odibi::state::testing {

/// A fresh directory under the system temp dir, removed with everything in it at destruction.
class ScratchDirectory {
public:
    ScratchDirectory() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("odibi_state_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~ScratchDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;
    ScratchDirectory(ScratchDirectory&&) = delete;
    ScratchDirectory& operator=(ScratchDirectory&&) = delete;

    [[nodiscard]] const std::filesystem::path& Path() const { return path_; }
    [[nodiscard]] std::string File(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

/// A second, raw connection to a catalog file, for checks the Catalog interface does not expose.
class RawCatalog {
public:
    explicit RawCatalog(const std::string& path)
        : connection_(path, std::chrono::milliseconds(5000), std::chrono::milliseconds(5000)) {}

    [[nodiscard]] int64_t Int(const std::string& sql) {
        auto statement = connection_.Prepare(sql, "test query");
        return statement.Step() ? statement.ColumnInt64(0) : -1;
    }
    [[nodiscard]] std::string Text(const std::string& sql) {
        auto statement = connection_.Prepare(sql, "test query");
        return statement.Step() ? statement.ColumnText(0) : std::string("<no row>");
    }
    /// Every row of a one-text-column result, joined by '\n'.
    [[nodiscard]] std::string Lines(const std::string& sql) {
        auto statement = connection_.Prepare(sql, "test query");
        std::string lines;
        while (statement.Step()) {
            lines += statement.ColumnText(0) + "\n";
        }
        return lines;
    }
    void Execute(const std::string& sql) { connection_.Execute(sql, "test statement"); }
    SqliteConnection& Connection() { return connection_; }

private:
    SqliteConnection connection_;
};

} // namespace odibi::state::testing
