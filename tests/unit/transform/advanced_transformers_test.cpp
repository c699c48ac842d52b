// Advanced transformers against DuckDB oracles, and the golden cases of the semantics reference.
#include "transform_test_support.hpp"

namespace odibi::transform::testing {
namespace {

class AdvancedTransformers : public TransformTest {};

TEST_F(AdvancedTransformers, DeduplicateGoldenKeepsLatest) {
    // §6 T11.
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES "
        "(1, 'A', TIMESTAMP '2024-01-01 10:00:00'), (1, 'A', TIMESTAMP '2024-01-01 11:00:00'), "
        "(2, 'B', TIMESTAMP '2024-01-02 10:00:00'), (2, 'B', TIMESTAMP '2024-01-02 09:00:00'), "
        "(3, 'C', TIMESTAMP '2024-01-03 10:00:00')) v(id, name, updated_at)");
    auto result = Run("deduplicate", {{"keys", {"id"}}, {"order_by", "updated_at DESC"}});
    EXPECT_EQ(ColumnNames(result), (std::vector<std::string>{"id", "name", "updated_at"}));
    EXPECT_EQ(RowsOf(result),
              (Rows{{V("1"), V("A"), V("2024-01-01 11:00:00")},
                    {V("2"), V("B"), V("2024-01-02 10:00:00")},
                    {V("3"), V("C"), V("2024-01-03 10:00:00")}}));
    ExpectMatchesOracle("deduplicate",
                        {{"keys", {"id"}}, {"order_by", "updated_at DESC"}},
                        "SELECT id, name, updated_at FROM (SELECT *, row_number() OVER (PARTITION BY id ORDER BY "
                        "updated_at DESC) AS rn FROM df) WHERE rn = 1");
}

TEST_F(AdvancedTransformers, DeduplicateEmptyInputAndNullKeys) {
    Sql("CREATE TABLE df (id INTEGER, name VARCHAR)");
    auto empty = Run("deduplicate", {{"keys", {"id"}}});
    EXPECT_EQ(empty.RowCount(), 0u);
    EXPECT_EQ(ColumnNames(empty), (std::vector<std::string>{"id", "name"}));
    Sql("CREATE TABLE nulls AS SELECT * FROM (VALUES (NULL, 'a'), (NULL, 'b'), (NULL, 'c')) v(id, name)");
    EXPECT_EQ(Run("deduplicate", {{"keys", {"id"}}, {"order_by", "name"}}, "nulls").RowCount(), 1u);
    EXPECT_EQ(CompileError("deduplicate", {{"keys", Json::array()}}).Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
}

TEST_F(AdvancedTransformers, ValidateAndFlagGolden) {
    // §6 T18.
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES (1, 25, 'a@b.com'), (2, -5, 'invalid'), (3, 30, 'c@d.com'), "
        "(4, NULL, 'x@y')) v(n, age, email)");
    auto result =
        Run("validate_and_flag",
            {{"rules", {{"age_check", "age >= 0"}, {"email_format", "email LIKE '%@%'"}}}, {"flag_col", "issues"}});
    EXPECT_EQ(RowsOf(result),
              (Rows{{V("1"), V("25"), V("a@b.com"), NULL_VALUE},
                    {V("2"), V("-5"), V("invalid"), V("age_check, email_format")},
                    {V("3"), V("30"), V("c@d.com"), NULL_VALUE},
                    {V("4"), NULL_VALUE, V("x@y"), NULL_VALUE}}));
    ExpectMatchesOracle("validate_and_flag",
                        {{"rules", {{"it's positive", "age > 0"}}}},
                        "SELECT *, CASE WHEN NOT (age > 0) THEN 'it''s positive' END AS _issues FROM df");
    EXPECT_EQ(CompileError("validate_and_flag", {{"rules", Json::object()}}).Code(),
              ErrorCode::INVALID_TRANSFORMER_PARAMS);
}

TEST_F(AdvancedTransformers, WindowCalculationRunningTotal) {
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES ('n', 1, 10), ('n', 2, 20), ('s', 1, 5), ('s', 3, 1)) "
        "v(region, day, sales)");
    ExpectMatchesOracle(
        "window_calculation",
        {{"target_col", "running"}, {"function", "sum(sales)"}, {"partition_by", {"region"}}, {"order_by", "day"}},
        "SELECT *, sum(sales) OVER (PARTITION BY region ORDER BY day) AS running FROM df");
    ExpectMatchesOracle("window_calculation",
                        {{"target_col", "total"}, {"function", "sum(sales)"}},
                        "SELECT *, sum(sales) OVER () AS total FROM df");
    ExpectMatchesOracle("window_calculation",
                        {{"target_col", "previous"}, {"function", "lag(sales)"}, {"order_by", "region, day DESC"}},
                        "SELECT *, lag(sales) OVER (ORDER BY region, day DESC) AS previous FROM df");
}

