// Reading files: csv/json/parquet options, globs, directories, filters and read errors.
#include "io_test_support.hpp"
#include <gtest/gtest.h>

#include "odibi/common/error.hpp"

namespace odibi::io::testing {
namespace {

using ReadTest = IoTest;
using config::Json;

TEST_F(ReadTest, CsvWithHeaderDelimiterAndQuote) {
    WriteText("in/semi.csv", "id;name;note\n1;'Ann; Smith';x\n2;Bob;y\n");
    auto read = MakeRead("csv", "in/semi.csv", Json{{"header", true}, {"sep", ";"}, {"quotechar", "'"}});
    std::string scan = BuildScan(read, *storage_);
    EXPECT_EQ(scan, "read_csv('" + (root_ / "in/semi.csv").string() + "', header = true, delim = ';', quote = '''')");
    EXPECT_EQ(ScanRows(read, "id, name, note"), (std::vector<std::string>{"1|Ann; Smith|x", "2|Bob|y"}));
}

TEST_F(ReadTest, PinnedCsvScanSniffsOnceAndLeavesGlobsToDuckDb) {
    WriteText("in/dated.csv", "id,day,note\n1,2024-01-02,\"a, b\"\n2,2024-01-03,c\n");
    auto read = MakeRead("csv", "in/dated.csv");
    std::string pinned = BuildPinnedScan(read, *storage_, *connection_);
    EXPECT_NE(pinned.find("auto_detect = false"), std::string::npos) << pinned;
    EXPECT_NE(pinned.find("columns = {'id': 'BIGINT', 'day': 'DATE', 'note': 'VARCHAR'}"), std::string::npos) << pinned;
    EXPECT_EQ(ScanRows(read, "id, day, note"), (std::vector<std::string>{"1|2024-01-02|a, b", "2|2024-01-03|c"}));

    WriteText("in/more.csv", "id,day,note\n3,2024-01-04,d\n");
    auto glob = MakeRead("csv", "in/*.csv");
    EXPECT_EQ(BuildPinnedScan(glob, *storage_, *connection_), BuildScan(glob, *storage_));
    auto off = MakeRead("csv", "in/dated.csv", Json{{"auto_detect", false}, {"columns", Json{{"id", "VARCHAR"}}}});
    EXPECT_EQ(BuildPinnedScan(off, *storage_, *connection_), BuildScan(off, *storage_));
}

TEST_F(ReadTest, CsvHeaderFalseAndPandasSpellings) {
    WriteText("in/plain.csv", "1,a\n2,b\n");
    auto no_header = MakeRead("csv", "in/plain.csv", Json{{"header", false}});
    EXPECT_EQ(ScanRows(no_header, "column0, column1"), (std::vector<std::string>{"1|a", "2|b"}));
    auto pandas_none = MakeRead("csv", "in/plain.csv", Json{{"header", nullptr}, {"names", Json::array({"n", "s"})}});
    EXPECT_EQ(ScanRows(pandas_none, "n, s"), (std::vector<std::string>{"1|a", "2|b"}));
    auto none_text = MakeRead("csv", "in/plain.csv", Json{{"header", "None"}});
    EXPECT_EQ(ScanRows(none_text, "count(*)"), (std::vector<std::string>{"2"}));

    WriteText("in/titled.csv", "report title\nid,name\n1,a\n");
    auto header_row = MakeRead("csv", "in/titled.csv", Json{{"header", 1}});
    EXPECT_EQ(ScanRows(header_row, "id, name"), (std::vector<std::string>{"1|a"}));
    auto zero = MakeRead("csv", "in/plain.csv", Json{{"header", 0}});
    EXPECT_NE(BuildScan(zero, *storage_).find("header = true"), std::string::npos);
}

TEST_F(ReadTest, CsvTypesNullsSkipAndEscape) {
    WriteText("in/typed.csv", "# exported\nid,code,amount,paid_on\n1,001,NA,01/02/2024\n2,010,2.5,03/04/2024\n");
    auto read = MakeRead("csv",
                         "in/typed.csv",
                         Json{{"skiprows", 1},
                              {"dtype", {{"code", "str"}, {"id", "int32"}}},
                              {"na_values", Json::array({"NA", "n/a"})},
                              {"date_format", "%d/%m/%Y"}});
    EXPECT_EQ(ScanRows(read, "id, code, amount, paid_on, typeof(id), typeof(paid_on)"),
              (std::vector<std::string>{"1|001|NULL|2024-02-01|INTEGER|DATE", "2|010|2.5|2024-04-03|INTEGER|DATE"}));
    auto text = MakeRead("csv", "in/typed.csv", Json{{"skip", 1}, {"dtype", "str"}});
    EXPECT_EQ(ScanRows(text, "DISTINCT typeof(amount)"), (std::vector<std::string>{"VARCHAR"}));
}

TEST_F(ReadTest, CsvLatin1Encoding) {
    WriteText("in/latin.csv", std::string("name\nJos\xE9\n"));
    auto read = MakeRead("csv", "in/latin.csv", Json{{"encoding", "ISO-8859-1"}});
    EXPECT_EQ(ScanRows(read, "name"), (std::vector<std::string>{"Jos\xC3\xA9"}));
    auto cp1252 = MakeRead("csv", "in/latin.csv", Json{{"encoding", "cp1252"}});
    Error error = CaptureError([&] { static_cast<void>(BuildScan(cp1252, *storage_)); });
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_FORMAT_OPTION);
    EXPECT_NE(error.Message().find("latin-1"), std::string::npos) << error.Message();
    ASSERT_FALSE(error.Suggestions().empty());
    EXPECT_NE(error.Suggestions()[0].find("0x80-0x9F"), std::string::npos);
}

TEST_F(ReadTest, GlobsReadEveryMatchingFile) {
    WriteText("in/2024/jan.csv", "id\n1\n2\n");
    WriteText("in/2024/feb.csv", "id\n3\n");
    WriteText("in/2025/mar.csv", "id\n4\n");
    WriteText("in/2025/notes.txt", "not data\n");
    EXPECT_EQ(ScanRows(MakeRead("csv", "in/2024/*.csv"), "sum(id), count(*)"), (std::vector<std::string>{"6|3"}));
    EXPECT_EQ(ScanRows(MakeRead("csv", "in/**/*.csv"), "sum(id), count(*)"), (std::vector<std::string>{"10|4"}));
    auto with_name = MakeRead("csv", "in/**/*.csv", Json{{"filename", "source_file"}});
    EXPECT_EQ(ScanRows(with_name, "count(DISTINCT source_file)"), (std::vector<std::string>{"3"}));
}

TEST_F(ReadTest, JsonArrayAndLinesBothWays) {
    WriteText("in/array.json", R"([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])");
    WriteText("in/lines.json", "{\"id\": 3, \"name\": \"c\"}\n{\"id\": 4, \"name\": \"d\"}\n");
    EXPECT_EQ(ScanRows(MakeRead("json", "in/array.json"), "id, name"), (std::vector<std::string>{"1|a", "2|b"}));
    EXPECT_EQ(ScanRows(MakeRead("json", "in/lines.json"), "id, name"), (std::vector<std::string>{"3|c", "4|d"}));
    auto lines = MakeRead("json", "in/lines.json", Json{{"lines", true}, {"orient", "records"}});
    EXPECT_NE(BuildScan(lines, *storage_).find("format = 'newline_delimited'"), std::string::npos);
    EXPECT_EQ(ScanRows(lines, "id"), (std::vector<std::string>{"3", "4"}));
    auto array = MakeRead("json", "in/array.json", Json{{"lines", false}});
    EXPECT_NE(BuildScan(array, *storage_).find("format = 'array'"), std::string::npos);
    EXPECT_EQ(ScanRows(array, "id"), (std::vector<std::string>{"1", "2"}));
    WriteText("in/pretty.json", "[\n  {\"id\": 5},\n  {\"id\": 6}\n]\n");
    EXPECT_EQ(ScanRows(MakeRead("json", "in/pretty.json", Json{{"lines", false}}), "id"),
              (std::vector<std::string>{"5", "6"}));
    auto wrong = MakeRead("json", "in/pretty.json", Json{{"lines", true}});
    EXPECT_THROW(static_cast<void>(Rows("SELECT * FROM " + BuildScan(wrong, *storage_))), Error);
    auto split = MakeRead("json", "in/array.json", Json{{"orient", "split"}});
    Error error = CaptureError([&] { static_cast<void>(BuildScan(split, *storage_)); });
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_FORMAT_OPTION);
    EXPECT_NE(error.Message().find("records"), std::string::npos);
}

