// Snapshot reconstruction against the independently computed EXPECTED.json of the shared Delta tables,
// at every version of every table, and the errors of damaged logs and impossible time travel.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "delta/actions.hpp"
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "odibi/common/clock.hpp"
#include "odibi/common/identity.hpp"
#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/io/delta.hpp"

namespace odibi::io::delta {
namespace {

namespace fs = std::filesystem;
using config::Json;

const fs::path kTables = fs::path(ODIBI_SHARED_DIR) / "testdata" / "delta";

Json Expected() {
    std::ifstream stream(kTables / "EXPECTED.json");
    return Json::parse(stream);
}

/// Spark's simpleString of a Delta type, as EXPECTED.json lists column types.
std::string TypeText(const Json& type) {
    if (type.is_string()) {
        return type.get<std::string>();
    }
    std::string kind = type.value("type", "");
    if (kind == "struct") {
        std::string text = "struct<";
        bool first = true;
        for (const auto& field : type["fields"]) {
            text += (first ? "" : ",") + field["name"].get<std::string>() + ":" + TypeText(field["type"]);
            first = false;
        }
        return text + ">";
    }
    if (kind == "array") {
        return "array<" + TypeText(type["elementType"]) + ">";
    }
    if (kind == "map") {
        return "map<" + TypeText(type["keyType"]) + "," + TypeText(type["valueType"]) + ">";
    }
    return type.dump();
}

class DeltaSnapshotTest : public ::testing::Test {
protected:
    void SetUp() override {
        database_ = engine::OpenDuckDb({});
        connection_ = database_->Connect();
        scratch_ = fs::path(::testing::TempDir()) / ("odibi_delta_" + NewUuid());
        fs::create_directories(scratch_);
    }
    void TearDown() override {
        std::error_code error;
        fs::remove_all(scratch_, error);
    }

    /// A copy of a shared table that a test may damage.
    fs::path CopyTable(const std::string& name) {
        fs::path copy = scratch_ / name;
        fs::copy(kTables / name, copy, fs::copy_options::recursive);
        return copy;
    }

