// Shared pieces of the integration tests: a project directory per case, the odibi binary run as a
// child process, the written target read back through DuckDB and the catalog read through SQLite.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "odibi/engine/database.hpp"

extern char** environ;

namespace odibi::integration {

namespace fs = std::filesystem;

/// The exit status odibi's crash points end a process with (odibi/common/fault_injection.hpp).
inline constexpr int CRASH_EXIT_CODE = 86;

/// A fresh directory under the system temp dir, removed with everything in it at destruction.
class ScratchDirectory {
public:
    explicit ScratchDirectory(const std::string& label) {
        static std::atomic<int> counter{0};
        path_ = fs::temp_directory_path() /
                ("odibi_integration_" + label + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~ScratchDirectory() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;
    ScratchDirectory(ScratchDirectory&&) = delete;
    ScratchDirectory& operator=(ScratchDirectory&&) = delete;

    [[nodiscard]] const fs::path& Path() const { return path_; }

private:
    fs::path path_;
};

inline void WriteFile(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream stream(path, std::ios::binary | std::ios::trunc);
    stream << text;
}

inline std::string ReadFile(const fs::path& path) {
    std::ifstream stream(path, std::ios::binary);
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

/// How a child process ended.
struct ProcessOutcome {
    bool exited = false; ///< ended by exit/_exit (else by a signal)
    int exit_code = -1;  ///< when exited
    int signal = 0;      ///< when killed
    std::string output;  ///< stdout and stderr, interleaved
};

/// `odibi run odibi.yaml` in `directory`, as a child process with `extra_environment` added.
class OdibiProcess {
public:
    OdibiProcess(const fs::path& directory, const std::map<std::string, std::string>& extra_environment)
        : output_path_(directory / "odibi-output.txt") {
        std::vector<std::string> environment;
        for (char** entry = environ; *entry != nullptr; ++entry) {
            std::string text(*entry);
            std::string name = text.substr(0, text.find('='));
            if (!extra_environment.contains(name) && name != "ODIBI_CRASH_AT" && name != "ODIBI_FAULT_FLAGS") {
                environment.push_back(text);
            }
        }
        for (const auto& [name, value] : extra_environment) {
            environment.push_back(name + "=" + value);
        }
        // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
        std::vector<char*> environment_pointers;
        for (auto& text : environment) {
            environment_pointers.push_back(text.data());
        }
        environment_pointers.push_back(nullptr);
        std::string binary = ODIBI_BINARY;
        std::string directory_text = directory.string();
        std::string output_text = output_path_.string();
        std::vector<std::string> arguments = {"odibi", "run", "odibi.yaml", "--workers", "1"};
        std::vector<char*> argument_pointers;
        for (auto& argument : arguments) {
            argument_pointers.push_back(argument.data());
        }
        argument_pointers.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ == 0) {
            if (::chdir(directory_text.c_str()) != 0) {
                ::_exit(127);
            }
            int descriptor = ::open(output_text.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (descriptor < 0) {
                ::_exit(127);
            }
            ::dup2(descriptor, STDOUT_FILENO);
            ::dup2(descriptor, STDERR_FILENO);
            ::execve(binary.c_str(), argument_pointers.data(), environment_pointers.data());
            ::_exit(127);
        }
    }
    OdibiProcess(const OdibiProcess&) = delete;
    OdibiProcess& operator=(const OdibiProcess&) = delete;
    OdibiProcess(OdibiProcess&&) = delete;
    OdibiProcess& operator=(OdibiProcess&&) = delete;
    ~OdibiProcess() {
        if (pid_ > 0 && !waited_) {
            ::kill(pid_, SIGKILL);
            static_cast<void>(Wait());
        }
    }

    [[nodiscard]] pid_t Pid() const { return pid_; }
    void Kill() const { ::kill(pid_, SIGKILL); }

    /// Waits until the process stops itself at its ODIBI_PAUSE_AT point (true) or ends first (false;
    /// Wait() then returns how it ended).
    [[nodiscard]] bool WaitUntilPaused() {
        int status = 0;
        while (::waitpid(pid_, &status, WUNTRACED) < 0 && errno == EINTR) {
        }
        if (WIFSTOPPED(status)) {
            return true;
        }
        ended_status_ = status;
        return false;
    }

    /// Lets a paused process go on.
    void Continue() const { ::kill(pid_, SIGCONT); }

    ProcessOutcome Wait() {
        ProcessOutcome outcome;
        int status = ended_status_.value_or(0);
        while (!ended_status_ && ::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        waited_ = true;
        outcome.exited = WIFEXITED(status);
        outcome.exit_code = outcome.exited ? WEXITSTATUS(status) : -1;
        outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        outcome.output = ReadFile(output_path_);
        return outcome;
    }

private:
    fs::path output_path_;
    pid_t pid_ = -1;
    bool waited_ = false;
    std::optional<int> ended_status_; ///< set when WaitUntilPaused saw the process end
};

inline ProcessOutcome RunOdibi(const fs::path& directory, const std::map<std::string, std::string>& environment = {}) {
    OdibiProcess process(directory, environment);
    return process.Wait();
}

/// SQL on a catalog file (read-only unless `writable`).
class CatalogFile {
public:
    explicit CatalogFile(const fs::path& path, bool writable = false) {
        int flags = writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
        if (sqlite3_open_v2(path.c_str(), &database_, flags, nullptr) != SQLITE_OK) {
            ADD_FAILURE() << "cannot open the catalog " << path << ": " << sqlite3_errmsg(database_);
        }
    }
    ~CatalogFile() { sqlite3_close(database_); }
    CatalogFile(const CatalogFile&) = delete;
    CatalogFile& operator=(const CatalogFile&) = delete;
    CatalogFile(CatalogFile&&) = delete;
    CatalogFile& operator=(CatalogFile&&) = delete;

    /// Runs statements that return no rows (e.g. a trigger that makes the catalog refuse a write).
    void Execute(const std::string& sql) const {
        char* message = nullptr;
        if (sqlite3_exec(database_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            ADD_FAILURE() << "catalog statement failed: " << sql << ": " << (message == nullptr ? "" : message);
        }
        sqlite3_free(message);
    }

    /// Every row, its columns joined by '|'.
    [[nodiscard]] std::vector<std::string> Rows(const std::string& sql) const {
        std::vector<std::string> rows;
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(database_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
            ADD_FAILURE() << "catalog query failed: " << sql << ": " << sqlite3_errmsg(database_);
            return rows;
        }
        while (sqlite3_step(statement) == SQLITE_ROW) {
            std::string row;
            for (int column = 0; column < sqlite3_column_count(statement); ++column) {
                const unsigned char* text = sqlite3_column_text(statement, column);
                row +=
                    (column > 0 ? "|" : "") + std::string(text == nullptr ? "" : reinterpret_cast<const char*>(text));
            }
            rows.push_back(row);
        }
        sqlite3_finalize(statement);
        return rows;
    }

private:
    sqlite3* database_ = nullptr;
};

/// One DuckDB for reading targets back, shared by the tests of a process.
inline engine::Database& SharedDuckDb() {
    static std::unique_ptr<engine::Database> database = [] {
        engine::DatabaseSettings settings;
        settings.threads = 1;
        return engine::OpenDuckDb(settings);
    }();
    return *database;
}

inline std::string QuoteLiteral(const std::string& text) {
    std::string quoted = "'";
    for (char character : text) {
        quoted += character;
        if (character == '\'') {
            quoted += '\'';
        }
    }
    return quoted + "'";
}

/// Rows of a query as sorted "a|b|c" strings (NULL reads as "NULL").
inline std::vector<std::string> SortedRows(const std::string& sql) {
    auto connection = SharedDuckDb().Connect();
    engine::ResultTable table = connection->Query(sql);
    std::vector<std::string> rows;
    for (const auto& row : table.Rows()) {
        std::string text;
        for (size_t column = 0; column < row.size(); ++column) {
            text += (column > 0 ? "|" : "") + row[column].value_or("NULL");
        }
        rows.push_back(text);
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

} // namespace odibi::integration
