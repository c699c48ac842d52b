// Delta <-> DuckDB types and partition value literals, checked against DuckDB itself.
#include "../io_test_support.hpp"
#include "delta/types.hpp"
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "odibi/common/error.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::io::testing {
namespace {

using config::Json;
using delta::DeltaTypeOf;
using delta::DuckDbType;
using delta::PartitionValueExpression;
using delta::PartitionValueSql;

using DeltaTypesTest = IoTest;

TEST_F(DeltaTypesTest, PrimitiveTypesMapToDuckDb) {
    EXPECT_EQ(DuckDbType("string"), "VARCHAR");
    EXPECT_EQ(DuckDbType("long"), "BIGINT");
    EXPECT_EQ(DuckDbType("integer"), "INTEGER");
    EXPECT_EQ(DuckDbType("short"), "SMALLINT");
    EXPECT_EQ(DuckDbType("byte"), "TINYINT");
    EXPECT_EQ(DuckDbType("float"), "FLOAT");
    EXPECT_EQ(DuckDbType("double"), "DOUBLE");
    EXPECT_EQ(DuckDbType("boolean"), "BOOLEAN");
    EXPECT_EQ(DuckDbType("binary"), "BLOB");
    EXPECT_EQ(DuckDbType("date"), "DATE");
    EXPECT_EQ(DuckDbType("timestamp"), "TIMESTAMP");
    EXPECT_EQ(DuckDbType("timestamp_ntz"), "TIMESTAMP");
    EXPECT_EQ(DuckDbType("decimal(10,2)"), "DECIMAL(10,2)");
    EXPECT_EQ(DuckDbType("decimal(38, 0)"), "DECIMAL(38,0)");
}

TEST_F(DeltaTypesTest, NestedTypesQuoteTheirFieldNames) {
    Json type = Json::parse(R"json({"type":"struct","fields":[
        {"name":"a b","type":"integer","nullable":true,"metadata":{}},
        {"name":"say \"hi\"","type":{"type":"array","elementType":"string","containsNull":true},"nullable":true,
         "metadata":{}},
        {"name":"m","type":{"type":"map","keyType":"string","valueType":{"type":"struct","fields":[
            {"name":"x","type":"decimal(5,1)","nullable":true,"metadata":{}}]},"valueContainsNull":true},
         "nullable":true,"metadata":{}}]})json");
    std::string duckdb = DuckDbType(type);
    EXPECT_EQ(duckdb,
              R"sql(STRUCT("a b" INTEGER, "say ""hi""" VARCHAR[], "m" MAP(VARCHAR, STRUCT("x" DECIMAL(5,1)))))sql");
    // DuckDB accepts it, and the inverse gives the Delta type back.
    std::vector<engine::ColumnInfo> columns = connection_->Describe("SELECT CAST(NULL AS " + duckdb + ") AS c");
    ASSERT_EQ(columns.size(), 1U);
    EXPECT_EQ(DeltaTypeOf(columns[0].type), type);
}

TEST_F(DeltaTypesTest, UnknownDeltaTypesAreUnsupported) {
    for (const Json& type : {Json("variant"), Json("decimal(39,0)"), Json("interval"), Json{{"type", "udt"}}}) {
        Error error = CaptureError([&] { static_cast<void>(DuckDbType(type)); });
        EXPECT_EQ(error.Code(), ErrorCode::DELTA_FEATURE_UNSUPPORTED) << type.dump();
    }
    Error error = CaptureError([] { static_cast<void>(DuckDbType("variant")); });
    EXPECT_NE(error.Message().find("variant"), std::string::npos) << error.Message();
}

TEST_F(DeltaTypesTest, DuckDbTypesMapToDelta) {
    EXPECT_EQ(DeltaTypeOf("VARCHAR"), "string");
    EXPECT_EQ(DeltaTypeOf("BIGINT"), "long");
    EXPECT_EQ(DeltaTypeOf("INTEGER"), "integer");
    EXPECT_EQ(DeltaTypeOf("SMALLINT"), "short");
    EXPECT_EQ(DeltaTypeOf("TINYINT"), "byte");
    EXPECT_EQ(DeltaTypeOf("UTINYINT"), "short");
    EXPECT_EQ(DeltaTypeOf("USMALLINT"), "integer");
    EXPECT_EQ(DeltaTypeOf("UINTEGER"), "long");
    EXPECT_EQ(DeltaTypeOf("UBIGINT"), "decimal(20,0)");
    EXPECT_EQ(DeltaTypeOf("HUGEINT"), "decimal(38,0)");
    EXPECT_EQ(DeltaTypeOf("FLOAT"), "float");
    EXPECT_EQ(DeltaTypeOf("DOUBLE"), "double");
    EXPECT_EQ(DeltaTypeOf("BOOLEAN"), "boolean");
    EXPECT_EQ(DeltaTypeOf("BLOB"), "binary");
    EXPECT_EQ(DeltaTypeOf("DATE"), "date");
    EXPECT_EQ(DeltaTypeOf("TIMESTAMP"), "timestamp");
    EXPECT_EQ(DeltaTypeOf("TIMESTAMP WITH TIME ZONE"), "timestamp");
    EXPECT_EQ(DeltaTypeOf("TIMESTAMP_S"), "timestamp");
    EXPECT_EQ(DeltaTypeOf("TIMESTAMP_MS"), "timestamp");
    EXPECT_EQ(DeltaTypeOf("TIMESTAMP_NS"), "timestamp");
    EXPECT_EQ(DeltaTypeOf("DECIMAL(10,2)"), "decimal(10,2)");
    EXPECT_EQ(DeltaTypeOf("UUID"), "string");
    EXPECT_EQ(DeltaTypeOf("INTEGER[]"), (Json{{"type", "array"}, {"elementType", "integer"}, {"containsNull", true}}));
    EXPECT_EQ(DeltaTypeOf("MAP(VARCHAR, DOUBLE[])"),
              (Json{{"type", "map"},
                    {"keyType", "string"},
                    {"valueType", {{"type", "array"}, {"elementType", "double"}, {"containsNull", true}}},
                    {"valueContainsNull", true}}));
}

TEST_F(DeltaTypesTest, StructNamesWithSpacesCommasAndQuotesParse) {
    connection_->Execute(
        "CREATE TABLE nested AS SELECT {'a, b': 1, 'c \"d\"': [{'x y': 'q'}], 'order': 2.5::DECIMAL(4,1), "
        "'m': MAP {'k': [1::BIGINT]}} AS s");
    std::vector<engine::ColumnInfo> columns = connection_->Describe("nested");
    ASSERT_EQ(columns.size(), 1U);
    Json type = DeltaTypeOf(columns[0].type);
    ASSERT_EQ(type["type"], "struct") << columns[0].type;
    std::vector<std::string> names;
    for (const auto& field : type["fields"]) {
        names.push_back(field["name"].get<std::string>());
    }
    EXPECT_EQ(names, (std::vector<std::string>{"a, b", "c \"d\"", "order", "m"}));
    EXPECT_EQ(type["fields"][1]["type"]["elementType"]["fields"][0]["name"], "x y");
    EXPECT_EQ(type["fields"][2]["type"], "decimal(4,1)");
    EXPECT_EQ(type["fields"][3]["type"]["valueType"]["elementType"], "long");
    // Back to DuckDB: the same type as DuckDB's own.
    EXPECT_EQ(connection_->Describe("SELECT CAST(s AS " + DuckDbType(type) + ") AS s FROM nested")[0].type,
              columns[0].type);
}

TEST_F(DeltaTypesTest, TypesDeltaCannotStoreAreUnsupported) {
    for (std::string type :
         {"TIME", "INTERVAL", "TIME WITH TIME ZONE", "UHUGEINT", "UNION(a INTEGER, b VARCHAR)", "STRUCT(a INTERVAL)"}) {
        Error error = CaptureError([&] { static_cast<void>(DeltaTypeOf(type)); });
        EXPECT_EQ(error.Code(), ErrorCode::DELTA_FEATURE_UNSUPPORTED) << type;
        EXPECT_NE(error.Message().find(type), std::string::npos) << error.Message();
    }
}

TEST_F(DeltaTypesTest, PartitionValuesBecomeTypedLiterals) {
    auto value = [this](const std::optional<std::string>& text, const Json& type) {
        std::string sql = PartitionValueSql(text, type);
        std::string query = "SELECT " + sql + " AS v";
        return connection_->Describe(query).at(0).type + "|" + connection_->Query(query).Value(0, 0).value_or("NULL");
    };
    EXPECT_EQ(value("O'Brien", "string"), "VARCHAR|O'Brien");
    EXPECT_EQ(value(std::nullopt, "string"), "VARCHAR|NULL");
    EXPECT_EQ(value("", "string"), "VARCHAR|NULL");
    EXPECT_EQ(value("", "long"), "BIGINT|NULL");
    EXPECT_EQ(value(std::nullopt, "date"), "DATE|NULL");
    EXPECT_EQ(value("-42", "long"), "BIGINT|-42");
    EXPECT_EQ(value("7", "byte"), "TINYINT|7");
    EXPECT_EQ(value("12", "short"), "SMALLINT|12");
    EXPECT_EQ(value("12", "integer"), "INTEGER|12");
    EXPECT_EQ(value("1.5", "double"), "DOUBLE|1.5");
    EXPECT_EQ(value("NaN", "double"), "DOUBLE|nan");
    EXPECT_EQ(value("-Infinity", "float"), "FLOAT|-inf");
    EXPECT_EQ(value("123.45", "decimal(10,2)"), "DECIMAL(10,2)|123.45");
    EXPECT_EQ(value("1E+2", "decimal(10,2)"), "DECIMAL(10,2)|100.00");
    EXPECT_EQ(value("true", "boolean"), "BOOLEAN|true");
    EXPECT_EQ(value("FALSE", "boolean"), "BOOLEAN|false");
    EXPECT_EQ(value("2024-02-29", "date"), "DATE|2024-02-29");
    EXPECT_EQ(value("2024-01-31 12:30:00", "timestamp"), "TIMESTAMP|2024-01-31 12:30:00");
    EXPECT_EQ(value("2024-01-31 12:30:00.123456", "timestamp"), "TIMESTAMP|2024-01-31 12:30:00.123456");
    EXPECT_EQ(value("1970-01-01T00:00:00.123456Z", "timestamp"), "TIMESTAMP|1970-01-01 00:00:00.123456");
    EXPECT_EQ(value("2024-01-01T01:30:00+02:00", "timestamp"), "TIMESTAMP|2023-12-31 23:30:00");
    EXPECT_EQ(value("2024-01-31 12:30:00.5", "timestamp_ntz"), "TIMESTAMP|2024-01-31 12:30:00.5");
    EXPECT_EQ(value(std::string("\x01\x02z", 3), "binary"), "BLOB|\\x01\\x02z");
}

TEST_F(DeltaTypesTest, MalformedPartitionValuesAreLogErrors) {
    for (const auto& [text, type] :
         std::vector<std::pair<std::string, std::string>>{{"1.5", "long"},
                                                          {"x'; DROP", "integer"},
                                                          {"2024-13-01", "date"},
                                                          {"2024-02-30 00:00:00", "timestamp"},
                                                          {"yes", "boolean"},
                                                          {"1,5", "decimal(5,2)"},
                                                          {"one", "double"}}) {
        Error error = CaptureError([&] { static_cast<void>(PartitionValueSql(text, type)); });
        EXPECT_EQ(error.Code(), ErrorCode::DELTA_LOG_INVALID) << text << " " << type;
    }
    Error nested = CaptureError([] { static_cast<void>(PartitionValueSql("x", Json{{"type", "array"}})); });
    EXPECT_EQ(nested.Code(), ErrorCode::DELTA_FEATURE_UNSUPPORTED);
}

TEST_F(DeltaTypesTest, DuckDbValuesSerialiseAsPartitionValues) {
    const std::string values =
        "(SELECT TIMESTAMP '2024-01-31 12:30:00.12' AS ts, TIMESTAMP '2024-01-31 12:30:00' AS whole, "
        "TIMESTAMPTZ '2024-01-31 12:30:00+00' AS tz, DATE '2024-01-31' AS d, true AS b, 'inf'::DOUBLE AS inf, "
        "'nan'::DOUBLE AS nan, 1.50::DECIMAL(5,2) AS dec, NULL::BIGINT AS n, 'x y' AS s)";
    auto serialise = [&](const std::string& column, const Json& type) {
        return connection_->Query(fmt::format("SELECT {} FROM {}", PartitionValueExpression(column, type), values))
            .Value(0, 0);
    };
    EXPECT_EQ(serialise("ts", "timestamp"), "2024-01-31 12:30:00.120000");
    EXPECT_EQ(serialise("whole", "timestamp"), "2024-01-31 12:30:00.000000");
    EXPECT_EQ(serialise("whole", "timestamp_ntz"), "2024-01-31 12:30:00.000000");
    EXPECT_EQ(serialise("d", "date"), "2024-01-31");
    EXPECT_EQ(serialise("b", "boolean"), "true");
    EXPECT_EQ(serialise("inf", "double"), "Infinity");
    EXPECT_EQ(serialise("nan", "double"), "NaN");
    EXPECT_EQ(serialise("dec", "decimal(5,2)"), "1.50");
    EXPECT_EQ(serialise("n", "long"), std::nullopt);
    EXPECT_EQ(serialise("s", "string"), "x y");

    // Serialise then read back: the same value.
    for (const auto& [column, type] : std::vector<std::pair<std::string, std::string>>{
             {"ts", "timestamp"}, {"whole", "timestamp"}, {"d", "date"}, {"inf", "double"}, {"dec", "decimal(5,2)"}}) {
        std::string sql = PartitionValueSql(serialise(column, type), type);
        EXPECT_EQ(connection_->Query("SELECT " + sql).Value(0, 0),
                  connection_->Query(fmt::format("SELECT {} FROM {}", column, values)).Value(0, 0))
            << sql;
    }
}

TEST_F(DeltaTypesTest, TimestampTextParsesAsUtc) {
    EXPECT_EQ(delta::ParseTimestampMicros("1970-01-01"), 0);
    EXPECT_EQ(delta::ParseTimestampMicros("1970-01-01T00:00:01.5Z"), 1'500'000);
    EXPECT_EQ(delta::ParseTimestampMicros("1969-12-31 23:59:59.999999"), -1);
    EXPECT_EQ(delta::ParseTimestampMicros("1970-01-01 05:30:00+0530"), 0);
    EXPECT_EQ(delta::ParseTimestampMicros("1970-01-01 00:00"), 0);
    EXPECT_EQ(delta::ParseTimestampMicros("1970-01-01 24:00:00"), std::nullopt);
    EXPECT_EQ(delta::ParseTimestampMicros("1970-1-1"), std::nullopt);
    EXPECT_EQ(delta::FormatTimestampMicros(-1), "1969-12-31 23:59:59.999999");
    EXPECT_EQ(delta::FormatTimestampMicros(1'700'000'000'123'456), "2023-11-14 22:13:20.123456");
}

} // namespace
} // namespace odibi::io::testing
