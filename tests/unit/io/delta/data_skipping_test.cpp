// Data skipping: which files a filter's min/max statistics rule out, on tables odibi writes, on hand-written logs
// with Spark's truncated statistics and on Spark-written tables; the rows always equal the unfiltered read's.
#include <set>

#include "../io_test_support.hpp"
#include "delta/actions.hpp"
#include "delta/file_stats.hpp"
#include "delta/scan.hpp"
#include <fmt/format.h>

#include "odibi/engine/sql.hpp"
#include "odibi/io/delta.hpp"

namespace odibi::io::testing {
namespace {

using config::Json;
using config::WriteMode;

const fs::path SHARED_TABLES = fs::path(ODIBI_SHARED_DIR) / "testdata" / "delta";

// Four batches, one data file each, with disjoint ranges: batch k holds ids k*100 .. k*100+9.
constexpr const char* BATCH_SQL =
    R"(SELECT {0} AS grp, {0} * 100 + i AS id, (({0} * 100 + i) / 4)::DECIMAL(10,2) AS amount,
    chr(97 + {0}) || '_' || i AS name, DATE '2024-01-01' + ({0} * 10 + i)::INTEGER AS day,
    TIMESTAMP '2024-01-01 00:00:00' + to_days({0}) + to_microseconds(i * 1001) AS ts, ({0} * 100 + i)::DOUBLE AS ratio,
    CASE WHEN {0} = 1 THEN NULL WHEN {0} = 2 AND i % 2 = 0 THEN NULL ELSE 'n' || i END AS note,
    {{'a': {0} * 100 + i, 'b': 'x'}} AS s, i % 2 = 0 AS flag
    FROM range(10) t(i))";
constexpr int BATCHES = 4;

class DeltaDataSkippingTest : public IoTest {
protected:
    void WriteBatches(const std::vector<std::string>& partition_by = {}) {
        for (int batch = 0; batch < BATCHES; ++batch) {
            connection_->Execute("CREATE OR REPLACE TABLE batch AS " + fmt::format(BATCH_SQL, batch));
            config::WriteConfig write = MakeWrite("delta", "table", WriteMode::APPEND, Json::object(), partition_by);
            static_cast<void>(Write(*connection_, WriteRequest{write, *storage_, "batch"}));
        }
    }

    delta::Snapshot Load(const fs::path& table) { return delta::LoadSnapshot(*connection_, table.string()); }

    /// The `grp` values of the files the filter selects (one batch per file).
    std::vector<int> SelectedBatches(const delta::Snapshot& snapshot, const std::string& filter) {
        delta::FileSelection selection = delta::SelectFiles(*connection_, snapshot, filter);
        EXPECT_EQ(selection.total, snapshot.files.size());
        EXPECT_EQ(selection.files.size() + selection.skipped_by_partition + selection.skipped_by_statistics,
                  selection.total);
        std::vector<int> batches;
        for (const delta::AddFile* file : selection.files) {
            batches.push_back(std::stoi(Scalar(fmt::format(
                "SELECT min(grp) FROM {}",
                delta::ScanFilesSql(*connection_, snapshot, std::vector<const delta::AddFile*>{file}, false)))));
        }
        std::sort(batches.begin(), batches.end());
        return batches;
    }

    /// The rows the filter passes when read from the selected files equal those of every file filtered.
    void ExpectOracleRows(const delta::Snapshot& snapshot, const std::string& filter) {
        std::string selected = delta::ScanSql(*connection_, snapshot, filter);
        std::string all = delta::ScanSql(*connection_, snapshot);
        EXPECT_EQ(Rows(fmt::format("SELECT * FROM {} WHERE {}", selected, filter)),
                  Rows(fmt::format("SELECT * FROM {} WHERE {}", all, filter)))
            << filter;
    }

