// Delta writes through io::Write: every mode, partitions, schema evolution, the commit's required
// fields, txn actions, checkpoints, conflicts, and 8 processes appending to one table at once.
#include <functional>

#include "../io_test_support.hpp"
#include "delta/actions.hpp"
#include "delta/log_listing.hpp"
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include "odibi/io/delta.hpp"

namespace odibi::io::testing {
namespace {

using config::Json;
using config::WriteMode;

class DeltaWriteTest : public IoTest {
protected:
    void Source(const std::string& sql) { connection_->Execute("CREATE OR REPLACE TABLE batch AS " + sql); }

    WriteOutcome WriteDelta(WriteMode mode,
                            std::vector<std::string> keys = {},
                            std::vector<std::string> partition_by = {},
                            std::function<void(config::WriteConfig&)> adjust = nullptr) {
        config::WriteConfig write =
            MakeWrite("delta", "table", mode, keys.empty() ? Json::object() : Json{{"keys", keys}});
        write.partition_by = std::move(partition_by);
        if (adjust) {
            adjust(write);
        }
        WriteRequest request{write, *storage_, "batch"};
        request.writer_id = "odibi/p/n";
        request.commit_details = Json{{"odibi", {{"run_id", "r1"}}}};
        return Write(*connection_, request);
    }

    /// The table's rows (read back by the reader) as Rows() renders them, ordered by `order`.
    std::vector<std::string> TableRows(const std::string& columns, std::optional<int64_t> version = std::nullopt) {
        delta::Snapshot snapshot = delta::LoadSnapshot(
            *connection_, PathOf("table").string(), {.version = version, .timestamp = std::nullopt});
        return Rows(fmt::format("SELECT {} FROM {}", columns, delta::ScanSql(*connection_, snapshot)));
    }

