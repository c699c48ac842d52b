// Per-file statistics from parquet footers: typed values, truncation, nulls, row groups, physical names.
#include "../io_test_support.hpp"
#include "delta/file_stats.hpp"
#include <gtest/gtest.h>

#include "odibi/engine/sql.hpp"

namespace odibi::io::testing {
namespace {

using config::Json;
using delta::Field;

using DeltaFileStatsTest = IoTest;

Field MakeField(const std::string& name, Json type, Json metadata = Json::object()) {
    Field field;
    field.name = name;
    field.type = std::move(type);
    field.metadata = std::move(metadata);
    return field;
}

TEST_F(DeltaFileStatsTest, TypedMinMaxAndNullCounts) {
    std::string file = PathOf("data.parquet").string();
    connection_->Execute(
        "COPY (SELECT * FROM (VALUES "
        "(1, 'apple', DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00:00.123456', "
        " TIMESTAMP '2024-01-01 00:00:00.0005', 10.50::DECIMAL(10,2), true, {'x': 1, 'y': 'a'}, [1, 2], 'b'::BLOB, "
        " 1.5::DOUBLE),"
        "(3, 'a very long string that is longer than thirty-two characters', DATE '2024-03-01', "
        " TIMESTAMP '2024-02-01 00:00:00.001', TIMESTAMP '2024-01-01 00:00:00', -2.25::DECIMAL(10,2), NULL, "
        " {'x': 5, 'y': NULL}, NULL, NULL, -0.5::DOUBLE),"
        "(NULL, NULL, NULL, NULL, NULL, NULL, false, NULL, [3], NULL, NULL)"
        ") t(\"col-1\", name, day, ts, ts2, amount, flag, s, arr, bin, ratio)) TO " +
        engine::QuoteLiteral(file) + " (FORMAT parquet)");
    Json struct_type = Json::parse(R"({"type":"struct","fields":[
        {"name":"x","type":"integer","nullable":true,"metadata":{}},
        {"name":"y","type":"string","nullable":true,"metadata":{}}]})");
    std::vector<Field> fields = {
        MakeField("id", "integer", Json{{"delta.columnMapping.physicalName", "col-1"}}),
        MakeField("name", "string"),
        MakeField("day", "date"),
        MakeField("ts", "timestamp"),
        MakeField("ts2", "timestamp_ntz"),
        MakeField("amount", "decimal(10,2)"),
        MakeField("flag", "boolean"),
        MakeField("s", struct_type),
        MakeField("arr", Json{{"type", "array"}, {"elementType", "integer"}, {"containsNull", true}}),
        MakeField("bin", "binary"),
        MakeField("ratio", "double"),
        MakeField("not_in_file", "long"),
    };

    std::string stats = delta::FileStatsJson(*connection_, file, fields);
    Json expected = Json::parse(R"({
        "numRecords": 3,
        "minValues": {"col-1": 1, "name": "a very long string that is longe", "day": "2024-01-01",
                      "ts": "2024-01-01T10:00:00.123Z", "ts2": "2024-01-01T00:00:00.000Z", "amount": -2.25,
                      "s": {"x": 1, "y": "a"}, "ratio": -0.5},
        "maxValues": {"col-1": 3, "name": "apple", "day": "2024-03-01", "ts": "2024-02-01T00:00:00.001Z",
                      "ts2": "2024-01-01T00:00:00.001Z", "amount": 10.5, "s": {"x": 5, "y": "a"}, "ratio": 1.5},
        "nullCount": {"col-1": 1, "name": 1, "day": 1, "ts": 1, "ts2": 1, "amount": 1, "flag": 1,
                      "s": {"x": 1, "y": 2}, "bin": 2, "ratio": 1}
    })");
    EXPECT_EQ(Json::parse(stats), expected) << stats;
    // Decimals keep their exact text.
    EXPECT_NE(stats.find("\"amount\":10.50"), std::string::npos) << stats;
    EXPECT_EQ(stats.find("numRecords"), 2U) << stats;
}

TEST_F(DeltaFileStatsTest, RowGroupsAreCombined) {
    std::string file = PathOf("groups.parquet").string();
    connection_->Execute("COPY (SELECT (9999 - i)::BIGINT AS n, CASE WHEN i % 1000 = 0 THEN NULL ELSE 'v' || (i % "
                         "7) END AS s, TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i) AS tz FROM range(10000) "
                         "t(i)) TO " +
                         engine::QuoteLiteral(file) + " (FORMAT parquet, ROW_GROUP_SIZE 2048)");
    ASSERT_GT(std::stoi(Scalar("SELECT count(DISTINCT row_group_id) FROM parquet_metadata(" +
                               engine::QuoteLiteral(file) + ")")),
              1);
    std::string stats = delta::FileStatsJson(
        *connection_, file, {MakeField("n", "long"), MakeField("s", "string"), MakeField("tz", "timestamp")});
    Json expected = Json::parse(R"({
        "numRecords": 10000,
        "minValues": {"n": 0, "s": "v0", "tz": "2024-01-01T00:00:00.000Z"},
        "maxValues": {"n": 9999, "s": "v6", "tz": "2024-01-01T02:46:39.000Z"},
        "nullCount": {"n": 0, "s": 10, "tz": 0}
    })");
    EXPECT_EQ(Json::parse(stats), expected) << stats;
}

TEST_F(DeltaFileStatsTest, AllNullColumnsAndEmptyFiles) {
    std::string file = PathOf("nulls.parquet").string();
    connection_->Execute("COPY (SELECT NULL::BIGINT AS n, i::INTEGER AS i FROM range(3) t(i)) TO " +
                         engine::QuoteLiteral(file) + " (FORMAT parquet)");
    std::string stats = delta::FileStatsJson(*connection_, file, {MakeField("n", "long"), MakeField("i", "integer")});
    EXPECT_EQ(Json::parse(stats), Json::parse(R"({"numRecords": 3, "minValues": {"i": 0}, "maxValues": {"i": 2},
                                                  "nullCount": {"n": 3, "i": 0}})"))
        << stats;

    std::string empty = PathOf("empty.parquet").string();
    connection_->Execute("COPY (SELECT 1::BIGINT AS n WHERE false) TO " + engine::QuoteLiteral(empty) +
                         " (FORMAT parquet)");
    std::string empty_stats = delta::FileStatsJson(*connection_, empty, {MakeField("n", "long")});
    EXPECT_EQ(Json::parse(empty_stats)["numRecords"], 0) << empty_stats;
}

} // namespace
} // namespace odibi::io::testing
