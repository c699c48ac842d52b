// Shared fixture of the io tests: a fresh directory, a local connection on it, and a DuckDB connection.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "odibi/common/identity.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/io/formats.hpp"
#include "odibi/io/storage.hpp"

namespace odibi::io::testing {

namespace fs = std::filesystem;

class IoTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::path(::testing::TempDir()) / ("odibi_io_" + NewUuid());
        fs::create_directories(root_);
        connection_config_.name = "local_data";
        connection_config_.type = config::ConnectionType::LOCAL;
        connection_config_.type_name = "local";
        connection_config_.base_path = root_.string();
        storage_ = OpenStorage(connection_config_);
        database_ = engine::OpenDuckDb({});
        connection_ = database_->Connect();
    }

    void TearDown() override {
        connection_.reset();
        database_.reset();
        std::error_code error;
        fs::remove_all(root_, error);
    }

    [[nodiscard]] fs::path PathOf(const std::string& relative) const { return root_ / relative; }

    void WriteText(const std::string& relative, const std::string& text) const {
        fs::path path = PathOf(relative);
        fs::create_directories(path.parent_path());
        std::ofstream stream(path, std::ios::binary);
        stream << text;
    }

    [[nodiscard]] std::string ReadText(const std::string& relative) const {
        std::ifstream stream(PathOf(relative), std::ios::binary);
        return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
    }

    /// Every row of `sql` as "a|b|c" (NULL for nulls), sorted so that tests do not depend on order.
    [[nodiscard]] std::vector<std::string> Rows(const std::string& sql) const {
        engine::ResultTable result = connection_->Query(sql);
        std::vector<std::string> rows;
        for (const auto& row : result.Rows()) {
            std::vector<std::string> values;
            for (const auto& value : row) {
                values.push_back(value.value_or("NULL"));
            }
            rows.push_back(Join(values, "|"));
        }
        std::sort(rows.begin(), rows.end());
        return rows;
    }

    [[nodiscard]] std::string Scalar(const std::string& sql) const {
        return connection_->Query(sql).Scalar().value_or("NULL");
    }

    /// The rows of what `read` scans, as Rows() renders them, for the listed columns. The pinned scan
    /// (inference done once up front) must give the same rows, column types included.
    [[nodiscard]] std::vector<std::string> ScanRows(const config::ReadConfig& read, const std::string& columns) const {
        std::string query = "SELECT " + columns + " FROM " + BuildScan(read, *storage_);
        std::string pinned = "SELECT " + columns + " FROM " + BuildPinnedScan(read, *storage_, *connection_);
        EXPECT_EQ(connection_->Describe(pinned), connection_->Describe(query)) << pinned;
        std::vector<std::string> rows = Rows(query);
        EXPECT_EQ(Rows(pinned), rows) << pinned;
        return rows;
    }

    void CreateSource(const std::string& name, const std::string& query) const {
        connection_->Execute("CREATE OR REPLACE VIEW \"" + name + "\" AS " + query);
    }

    [[nodiscard]] static config::WriteConfig MakeWrite(const std::string& format,
                                                       const std::string& path,
                                                       config::WriteMode mode = config::WriteMode::OVERWRITE,
                                                       config::Json options = config::Json::object(),
                                                       std::vector<std::string> partition_by = {}) {
        config::WriteConfig write;
        write.connection = "local_data";
        write.format = format;
        write.path = path;
        write.mode = mode;
        write.options = std::move(options);
        write.partition_by = std::move(partition_by);
        write.config_path = "pipelines[0].nodes[0].write";
        return write;
    }

    [[nodiscard]] static config::ReadConfig
    MakeRead(const std::string& format, const std::string& path, config::Json options = config::Json::object()) {
        config::ReadConfig read;
        read.connection = "local_data";
        read.format = format;
        read.path = path;
        read.options = std::move(options);
        read.config_path = "pipelines[0].nodes[0].read";
        return read;
    }

    WriteOutcome WriteFrom(const std::string& source, const config::WriteConfig& write) const {
        WriteRequest request{write, *storage_, "\"" + source + "\""};
        return Write(*connection_, request);
    }

    /// Names in the test directory (recursively) that look like staging leftovers.
    [[nodiscard]] std::vector<std::string> StagingLeftovers() const {
        std::vector<std::string> leftovers;
        for (const auto& entry : fs::recursive_directory_iterator(root_)) {
            std::string name = entry.path().filename().string();
            if (name.find(".odibi-") != std::string::npos) {
                leftovers.push_back(entry.path().string());
            }
        }
        return leftovers;
    }

    fs::path root_;
    config::ConnectionConfig connection_config_;
    std::unique_ptr<Storage> storage_;
    std::unique_ptr<engine::Database> database_;
    std::unique_ptr<engine::Connection> connection_;
};

/// Runs `action` and returns the odibi::Error it throws (fails the test when it throws none).
template <typename Action> Error CaptureError(Action&& action) {
    try {
        action();
    } catch (const Error& error) {
        return error;
    }
    ADD_FAILURE() << "expected an odibi::Error";
    return Error(ErrorCode::INTERNAL, ErrorSource::INTERNAL, "no error was thrown");
}

} // namespace odibi::io::testing