    std::unique_ptr<engine::Database> database_;
    std::unique_ptr<engine::Connection> connection_;
    fs::path scratch_;
};

TEST_F(DeltaSnapshotTest, EveryVersionOfEveryTableMatchesExpected) {
    Json expected = Expected();
    int checked = 0;
    for (const auto& [table, facts] : expected.items()) {
        for (const auto& [version_text, want] : facts["versions"].items()) {
            SCOPED_TRACE(table + " v" + version_text);
            int64_t version = std::stoll(version_text);
            Snapshot snapshot =
                LoadSnapshot(*connection_, (kTables / table).string(), {.version = version, .timestamp = std::nullopt});
            EXPECT_EQ(snapshot.version, version);
            std::vector<std::string> paths;
            for (const auto& file : snapshot.files) {
                paths.push_back(file.path);
            }
            EXPECT_EQ(Json(paths), want["paths"]);
            EXPECT_EQ(static_cast<int64_t>(snapshot.files.size()), want["files"].get<int64_t>());
            std::vector<std::string> columns;
            std::vector<std::string> types;
            for (const auto& field : snapshot.metadata.schema) {
                columns.push_back(field.name);
                types.push_back(TypeText(field.type));
            }
            EXPECT_EQ(Json(columns), want["columns"]);
            EXPECT_EQ(Json(types), want["column_types"]);
            EXPECT_EQ(snapshot.protocol.min_reader_version, want["min_reader_version"].get<int>());
            if (want["checkpoint_used"].is_null()) {
                EXPECT_FALSE(snapshot.checkpoint_used.has_value());
            } else {
                EXPECT_EQ(snapshot.checkpoint_used, want["checkpoint_used"].get<int64_t>());
            }
            EXPECT_EQ(static_cast<int64_t>(snapshot.tombstones.size()), want["tombstones"].get<int64_t>());
            if (want.contains("partition_values")) {
                for (const auto& file : snapshot.files) {
                    for (const auto& [key, value] : want["partition_values"][file.path].items()) {
                        // EXPECTED.json keys partition values by logical name; the log by physical name.
                        bool found = false;
                        for (const auto& [physical, stored] : file.partition_values) {
                            found =
                                found || (value.is_null() ? !stored.has_value() : stored == value.get<std::string>());
                        }
                        EXPECT_TRUE(found) << file.path << " " << key;
                    }
                }
            }
            ++checked;
        }
    }
    EXPECT_GT(checked, 60);
}

TEST_F(DeltaSnapshotTest, LatestVersionIsTheDefault) {
    Snapshot snapshot = LoadSnapshot(*connection_, (kTables / "simple_table_with_checkpoint").string());
    EXPECT_EQ(snapshot.version, 10);
    EXPECT_EQ(snapshot.checkpoint_used, 10);
    Snapshot txn = LoadSnapshot(*connection_, (kTables / "delta-0.2.0").string());
    EXPECT_FALSE(txn.app_txns.empty());
}

TEST_F(DeltaSnapshotTest, TimeTravelByTimestampPicksTheLastCommitAtOrBefore) {
    // simple_table commits: read their commitInfo timestamps and ask for each one.
    fs::path table = kTables / "simple_table";
    for (int64_t version = 0; version <= 4; ++version) {
        std::ifstream stream(table / "_delta_log" / CommitFileName(version));
        std::stringstream text;
        text << stream.rdbuf();
        Actions actions = ParseCommit(text.str(), "commit");
        ASSERT_TRUE(actions.commit_info.has_value());
        int64_t ms = (*actions.commit_info)["timestamp"].get<int64_t>();
        // Seconds are enough: the commits are further apart, and the instant is rounded up to cover it.
        std::string iso = FormatUtc(TimePoint(std::chrono::milliseconds(ms + 999)), "%Y-%m-%dT%H:%M:%SZ");
        Snapshot snapshot = LoadSnapshot(*connection_, table.string(), {.version = std::nullopt, .timestamp = iso});
        EXPECT_EQ(snapshot.version, version) << iso;
    }
    Error early = [&] {
        try {
            static_cast<void>(
                LoadSnapshot(*connection_, table.string(), {.version = std::nullopt, .timestamp = "2001-01-01"}));
        } catch (const Error& error) {
            return error;
        }
        return Error(ErrorCode::INTERNAL, ErrorSource::INTERNAL, "no error");
    }();
    EXPECT_EQ(early.Code(), ErrorCode::DELTA_VERSION_NOT_FOUND);
    EXPECT_NE(early.Message().find("2001-01-01"), std::string::npos);
}

TEST_F(DeltaSnapshotTest, VersionOutOfRangeNamesTheRange) {
    try {
        static_cast<void>(
            LoadSnapshot(*connection_, (kTables / "simple_table").string(), {.version = 9, .timestamp = std::nullopt}));
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::DELTA_VERSION_NOT_FOUND);
        EXPECT_NE(error.Message().find("the latest is 4"), std::string::npos);
        EXPECT_NE(error.Render().find("a version from 0 to 4"), std::string::npos);
    }
}

TEST_F(DeltaSnapshotTest, MissingCommitIsALogError) {
    fs::path table = CopyTable("simple_table");
    fs::remove(table / "_delta_log" / CommitFileName(2));
    try {
        static_cast<void>(LoadSnapshot(*connection_, table.string()));
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::DELTA_LOG_INVALID);
        EXPECT_NE(error.Message().find("commit 2 is missing"), std::string::npos);
    }
    // Versions before the gap still load.
    EXPECT_EQ(LoadSnapshot(*connection_, table.string(), {.version = 1, .timestamp = std::nullopt}).version, 1);
}

