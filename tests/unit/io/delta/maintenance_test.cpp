// Delta table maintenance: history (newest first, Spark's fields), VACUUM (retention, hidden names,
// tombstones, dry runs) and OPTIMIZE (compaction per partition, Z-order, conflicts), on tables written
// through io::Write and on copies of the shared Spark tables.
#include <chrono>
#include <map>

#include "../io_test_support.hpp"
#include "delta/actions.hpp"
#include "delta/commit.hpp"
#include "delta/log_listing.hpp"
#include <fmt/format.h>

#include "odibi/engine/sql.hpp"
#include "odibi/io/delta.hpp"

namespace odibi::io::testing {
namespace {

using config::Json;
using config::WriteMode;

const fs::path kTables = fs::path(ODIBI_SHARED_DIR) / "testdata" / "delta";
constexpr auto kLongAgo = std::chrono::hours(24 * 30);

class DeltaMaintenanceTest : public IoTest {
protected:
    void Source(const std::string& sql) { connection_->Execute("CREATE OR REPLACE TABLE batch AS " + sql); }

    void WriteDelta(WriteMode mode,
                    std::vector<std::string> partition_by = {},
                    std::map<std::string, std::string> properties = {}) {
        config::WriteConfig write = MakeWrite("delta", "table", mode);
        write.partition_by = std::move(partition_by);
        write.table_properties = std::move(properties);
        WriteRequest request{write, *storage_, "batch"};
        (void)Write(*connection_, request);
    }

    [[nodiscard]] std::string Table() const { return PathOf("table").string(); }

    delta::Snapshot Latest() { return delta::LoadSnapshot(*connection_, Table()); }

    /// Every row of the table in a fixed order, as "a|b|c".
    std::vector<std::string> OrderedRows(const std::string& table, const std::string& columns) {
        delta::Snapshot snapshot = delta::LoadSnapshot(*connection_, table);
        engine::ResultTable result = connection_->Query(
            fmt::format("SELECT {0} FROM {1} ORDER BY ALL", columns, delta::ScanSql(*connection_, snapshot)));
        std::vector<std::string> rows;
        for (const auto& row : result.Rows()) {
            std::vector<std::string> values;
            for (const auto& value : row) {
                values.push_back(value.value_or("NULL"));
            }
            rows.push_back(Join(values, "|"));
        }
        return rows;
    }

    /// A copy of a shared table in the test directory (the shared tables are read-only).
    fs::path CopyTable(const std::string& name) {
        fs::path copy = PathOf(name);
        fs::copy(kTables / name, copy, fs::copy_options::recursive);
        return copy;
    }

    /// Sets the modification time of every file under `directory` a month into the past.
    static void Age(const fs::path& directory) {
        for (const auto& entry : fs::recursive_directory_iterator(directory)) {
            if (entry.is_regular_file()) {
                fs::last_write_time(entry.path(), fs::file_time_type::clock::now() - kLongAgo);
            }
        }
    }