    /// A table whose log is written here, as another writer would: one data file of `rows_sql` with the
    /// stats given, columns id (long), name (string), ts (timestamp).
    fs::path HandWrittenTable(const std::string& rows_sql, const std::string& stats) {
        fs::path table = PathOf("hand");
        fs::create_directories(table / "_delta_log");
        connection_->Execute(fmt::format(
            "COPY ({}) TO {} (FORMAT parquet)", rows_sql, engine::QuoteLiteral((table / "part-0.parquet").string())));
        Json schema = {
            {"type", "struct"},
            {"fields",
             Json::array(
                 {Json{{"name", "id"}, {"type", "long"}, {"nullable", true}, {"metadata", Json::object()}},
                  Json{{"name", "name"}, {"type", "string"}, {"nullable", true}, {"metadata", Json::object()}},
                  Json{{"name", "ts"}, {"type", "timestamp"}, {"nullable", true}, {"metadata", Json::object()}}})}};
        std::vector<Json> actions = {
            Json{{"protocol", {{"minReaderVersion", 1}, {"minWriterVersion", 2}}}},
            Json{{"metaData",
                  {{"id", "hand"},
                   {"format", {{"provider", "parquet"}, {"options", Json::object()}}},
                   {"schemaString", schema.dump()},
                   {"partitionColumns", Json::array()},
                   {"configuration", Json::object()}}}},
            Json{{"add",
                  {{"path", "part-0.parquet"},
                   {"partitionValues", Json::object()},
                   {"size", fs::file_size(table / "part-0.parquet")},
                   {"modificationTime", 0},
                   {"dataChange", true},
                   {"stats", stats}}}},
        };
        std::string text;
        for (const auto& action : actions) {
            text += action.dump() + "\n";
        }
        WriteText("hand/_delta_log/" + delta::CommitFileName(0), text);
        return table;
    }
};

TEST_F(DeltaDataSkippingTest, EachOperatorSkipsTheFilesItsStatisticsRuleOut) {
    WriteBatches();
    delta::Snapshot snapshot = Load(PathOf("table"));
    ASSERT_EQ(snapshot.files.size(), static_cast<size_t>(BATCHES));
    const std::vector<std::pair<std::string, std::vector<int>>> cases = {
        {"id = 205", {2}},
        {"205 = id", {2}},
        {"grp <> 1", {0, 2, 3}},
        {"id < 100", {0}},
        {"id <= 100", {0, 1}},
        {"id > 299", {3}},
        {"id >= 209", {2, 3}},
        {"150 < id", {2, 3}},
        {"id BETWEEN 105 AND 205", {1, 2}},
        {"id IN (5, 305)", {0, 3}},
        {"id > 309.5", {}},
        {"id < 0.5", {0}},
        {"id > '299'", {3}},
        {"amount >= 75.5", {3}},
        {"name = 'c_5'", {2}},
        {"name < 'b'", {0}},
        {"note IS NULL", {1, 2}},
        {"note IS NOT NULL", {0, 2, 3}},
        {"note = 'n3'", {0, 2, 3}},
        {"day = DATE '2024-01-21'", {2}},
        {"day >= '2024-01-31'", {3}},
        {"day < TIMESTAMP '2024-01-11 00:00:01'", {0, 1}},
        // The max of batch 2 is 00:00:00.009009: its statistic (milliseconds) must not hide it.
        {"ts > TIMESTAMP '2024-01-03 00:00:00.009'", {2, 3}},
        {"ts > TIMESTAMP '2024-01-03 00:00:00.012'", {3}},
        {"ts <= DATE '2024-01-02'", {0, 1}},
        {"ratio < 100", {0}},
        {"s.a = 205", {2}},
        {"s.b = 'y'", {}},
        {"flag IS NULL", {}},
        {"id >= 100 AND name < 'c'", {1}},
        {"grp = 1 AND (id = 5 OR id = 305)", {1}},
    };
    for (const auto& [filter, expected] : cases) {
        SCOPED_TRACE(filter);
        EXPECT_EQ(SelectedBatches(snapshot, filter), expected);
        ExpectOracleRows(snapshot, filter);
    }
    EXPECT_EQ(delta::SelectFiles(*connection_, snapshot, std::string("id = 205")).Describe(),
              "1 of 4 files (3 skipped by statistics)");
    EXPECT_EQ(delta::SelectFiles(*connection_, snapshot, std::nullopt).Describe(), "4 of 4 files");
}

TEST_F(DeltaDataSkippingTest, FiltersStatisticsCannotDecideKeepEveryFile) {
    WriteBatches();
    delta::Snapshot snapshot = Load(PathOf("table"));
    const std::vector<std::string> filters = {
        "id + 1 = 206",
        "id = 5 OR id = 305",
        "upper(name) = 'C_5'",
        "id NOT IN (5)",
        "id NOT BETWEEN 0 AND 400",
        "CAST(id AS VARCHAR) = '205'",
        "id > (SELECT 300)",
        "id IN (5, 305.5)",
        "id IN (5, NULL)",
        "flag = true",
        "id = id",
        "id IS DISTINCT FROM 5",
        // NaN sorts above every number in DuckDB and parquet statistics leave it out: no upper bound.
        "ratio > 1000",
        "ratio <> 5",
        // Every batch has ids of both sides of 5.5: nothing to skip, and `<>` only skips constant files.
        "id <> 5",
        "name = 'c_5' OR true",
    };
    for (const auto& filter : filters) {
        SCOPED_TRACE(filter);
        EXPECT_EQ(SelectedBatches(snapshot, filter), (std::vector<int>{0, 1, 2, 3}));
        ExpectOracleRows(snapshot, filter);
    }
    // Filters DuckDB cannot parse or bind are left to the row filter (which reports them).
    for (const std::string filter : {"id >", "no_such_column = 1", "id > 'not a number'"}) {
        SCOPED_TRACE(filter);
        EXPECT_EQ(SelectedBatches(snapshot, filter), (std::vector<int>{0, 1, 2, 3}));
    }
}

TEST_F(DeltaDataSkippingTest, FilesWithoutStatisticsAreRead) {
    WriteBatches();
    // Drop the stats of every add action, as a writer without statistics leaves them.
    for (const auto& entry : fs::directory_iterator(PathOf("table/_delta_log"))) {
        if (entry.path().extension() != ".json") {
            continue;
        }
        std::ifstream stream(entry.path());
        std::string line;
        std::string text;
        while (std::getline(stream, line)) {
            Json action = Json::parse(line);
            if (action.contains("add")) {
                action["add"].erase("stats");
            }
            text += action.dump() + "\n";
        }
        stream.close();
        std::ofstream(entry.path(), std::ios::trunc) << text;
    }
    delta::Snapshot snapshot = Load(PathOf("table"));
    EXPECT_EQ(SelectedBatches(snapshot, "id = 205"), (std::vector<int>{0, 1, 2, 3}));
    ExpectOracleRows(snapshot, "id = 205");
}

TEST_F(DeltaDataSkippingTest, PartitionValuesAndStatisticsSkipTogether) {
    WriteBatches({"grp"});
    delta::Snapshot snapshot = Load(PathOf("table"));
    ASSERT_EQ(snapshot.files.size(), static_cast<size_t>(BATCHES));
    EXPECT_EQ(SelectedBatches(snapshot, "grp = 1"), (std::vector<int>{1}));
    EXPECT_EQ(delta::SelectFiles(*connection_, snapshot, std::string("grp = 1")).Describe(),
              "1 of 4 files (3 skipped by partition values)");
    EXPECT_EQ(SelectedBatches(snapshot, "grp >= 1 AND id < 200"), (std::vector<int>{1}));
    EXPECT_EQ(SelectedBatches(snapshot, "grp IN (0, 3) AND id > 100"), (std::vector<int>{3}));
    for (const std::string filter : {"grp = 1", "grp >= 1 AND id < 200", "grp IN (0, 3) AND id > 100"}) {
        ExpectOracleRows(snapshot, filter);
    }
}

TEST_F(DeltaDataSkippingTest, TruncatedStringMaxIsNotAnUpperBound) {
    // 38 characters; Spark keeps 32 of them in the max and appends U+FFFF.
    std::string long_value = std::string(30, 'x') + "yyzzzzzz";
    std::string prefix = long_value.substr(0, 32);
    Json stats = {{"numRecords", 2},
                  {"minValues", {{"id", 1}, {"name", "a"}}},
                  {"maxValues", {{"id", 2}, {"name", prefix + "\xEF\xBF\xBF"}}},
                  {"nullCount", {{"id", 0}, {"name", 0}}}};
    std::string rows = fmt::format("SELECT * FROM (VALUES (1, 'a', TIMESTAMP '2024-01-01 00:00:00'), (2, {}, "
                                   "TIMESTAMP '2024-01-01 00:00:00')) t(id, name, ts)",
                                   engine::QuoteLiteral(long_value));
    delta::Snapshot spark = Load(HandWrittenTable(rows, stats.dump()));
    for (const std::string& filter : {fmt::format("name = {}", engine::QuoteLiteral(long_value)),
                                      fmt::format("name > {}", engine::QuoteLiteral(prefix)),
                                      fmt::format("name >= {}", engine::QuoteLiteral(prefix + "z"))}) {
        SCOPED_TRACE(filter);
        EXPECT_EQ(delta::SelectFiles(*connection_, spark, filter).files.size(), 1u);
        ExpectOracleRows(spark, filter);
    }
    EXPECT_EQ(delta::SelectFiles(*connection_, spark, std::string("name >= 'y'")).files.size(), 0u);

    // A writer that cuts the max to the prefix without a mark: the prefix alone is not a bound either.
    fs::remove_all(PathOf("hand"));
    stats["maxValues"]["name"] = prefix;
    delta::Snapshot cut = Load(HandWrittenTable(rows, stats.dump()));
    std::string equal = fmt::format("name = {}", engine::QuoteLiteral(long_value));
    EXPECT_EQ(delta::SelectFiles(*connection_, cut, equal).files.size(), 1u);
    ExpectOracleRows(cut, equal);
    EXPECT_EQ(delta::SelectFiles(*connection_, cut, std::string("name >= 'y'")).files.size(), 0u);

    // A prefix that ends in a two-byte character: the bound is that prefix with U+00E9 raised to U+00EA.
    fs::remove_all(PathOf("hand"));
    std::string accented = std::string(31, 'x') + "\xC3\xA9zz";
    stats["maxValues"]["name"] = std::string(31, 'x') + "\xC3\xA9";
    delta::Snapshot wide = Load(HandWrittenTable(
        fmt::format("SELECT 1 AS id, {} AS name, TIMESTAMP '2024-01-01' AS ts", engine::QuoteLiteral(accented)),
        stats.dump()));
    for (const std::string& filter :
         {fmt::format("name = {}", engine::QuoteLiteral(accented)),
          fmt::format("name > {}", engine::QuoteLiteral(std::string(31, 'x') + "\xC3\xA9z"))}) {
        SCOPED_TRACE(filter);
        EXPECT_EQ(delta::SelectFiles(*connection_, wide, filter).files.size(), 1u);
        ExpectOracleRows(wide, filter);
    }
    std::string above = fmt::format("name >= {}", engine::QuoteLiteral(std::string(31, 'x') + "\xC3\xAB"));
    EXPECT_EQ(delta::SelectFiles(*connection_, wide, above).files.size(), 0u);
    ExpectOracleRows(wide, above);
}

TEST_F(DeltaDataSkippingTest, MillisecondTimestampStatisticsAreWidened) {
    // The file holds 12:00:00.123456; Spark's statistics say .123, and one bound carries a UTC offset.
    Json stats = {{"numRecords", 1},
                  {"minValues", {{"ts", "2024-01-01T14:00:00.123+02:00"}}},
                  {"maxValues", {{"ts", "2024-01-01T12:00:00.123Z"}}},
                  {"nullCount", {{"ts", 0}}}};
    delta::Snapshot snapshot = Load(
        HandWrittenTable("SELECT 1 AS id, 'a' AS name, TIMESTAMP '2024-01-01 12:00:00.123456' AS ts", stats.dump()));
    for (const std::string filter : {"ts > TIMESTAMP '2024-01-01 12:00:00.123'",
                                     "ts = TIMESTAMP '2024-01-01 12:00:00.123456'",
                                     "ts >= '2024-01-01 12:00:00.1234'"}) {
        SCOPED_TRACE(filter);
        EXPECT_EQ(delta::SelectFiles(*connection_, snapshot, filter).files.size(), 1u);
        ExpectOracleRows(snapshot, filter);
    }
    // 14:00+02:00 is 12:00 UTC: a filter from 12:30 on rules the file out (read as 14:00 it would not).
    for (const std::string filter : {"ts > TIMESTAMP '2024-01-01 12:00:00.124'",
                                     "ts >= TIMESTAMP '2024-01-01 12:30:00'",
                                     "ts < TIMESTAMP '2024-01-01 12:00:00.123'"}) {
        SCOPED_TRACE(filter);
        EXPECT_EQ(delta::SelectFiles(*connection_, snapshot, filter).files.size(), 0u);
        ExpectOracleRows(snapshot, filter);
    }
}

TEST_F(DeltaDataSkippingTest, SparkWrittenTables) {
    struct Case {
        std::string table;
        std::string filter;
        size_t files_read;
    };
    const std::vector<Case> cases = {
        // Two files: values 0..2 and 2..4.
        {"delta-0.8.0", "value < 2", 1},
        {"delta-0.8.0", "value > 2", 1},
        {"delta-0.8.0", "value = 2", 2},
        {"delta-0.8.0", "value > 4", 0},
        // Statistics under column mapping are keyed by physical names.
        {"table_with_column_mapping", "\"Super Name\" = 'Timothy Lamb'", 1},
        {"table_with_column_mapping", "\"Super Name\" < 'B'", 1},
        {"table_with_column_mapping", "\"Company Very Short\" = 'BMS' AND \"Super Name\" > 'T'", 0},
        // Timestamps in milliseconds with "Z"; files of 2023-04-13 23:58:58-23:59:59 and 2023-04-14 00:00-00:45.
        {"http_requests", "EdgeStartTimestamp < TIMESTAMP '2023-04-14 00:00:00'", 1},
        {"http_requests", "EdgeStartTimestamp >= TIMESTAMP '2023-04-14 00:00:00'", 1},
        {"http_requests", "EdgeStartTimestamp > TIMESTAMP '2023-04-13 23:59:59'", 2},
        {"http_requests", "EdgeResponseStatus <> 200", 0},
        // A deletion vector: numRecords and null counts count the deleted rows too (tightBounds false).
        {"table-with-dv-small", "value > 9", 0},
        {"table-with-dv-small", "value = 0", 1},
        {"table-with-dv-small", "value IS NOT NULL", 1},
    };
    for (const auto& test : cases) {
        SCOPED_TRACE(test.table + ": " + test.filter);
        delta::Snapshot snapshot = Load(SHARED_TABLES / test.table);
        EXPECT_EQ(delta::SelectFiles(*connection_, snapshot, test.filter).files.size(), test.files_read);
        ExpectOracleRows(snapshot, test.filter);
    }
}

TEST_F(DeltaDataSkippingTest, StatisticsParseKeepsNumberText) {
    auto stats = delta::ParseFileStats(
        R"({"numRecords":3,"minValues":{"d":12345678901234567890.123456789,"s":{"a":"x\"y"}},"maxValues":{"d":1E+2},)"
        R"("nullCount":{"d":0,"s":{"a":3}},"tightBounds":false,"other":[1,{"x":2}]})");
    ASSERT_TRUE(stats.has_value());
    EXPECT_EQ(stats->num_records, 3);
    EXPECT_EQ(stats->columns.at({"d"}).min, "12345678901234567890.123456789");
    EXPECT_EQ(stats->columns.at({"d"}).max, "1E+2");
    EXPECT_EQ(stats->columns.at({"d"}).null_count, 0);
    EXPECT_EQ(stats->columns.at({"s", "a"}).min, "x\"y");
    EXPECT_EQ(stats->columns.at({"s", "a"}).null_count, 3);
    EXPECT_FALSE(delta::ParseFileStats("not json").has_value());
    EXPECT_FALSE(delta::ParseFileStats("[1, 2]").has_value());
}

} // namespace
} // namespace odibi::io::testing