TEST_F(DeltaSnapshotTest, DamagedCommitNamesFileAndLine) {
    fs::path table = CopyTable("simple_table");
    std::ofstream(table / "_delta_log" / CommitFileName(5)) << "{\"add\": {\"path\": \"x.parquet\"}}\n{not json\n";
    try {
        static_cast<void>(LoadSnapshot(*connection_, table.string()));
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::DELTA_LOG_INVALID);
        EXPECT_NE(error.Message().find(CommitFileName(5)), std::string::npos);
        EXPECT_NE(error.Message().find("line 2"), std::string::npos);
    }
}

TEST_F(DeltaSnapshotTest, UnsupportedReaderFeatureIsNamed) {
    fs::path table = CopyTable("table-with-dv-small");
    std::ofstream(table / "_delta_log" / CommitFileName(2))
        << R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors","futureThing"],"writerFeatures":["deletionVectors"]}})"
        << "\n";
    try {
        static_cast<void>(LoadSnapshot(*connection_, table.string()));
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::DELTA_FEATURE_UNSUPPORTED);
        EXPECT_NE(error.Message().find("\"futureThing\""), std::string::npos);
    }
}

TEST_F(DeltaSnapshotTest, StaleLastCheckpointHintIsIgnored) {
    fs::path table = CopyTable("simple_table_with_checkpoint");
    std::ofstream(table / "_delta_log" / "_last_checkpoint", std::ios::trunc) << R"({"version":3,"size":4})";
    Snapshot snapshot = LoadSnapshot(*connection_, table.string());
    EXPECT_EQ(snapshot.version, 10);
    EXPECT_EQ(snapshot.checkpoint_used, 10);
}

TEST_F(DeltaSnapshotTest, MultiPartCheckpointIsUsedOnlyWhenComplete) {
    fs::path table = CopyTable("simple_table_with_checkpoint");
    fs::path log = table / "_delta_log";
    fs::path single = log / "00000000000000000010.checkpoint.parquet";
    Snapshot expected = LoadSnapshot(*connection_, table.string());
    // Split the checkpoint's rows into two parts, as a writer of multi-part checkpoints does.
    for (int part = 1; part <= 2; ++part) {
        connection_->Execute(fmt::format(
            "COPY (SELECT * EXCLUDE (file_row_number) FROM read_parquet('{}', file_row_number = true) "
            "WHERE (file_row_number % 2) = {}) "
            "TO '{}' (FORMAT parquet)",
            single.string(),
            part - 1,
            (log / fmt::format("00000000000000000010.checkpoint.{:010d}.{:010d}.parquet", part, 2)).string()));
    }
    fs::remove(single);
    Snapshot from_parts = LoadSnapshot(*connection_, table.string());
    EXPECT_EQ(from_parts.checkpoint_used, 10);
    ASSERT_EQ(from_parts.files.size(), expected.files.size());
    for (size_t i = 0; i < expected.files.size(); ++i) {
        EXPECT_EQ(from_parts.files[i].path, expected.files[i].path);
    }
    // Without its second part the checkpoint is incomplete: the JSON commits are replayed instead.
    fs::remove(log / "00000000000000000010.checkpoint.0000000002.0000000002.parquet");
    Snapshot replayed = LoadSnapshot(*connection_, table.string());
    EXPECT_FALSE(replayed.checkpoint_used.has_value());
    EXPECT_EQ(replayed.files.size(), expected.files.size());
}

TEST_F(DeltaSnapshotTest, NotATableIsInputNotFound) {
    try {
        static_cast<void>(LoadSnapshot(*connection_, scratch_.string()));
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::INPUT_NOT_FOUND);
        EXPECT_NE(error.Message().find("not a Delta table"), std::string::npos);
    }
    EXPECT_FALSE(IsDeltaTable(scratch_.string()));
    EXPECT_TRUE(IsDeltaTable((kTables / "simple_commit").string()));
}

} // namespace
} // namespace odibi::io::delta