    void WriteOldFile(const std::string& relative, const std::string& text = "x") {
        WriteText(relative, text);
        fs::last_write_time(PathOf(relative), fs::file_time_type::clock::now() - kLongAgo);
    }
};

TEST_F(DeltaMaintenanceTest, HistoryIsNewestFirstWithSparksFields) {
    Source("SELECT range AS id FROM range(3)");
    WriteDelta(WriteMode::OVERWRITE);
    WriteDelta(WriteMode::APPEND);
    WriteDelta(WriteMode::APPEND);
    std::vector<delta::HistoryEntry> history = delta::History(Table());
    ASSERT_EQ(history.size(), 3u);
    EXPECT_EQ(history[0].version, 2);
    EXPECT_EQ(history[1].version, 1);
    EXPECT_EQ(history[2].version, 0);
    EXPECT_EQ(history[0].operation, "WRITE");
    EXPECT_EQ(history[2].operation, "CREATE TABLE AS SELECT");
    EXPECT_EQ(history[0].operation_parameters["mode"], "Append");
    EXPECT_EQ(history[0].operation_metrics["numOutputRows"], "3");
    EXPECT_EQ(history[0].engine_info, std::optional<std::string>("odibi"));
    EXPECT_EQ(history[0].read_version, std::optional<int64_t>(1));
    EXPECT_EQ(history[0].is_blind_append, std::optional<bool>(true));
    EXPECT_FALSE(history[0].user_name.has_value());
    EXPECT_GE(history[0].timestamp_ms, history[2].timestamp_ms);
    EXPECT_GT(history[2].timestamp_ms, 0);

    std::vector<delta::HistoryEntry> limited = delta::History(Table(), 2);
    ASSERT_EQ(limited.size(), 2u);
    EXPECT_EQ(limited[1].version, 1);
    EXPECT_TRUE(delta::History(Table(), 0).empty());
}

TEST_F(DeltaMaintenanceTest, HistoryOfSharedSparkTable) {
    std::vector<delta::HistoryEntry> history = delta::History((kTables / "simple_table").string());
    ASSERT_EQ(history.size(), 5u);
    std::vector<std::string> operations;
    for (const auto& entry : history) {
        operations.push_back(entry.operation);
    }
    EXPECT_EQ(operations, (std::vector<std::string>{"DELETE", "UPDATE", "WRITE", "MERGE", "WRITE"}));
    EXPECT_EQ(history.front().version, 4);
    EXPECT_GT(history.front().timestamp_ms, history.back().timestamp_ms);
    EXPECT_TRUE(history.back().engine_info.has_value() || history.back().operation_parameters.contains("mode"));
}

TEST_F(DeltaMaintenanceTest, HistoryOfADirectoryThatIsNoTable) {
    fs::create_directories(PathOf("plain"));
    Error error = CaptureError([&] { (void)delta::History(PathOf("plain").string()); });
    EXPECT_EQ(error.Code(), ErrorCode::INPUT_NOT_FOUND);
    EXPECT_NE(error.Message().find("not a Delta table"), std::string::npos);
}

TEST_F(DeltaMaintenanceTest, VacuumDeletesOldUnreferencedFilesOnly) {
    Source("SELECT range AS id, range % 2 AS p FROM range(4)");
    WriteDelta(WriteMode::OVERWRITE, {"p"});
    WriteDelta(WriteMode::OVERWRITE, {"p"}); // tombstones the first write's files just now
    std::vector<std::string> before = OrderedRows(Table(), "id, p");
    Age(PathOf("table"));
    WriteOldFile("table/part-orphan.parquet", "orphan");
    WriteOldFile("table/p=1/part-orphan.parquet", "orphan");
    WriteOldFile("table/p=7/part-orphan.parquet", "orphan"); // its folder goes with it
    WriteOldFile("table/deletion_vector_00000000-0000-0000-0000-000000000000.bin", "dv");
    WriteOldFile("table/.hidden.parquet");
    WriteOldFile("table/_tmp/part-old.parquet");
    WriteText("table/part-young.parquet", "young"); // a concurrent writer may be about to commit it

    delta::VacuumResult dry = delta::Vacuum(*connection_, Table(), std::nullopt, true);
    EXPECT_TRUE(dry.dry_run);
    EXPECT_EQ(dry.retention_hours, delta::DEFAULT_RETENTION_HOURS);
    EXPECT_EQ(dry.files,
              (std::vector<std::string>{"deletion_vector_00000000-0000-0000-0000-000000000000.bin",
                                        "p=1/part-orphan.parquet",
                                        "p=7/part-orphan.parquet",
                                        "part-orphan.parquet"}));
    EXPECT_EQ(dry.bytes, 6 + 6 + 6 + 2);
    // The tombstoned files of version 0 (removed just now) and the young orphan are kept.
    EXPECT_EQ(dry.young_files_kept, 3);
    EXPECT_TRUE(fs::exists(PathOf("table/part-orphan.parquet")));
    EXPECT_TRUE(fs::exists(PathOf("table/p=7/part-orphan.parquet")));

    delta::VacuumResult done = delta::Vacuum(*connection_, Table());
    EXPECT_FALSE(done.dry_run);
    EXPECT_EQ(done.files, dry.files);
    EXPECT_FALSE(fs::exists(PathOf("table/part-orphan.parquet")));
    EXPECT_FALSE(fs::exists(PathOf("table/p=1/part-orphan.parquet")));
    EXPECT_FALSE(fs::exists(PathOf("table/p=7")));
    EXPECT_FALSE(fs::exists(PathOf("table/deletion_vector_00000000-0000-0000-0000-000000000000.bin")));
    EXPECT_TRUE(fs::exists(PathOf("table/.hidden.parquet")));
    EXPECT_TRUE(fs::exists(PathOf("table/_tmp/part-old.parquet")));
    EXPECT_TRUE(fs::exists(PathOf("table/part-young.parquet")));
    EXPECT_TRUE(fs::exists(PathOf("table/_delta_log/00000000000000000000.json")));
    for (const auto& file : Latest().files) {
        EXPECT_TRUE(fs::exists(PathOf("table") / file.path)) << file.path;
    }
    EXPECT_EQ(OrderedRows(Table(), "id, p"), before);

    // With a zero retention (forced) the tombstoned files go too; the young orphan is young no more.
    delta::VacuumResult forced = delta::Vacuum(*connection_, Table(), 0.0, false, true);
    EXPECT_EQ(forced.files.size(), 3u);
    EXPECT_EQ(forced.young_files_kept, 0);
    EXPECT_FALSE(fs::exists(PathOf("table/part-young.parquet")));
    EXPECT_EQ(OrderedRows(Table(), "id, p"), before);
    EXPECT_EQ(delta::LoadSnapshot(*connection_, Table()).version, 1);
}

TEST_F(DeltaMaintenanceTest, VacuumRefusesAShortRetentionUnlessTheTableOrForceAllowsIt) {
    Source("SELECT 1 AS id");
    WriteDelta(WriteMode::OVERWRITE);
    WriteDelta(WriteMode::OVERWRITE);
    Error error = CaptureError([&] { (void)delta::Vacuum(*connection_, Table(), 1.0); });
    EXPECT_EQ(error.Code(), ErrorCode::USAGE_ERROR);
    EXPECT_NE(error.Message().find("delta.deletedFileRetentionDuration"), std::string::npos);
    EXPECT_NE(Join(error.Suggestions(), "\n").find("--force"), std::string::npos);
    EXPECT_EQ(delta::Vacuum(*connection_, Table(), 1.0, true, true).retention_hours, 1.0);

    Source("SELECT 2 AS id");
    fs::remove_all(PathOf("table"));
    WriteDelta(WriteMode::OVERWRITE, {}, {{"delta.deletedFileRetentionDuration", "interval 2 hours"}});
    WriteDelta(WriteMode::OVERWRITE);
    fs::path removed =
        PathOf("table") / delta::LoadSnapshot(*connection_, Table(), {.version = 0, .timestamp = {}}).files.at(0).path;
    delta::VacuumResult allowed = delta::Vacuum(*connection_, Table(), 3.0);
    EXPECT_TRUE(allowed.files.empty()); // removed just now: within any retention
    EXPECT_EQ(delta::Vacuum(*connection_, Table()).retention_hours, 2.0);
    EXPECT_EQ(CaptureError([&] { (void)delta::Vacuum(*connection_, Table(), 1.0); }).Code(), ErrorCode::USAGE_ERROR);
    EXPECT_TRUE(fs::exists(removed));
}

TEST_F(DeltaMaintenanceTest, OptimizeCompactsSmallFilesPerPartitionKeepingRows) {
    for (int batch = 0; batch < 3; ++batch) {
        Source(fmt::format("SELECT range + {0} AS id, range % 2 AS p, 'v' || (range + {0}) AS s, "
                           "CASE WHEN range = 1 THEN NULL ELSE range * 1.5 END AS x FROM range(5)",
                           batch * 10));
        WriteDelta(batch == 0 ? WriteMode::OVERWRITE : WriteMode::APPEND, {"p"});
    }
    ASSERT_EQ(Latest().files.size(), 6u);
    std::vector<std::string> before = OrderedRows(Table(), "id, p, s, x");

    delta::OptimizeResult result = delta::Optimize(*connection_, Table());
    ASSERT_TRUE(result.version.has_value());
    EXPECT_EQ(*result.version, 3);
    EXPECT_EQ(result.partitions_optimized, 2);
    EXPECT_EQ(result.files_removed, 6);
    EXPECT_EQ(result.files_added, 2);
    EXPECT_GT(result.bytes_added, 0);

    delta::Snapshot snapshot = Latest();
    ASSERT_EQ(snapshot.files.size(), 2u);
    for (const auto& file : snapshot.files) {
        EXPECT_FALSE(file.data_change);
        EXPECT_EQ(file.path.substr(0, 2), "p=");
        ASSERT_TRUE(file.stats.has_value());
        EXPECT_EQ(Json::parse(*file.stats)["numRecords"], file.partition_values.at("p") == "0" ? 9 : 6);
    }
    EXPECT_EQ(OrderedRows(Table(), "id, p, s, x"), before);

    delta::Actions commit = delta::ReadCommitFile(delta::ListLog(PathOf("table")).CommitPath(3));
    EXPECT_EQ(commit.removes.size(), 6u);
    for (const auto& remove : commit.removes) {
        EXPECT_FALSE(remove.data_change);
    }
    std::vector<delta::HistoryEntry> history = delta::History(Table(), 1);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].operation, "OPTIMIZE");
    EXPECT_EQ(history[0].operation_parameters["zOrderBy"], "[]");
    EXPECT_EQ(history[0].operation_metrics["numRemovedFiles"], "6");
    EXPECT_EQ(history[0].operation_metrics["numAddedFiles"], "2");
    EXPECT_EQ(history[0].operation_metrics["numRemovedBytes"], std::to_string(result.bytes_removed));
    EXPECT_EQ(history[0].operation_metrics["numAddedBytes"], std::to_string(result.bytes_added));

