// Lookups (dict_based_mapping, apply_mapping), nested data (explode_list_column, unpack_struct,
// parse_json, normalize_json, flatten_struct) and sessionize, against DuckDB oracles and the golden
// cases of the semantics reference.
#include "transform_test_support.hpp"
#include <gmock/gmock.h>

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

TEST_F(LookupAndNestedTransformers, NormalizeJsonGolden) {
    // Odibi's test_normalize_json_pandas: {"a": 1, "b": {"c": 2}} gives the columns a and b_c.
    Sql(R"(CREATE TABLE df AS SELECT 1 AS id, '{"a": 1, "b": {"c": 2}}' AS raw)");
    auto result = Run("normalize_json", {{"column", "raw"}});
    EXPECT_EQ(ColumnNames(result), (std::vector<std::string>{"id", "raw", "a", "b_c"}));
    EXPECT_EQ(RowsOf(result), (Rows{{V("1"), V(R"({"a": 1, "b": {"c": 2}})"), V("1"), V("2")}}));
}

TEST_F(LookupAndNestedTransformers, NormalizeJsonFlattensEveryLevel) {
    // Keys missing from a row, a NULL row, three levels, a list, a negative number, a key that is NULL
    // everywhere, and a key ("id") that the input already has.
    Sql(R"(CREATE TABLE df AS SELECT * FROM (VALUES
        (1, '{"id": 10, "customer": {"name": "Ada", "address": {"city": "Oslo", "zip": "0150"}}, "tags": ["a"], "note": null}'),
        (2, '{"id": 11, "customer": {"name": "Bob"}, "score": -2.5, "ok": true, "note": null}'),
        (3, NULL)) v(id, raw))");
    ExpectMatchesOracle("normalize_json",
                        {{"column", "raw"}, {"sep", "."}},
                        "SELECT *, CAST(raw->>'$.id' AS BIGINT) AS \"id_json\", raw->>'$.customer.name' AS "
                        "\"customer.name\", raw->>'$.customer.address.city' AS \"customer.address.city\", "
                        "raw->>'$.customer.address.zip' AS \"customer.address.zip\", "
                        "CAST(raw->'$.tags' AS VARCHAR[]) AS tags, raw->>'$.note' AS note, "
                        "CAST(raw->>'$.score' AS DOUBLE) AS score, CAST(raw->>'$.ok' AS BOOLEAN) AS ok FROM df");
    // A JSON column works the same way.
    Sql("CREATE TABLE typed AS SELECT id, CAST(raw AS JSON) AS doc FROM df");
    auto typed = Run("normalize_json", {{"column", "doc"}}, "typed");
    EXPECT_EQ(ColumnNames(typed),
              (std::vector<std::string>{"id",
                                        "doc",
                                        "id_json",
                                        "customer_name",
                                        "customer_address_city",
                                        "customer_address_zip",
                                        "tags",
                                        "note",
                                        "score",
                                        "ok"}));
}

TEST_F(LookupAndNestedTransformers, NormalizeJsonMixedTypesAndStructInput) {
    // A key whose values differ in type from row to row stays JSON.
    Sql(R"(CREATE TABLE df AS SELECT * FROM (VALUES (1, '{"v": 1}'), (2, '{"v": "x"}'), (3, '{"v": {"w": 1}}')) t(id, raw))");
    ExpectMatchesOracle("normalize_json", {{"column", "raw"}}, "SELECT *, raw->'$.v' AS v FROM df");
    // A STRUCT column is flattened to every level without reading the data.
    Sql("CREATE TABLE structs AS SELECT 1 AS id, {'a': 1, 'b': {'c': 'x', 'd': {'e': 2.5}}} AS s "
        "UNION ALL SELECT 2, NULL");
    auto result = Run("normalize_json", {{"column", "s"}}, "structs");
    auto oracle = Query("SELECT *, s.a AS a, s.b.c AS b_c, s.b.d.e AS b_d_e FROM structs");
    ExpectSameColumns(result, oracle);
    EXPECT_EQ(RowsOf(result), RowsOf(oracle));
}

TEST_F(LookupAndNestedTransformers, NormalizeJsonWithoutObjectsAddsNothing) {
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES (1, CAST(NULL AS VARCHAR)), (2, NULL)) v(id, raw)");
    ExpectMatchesOracle("normalize_json", {{"column", "raw"}}, "SELECT * FROM df");
    Sql("CREATE TABLE empty_objects AS SELECT * FROM (VALUES (1, '{}'), (2, NULL)) v(id, raw)");
    EXPECT_EQ(ColumnNames(Run("normalize_json", {{"column", "raw"}}, "empty_objects")),
              (std::vector<std::string>{"id", "raw"}));
    Sql("CREATE TABLE nothing (id INTEGER, raw VARCHAR)");
    EXPECT_EQ(Run("normalize_json", {{"column", "raw"}}, "nothing").RowCount(), 0u);
}

