// Writing files: every format in every mode on real files, partitioning, options and atomicity.
#include "io_test_support.hpp"
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "odibi/common/error.hpp"

namespace odibi::io::testing {
namespace {

using config::Json;
using config::WriteMode;

constexpr const char* FIRST_BATCH =
    "SELECT * FROM (VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)) t(id, name, amount)";
constexpr const char* SECOND_BATCH = "SELECT * FROM (VALUES (3, 'c2', 31), (4, 'd', 40)) t(id, name, amount)";

ino_t InodeOf(const fs::path& path) {
    struct stat status {};
    EXPECT_EQ(::stat(path.c_str(), &status), 0) << path;
    return status.st_ino;
}

class WriteModesTest : public IoTest, public ::testing::WithParamInterface<std::string> {
protected:
    // The rows of the target as the read-back configuration of `write` scans them.
    std::vector<std::string> TargetRows(const config::WriteConfig& write) const {
        return ScanRows(ReadBackConfig(write), "id, name, amount");
    }

    // Writes FIRST_BATCH with overwrite, then SECOND_BATCH with `mode`.
    WriteOutcome WriteTwice(const config::WriteConfig& write) const {
        CreateSource("first", FIRST_BATCH);
        CreateSource("second", SECOND_BATCH);
        config::WriteConfig initial = write;
        initial.mode = WriteMode::OVERWRITE;
        WriteOutcome first = WriteFrom("first", initial);
        EXPECT_FALSE(first.target_existed);
        EXPECT_EQ(first.rows_written, 3);
        EXPECT_EQ(first.rows_in_target, 3);
        WriteOutcome second = WriteFrom("second", write);
        EXPECT_TRUE(second.target_existed);
        EXPECT_TRUE(StagingLeftovers().empty());
        return second;
    }