    // Nothing left to compact; later writes and reads see the compacted table.
    EXPECT_FALSE(delta::Optimize(*connection_, Table()).version.has_value());
    Source("SELECT 99 AS id, 1 AS p, 'v99' AS s, 2.0 AS x");
    WriteDelta(WriteMode::APPEND);
    before.push_back("99|1|v99|2.0");
    EXPECT_EQ(OrderedRows(Table(), "id, p, s, x"), before);
    // The previous version still reads through the tombstoned files until VACUUM.
    EXPECT_EQ(
        Rows(fmt::format(
            "SELECT count(*) FROM {}",
            delta::ScanSql(*connection_, delta::LoadSnapshot(*connection_, Table(), {.version = 2, .timestamp = {}})))),
        (std::vector<std::string>{"15"}));
}

TEST_F(DeltaMaintenanceTest, OptimizeLeavesLargeFilesAndSinglesAlone) {
    for (int batch = 0; batch < 3; ++batch) {
        Source(fmt::format("SELECT range + {} AS id FROM range(100)", batch * 100));
        WriteDelta(batch == 0 ? WriteMode::OVERWRITE : WriteMode::APPEND);
    }
    // Every file is bigger than a 10-byte target: nothing to do.
    EXPECT_FALSE(delta::Optimize(*connection_, Table(), {}, 10).version.has_value());
    EXPECT_EQ(Latest().files.size(), 3u);
    EXPECT_EQ(CaptureError([&] { (void)delta::Optimize(*connection_, Table(), {}, 0); }).Code(),
              ErrorCode::USAGE_ERROR);
}