TEST_F(AdvancedTransformers, GenerateSurrogateKeyTreatsNullAsEmpty) {
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES (NULL, 'x', 1), ('', 'x', 2), ('a', NULL, 3), (NULL, NULL, 4)) "
        "v(region, product, n)");
    ExpectMatchesOracle("generate_surrogate_key",
                        {{"columns", {"region", "product", "n"}}, {"separator", "|"}, {"output_col", "sk"}},
                        "SELECT *, md5(concat_ws('|', COALESCE(CAST(region AS VARCHAR), ''), "
                        "COALESCE(CAST(product AS VARCHAR), ''), COALESCE(CAST(n AS VARCHAR), ''))) AS sk FROM df");
    auto result = Run("generate_surrogate_key", {{"columns", {"region", "product"}}});
    auto rows = RowsOf(result);
    EXPECT_EQ(ColumnNames(result).back(), "surrogate_key");
    // (NULL, 'x') and ('', 'x') share a key; all NULL is md5("-").
    auto key_of = [&](const std::string& n) {
        for (const auto& row : rows) {
            if (row[2] == V(n)) {
                return row[3];
            }
        }
        return NULL_VALUE;
    };
    EXPECT_EQ(key_of("1"), key_of("2"));
    EXPECT_EQ(key_of("4"), Query("SELECT md5('-')").Scalar());
    EXPECT_EQ(key_of("3")->size(), 32u);
}

TEST_F(AdvancedTransformers, RegexReplaceReplacesAllMatchesAndMovesColumnLast) {
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES ('(555) 123-4567', 1), (NULL, 2), ('no digits', 3)) v(phone, n)");
    ExpectMatchesOracle("regex_replace",
                        {{"column", "phone"}, {"pattern", "[^0-9]"}, {"replacement", ""}},
                        "SELECT n, regexp_replace(phone, '[^0-9]', '', 'g') AS phone FROM df");
    auto result =
        Run("regex_replace", {{"column", "phone"}, {"pattern", "([0-9]{3})-([0-9]{4})"}, {"replacement", "\\2'\\1"}});
    EXPECT_EQ(RowsOf(result)[0], (Row{V("1"), V("(555) 4567'123")}));
    Sql("CREATE TABLE single AS SELECT 'aaa' AS s");
    auto only = Run("regex_replace", {{"column", "s"}, {"pattern", "a"}, {"replacement", "b"}}, "single");
    EXPECT_EQ(RowsOf(only), (Rows{{V("bbb")}}));
}

TEST_F(AdvancedTransformers, HashColumnsKeepsNull) {
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES ('a@b.com', 1, 1.5), (NULL, 2, NULL)) v(email, n, x)");
    ExpectMatchesOracle("hash_columns",
                        {{"columns", {"email", "n"}}},
                        "SELECT sha256(email) AS email, sha256(CAST(n AS VARCHAR)) AS n, x FROM df");
    ExpectMatchesOracle("hash_columns",
                        {{"columns", {"email", "x"}}, {"algorithm", "MD5"}},
                        "SELECT md5(email) AS email, n, md5(CAST(x AS VARCHAR)) AS x FROM df");
    auto result = Run("hash_columns", {{"columns", {"email"}}});
    // Python: hashlib.sha256(b"a@b.com").hexdigest()
    EXPECT_EQ(RowsOf(result)[1][0], V("fb98d44ad7501a959f3f4f4a3f004fe2d9e581ea6207e218c4b02c08a4d75adf"));
    EXPECT_EQ(RowsOf(result)[0][0], NULL_VALUE);
}

TEST_F(AdvancedTransformers, GenerateNumericKeyUsesFirst15HexDigitsOfMd5) {
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES (' a ', 1, NULL), ('a', 1, 77), ('', 2, NULL), (NULL, 2, NULL)) "
        "v(s, n, id)");
    ExpectMatchesOracle("generate_numeric_key",
                        {{"columns", {"s", "n"}}},
                        "SELECT *, CAST('0x' || substr(md5(concat_ws('|', COALESCE(trim(CAST(s AS VARCHAR)), ''), "
                        "COALESCE(trim(CAST(n AS VARCHAR)), ''))), 1, 15) AS BIGINT) AS numeric_key FROM df");
    // Python: int(hashlib.md5(b"a|1").hexdigest()[:15], 16), as Odibi's Spark path computes it.
    const std::string expected = "60554859180191168";
    auto result = Run("generate_numeric_key", {{"columns", {"s", "n"}}, {"output_col", "id"}, {"coalesce_with", "id"}});
    EXPECT_EQ(ColumnNames(result), (std::vector<std::string>{"s", "n", "id"}));
    auto rows = RowsOf(result);
    // Sorted by s: NULL first, then '', ' a ', 'a'.
    EXPECT_EQ(rows[2][2], V(expected)); // ' a ' trims to 'a'
    EXPECT_EQ(rows[3][2], V("77"));     // coalesce_with keeps the existing key
    EXPECT_EQ(rows[0][2], rows[1][2]);  // NULL and '' give the same key
    ExpectMatchesOracle(
        "generate_numeric_key",
        {{"columns", {"s"}}, {"output_col", "n"}},
        "SELECT s, id, CAST('0x' || substr(md5(concat_ws('|', COALESCE(trim(CAST(s AS VARCHAR)), ''))), "
        "1, 15) AS BIGINT) AS n FROM df");
}

} // namespace
} // namespace odibi::transform::testing