TEST_F(ReadTest, ParquetFileColumnsAndUnionByName) {
    connection_->Execute("COPY (SELECT 1 AS id, 'a' AS name, 10 AS extra) TO '" + PathOf("p1.parquet").string() +
                         "' (FORMAT parquet)");
    connection_->Execute("COPY (SELECT 'b' AS name, 2 AS id) TO '" + PathOf("p2.parquet").string() +
                         "' (FORMAT parquet)");
    auto merged = MakeRead("parquet", "p*.parquet", Json{{"mergeSchema", true}});
    EXPECT_EQ(ScanRows(merged, "id, name, extra"), (std::vector<std::string>{"1|a|10", "2|b|NULL"}));
    auto projected = MakeRead("parquet", "p1.parquet", Json{{"columns", Json::array({"name"})}});
    EXPECT_EQ(connection_->Describe("SELECT * FROM " + BuildScan(projected, *storage_)).size(), 1u);
}

TEST_F(ReadTest, HiveDirectoryDefaultsToHivePartitioning) {
    connection_->Execute("COPY (SELECT * FROM (VALUES (1, 'EU'), (2, 'US'), (3, 'EU')) t(id, region)) TO '" +
                         PathOf("sales").string() + "' (FORMAT parquet, PARTITION_BY (region))");
    auto read = MakeRead("parquet", "sales");
    std::string scan = BuildScan(read, *storage_);
    EXPECT_NE(scan.find("/sales/**/*.parquet"), std::string::npos) << scan;
    EXPECT_NE(scan.find("hive_partitioning = true"), std::string::npos) << scan;
    EXPECT_EQ(ScanRows(read, "id, region"), (std::vector<std::string>{"1|EU", "2|US", "3|EU"}));
    auto off = MakeRead("parquet", "sales", Json{{"hive_partitioning", false}});
    EXPECT_EQ(connection_->Describe("SELECT * FROM " + BuildScan(off, *storage_)).size(), 1u);
}