TEST_F(DeltaMaintenanceTest, OptimizeZOrderOrdersRowsWithinTheNewFile) {
    for (int batch = 0; batch < 3; ++batch) {
        Source(fmt::format("SELECT (range * 37 + {}) % 100 AS id, (range * 11) % 7 AS k, 'r' || range AS s FROM "
                           "range(30)",
                           batch * 13));
        WriteDelta(batch == 0 ? WriteMode::OVERWRITE : WriteMode::APPEND);
    }
    std::vector<std::string> before = OrderedRows(Table(), "id, k, s");
    delta::OptimizeResult result = delta::Optimize(*connection_, Table(), {"ID"});
    ASSERT_TRUE(result.version.has_value());
    delta::Snapshot snapshot = Latest();
    ASSERT_EQ(snapshot.files.size(), 1u);
    EXPECT_EQ(OrderedRows(Table(), "id, k, s"), before);
    std::string file = engine::QuoteLiteral((PathOf("table") / snapshot.files[0].path).string());
    EXPECT_EQ(Scalar(fmt::format("SELECT bool_and(id >= previous) FROM (SELECT id, lag(id, 1, -1) OVER (ORDER BY "
                                 "file_row_number) AS previous FROM read_parquet({}, file_row_number = true))",
                                 file)),
              "true");
    EXPECT_EQ(delta::History(Table(), 1)[0].operation_parameters["zOrderBy"], "[\"id\"]");

    // Two columns: along a Z-order curve no row comes after a row that it is smaller than in both
    // columns. With Z-order even a single file is rewritten.
    delta::OptimizeResult again = delta::Optimize(*connection_, Table(), {"id", "k"});
    EXPECT_EQ(again.files_removed, 1);
    EXPECT_EQ(OrderedRows(Table(), "id, k, s"), before);
    snapshot = Latest();
    file = engine::QuoteLiteral((PathOf("table") / snapshot.files[0].path).string());
    std::string rows =
        fmt::format("(SELECT id, k, file_row_number AS n FROM read_parquet({}, file_row_number = true))", file);
    EXPECT_EQ(Scalar(fmt::format(
                  "SELECT count(*) FROM {0} AS a, {0} AS b WHERE a.n < b.n AND b.id < a.id AND b.k < a.k", rows)),
              "0");
    EXPECT_NE(Scalar(fmt::format("SELECT count(*) FROM {0} AS a, {0} AS b WHERE a.n < b.n AND b.id < a.id", rows)),
              "0");

    Error unknown = CaptureError([&] { (void)delta::Optimize(*connection_, Table(), {"idd"}); });
    EXPECT_EQ(unknown.Code(), ErrorCode::USAGE_ERROR);
    EXPECT_NE(Join(unknown.Suggestions(), " ").find("Did you mean \"id\"?"), std::string::npos);
}

