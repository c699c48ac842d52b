// Lookups (dict_based_mapping, apply_mapping), nested data (explode_list_column, unpack_struct,
// parse_json) and sessionize, against DuckDB oracles and the golden cases of the semantics reference.
#include "transform_test_support.hpp"

namespace odibi::transform::testing {
namespace {

class LookupAndNestedTransformers : public TransformTest {};

TEST_F(LookupAndNestedTransformers, DictBasedMappingGolden) {
    // §6 T18: status "1","0","2"; {"1": Active, "0": Inactive}, default Unknown.
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES (1, '1'), (2, '0'), (3, '2'), (4, NULL)) v(n, status)");
    auto result = Run("dict_based_mapping",
                      {{"column", "status"},
                       {"mapping", {{"1", "Active"}, {"0", "Inactive"}}},
                       {"default", "Unknown"},
                       {"output_column", "status_desc"}});
    EXPECT_EQ(RowsOf(result),
              (Rows{{V("1"), V("1"), V("Active")},
                    {V("2"), V("0"), V("Inactive")},
                    {V("3"), V("2"), V("Unknown")},
                    {V("4"), NULL_VALUE, V("Unknown")}}));
}

TEST_F(LookupAndNestedTransformers, DictBasedMappingInPlaceMatchesNumbersAsText) {
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES (1, 'a'), (0, 'b'), (7, 'c')) v(code, tag)");
    ExpectMatchesOracle("dict_based_mapping",
                        {{"column", "code"}, {"mapping", {{"1", "one"}, {"0", nullptr}}}},
                        "SELECT CASE WHEN CAST(code AS VARCHAR) = '1' THEN 'one' WHEN CAST(code AS VARCHAR) = '0' "
                        "THEN NULL ELSE NULL END AS code, tag FROM df");
    ExpectMatchesOracle("dict_based_mapping",
                        {{"column", "code"}, {"mapping", {{"7", 70}}}, {"default", -1}, {"output_column", "value"}},
                        "SELECT *, CASE WHEN CAST(code AS VARCHAR) = '7' THEN 70 ELSE -1 END AS value FROM df");
}

TEST_F(LookupAndNestedTransformers, ApplyMappingNeverMultipliesRows) {
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES (1, 'A'), (2, 'B'), (3, 'Z'), (4, NULL)) v(n, code)");
    Sql("CREATE TABLE codes AS SELECT * FROM (VALUES ('A', 'alpha'), ('B', 'bravo'), ('B', 'beta'), (NULL, 'none')) "
        "v(code, label)");
    ExpectMatchesOracle(
        "apply_mapping",
        {{"column", "code"}, {"mapping_source", "codes"}, {"source_key", "code"}, {"source_value", "label"}},
        "SELECT d.n, m.label AS code FROM df d LEFT JOIN (SELECT code, min(label) AS label FROM codes "
        "GROUP BY code) m ON d.code = m.code");
    auto result = Run("apply_mapping",
                      {{"column", "code"},
                       {"mapping_source", "codes"},
                       {"source_key", "code"},
                       {"source_value", "label"},
                       {"output", "label"},
                       {"default", "unknown"}});
    EXPECT_EQ(RowsOf(result),
              (Rows{{V("1"), V("A"), V("alpha")},
                    {V("2"), V("B"), V("beta")},
                    {V("3"), V("Z"), V("unknown")},
                    {V("4"), NULL_VALUE, V("unknown")}}));
    auto error = CompileError(
        "apply_mapping",
        {{"column", "code"}, {"mapping_source", "code"}, {"source_key", "code"}, {"source_value", "label"}});
    EXPECT_TRUE(Contains(AllSuggestions(error), "Did you mean \"codes\"?")) << AllSuggestions(error);
}

TEST_F(LookupAndNestedTransformers, ExplodeListColumnInnerAndOuter) {
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES (1, ['a', 'b'], 'x'), (2, [], 'y'), (3, NULL, 'z'), "
        "(4, ['c', NULL], 'w')) v(id, items, note)");
    ExpectMatchesOracle("explode_list_column",
                        {{"column", "items"}},
                        "SELECT id, item AS items, note FROM df, unnest(items) AS u(item) WHERE item IS NOT NULL");
    auto outer = Run("explode_list_column", {{"column", "items"}, {"outer", true}});
    EXPECT_EQ(RowsOf(outer),
              (Rows{{V("1"), V("a"), V("x")},
                    {V("1"), V("b"), V("x")},
                    {V("2"), NULL_VALUE, V("y")},
                    {V("3"), NULL_VALUE, V("z")},
                    {V("4"), NULL_VALUE, V("w")},
                    {V("4"), V("c"), V("w")}}));
    EXPECT_EQ(CompileError("explode_list_column", {{"column", "note"}}).Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
}