TEST_F(LookupAndNestedTransformers, NormalizeJsonErrors) {
    Sql(R"(CREATE TABLE df AS SELECT * FROM (VALUES (1, '{"a": 1}'), (2, '[1, 2]')) v(id, raw))");
    auto not_objects = CompileError("normalize_json", {{"column", "raw"}});
    EXPECT_EQ(not_objects.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(not_objects.Message(), "does not hold a JSON object in every row")) << not_objects.Message();
    auto typo = CompileError("normalize_json", {{"column", "rwa"}});
    EXPECT_TRUE(Contains(AllSuggestions(typo), "Did you mean \"raw\"?")) << AllSuggestions(typo);
    auto integer = CompileError("normalize_json", {{"column", "id"}});
    EXPECT_TRUE(Contains(integer.Message(), "INTEGER")) << integer.Message();
    // {"a_b": 1, "a": {"b": 2}} would give two columns a_b.
    Sql(R"(CREATE TABLE clash AS SELECT '{"a_b": 1, "a": {"b": 2}}' AS raw)");
    auto clash = CompileError("normalize_json", {{"column", "raw"}}, "clash");
    EXPECT_TRUE(Contains(clash.Message(), "two columns named \"a_b\"")) << clash.Message();
    Sql("CREATE TABLE broken AS SELECT '{not json' AS raw");
    EXPECT_EQ(CompileError("normalize_json", {{"column", "raw"}}, "broken").Code(), ErrorCode::SQL_ERROR);
}

TEST_F(LookupAndNestedTransformers, FlattenStructGolden) {
    // Odibi's test_flatten_struct.py: simple_struct_df, nested_struct_df and deeply_nested_df.
    Sql("CREATE TABLE simple AS SELECT * FROM (VALUES (1, {'owner': 'Alice', 'version': 1}), "
        "(2, {'owner': 'Bob', 'version': 2}), (3, {'owner': 'Charlie', 'version': 3})) v(id, metadata)");
    auto simple = Run("flatten_struct", {{"column", "metadata"}}, "simple");
    EXPECT_EQ(ColumnNames(simple), (std::vector<std::string>{"id", "metadata_owner", "metadata_version"}));
    EXPECT_EQ(RowsOf(simple),
              (Rows{{V("1"), V("Alice"), V("1")}, {V("2"), V("Bob"), V("2")}, {V("3"), V("Charlie"), V("3")}}));
    EXPECT_EQ(ColumnNames(Run("flatten_struct", {{"column", "metadata"}, {"drop_source", false}}, "simple")),
              (std::vector<std::string>{"id", "metadata", "metadata_owner", "metadata_version"}));
    EXPECT_EQ(ColumnNames(Run("flatten_struct", {{"column", "metadata"}, {"prefix", "meta_"}}, "simple")),
              (std::vector<std::string>{"id", "meta_owner", "meta_version"}));
    EXPECT_EQ(ColumnNames(Run("flatten_struct", {{"column", "metadata"}, {"separator", "__"}}, "simple")),
              (std::vector<std::string>{"id", "metadata__owner", "metadata__version"}));

    Sql("CREATE TABLE deep AS SELECT 1 AS id, {'level1': {'level2': {'level3_val': 42}, 'flat_val': 'hello'}, "
        "'top_val': 99} AS data");
    auto deep = Run("flatten_struct", {{"column", "data"}, {"depth", 3}}, "deep");
    EXPECT_EQ(
        ColumnNames(deep),
        (std::vector<std::string>{"id", "data_level1_level2_level3_val", "data_level1_flat_val", "data_top_val"}));
    EXPECT_EQ(RowsOf(deep), (Rows{{V("1"), V("42"), V("hello"), V("99")}}));
}

TEST_F(LookupAndNestedTransformers, FlattenStructDepthAndNulls) {
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES (1, {'owner': {'name': 'Alice', 'dept': 'Eng'}, 'version': 2}), "
        "(2, {'owner': NULL, 'version': 5}), (3, NULL)) v(id, metadata)");
    // depth 1 keeps the nested struct as one column; depth 2 (or more) flattens it.
    ExpectMatchesOracle("flatten_struct",
                        {{"column", "metadata"}},
                        "SELECT id, metadata.owner AS metadata_owner, metadata.version AS metadata_version FROM df");
    ExpectMatchesOracle("flatten_struct",
                        {{"column", "metadata"}, {"prefix", "m."}, {"depth", 5}, {"separator", "."}},
                        "SELECT id, metadata.owner.name AS \"m.owner.name\", metadata.owner.dept AS "
                        "\"m.owner.dept\", metadata.version AS \"m.version\" FROM df");
    ExpectMatchesOracle("flatten_struct",
                        {{"column", "metadata"}, {"depth", 2}, {"drop_source", false}},
                        "SELECT *, metadata.owner.name AS metadata_owner_name, metadata.owner.dept AS "
                        "metadata_owner_dept, metadata.version AS metadata_version FROM df");
}

TEST_F(LookupAndNestedTransformers, FlattenStructErrors) {
    Sql("CREATE TABLE df AS SELECT 1 AS id, {'id': 2, 'name': 'x'} AS info");
    auto depth = CompileError("flatten_struct", {{"column", "info"}, {"depth", 0}});
    EXPECT_EQ(depth.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(depth.Message(), "at least 1")) << depth.Message();
    auto not_struct = CompileError("flatten_struct", {{"column", "id"}});
    EXPECT_TRUE(Contains(not_struct.Message(), "not a STRUCT")) << not_struct.Message();
    auto typo = CompileError("flatten_struct", {{"column", "inf"}});
    EXPECT_TRUE(Contains(AllSuggestions(typo), "Did you mean \"info\"?")) << AllSuggestions(typo);
    // An empty prefix would give a second column "id".
    auto clash = CompileError("flatten_struct", {{"column", "info"}, {"prefix", ""}});
    EXPECT_TRUE(Contains(clash.Message(), "two columns named \"id\"")) << clash.Message();
    EXPECT_THAT(clash.Context(), ::testing::Contains(std::pair<std::string, std::string>("param", "prefix")));
}

} // namespace
} // namespace odibi::transform::testing