TEST_F(DeltaMaintenanceTest, OptimizeAppliesDeletionVectorsOfASparkTable) {
    fs::path table = CopyTable("table-with-dv-small");
    std::vector<std::string> before = OrderedRows(table.string(), "*");
    delta::Snapshot old = delta::LoadSnapshot(*connection_, table.string());
    ASSERT_TRUE(old.files.at(0).deletion_vector.has_value());
    delta::OptimizeResult result = delta::Optimize(*connection_, table.string(), {"value"});
    ASSERT_TRUE(result.version.has_value());
    delta::Snapshot snapshot = delta::LoadSnapshot(*connection_, table.string());
    ASSERT_EQ(snapshot.files.size(), 1u);
    EXPECT_FALSE(snapshot.files[0].deletion_vector.has_value());
    EXPECT_EQ(OrderedRows(table.string(), "*"), before);
    // VACUUM with no retention deletes the old data file and its deletion vector.
    delta::VacuumResult vacuumed = delta::Vacuum(*connection_, table.string(), 0.0, false, true);
    EXPECT_EQ(vacuumed.files.size(), 2u);
    EXPECT_FALSE(fs::exists(table / old.files[0].path));
    EXPECT_EQ(OrderedRows(table.string(), "*"), before);
}

TEST_F(DeltaMaintenanceTest, OptimizeCommitConflictsWithARemoveButNotWithAnAppend) {
    Source("SELECT 1 AS id");
    WriteDelta(WriteMode::OVERWRITE);
    WriteDelta(WriteMode::APPEND);
    delta::Snapshot snapshot = Latest();
    auto plan = [&snapshot] {
        delta::PlannedCommit commit;
        commit.read_version = snapshot.version;
        commit.isolation = delta::CommitIsolation::REARRANGE;
        for (const auto& file : snapshot.files) {
            delta::RemoveFile remove;
            remove.path = file.path;
            remove.deletion_timestamp = 1;
            remove.data_change = false;
            commit.actions.removes.push_back(remove);
        }
        commit.actions.commit_info = Json{{"operation", "OPTIMIZE"}};
        return commit;
    };
    // A concurrent blind append: the rearrangement goes on top of it.
    WriteDelta(WriteMode::APPEND);
    delta::PlannedCommit over_append = plan();
    EXPECT_EQ(delta::CommitActions(*connection_, PathOf("table"), over_append), snapshot.version + 2);

    // A concurrent overwrite removed the files: conflict.
    snapshot = Latest();
    WriteDelta(WriteMode::OVERWRITE);
    delta::PlannedCommit over_overwrite = plan();
    Error error = CaptureError([&] { (void)delta::CommitActions(*connection_, PathOf("table"), over_overwrite); });
    EXPECT_EQ(error.Code(), ErrorCode::DELTA_COMMIT_CONFLICT);
    EXPECT_NE(error.Message().find("which this commit rewrites"), std::string::npos);
}

} // namespace
} // namespace odibi::io::testing