    /// Every commit of the table, parsed, after checking the protocol's required fields on the raw JSON.
    std::vector<delta::Actions> Commits() {
        std::vector<delta::Actions> commits;
        delta::LogListing listing = delta::ListLog(PathOf("table"));
        int64_t expected_version = 0;
        for (int64_t version : listing.commits) {
            fs::path path = listing.CommitPath(version);
            EXPECT_EQ(version, expected_version++) << "the log has a gap";
            std::ifstream stream(path);
            std::string line;
            std::string text;
            while (std::getline(stream, line)) {
                Json action = Json::parse(line);
                if (action.contains("add")) {
                    for (const char* key : {"path", "partitionValues", "size", "modificationTime", "dataChange"}) {
                        EXPECT_TRUE(action["add"].contains(key)) << key << " in " << line;
                    }
                    EXPECT_TRUE(
                        fs::exists(PathOf("table") / delta::DecodePath(action["add"]["path"].get<std::string>())));
                }
                if (action.contains("remove")) {
                    for (const char* key : {"path", "deletionTimestamp", "dataChange"}) {
                        EXPECT_TRUE(action["remove"].contains(key)) << key << " in " << line;
                    }
                }
                if (action.contains("metaData")) {
                    for (const char* key : {"id", "format", "schemaString", "partitionColumns", "configuration"}) {
                        EXPECT_TRUE(action["metaData"].contains(key)) << key << " in " << line;
                    }
                }
                if (action.contains("protocol")) {
                    EXPECT_TRUE(action["protocol"].contains("minReaderVersion"));
                    EXPECT_TRUE(action["protocol"].contains("minWriterVersion"));
                }
                if (action.contains("txn")) {
                    EXPECT_TRUE(action["txn"].contains("appId"));
                    EXPECT_TRUE(action["txn"].contains("version"));
                }
                text += line + "\n";
            }
            commits.push_back(delta::ParseCommit(text, path.string()));
            if (version == 0) {
                EXPECT_TRUE(commits.back().protocol.has_value());
                EXPECT_TRUE(commits.back().metadata.has_value());
            }
            EXPECT_TRUE(commits.back().commit_info.has_value());
        }
        return commits;
    }
};

TEST_F(DeltaWriteTest, OverwriteAppendAndReadBack) {
    Source(
        "SELECT * FROM (VALUES (1, 'a', DATE '2024-01-01', 1.5::DECIMAL(10,2)), (2, NULL, NULL, NULL)) t(id, s, d, m)");
    WriteOutcome created = WriteDelta(WriteMode::OVERWRITE);
    EXPECT_EQ(created.rows_written, 2);
    EXPECT_EQ(created.rows_in_target, 2);
    EXPECT_FALSE(created.target_existed);
    Source("SELECT 3 AS id, 'c' AS s, DATE '2024-01-03' AS d, 2.25::DECIMAL(10,2) AS m");
    WriteOutcome appended = WriteDelta(WriteMode::APPEND);
    EXPECT_EQ(appended.rows_written, 1);
    EXPECT_EQ(appended.rows_in_target, 3);
    EXPECT_EQ(TableRows("id, s, d, m"),
              (std::vector<std::string>{"1|a|2024-01-01|1.50", "2|NULL|NULL|NULL", "3|c|2024-01-03|2.25"}));
    EXPECT_EQ(TableRows("id", 0), (std::vector<std::string>{"1", "2"}));
    Source("SELECT 9 AS id, 'z' AS s, DATE '2024-01-09' AS d, 0::DECIMAL(10,2) AS m");
    WriteOutcome overwritten = WriteDelta(WriteMode::OVERWRITE);
    EXPECT_EQ(overwritten.rows_in_target, 1);
    EXPECT_EQ(TableRows("id"), (std::vector<std::string>{"9"}));
    auto commits = Commits();
    ASSERT_EQ(commits.size(), 3u);
    EXPECT_EQ(commits[2].removes.size(), 2u);
    EXPECT_EQ((*commits[1].commit_info)["operationMetrics"]["numOutputRows"], "1");
    EXPECT_EQ((*commits[1].commit_info)["odibi"]["run_id"], "r1");
    EXPECT_TRUE((*commits[1].commit_info)["isBlindAppend"].get<bool>());
    // Stats of every add: numRecords and bounds.
    Json stats = Json::parse(*commits[0].adds.at(0).stats);
    EXPECT_EQ(stats["numRecords"], 2);
    EXPECT_EQ(stats["minValues"]["id"], 1);
    // txn: one version per write of the same writer.
    ASSERT_EQ(commits[2].txns.size(), 1u);
    EXPECT_EQ(commits[2].txns[0].app_id, "odibi/p/n");
    EXPECT_EQ(commits[2].txns[0].version, 2);
}

TEST_F(DeltaWriteTest, PartitionedWritesKeepTypedValuesAndNulls) {
    Source("SELECT * FROM (VALUES (1, 'a b/c', DATE '2024-01-02', TIMESTAMP '2024-01-02 03:04:05.5'), "
           "(2, NULL, NULL, NULL), (3, 'a b/c', DATE '2024-01-03', TIMESTAMP '2024-01-02 00:00:00')) t(id, s, d, ts)");
    WriteDelta(WriteMode::OVERWRITE, {}, {"s", "d"});
    EXPECT_EQ(TableRows("id, s, d, ts"),
              (std::vector<std::string>{"1|a b/c|2024-01-02|2024-01-02 03:04:05.5",
                                        "2|NULL|NULL|NULL",
                                        "3|a b/c|2024-01-03|2024-01-02 00:00:00"}));
    delta::Snapshot snapshot = delta::LoadSnapshot(*connection_, PathOf("table").string());
    EXPECT_EQ(snapshot.metadata.partition_columns, (std::vector<std::string>{"s", "d"}));
    ASSERT_EQ(snapshot.files.size(), 3u);
    bool null_partition = false;
    for (const auto& file : snapshot.files) {
        null_partition = null_partition || !file.partition_values.at("s").has_value();
    }
    EXPECT_TRUE(null_partition);
    Commits();
    // Partition pruning reads one file for one value.
    std::string pruned = delta::ScanSql(*connection_, snapshot, std::string("d = DATE '2024-01-03'"));
    EXPECT_EQ(Rows("SELECT id FROM " + pruned), (std::vector<std::string>{"3"}));
}

TEST_F(DeltaWriteTest, UpsertRewritesOnlyTouchedFiles) {
    Source("SELECT i AS id, 'v0' AS v, i % 3 AS p FROM range(0, 30) t(i)");
    WriteDelta(WriteMode::OVERWRITE, {}, {"p"});
    Source("SELECT * FROM (VALUES (4, 'v1', 1), (100, 'new', 1)) t(id, v, p)");
    WriteOutcome upserted = WriteDelta(WriteMode::UPSERT, {"id"});
    EXPECT_EQ(upserted.rows_written, 2);
    EXPECT_EQ(upserted.rows_in_target, 31);
    EXPECT_EQ(TableRows("count(*), count(*) FILTER (v = 'v1'), count(*) FILTER (id = 100)"),
              (std::vector<std::string>{"31|1|1"}));
    auto commits = Commits();
    // Only the partition p=1 file held key 4: one file removed, one added.
    EXPECT_EQ(commits.back().removes.size(), 1u);
    EXPECT_EQ(commits.back().adds.size(), 1u);
    EXPECT_EQ((*commits.back().commit_info)["operation"], "MERGE");

    Source("SELECT * FROM (VALUES (4, 'again', 1), (200, 'once', 2)) t(id, v, p)");
    WriteOutcome once = WriteDelta(WriteMode::APPEND_ONCE, {"id"});
    EXPECT_EQ(once.rows_written, 1);
    // Key 4 was there already: append_once keeps its row and adds only key 200.
    EXPECT_EQ(TableRows("count(*), max(v) FILTER (id = 4), max(v) FILTER (id = 200)"),
              (std::vector<std::string>{"32|v1|once"}));
    EXPECT_TRUE(Commits().back().removes.empty());
}

TEST_F(DeltaWriteTest, UpsertOfANullKeyRewritesTheFileThatHoldsOne) {
    // Keys match with IS NOT DISTINCT FROM: a null key replaces the row with a null key, wherever the
    // statistics of the other keys put its file.
    Source("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) t(id, v)");
    WriteDelta(WriteMode::APPEND);
    Source("SELECT * FROM (VALUES (NULL, 'null key'), (20, 't')) t(id, v)");
    WriteDelta(WriteMode::APPEND);
    Source("SELECT * FROM (VALUES (NULL, 'replaced'), (100, 'new')) t(id, v)");
    WriteOutcome upserted = WriteDelta(WriteMode::UPSERT, {"id"});
    EXPECT_EQ(upserted.rows_in_target, 5);
    EXPECT_EQ(TableRows("id, v"), (std::vector<std::string>{"100|new", "1|a", "20|t", "2|b", "NULL|replaced"}));
    // Only the file with the null key was rewritten.
    EXPECT_EQ(Commits().back().removes.size(), 1u);
}

TEST_F(DeltaWriteTest, SchemaEvolutionNeedsMergeSchema) {
    Source("SELECT 1 AS id");
    WriteDelta(WriteMode::OVERWRITE);
    Source("SELECT 2 AS id, 'x' AS extra");
    Error refused = CaptureError([&] { static_cast<void>(WriteDelta(WriteMode::APPEND)); });
    EXPECT_EQ(refused.Code(), ErrorCode::WRITE_FAILED);
    EXPECT_NE(refused.Message().find("extra"), std::string::npos) << refused.Message();
    EXPECT_NE(refused.Render().find("merge_schema: true"), std::string::npos);
    EXPECT_EQ(TableRows("id"), (std::vector<std::string>{"1"}));
    WriteDelta(WriteMode::APPEND, {}, {}, [](config::WriteConfig& write) { write.merge_schema = true; });
    EXPECT_EQ(TableRows("id, extra"), (std::vector<std::string>{"1|NULL", "2|x"}));
    Source("SELECT 'only' AS other");
    WriteDelta(WriteMode::OVERWRITE, {}, {}, [](config::WriteConfig& write) { write.overwrite_schema = true; });
    EXPECT_EQ(TableRows("*"), (std::vector<std::string>{"only"}));
    Commits();
}

TEST_F(DeltaWriteTest, CheckpointEveryIntervalAndReaderUsesIt) {
    Source("SELECT 1 AS id");
    WriteDelta(WriteMode::OVERWRITE, {}, {}, [](config::WriteConfig& write) {
        write.table_properties["delta.checkpointInterval"] = "3";
    });
    for (int i = 0; i < 6; ++i) {
        WriteDelta(WriteMode::APPEND);
    }
    delta::Snapshot snapshot = delta::LoadSnapshot(*connection_, PathOf("table").string());
    EXPECT_EQ(snapshot.version, 6);
    EXPECT_EQ(snapshot.checkpoint_used, 6);
    EXPECT_TRUE(fs::exists(PathOf("table/_delta_log/_last_checkpoint")));
    EXPECT_EQ(TableRows("count(*)"), (std::vector<std::string>{"7"}));
    EXPECT_EQ(snapshot.app_txns.at("odibi/p/n"), 6);
}

TEST_F(DeltaWriteTest, StagedOverwriteConflictsWithACommitInBetween) {
    Source("SELECT 1 AS id");
    WriteDelta(WriteMode::OVERWRITE);
    config::WriteConfig write = MakeWrite("delta", "table", WriteMode::OVERWRITE);
    StagedWrite staged = StageWrite(*connection_, WriteRequest{write, *storage_, "batch"});
    WriteDelta(WriteMode::APPEND); // another writer commits version 1
    Error conflict = CaptureError([&] { staged.Publish(); });
    EXPECT_EQ(conflict.Code(), ErrorCode::DELTA_COMMIT_CONFLICT);
    EXPECT_EQ(TableRows("id"), (std::vector<std::string>{"1", "1"}));
    EXPECT_FALSE(IsWritePublished(PathOf("table").string(), staged.PublishedMarker()));

    // A staged append goes on top of the other commit instead.
    config::WriteConfig append = MakeWrite("delta", "table", WriteMode::APPEND);
    StagedWrite appending = StageWrite(*connection_, WriteRequest{append, *storage_, "batch"});
    WriteDelta(WriteMode::APPEND);
    appending.Publish();
    appending.Cleanup();
    EXPECT_TRUE(IsWritePublished(PathOf("table").string(), appending.PublishedMarker()));
    EXPECT_EQ(TableRows("count(*)"), (std::vector<std::string>{"4"}));
    Commits();
}

TEST_F(DeltaWriteTest, EightProcessesAppendingTwentyTimesLoseNothing) {
    constexpr int kProcesses = 8;
    constexpr int kAppends = 20;
    Source("SELECT -1 AS worker, -1 AS n");
    WriteDelta(WriteMode::OVERWRITE);
    connection_.reset();
    database_.reset();
    std::vector<pid_t> children;
    for (int worker = 0; worker < kProcesses; ++worker) {
        pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            int status = 0;
            try {
                auto database = engine::OpenDuckDb({.memory_limit = std::nullopt,
                                                    .threads = 1,
                                                    .temp_directory = std::nullopt,
                                                    .preserve_insertion_order = false,
                                                    .path = std::nullopt});
                auto connection = database->Connect();
                for (int n = 0; n < kAppends; ++n) {
                    connection->Execute(
                        fmt::format("CREATE OR REPLACE TABLE batch AS SELECT {} AS worker, {} AS n", worker, n));
                    config::WriteConfig write = MakeWrite("delta", "table", WriteMode::APPEND);
                    static_cast<void>(Write(*connection, WriteRequest{write, *storage_, "batch"}));
                }
            } catch (const std::exception& error) {
                fprintf(stderr, "worker %d: %s\n", worker, error.what());
                status = 1;
            }
            _exit(status);
        }
        children.push_back(child);
    }
    for (pid_t child : children) {
        int status = 0;
        waitpid(child, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    database_ = engine::OpenDuckDb({});
    connection_ = database_->Connect();
    auto commits = Commits();
    EXPECT_EQ(commits.size(), static_cast<size_t>(1 + kProcesses * kAppends));
    EXPECT_EQ(TableRows("count(*), count(DISTINCT (worker, n))"),
              (std::vector<std::string>{fmt::format("{}|{}", 1 + kProcesses * kAppends, 1 + kProcesses * kAppends)}));
}

} // namespace
} // namespace odibi::io::testing