    std::string TargetName() const { return "out_" + GetParam(); }
};

TEST_P(WriteModesTest, OverwriteReplacesEverything) {
    auto write = MakeWrite(GetParam(), TargetName(), WriteMode::OVERWRITE);
    WriteOutcome outcome = WriteTwice(write);
    EXPECT_EQ(outcome.rows_written, 2);
    EXPECT_EQ(outcome.rows_in_target, 2);
    EXPECT_EQ(outcome.location, PathOf(TargetName()).string());
    EXPECT_TRUE(fs::is_regular_file(PathOf(TargetName())));
    EXPECT_EQ(TargetRows(write), (std::vector<std::string>{"3|c2|31", "4|d|40"}));
}

TEST_P(WriteModesTest, AppendKeepsOldRowsAndDuplicates) {
    auto write = MakeWrite(GetParam(), TargetName(), WriteMode::APPEND);
    WriteOutcome outcome = WriteTwice(write);
    EXPECT_EQ(outcome.rows_written, 2);
    EXPECT_EQ(outcome.rows_in_target, 5);
    EXPECT_EQ(TargetRows(write), (std::vector<std::string>{"1|a|10", "2|b|20", "3|c2|31", "3|c|30", "4|d|40"}));
}

TEST_P(WriteModesTest, UpsertReplacesChangedKeysAndKeepsOthers) {
    auto write = MakeWrite(GetParam(), TargetName(), WriteMode::UPSERT, Json{{"keys", "id"}});
    WriteOutcome outcome = WriteTwice(write);
    EXPECT_EQ(outcome.rows_written, 2);
    EXPECT_EQ(outcome.rows_in_target, 4);
    EXPECT_EQ(TargetRows(write), (std::vector<std::string>{"1|a|10", "2|b|20", "3|c2|31", "4|d|40"}));
}

TEST_P(WriteModesTest, AppendOnceSkipsExistingKeys) {
    auto write = MakeWrite(GetParam(), TargetName(), WriteMode::APPEND_ONCE, Json{{"keys", Json::array({"id"})}});
    WriteOutcome outcome = WriteTwice(write);
    EXPECT_EQ(outcome.rows_written, 1);
    EXPECT_EQ(outcome.rows_in_target, 4);
    EXPECT_EQ(TargetRows(write), (std::vector<std::string>{"1|a|10", "2|b|20", "3|c|30", "4|d|40"}));
    // Running the same batch again adds nothing: append_once is idempotent.
    WriteOutcome again = WriteFrom("second", write);
    EXPECT_EQ(again.rows_written, 0);
    EXPECT_EQ(again.rows_in_target, 4);
}

TEST_P(WriteModesTest, KeyedModesOnAbsentTargetBehaveLikeOverwrite) {
    for (WriteMode mode : {WriteMode::APPEND, WriteMode::UPSERT, WriteMode::APPEND_ONCE}) {
        std::string name = TargetName() + "_" + std::to_string(static_cast<int>(mode));
        auto write = MakeWrite(GetParam(), name, mode, Json{{"keys", "id"}});
        CreateSource("first", FIRST_BATCH);
        WriteOutcome outcome = WriteFrom("first", write);
        EXPECT_FALSE(outcome.target_existed);
        EXPECT_EQ(outcome.rows_written, 3);
        EXPECT_EQ(outcome.rows_in_target, 3);
        EXPECT_EQ(TargetRows(write).size(), 3u);
    }
}

TEST_P(WriteModesTest, FailingWriteLeavesTargetByteIdenticalAndNoStaging) {
    auto initial = MakeWrite(GetParam(), TargetName());
    CreateSource("first", FIRST_BATCH);
    static_cast<void>(WriteFrom("first", initial));
    std::string before = ReadText(TargetName());
    ASSERT_FALSE(before.empty());
    // Fails at run time, in the middle of the scan, not while binding.
    CreateSource("broken", "SELECT CAST(s AS INTEGER) AS id, 'z' AS name, 0 AS amount FROM (VALUES ('5'), ('x')) t(s)");
    for (WriteMode mode : {WriteMode::OVERWRITE, WriteMode::APPEND, WriteMode::UPSERT, WriteMode::APPEND_ONCE}) {
        auto write = MakeWrite(GetParam(), TargetName(), mode, Json{{"keys", "id"}});
        Error error = CaptureError([&] { static_cast<void>(WriteFrom("broken", write)); });
        EXPECT_EQ(error.Code(), ErrorCode::WRITE_FAILED);
        EXPECT_NE(error.Message().find("Could not convert string 'x'"), std::string::npos) << error.Message();
        EXPECT_EQ(ReadText(TargetName()), before);
        EXPECT_TRUE(StagingLeftovers().empty());
    }
}

INSTANTIATE_TEST_SUITE_P(Formats, WriteModesTest, ::testing::Values("csv", "parquet", "json"));

using WriteTest = IoTest;

TEST_F(WriteTest, UpsertWithCompositeKeys) {
    CreateSource("first", "SELECT * FROM (VALUES ('EU', 1, 'a'), ('US', 1, 'b'), ('EU', 2, 'c')) t(region, id, name)");
    CreateSource("second", "SELECT * FROM (VALUES ('US', 1, 'B'), ('US', 2, 'new')) t(region, id, name)");
    auto write = MakeWrite("parquet", "dim", WriteMode::UPSERT, Json{{"keys", Json::array({"region", "id"})}});
    static_cast<void>(WriteFrom("first", write));
    WriteOutcome outcome = WriteFrom("second", write);
    EXPECT_EQ(outcome.rows_written, 2);
    EXPECT_EQ(ScanRows(ReadBackConfig(write), "region, id, name"),
              (std::vector<std::string>{"EU|1|a", "EU|2|c", "US|1|B", "US|2|new"}));
}

TEST_F(WriteTest, ParquetPathWithoutPartitionByIsOneFileAtThatPath) {
    CreateSource("first", FIRST_BATCH);
    auto write = MakeWrite("parquet", "bronze/customers");
    WriteOutcome outcome = WriteFrom("first", write);
    EXPECT_TRUE(fs::is_regular_file(PathOf("bronze/customers")));
    EXPECT_EQ(Scalar("SELECT count(*) FROM read_parquet('" + PathOf("bronze/customers").string() + "')"), "3");
    EXPECT_TRUE(TargetExists(write, *storage_));
    EXPECT_FALSE(TargetExists(MakeWrite("parquet", "bronze/other"), *storage_));
    ASSERT_EQ(outcome.sql.size(), 1u);
    EXPECT_EQ(outcome.sql[0].rfind("COPY (SELECT * FROM \"first\") TO '", 0), 0u) << outcome.sql[0];
}

TEST_F(WriteTest, PartitionByWritesHiveLayoutAndReadsBack) {
    CreateSource("sales",
                 "SELECT * FROM (VALUES (1, 'EU', 5), (2, 'US', 6), (3, 'EU', 7), (4, NULL, 8)) t(id, region, amount)");
    auto write = MakeWrite("parquet", "sales", WriteMode::OVERWRITE, Json::object(), {"region"});
    WriteOutcome outcome = WriteFrom("sales", write);
    EXPECT_EQ(outcome.rows_in_target, 4);
    EXPECT_TRUE(fs::is_directory(PathOf("sales/region=EU")));
    EXPECT_TRUE(fs::is_directory(PathOf("sales/region=US")));
    EXPECT_NE(outcome.sql[0].find("PARTITION_BY (\"region\")"), std::string::npos) << outcome.sql[0];
    config::ReadConfig read = ReadBackConfig(write);
    EXPECT_EQ(read.options["hive_partitioning"], true);
    EXPECT_EQ(ScanRows(read, "id, region, amount"),
              (std::vector<std::string>{"1|EU|5", "2|US|6", "3|EU|7", "4|NULL|8"}));
    // A plain read of the directory sees the same rows.
    EXPECT_EQ(ScanRows(MakeRead("parquet", "sales"), "count(*)"), (std::vector<std::string>{"4"}));
}

TEST_F(WriteTest, UpsertIntoPartitionedTargetKeepsTextPartitionValues) {
    CreateSource("first", "SELECT * FROM (VALUES (1, '001', 'a'), (2, '010', 'b')) t(id, code, name)");
    CreateSource("second", "SELECT * FROM (VALUES (2, '010', 'B'), (3, '001', 'c')) t(id, code, name)");
    auto write = MakeWrite("parquet", "coded", WriteMode::UPSERT, Json{{"keys", "id"}}, {"code"});
    static_cast<void>(WriteFrom("first", write));
    WriteOutcome outcome = WriteFrom("second", write);
    EXPECT_EQ(outcome.rows_in_target, 3);
    EXPECT_EQ(ScanRows(ReadBackConfig(write), "id, code, name"),
              (std::vector<std::string>{"1|001|a", "2|010|B", "3|001|c"}));
    EXPECT_TRUE(fs::is_directory(PathOf("coded/code=001")));
    EXPECT_TRUE(StagingLeftovers().empty());
}

TEST_F(WriteTest, PartitionColumnNamesWithSpacesSurviveRewrites) {
    CreateSource("first", "SELECT * FROM (VALUES (1, 'north east'), (2, 'west')) t(id, \"sale region\")");
    CreateSource("second", "SELECT * FROM (VALUES (3, 'north east')) t(id, \"sale region\")");
    auto write = MakeWrite("parquet", "spaced", WriteMode::APPEND, Json::object(), {"sale region"});
    static_cast<void>(WriteFrom("first", write));
    WriteOutcome outcome = WriteFrom("second", write);
    EXPECT_EQ(outcome.rows_written, 1);
    EXPECT_EQ(ScanRows(ReadBackConfig(write), "id, \"sale region\""),
              (std::vector<std::string>{"1|north east", "2|west", "3|north east"}));
}

TEST_F(WriteTest, PartitionedOverwriteSwapsTheWholeDirectory) {
    CreateSource("old", "SELECT * FROM (VALUES (1, 'EU'), (2, 'US')) t(id, region)");
    CreateSource("new", "SELECT * FROM (VALUES (3, 'APAC')) t(id, region)");
    auto write = MakeWrite("csv", "regions", WriteMode::OVERWRITE, Json::object(), {"region"});
    static_cast<void>(WriteFrom("old", write));
    ASSERT_TRUE(fs::is_directory(PathOf("regions/region=EU")));
    ino_t old_inode = InodeOf(PathOf("regions"));
    WriteOutcome outcome = WriteFrom("new", write);
    EXPECT_TRUE(outcome.target_existed);
    EXPECT_NE(InodeOf(PathOf("regions")), old_inode);
    EXPECT_FALSE(fs::exists(PathOf("regions/region=EU")));
    EXPECT_FALSE(fs::exists(PathOf("regions/region=US")));
    EXPECT_TRUE(fs::is_directory(PathOf("regions/region=APAC")));
    EXPECT_EQ(ScanRows(ReadBackConfig(write), "id, region"), (std::vector<std::string>{"3|APAC"}));
    EXPECT_TRUE(StagingLeftovers().empty());
    // A failing overwrite of the directory leaves it as it was.
    CreateSource("broken", "SELECT CAST(s AS INTEGER) AS id, 'X' AS region FROM (VALUES ('1'), ('x')) t(s)");
    EXPECT_EQ(CaptureError([&] { static_cast<void>(WriteFrom("broken", write)); }).Code(), ErrorCode::WRITE_FAILED);
    EXPECT_TRUE(fs::is_directory(PathOf("regions/region=APAC")));
    EXPECT_FALSE(fs::exists(PathOf("regions/region=X")));
    EXPECT_TRUE(StagingLeftovers().empty());
}

TEST_F(WriteTest, SwitchingBetweenFileAndDirectoryLayouts) {
    CreateSource("first", FIRST_BATCH);
    auto partitioned = MakeWrite("parquet", "layout", WriteMode::OVERWRITE, Json::object(), {"name"});
    static_cast<void>(WriteFrom("first", partitioned));
    ASSERT_TRUE(fs::is_directory(PathOf("layout")));
    auto single = MakeWrite("parquet", "layout", WriteMode::APPEND);
    WriteOutcome outcome = WriteFrom("first", single);
    EXPECT_EQ(outcome.rows_in_target, 6);
    EXPECT_TRUE(fs::is_regular_file(PathOf("layout")));
    EXPECT_EQ(ScanRows(MakeRead("parquet", "layout"), "count(DISTINCT name), count(*)"),
              (std::vector<std::string>{"3|6"}));
    EXPECT_TRUE(StagingLeftovers().empty());
}

TEST_F(WriteTest, CsvWriterOptionsAndHeaderlessAppend) {
    CreateSource("first", "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) t(id, name)");
    CreateSource("second", "SELECT * FROM (VALUES (3, 'c')) t(id, name)");
    auto write = MakeWrite("csv", "plain.txt", WriteMode::APPEND, Json{{"header", false}, {"sep", ";"}});
    static_cast<void>(WriteFrom("first", write));
    static_cast<void>(WriteFrom("second", write));
    std::string text = ReadText("plain.txt");
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << text;
    EXPECT_NE(text.find("3;c"), std::string::npos) << text;
    EXPECT_EQ(text.find("id"), std::string::npos) << text;
    EXPECT_EQ(ScanRows(ReadBackConfig(write), "column0, column1"), (std::vector<std::string>{"1|a", "2|b", "3|c"}));
}

TEST_F(WriteTest, CsvRewriteKeepsStoredTextExactly) {
    CreateSource("first", "SELECT * FROM (VALUES ('001', '01234'), ('002', '00700')) t(code, zip)");
    CreateSource("second", "SELECT * FROM (VALUES ('003')) t(code)");
    auto write = MakeWrite("csv", "codes.csv", WriteMode::APPEND);
    static_cast<void>(WriteFrom("first", write));
    static_cast<void>(WriteFrom("second", write));
    EXPECT_EQ(ReadText("codes.csv"), "code,zip\n001,01234\n002,00700\n003,\n");
}

TEST_F(WriteTest, CsvQuotingRoundTrips) {
    CreateSource("tricky", "SELECT * FROM (VALUES (1, 'comma, inside'), (2, 'quote \" inside')) t(id, text)");
    auto write = MakeWrite("csv", "tricky.csv", WriteMode::OVERWRITE, Json{{"quotechar", "'"}});
    static_cast<void>(WriteFrom("tricky", write));
    EXPECT_NE(ReadText("tricky.csv").find("'comma, inside'"), std::string::npos) << ReadText("tricky.csv");
    EXPECT_EQ(ScanRows(ReadBackConfig(write), "id, text"),
              (std::vector<std::string>{"1|comma, inside", "2|quote \" inside"}));
}

TEST_F(WriteTest, CompressionFollowsTheTargetExtension) {
    CreateSource("first", FIRST_BATCH);
    auto write = MakeWrite("csv", "packed.csv.gz");
    static_cast<void>(WriteFrom("first", write));
    std::string bytes = ReadText("packed.csv.gz");
    ASSERT_GE(bytes.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(bytes[1]), 0x8b);
    EXPECT_EQ(ScanRows(MakeRead("csv", "packed.csv.gz"), "count(*)"), (std::vector<std::string>{"3"}));
}

TEST_F(WriteTest, JsonIsAnArrayByDefaultAndLinesOnRequest) {
    CreateSource("first", FIRST_BATCH);
    auto array = MakeWrite("json", "records.json");
    static_cast<void>(WriteFrom("first", array));
    EXPECT_EQ(Trim(ReadText("records.json")).front(), '[');
    EXPECT_EQ(ScanRows(MakeRead("json", "records.json", Json{{"lines", false}}), "count(*)"),
              (std::vector<std::string>{"3"}));
    auto lines = MakeWrite("json", "records.jsonl", WriteMode::OVERWRITE, Json{{"lines", true}, {"orient", "records"}});
    static_cast<void>(WriteFrom("first", lines));
    std::string text = ReadText("records.jsonl");
    EXPECT_EQ(text.front(), '{');
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << text;
    EXPECT_EQ(ScanRows(MakeRead("json", "records.jsonl", Json{{"lines", true}}), "count(*)"),
              (std::vector<std::string>{"3"}));
    EXPECT_EQ(ReadBackConfig(lines).options["lines"], true);
}

TEST_F(WriteTest, AppendAddsNewColumnsByName) {
    CreateSource("first", "SELECT 1 AS id, 'a' AS name");
    CreateSource("second", "SELECT 'b' AS name, 2 AS id, true AS flag");
    auto write = MakeWrite("parquet", "evolving.parquet", WriteMode::APPEND);
    static_cast<void>(WriteFrom("first", write));
    static_cast<void>(WriteFrom("second", write));
    EXPECT_EQ(ScanRows(ReadBackConfig(write), "id, name, flag"), (std::vector<std::string>{"1|a|NULL", "2|b|true"}));
}

TEST_F(WriteTest, KeysAreRequiredAndChecked) {
    CreateSource("first", FIRST_BATCH);
    Error missing = CaptureError(
        [&] { static_cast<void>(WriteFrom("first", MakeWrite("parquet", "k.parquet", WriteMode::UPSERT))); });
    EXPECT_EQ(missing.Code(), ErrorCode::MISSING_WRITE_KEYS);
    EXPECT_NE(missing.Message().find("write.options.keys"), std::string::npos) << missing.Message();

    Error typo = CaptureError([&] {
        static_cast<void>(
            WriteFrom("first", MakeWrite("parquet", "k.parquet", WriteMode::APPEND_ONCE, Json{{"keys", "idd"}})));
    });
    EXPECT_EQ(typo.Code(), ErrorCode::UNKNOWN_WRITE_COLUMN);
    EXPECT_NE(typo.Message().find("Did you mean \"id\"?"), std::string::npos) << typo.Message();

    static_cast<void>(WriteFrom("first", MakeWrite("parquet", "k.parquet")));
    CreateSource("renamed", "SELECT 9 AS customer_id, 'z' AS name");
    Error not_in_target = CaptureError([&] {
        static_cast<void>(
            WriteFrom("renamed", MakeWrite("parquet", "k.parquet", WriteMode::UPSERT, Json{{"keys", "customer_id"}})));
    });
    EXPECT_EQ(not_in_target.Code(), ErrorCode::UNKNOWN_WRITE_COLUMN);
    EXPECT_NE(not_in_target.Message().find("existing target"), std::string::npos) << not_in_target.Message();
    EXPECT_TRUE(StagingLeftovers().empty());
}

TEST_F(WriteTest, InvalidWriterOptionsAndUnsupportedCombinations) {
    CreateSource("first", FIRST_BATCH);
    Error option = CaptureError([&] {
        static_cast<void>(
            WriteFrom("first", MakeWrite("parquet", "x.parquet", WriteMode::OVERWRITE, Json{{"compresion", "zstd"}})));
    });
    EXPECT_EQ(option.Code(), ErrorCode::INVALID_FORMAT_OPTION);
    EXPECT_NE(option.Message().find("Did you mean \"compression\"?"), std::string::npos) << option.Message();
    EXPECT_EQ(option.Location().path, "pipelines[0].nodes[0].write.options.compresion");

    Error codec = CaptureError([&] {
        static_cast<void>(WriteFrom(
            "first", MakeWrite("parquet", "x.parquet", WriteMode::OVERWRITE, Json{{"compression", "snapy"}})));
    });
    EXPECT_EQ(codec.Code(), ErrorCode::INVALID_FORMAT_OPTION);
    EXPECT_NE(codec.Message().find("Did you mean \"snappy\"?"), std::string::npos) << codec.Message();

    Error json_partitions = CaptureError([&] {
        static_cast<void>(WriteFrom("first", MakeWrite("json", "j", WriteMode::OVERWRITE, Json::object(), {"name"})));
    });
    EXPECT_EQ(json_partitions.Code(), ErrorCode::NOT_SUPPORTED_YET);

    // mode merge upserts by merge_keys, so it needs them.
    Error merge =
        CaptureError([&] { static_cast<void>(WriteFrom("first", MakeWrite("csv", "m.csv", WriteMode::MERGE))); });
    EXPECT_EQ(merge.Code(), ErrorCode::MISSING_WRITE_KEYS);

    Error partition = CaptureError([&] {
        static_cast<void>(
            WriteFrom("first", MakeWrite("parquet", "p", WriteMode::OVERWRITE, Json::object(), {"regoin"})));
    });
    EXPECT_EQ(partition.Code(), ErrorCode::UNKNOWN_WRITE_COLUMN);
    EXPECT_FALSE(fs::exists(PathOf("p")));

    auto ignored = MakeWrite("csv", "ok.csv", WriteMode::OVERWRITE, Json{{"index", false}});
    EXPECT_EQ(WriteFrom("first", ignored).rows_written, 3);
}

TEST_F(WriteTest, RefusesToReplaceTheBaseDirectoryOrForeignDirectories) {
    CreateSource("first", FIRST_BATCH);
    WriteText("keep/notes.txt", "precious");
    Error base = CaptureError([&] { static_cast<void>(WriteFrom("first", MakeWrite("parquet", "."))); });
    EXPECT_EQ(base.Code(), ErrorCode::INVALID_VALUE);
    Error foreign = CaptureError([&] { static_cast<void>(WriteFrom("first", MakeWrite("parquet", "keep"))); });
    EXPECT_EQ(foreign.Code(), ErrorCode::WRITE_FAILED);
    EXPECT_EQ(ReadText("keep/notes.txt"), "precious");
}

TEST_F(WriteTest, EmptyBatchWritesAnEmptyTarget) {
    CreateSource("nothing", "SELECT 1 AS id, 'a' AS name WHERE false");
    auto write = MakeWrite("parquet", "empty.parquet");
    WriteOutcome outcome = WriteFrom("nothing", write);
    EXPECT_EQ(outcome.rows_written, 0);
    EXPECT_EQ(outcome.rows_in_target, 0);
    EXPECT_EQ(connection_->Describe("SELECT * FROM " + BuildScan(ReadBackConfig(write), *storage_)).size(), 2u);
}

TEST_F(WriteTest, EmptyJsonTargetIsTreatedAsAbsent) {
    CreateSource("nothing", "SELECT 1 AS id, 'a' AS name WHERE false");
    CreateSource("first", "SELECT 1 AS id, 'a' AS name");
    auto write = MakeWrite("json", "empty.json", WriteMode::APPEND);
    static_cast<void>(WriteFrom("nothing", write));
    WriteOutcome outcome = WriteFrom("first", write);
    EXPECT_TRUE(outcome.target_existed);
    EXPECT_EQ(outcome.rows_in_target, 1);
    EXPECT_EQ(connection_->Describe("SELECT * FROM " + BuildScan(ReadBackConfig(write), *storage_)).size(), 2u);
}

TEST_F(WriteTest, KeysMatchColumnsIgnoringCaseAsDuckDbDoes) {
    CreateSource("first", FIRST_BATCH);
    CreateSource("second", SECOND_BATCH);
    auto write = MakeWrite("parquet", "cased.parquet", WriteMode::UPSERT, Json{{"keys", "ID"}});
    static_cast<void>(WriteFrom("first", write));
    EXPECT_EQ(WriteFrom("second", write).rows_in_target, 4);
}

TEST_F(WriteTest, ValidateWriteReportsWithoutTouchingFiles) {
    EXPECT_FALSE(ValidateWrite(MakeWrite("csv", "a.csv", WriteMode::APPEND, Json{{"sep", ";"}})).HasErrors());
    DiagnosticList missing_keys = ValidateWrite(MakeWrite("csv", "a.csv", WriteMode::UPSERT));
    ASSERT_EQ(missing_keys.ErrorCount(), 1u);
    EXPECT_EQ(missing_keys.Items()[0].code, ErrorCode::MISSING_WRITE_KEYS);
    DiagnosticList bad_option = ValidateWrite(MakeWrite("json", "a.json", WriteMode::OVERWRITE, Json{{"line", true}}));
    ASSERT_EQ(bad_option.ErrorCount(), 1u);
    EXPECT_EQ(bad_option.Items()[0].code, ErrorCode::INVALID_FORMAT_OPTION);
    EXPECT_NE(bad_option.Items()[0].message.find("Did you mean \"lines\"?"), std::string::npos);
    EXPECT_FALSE(ValidateWrite(MakeWrite("delta", "t")).HasErrors());
    EXPECT_FALSE(fs::exists(PathOf("a.csv")));
}

} // namespace
} // namespace odibi::io::testing