TEST_F(ReadTest, FilterAndPandasQueryBecomeWhere) {
    WriteText("in/orders.csv", "id,amount\n1,5\n2,50\n3,500\n");
    auto read = MakeRead("csv", "in/orders.csv");
    read.filter = "amount > 10";
    EXPECT_EQ(ScanRows(read, "id"), (std::vector<std::string>{"2", "3"}));
    read.query = "amount < 100";
    EXPECT_EQ(ScanRows(read, "id"), (std::vector<std::string>{"2"}));
    auto select = MakeRead("csv", "in/orders.csv");
    select.query = "SELECT * FROM orders";
    EXPECT_EQ(CaptureError([&] { static_cast<void>(BuildScan(select, *storage_)); }).Code(), ErrorCode::INVALID_VALUE);
}

TEST_F(ReadTest, UnknownOptionGetsDidYouMean) {
    WriteText("in/a.csv", "id\n1\n");
    auto read = MakeRead("csv", "in/a.csv", Json{{"delimeter", ";"}});
    Error error = CaptureError([&] { static_cast<void>(BuildScan(read, *storage_)); });
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_FORMAT_OPTION);
    EXPECT_NE(error.Message().find("unknown read option \"delimeter\" for format csv"), std::string::npos)
        << error.Message();
    EXPECT_NE(error.Message().find("Did you mean \"delimiter\"?"), std::string::npos) << error.Message();
    EXPECT_EQ(error.Location().path, "pipelines[0].nodes[0].read.options.delimeter");
}

TEST_F(ReadTest, SparkAndPandasOnlyOptionsAreAcceptedAsNoOps) {
    WriteText("in/a.csv", "id\n1\n");
    auto read = MakeRead(
        "csv", "in/a.csv", Json{{"inferSchema", true}, {"mode", "PERMISSIVE"}, {"badRecordsPath", "/tmp/bad"}});
    EXPECT_EQ(BuildScan(read, *storage_), "read_csv('" + PathOf("in/a.csv").string() + "')");
    auto twice = MakeRead("csv", "in/a.csv", Json{{"sep", ","}, {"delimiter", ","}});
    Error error = CaptureError([&] { static_cast<void>(BuildScan(twice, *storage_)); });
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_FORMAT_OPTION);
    EXPECT_NE(error.Message().find("given twice"), std::string::npos) << error.Message();
    auto bad_type = MakeRead("csv", "in/a.csv", Json{{"all_varchar", "yes please"}});
    EXPECT_EQ(CaptureError([&] { static_cast<void>(BuildScan(bad_type, *storage_)); }).Code(),
              ErrorCode::INVALID_FORMAT_OPTION);
}