TEST_F(LookupAndNestedTransformers, UnpackStructAppendsFields) {
    Sql("CREATE TABLE df AS SELECT 1 AS id, {'city': 'Oslo', 'zip': '0150'} AS address UNION ALL SELECT 2, NULL");
    auto result = Run("unpack_struct", {{"column", "address"}});
    EXPECT_EQ(ColumnNames(result), (std::vector<std::string>{"id", "address", "city", "zip"}));
    auto oracle = Query("SELECT id, address, address.city AS city, address.zip AS zip FROM df");
    ExpectSameColumns(result, oracle);
    EXPECT_EQ(RowsOf(result), RowsOf(oracle));
    Sql("CREATE TABLE clash AS SELECT 'x' AS city, {'city': 'Oslo'} AS address");
    EXPECT_EQ(CompileError("unpack_struct", {{"column", "address"}}, "clash").Code(),
              ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_EQ(CompileError("unpack_struct", {{"column", "id"}}).Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
}

TEST_F(LookupAndNestedTransformers, ParseJson) {
    Sql(R"(CREATE TABLE df AS SELECT * FROM (VALUES (1, '{"a": 1, "b": [2]}'), (2, NULL)) v(id, raw))");
    ExpectMatchesOracle("parse_json",
                        {{"column", "raw"}, {"json_schema", "a INT"}},
                        "SELECT *, CAST(raw AS JSON) AS raw_parsed FROM df");
    auto named = Run("parse_json", {{"column", "raw"}, {"json_schema", "a INT"}, {"output_col", "doc"}});
    EXPECT_EQ(ColumnNames(named).back(), "doc");
    Sql("CREATE TABLE broken AS SELECT '{not json' AS raw");
    EXPECT_EQ(CompileError("parse_json", {{"column", "raw"}, {"json_schema", "a INT"}}, "broken").Code(),
              ErrorCode::SQL_ERROR);
}

TEST_F(LookupAndNestedTransformers, SessionizeGolden) {
    // §6 T18: user A at 10:00, 10:05, 11:00; B at 10:00, 10:10; threshold 1800 -> A-1, A-1, A-2, B-1, B-1.
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES "
        "('A', TIMESTAMP '2024-01-01 11:00:00'), ('B', TIMESTAMP '2024-01-01 10:10:00'), "
        "('A', TIMESTAMP '2024-01-01 10:00:00'), ('A', TIMESTAMP '2024-01-01 10:05:00'), "
        "('B', TIMESTAMP '2024-01-01 10:00:00')) v(user_id, ts)");
    auto result = Run("sessionize", {{"timestamp_col", "ts"}, {"user_col", "user_id"}});
    EXPECT_EQ(ColumnNames(result), (std::vector<std::string>{"user_id", "ts", "session_id"}));
    EXPECT_EQ(RowsOf(result, /*ordered=*/true),
              (Rows{{V("A"), V("2024-01-01 10:00:00"), V("A-1")},
                    {V("A"), V("2024-01-01 10:05:00"), V("A-1")},
                    {V("A"), V("2024-01-01 11:00:00"), V("A-2")},
                    {V("B"), V("2024-01-01 10:00:00"), V("B-1")},
                    {V("B"), V("2024-01-01 10:10:00"), V("B-1")}}));
    ExpectMatchesOracle(
        "sessionize",
        {{"timestamp_col", "ts"}, {"user_col", "user_id"}, {"threshold_seconds", 300}, {"session_col", "s"}},
        "SELECT user_id, ts, user_id || '-' || CAST(sum(new_session) OVER (PARTITION BY user_id ORDER "
        "BY ts ROWS UNBOUNDED PRECEDING) AS VARCHAR) AS s FROM (SELECT *, CASE WHEN lag(ts) OVER "
        "(PARTITION BY user_id ORDER BY ts) IS NULL OR ts - lag(ts) OVER (PARTITION BY user_id ORDER "
        "BY ts) > INTERVAL 300 SECOND THEN 1 ELSE 0 END AS new_session FROM df)");
    // A gap of exactly the threshold stays in the session (only a longer gap starts a new one).
    auto exact = Run("sessionize", {{"timestamp_col", "ts"}, {"user_col", "user_id"}, {"threshold_seconds", 300}});
    EXPECT_EQ(RowsOf(exact, true)[1][2], V("A-1"));
}

} // namespace
} // namespace odibi::transform::testing