TEST_F(ReadTest, MissingInputNamesResolvedPathAndSuggestsCloseFile) {
    WriteText("landing/customers.csv", "id\n1\n");
    WriteText("landing/orders.csv", "id\n1\n");
    Error error =
        CaptureError([&] { static_cast<void>(BuildScan(MakeRead("csv", "landing/custmers.csv"), *storage_)); });
    EXPECT_EQ(error.Code(), ErrorCode::INPUT_NOT_FOUND);
    EXPECT_NE(error.Message().find(PathOf("landing/custmers.csv").string()), std::string::npos) << error.Message();
    EXPECT_NE(error.Message().find("Did you mean \"" + PathOf("landing/customers.csv").string() + "\"?"),
              std::string::npos)
        << error.Message();
    EXPECT_EQ(error.Location().path, "pipelines[0].nodes[0].read.path");

    Error missing_directory =
        CaptureError([&] { static_cast<void>(BuildScan(MakeRead("csv", "landin/customers.csv"), *storage_)); });
    EXPECT_EQ(missing_directory.Code(), ErrorCode::INPUT_NOT_FOUND);
    EXPECT_NE(missing_directory.Message().find("Did you mean \"" + PathOf("landing").string() + "\"?"),
              std::string::npos)
        << missing_directory.Message();

    Error glob = CaptureError([&] { static_cast<void>(BuildScan(MakeRead("csv", "landing/*.tsv"), *storage_)); });
    EXPECT_EQ(glob.Code(), ErrorCode::INPUT_NOT_FOUND);
    EXPECT_NE(glob.Message().find("no file matches"), std::string::npos) << glob.Message();
    ASSERT_FALSE(glob.Suggestions().empty());
    EXPECT_NE(glob.Suggestions()[0].find("customers.csv, orders.csv"), std::string::npos) << glob.Suggestions()[0];
}

TEST_F(ReadTest, DirectoryWithoutDataFilesIsNotFound) {
    WriteText("empty_dataset/readme.txt", "nothing here");
    Error error = CaptureError([&] { static_cast<void>(BuildScan(MakeRead("parquet", "empty_dataset"), *storage_)); });
    EXPECT_EQ(error.Code(), ErrorCode::INPUT_NOT_FOUND);
    EXPECT_NE(error.Message().find("holds no parquet files"), std::string::npos) << error.Message();
}

TEST_F(ReadTest, FormatNamesAreChecked) {
    EXPECT_EQ(SupportedFormats(), (std::vector<std::string>{"csv", "parquet", "json", "delta"}));
    Error typo = CaptureError([&] { static_cast<void>(BuildScan(MakeRead("parquett", "x"), *storage_)); });
    EXPECT_EQ(typo.Code(), ErrorCode::UNKNOWN_FORMAT);
    EXPECT_NE(typo.Message().find("Did you mean \"parquet\"?"), std::string::npos) << typo.Message();
    Error later = CaptureError([&] { static_cast<void>(BuildScan(MakeRead("avro", "x"), *storage_)); });
    EXPECT_EQ(later.Code(), ErrorCode::NOT_SUPPORTED_YET);
}

TEST_F(ReadTest, TablePathIsUsedWhenPathIsAbsent) {
    WriteText("t.csv", "id\n7\n");
    config::ReadConfig read = MakeRead("csv", "");
    read.path.reset();
    read.table = "t.csv";
    EXPECT_EQ(ScanRows(read, "id"), (std::vector<std::string>{"7"}));
    read.table.reset();
    EXPECT_EQ(CaptureError([&] { static_cast<void>(BuildScan(read, *storage_)); }).Code(), ErrorCode::MISSING_KEY);
}

TEST_F(ReadTest, ValidateReadChecksOptionsWithoutFiles) {
    EXPECT_FALSE(ValidateRead(MakeRead("csv", "nowhere/*.csv", Json{{"header", 0}, {"sep", "|"}})).HasErrors());
    DiagnosticList typo = ValidateRead(MakeRead("csv", "x.csv", Json{{"heder", true}}));
    ASSERT_EQ(typo.ErrorCount(), 1u);
    EXPECT_EQ(typo.Items()[0].code, ErrorCode::INVALID_FORMAT_OPTION);
    EXPECT_EQ(typo.Items()[0].location.path, "pipelines[0].nodes[0].read.options.heder");
    DiagnosticList value = ValidateRead(MakeRead("csv", "x.csv", Json{{"compression", "bz2"}}));
    ASSERT_EQ(value.ErrorCount(), 1u);
    EXPECT_NE(value.Items()[0].message.find("bz2"), std::string::npos);
}

} // namespace
} // namespace odibi::io::testing
