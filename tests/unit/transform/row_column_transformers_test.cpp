// Row/column transformers: each result equals a plain DuckDB query over the same input.
#include "transform_test_support.hpp"

namespace odibi::transform::testing {
namespace {

class RowColumnTransformers : public TransformTest {
protected:
    RowColumnTransformers() {
        Sql(R"(CREATE TABLE df AS SELECT * FROM (VALUES
            (1, '  Alice ', 'open', 120.5, DATE '2024-01-15', TIMESTAMP '2024-01-15 10:30:00', 'alice@example.com'),
            (2, 'bob', 'shipped', 15.0, DATE '2024-02-29', TIMESTAMP '2024-02-29 23:59:59', NULL),
            (3, NULL, NULL, NULL, NULL, NULL, 'carol@example.org'),
            (4, 'Dave  ', 'N/A', -3.25, DATE '2023-12-31', TIMESTAMP '2023-12-31 00:00:00', 'dave@x.io'),
            (5, 'bob', 'open', 15.0, DATE '2024-03-01', TIMESTAMP '2024-03-10 01:59:00', 'b@b')
        ) v(order_id, customer, status, amount, ordered_on, ordered_at, email))");
    }
};

TEST_F(RowColumnTransformers, FilterRowsDropsFalseAndNull) {
    ExpectMatchesOracle("filter_rows",
                        {{"condition", "amount > 0 AND status <> 'N/A'"}},
                        "SELECT * FROM df WHERE amount > 0 AND status <> 'N/A'");
    EXPECT_EQ(Run("filter_rows", {{"condition", "amount > 0 AND status <> 'N/A'"}}).RowCount(), 3u);
}

TEST_F(RowColumnTransformers, DeriveColumnsAddsAndReplacesInPlace) {
    ExpectMatchesOracle("derive_columns",
                        {{"derivations", {{"double_amount", "amount * 2"}, {"customer", "upper(customer)"}}}},
                        "SELECT order_id, upper(customer) AS customer, status, amount, ordered_on, ordered_at, email, "
                        "amount * 2 AS double_amount FROM df");
}

TEST_F(RowColumnTransformers, DeriveColumnsAcceptsNumbersAsSql) {
    ExpectMatchesOracle(
        "derive_columns", {{"derivations", {{"one", 1}, {"yes", true}}}}, "SELECT *, 1 AS one, TRUE AS yes FROM df");
}

TEST_F(RowColumnTransformers, CastColumnsUsesAliasesAndRawTypes) {
    ExpectMatchesOracle("cast_columns",
                        {{"casts", {{"order_id", "String"}, {"amount", "DECIMAL(10,2)"}, {"ordered_at", "date"}}}},
                        "SELECT CAST(order_id AS VARCHAR) AS order_id, customer, status, "
                        "CAST(amount AS DECIMAL(10,2)) AS amount, ordered_on, CAST(ordered_at AS DATE) AS ordered_at, "
                        "email FROM df");
    auto result = Run("cast_columns", {{"casts", {{"amount", "int"}, {"email", "str"}}}});
    EXPECT_EQ(result.Columns()[3].type, "INTEGER");
}

TEST_F(RowColumnTransformers, CastColumnsFailingCastIsAnError) {
    auto error = CompileError("cast_columns", {{"casts", {{"customer", "int"}}}});
    EXPECT_EQ(error.Code(), ErrorCode::SQL_ERROR);
}

TEST_F(RowColumnTransformers, CleanTextTrimsAndChangesCase) {
    ExpectMatchesOracle("clean_text",
                        {{"columns", {"customer", "status"}}, {"case", "upper"}},
                        "SELECT order_id, upper(trim(customer)) AS customer, upper(trim(status)) AS status, amount, "
                        "ordered_on, ordered_at, email FROM df");
    ExpectMatchesOracle("clean_text",
                        {{"columns", {"customer"}}, {"trim", false}, {"case", "lower"}},
                        "SELECT * REPLACE (lower(customer) AS customer) FROM df");
    ExpectMatchesOracle(
        "clean_text", {{"columns", {"customer"}}}, "SELECT * REPLACE (trim(customer) AS customer) FROM df");
}

TEST_F(RowColumnTransformers, ExtractDatePartsUsesPrefixAndParts) {
    ExpectMatchesOracle("extract_date_parts",
                        {{"source_col", "ordered_at"}},
                        "SELECT *, year(ordered_at) AS ordered_at_year, month(ordered_at) AS ordered_at_month, "
                        "day(ordered_at) AS ordered_at_day FROM df");
    ExpectMatchesOracle("extract_date_parts",
                        {{"source_col", "ordered_at"}, {"prefix", "o"}, {"parts", {"hour", "year"}}},
                        "SELECT *, hour(ordered_at) AS o_hour, year(ordered_at) AS o_year FROM df");
}

TEST_F(RowColumnTransformers, NormalizeSchemaDropsAndRenamesKeepingOrder) {
    ExpectMatchesOracle("normalize_schema",
                        {{"rename", {{"customer", "name"}}}, {"drop", {"email", "not_there"}}},
                        "SELECT order_id, customer AS name, status, amount, ordered_on, ordered_at FROM df");
}

TEST_F(RowColumnTransformers, NormalizeSchemaSelectOrderKeepsOnlyListedFinalNames) {
    ExpectMatchesOracle(
        "normalize_schema",
        {{"rename", {{"customer", "name"}}}, {"drop", {"status"}}, {"select_order", {"name", "status", "order_id"}}},
        "SELECT customer AS name, status, order_id FROM df");
    auto error = CompileError("normalize_schema", {{"select_order", {"nmae"}}, {"rename", {{"customer", "name"}}}});
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(AllSuggestions(error), "Did you mean \"name\"?")) << AllSuggestions(error);
}

TEST_F(RowColumnTransformers, SortIsStableInDirectionWithNullsLast) {
    ExpectMatchesOracle("sort",
                        {{"by", "amount"}},
                        "SELECT * FROM df ORDER BY amount ASC NULLS LAST",
                        /*ordered=*/false);
    auto ascending = Run("sort", {{"by", {"amount", "order_id"}}});
    auto descending = Run("sort", {{"by", {"amount", "order_id"}}, {"ascending", false}});
    EXPECT_EQ(RowsOf(ascending, true),
              RowsOf(Query("SELECT * FROM df ORDER BY amount ASC NULLS LAST, order_id ASC NULLS LAST"), true));
    EXPECT_EQ(RowsOf(descending, true),
              RowsOf(Query("SELECT * FROM df ORDER BY amount DESC NULLS LAST, order_id DESC NULLS LAST"), true));
    // NULL amount (order 3) is last in both directions.
    EXPECT_EQ(ascending.Value(4, 0), V("3"));
    EXPECT_EQ(descending.Value(4, 0), V("3"));
}

TEST_F(RowColumnTransformers, SortAcceptsSqlExpressions) {
    auto result = Run("sort", {{"by", "length(email)"}});
    EXPECT_EQ(RowsOf(result, true), RowsOf(Query("SELECT * FROM df ORDER BY length(email) ASC NULLS LAST"), true));
}

TEST_F(RowColumnTransformers, LimitAndOffset) {
    Sql("CREATE VIEW sorted AS SELECT * FROM df ORDER BY order_id");
    auto result = Run("limit", {{"n", 2}, {"offset", 1}}, "sorted");
    EXPECT_EQ(RowsOf(result, true), RowsOf(Query("SELECT * FROM sorted LIMIT 2 OFFSET 1"), true));
    EXPECT_EQ(Run("limit", {{"n", "3"}}, "sorted").RowCount(), 3u);
    EXPECT_EQ(CompileError("limit", {{"n", -1}}).Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
}

TEST_F(RowColumnTransformers, SampleBoundsAndRepeatableSeed) {
    EXPECT_EQ(Run("sample", {{"fraction", 0}}).RowCount(), 0u);
    EXPECT_EQ(Run("sample", {{"fraction", 1.0}}).RowCount(), 5u);
    Sql("CREATE TABLE big AS SELECT range AS n FROM range(2000)");
    auto first = Run("sample", {{"fraction", 0.5}, {"seed", 7}}, "big");
    auto second = Run("sample", {{"fraction", 0.5}, {"seed", 7}}, "big");
    EXPECT_EQ(RowsOf(first), RowsOf(second));
    EXPECT_GT(first.RowCount(), 800u);
    EXPECT_LT(first.RowCount(), 1200u);
    auto oracle = Query("SELECT * FROM big USING SAMPLE 50 PERCENT (bernoulli, 7)");
    EXPECT_EQ(RowsOf(first), RowsOf(oracle));
    EXPECT_EQ(CompileError("sample", {{"fraction", 1.5}}).Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
}

TEST_F(RowColumnTransformers, DistinctAllOrListedColumns) {
    ExpectMatchesOracle("distinct", Json::object(), "SELECT DISTINCT * FROM df");
    ExpectMatchesOracle("distinct", {{"columns", {"customer", "amount"}}}, "SELECT DISTINCT customer, amount FROM df");
    EXPECT_EQ(Run("distinct", {{"columns", {"customer", "amount"}}}).RowCount(), 4u);
}

TEST_F(RowColumnTransformers, FillNullsWithTypedLiterals) {
    Sql("CREATE TABLE flags AS SELECT * FROM (VALUES (1, NULL::BOOLEAN, NULL), (NULL, TRUE, 'x')) v(n, b, s)");
    ExpectMatchesOracle("fill_nulls",
                        {{"values", {{"amount", 0}, {"customer", "O'Brien"}}}},
                        "SELECT order_id, COALESCE(customer, 'O''Brien') AS customer, status, "
                        "COALESCE(amount, 0) AS amount, ordered_on, ordered_at, email FROM df");
    auto result = Run("fill_nulls", {{"values", {{"n", -1}, {"b", false}, {"s", "none"}}}}, "flags");
    EXPECT_EQ(
        RowsOf(result),
        RowsOf(Query("SELECT COALESCE(n, -1) AS n, COALESCE(b, FALSE) AS b, COALESCE(s, 'none') AS s FROM flags")));
}

TEST_F(RowColumnTransformers, SplitPartOutOfRangeIsEmpty) {
    ExpectMatchesOracle("split_part",
                        {{"col", "email"}, {"delimiter", "@"}, {"index", 2}},
                        "SELECT *, split_part(email, '@', 2) AS email_part_2 FROM df");
    auto result = Run("split_part", {{"col", "email"}, {"delimiter", "@"}, {"index", 5}});
    EXPECT_EQ(RowsOf(result)[0][7], V(""));
}

TEST_F(RowColumnTransformers, DateAddEveryUnit) {
    ExpectMatchesOracle("date_add",
                        {{"col", "ordered_at"}, {"value", -2}, {"unit", "MONTH"}},
                        "SELECT *, ordered_at - INTERVAL 2 MONTH AS ordered_at_future FROM df");
    ExpectMatchesOracle("date_add",
                        {{"col", "ordered_on"}, {"value", 1}, {"unit", "day"}},
                        "SELECT *, ordered_on + INTERVAL 1 DAY AS ordered_on_future FROM df");
    ExpectMatchesOracle("date_add",
                        {{"col", "ordered_at"}, {"value", 90}, {"unit", "minute"}},
                        "SELECT *, ordered_at + INTERVAL 90 MINUTE AS ordered_at_future FROM df");
}

TEST_F(RowColumnTransformers, DateTrunc) {
    ExpectMatchesOracle("date_trunc",
                        {{"col", "ordered_at"}, {"unit", "month"}},
                        "SELECT *, date_trunc('month', ordered_at) AS ordered_at_trunc FROM df");
    ExpectMatchesOracle("date_trunc",
                        {{"col", "ordered_at"}, {"unit", "hour"}},
                        "SELECT *, date_trunc('hour', ordered_at) AS ordered_at_trunc FROM df");
}

TEST_F(RowColumnTransformers, DateDiffUnits) {
    Sql("CREATE TABLE spans AS SELECT * FROM (VALUES "
        "(TIMESTAMP '2024-01-01 23:00:00', TIMESTAMP '2024-01-02 01:30:00'), "
        "(TIMESTAMP '2024-01-05 00:00:00', TIMESTAMP '2024-01-01 12:00:00')) v(started, ended)");
    auto days = Run("date_diff", {{"start_col", "started"}, {"end_col", "ended"}}, "spans");
    EXPECT_EQ(RowsOf(days), RowsOf(Query("SELECT *, date_diff('day', started, ended) AS diff_day FROM spans")));
    EXPECT_EQ(RowsOf(days)[0][2], V("1"));  // one day boundary crossed in 2.5 hours
    EXPECT_EQ(RowsOf(days)[1][2], V("-4")); // negative when the end is earlier
    auto hours = Run("date_diff", {{"start_col", "started"}, {"end_col", "ended"}, {"unit", "hour"}}, "spans");
    EXPECT_EQ(RowsOf(hours),
              RowsOf(Query("SELECT *, date_diff('second', started, ended) / 3600.0 AS diff_hour FROM spans")));
    EXPECT_EQ(RowsOf(hours)[0][2], V("2.5"));
    auto minutes = Run("date_diff", {{"start_col", "started"}, {"end_col", "ended"}, {"unit", "minute"}}, "spans");
    EXPECT_EQ(RowsOf(minutes)[0][2], V("150.0"));
    auto seconds = Run("date_diff", {{"start_col", "started"}, {"end_col", "ended"}, {"unit", "second"}}, "spans");
    EXPECT_EQ(RowsOf(seconds),
              RowsOf(Query("SELECT *, date_diff('second', started, ended) AS diff_second FROM spans")));
}

TEST_F(RowColumnTransformers, CaseWhenFirstMatchWinsAndEmptyCasesAreSkipped) {
    Json cases = Json::array({{{"condition", "amount >= 100"}, {"value", "'large'"}},
                              {{"condition", ""}, {"value", "'ignored'"}},
                              {{"condition", "amount >= 10"}, {"value", "'medium'"}}});
    ExpectMatchesOracle("case_when",
                        {{"cases", cases}, {"default", "'small'"}, {"output_col", "size"}},
                        "SELECT *, CASE WHEN amount >= 100 THEN 'large' WHEN amount >= 10 THEN 'medium' ELSE 'small' "
                        "END AS size FROM df");
    ExpectMatchesOracle("case_when",
                        {{"cases", Json::array({{{"condition", "amount < 0"}, {"value", 1}}})}, {"output_col", "neg"}},
                        "SELECT *, CASE WHEN amount < 0 THEN 1 ELSE NULL END AS neg FROM df");
}

TEST_F(RowColumnTransformers, CaseWhenRejectsMalformedCases) {
    auto error =
        CompileError("case_when", {{"cases", Json::array({{{"conditon", "x"}, {"value", "1"}}})}, {"output_col", "y"}});
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(AllSuggestions(error), "Did you mean \"condition\"?"));
}

TEST_F(RowColumnTransformers, ConvertTimezoneAppliesDaylightSaving) {
    ExpectMatchesOracle("convert_timezone",
                        {{"col", "ordered_at"}, {"target_tz", "America/New_York"}},
                        "SELECT *, timezone('America/New_York', timezone('UTC', ordered_at)) AS ordered_at_converted "
                        "FROM df");
    auto result =
        Run("convert_timezone",
            {{"col", "ordered_at"}, {"source_tz", "Europe/Berlin"}, {"target_tz", "UTC"}, {"output_col", "utc"}});
    auto rows = RowsOf(result);
    // 2024-01-15 10:30 in Berlin (winter, UTC+1) is 09:30 UTC.
    EXPECT_EQ(rows[0][7], V("2024-01-15 09:30:00"));
}

TEST_F(RowColumnTransformers, ConcatColumnsSkipsNulls) {
    ExpectMatchesOracle("concat_columns",
                        {{"columns", {"customer", "status", "order_id"}}, {"separator", "|"}, {"output_col", "label"}},
                        "SELECT *, concat_ws('|', customer, status, CAST(order_id AS VARCHAR)) AS label FROM df");
    auto result = Run("concat_columns", {{"columns", {"customer", "status"}}, {"output_col", "label"}});
    EXPECT_EQ(RowsOf(result)[2][7], V("")); // order 3: both NULL
    EXPECT_EQ(RowsOf(result)[1][7], V("bobshipped"));
}

TEST_F(RowColumnTransformers, SelectColumnsInListedOrder) {
    ExpectMatchesOracle("select_columns", {{"columns", {"email", "order_id"}}}, "SELECT email, order_id FROM df");
    auto error = CompileError("select_columns", {{"columns", {"emial"}}});
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(error.Message(), "column \"emial\""));
    EXPECT_TRUE(Contains(AllSuggestions(error), "Did you mean \"email\"?"));
}

TEST_F(RowColumnTransformers, SelectColumnsResolvesCaseInsensitively) {
    auto result = Run("select_columns", {{"columns", {"EMAIL"}}});
    EXPECT_EQ(ColumnNames(result), std::vector<std::string>{"email"});
}

TEST_F(RowColumnTransformers, DropColumns) {
    ExpectMatchesOracle("drop_columns", {{"columns", {"email", "status"}}}, "SELECT * EXCLUDE (email, status) FROM df");
    EXPECT_EQ(CompileError("drop_columns", {{"columns", {"nope"}}}).Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
}

TEST_F(RowColumnTransformers, RenameColumnsKeepsOrder) {
    ExpectMatchesOracle(
        "rename_columns",
        {{"mapping", {{"status", "state"}, {"order_id", "id"}}}},
        "SELECT order_id AS id, customer, status AS state, amount, ordered_on, ordered_at, email FROM df");
    ExpectMatchesOracle("rename_columns",
                        {{"mapping", {{"customer", "customer name"}}}},
                        "SELECT order_id, customer AS \"customer name\", status, amount, ordered_on, ordered_at, email "
                        "FROM df");
}

TEST_F(RowColumnTransformers, RenamesMaySwapButNotCollide) {
    ExpectMatchesOracle("rename_columns",
                        {{"mapping", {{"status", "email"}, {"email", "status"}}}},
                        "SELECT order_id, customer, status AS email, amount, ordered_on, ordered_at, email AS status "
                        "FROM df");
    auto error = CompileError("rename_columns", {{"mapping", {{"status", "Customer"}}}});
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(error.Message(), "two columns named")) << error.Message();
    Sql("CREATE TABLE pre AS SELECT 1 AS a, 2 AS x_a");
    EXPECT_EQ(CompileError("add_prefix", {{"prefix", "x_"}, {"columns", {"a"}}}, "pre").Code(),
              ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_EQ(CompileError("normalize_schema", {{"rename", {{"status", "email"}}}}).Code(),
              ErrorCode::INVALID_TRANSFORMER_PARAMS);
}

TEST_F(RowColumnTransformers, AddPrefixAndSuffix) {
    ExpectMatchesOracle("add_prefix",
                        {{"prefix", "src_"}, {"exclude", {"order_id"}}},
                        "SELECT order_id, customer AS src_customer, status AS src_status, amount AS src_amount, "
                        "ordered_on AS src_ordered_on, ordered_at AS src_ordered_at, email AS src_email FROM df");
    ExpectMatchesOracle("add_suffix",
                        {{"suffix", "_raw"}, {"columns", {"customer", "amount"}}},
                        "SELECT order_id, customer AS customer_raw, status, amount AS amount_raw, ordered_on, "
                        "ordered_at, email FROM df");
    ExpectMatchesOracle("add_suffix",
                        {{"suffix", "_v2"}, {"columns", {"customer", "amount"}}, {"exclude", {"amount"}}},
                        "SELECT * RENAME (customer AS customer_v2) FROM df");
}

TEST_F(RowColumnTransformers, NormalizeColumnNames) {
    Sql(R"(CREATE TABLE messy AS SELECT 1 AS "First Name", 2 AS "order-ID.v2", 3 AS "__Total  Amount (USD)__",
           4 AS "camelCase", 5 AS "already_fine")");
    auto result = Run("normalize_column_names", Json::object(), "messy");
    EXPECT_EQ(ColumnNames(result),
              (std::vector<std::string>{"first_name", "order_id_v2", "total_amount_usd", "camelcase", "already_fine"}));
    ExpectSameColumns(result, Query(R"(SELECT "First Name" AS first_name, "order-ID.v2" AS order_id_v2,
                                "__Total  Amount (USD)__" AS total_amount_usd, "camelCase" AS camelcase, already_fine
                                FROM messy)"));
    auto camel = Run("normalize_column_names", {{"lowercase", false}}, "messy");
    EXPECT_EQ(ColumnNames(camel)[3], "camel_case");
    auto only_lower = Run("normalize_column_names", {{"style", "none"}, {"remove_special", false}}, "messy");
    EXPECT_EQ(ColumnNames(only_lower)[0], "first name");
    Sql(R"(CREATE TABLE clash AS SELECT 1 AS "First Name", 2 AS first_name)");
    EXPECT_EQ(CompileError("normalize_column_names", Json::object(), "clash").Code(),
              ErrorCode::INVALID_TRANSFORMER_PARAMS);
}

TEST_F(RowColumnTransformers, CoalesceColumns) {
    ExpectMatchesOracle("coalesce_columns",
                        {{"columns", {"customer", "status", "email"}}, {"output_col", "contact"}},
                        "SELECT *, COALESCE(customer, status, email) AS contact FROM df");
    ExpectMatchesOracle("coalesce_columns",
                        {{"columns", {"customer", "email"}}, {"output_col", "contact"}, {"drop_source", true}},
                        "SELECT * EXCLUDE (customer, email), COALESCE(customer, email) AS contact FROM df");
    ExpectMatchesOracle("coalesce_columns",
                        {{"columns", {"customer", "email"}}, {"output_col", "customer"}, {"drop_source", true}},
                        "SELECT * EXCLUDE (customer, email), COALESCE(customer, email) AS customer FROM df");
    ExpectMatchesOracle("coalesce_columns",
                        {{"columns", {"customer", "email"}}, {"output_col", "status"}},
                        "SELECT * REPLACE (COALESCE(customer, email) AS status) FROM df");
}

TEST_F(RowColumnTransformers, ReplaceValuesExactTextAndNull) {
    ExpectMatchesOracle(
        "replace_values",
        {{"columns", {"status", "customer"}}, {"mapping", {{"N/A", nullptr}, {"open", "it's open"}, {"bob", "Bob"}}}},
        "SELECT order_id, "
        "CASE WHEN customer = 'N/A' THEN NULL WHEN customer = 'open' THEN 'it''s open' "
        "WHEN customer = 'bob' THEN 'Bob' ELSE customer END AS customer, "
        "CASE WHEN status = 'N/A' THEN NULL WHEN status = 'open' THEN 'it''s open' "
        "WHEN status = 'bob' THEN 'Bob' ELSE status END AS status, "
        "amount, ordered_on, ordered_at, email FROM df");
}

TEST_F(RowColumnTransformers, TrimWhitespaceDefaultsToTextColumns) {
    ExpectMatchesOracle("trim_whitespace",
                        Json::object(),
                        "SELECT order_id, trim(customer) AS customer, trim(status) AS status, amount, ordered_on, "
                        "ordered_at, trim(email) AS email FROM df");
    ExpectMatchesOracle(
        "trim_whitespace", {{"columns", {"customer"}}}, "SELECT * REPLACE (trim(customer) AS customer) FROM df");
    ExpectMatchesOracle("trim_whitespace", {{"columns", Json::array()}}, "SELECT * FROM df");
}

TEST_F(RowColumnTransformers, RowNumberPartitionedAndOrdered) {
    ExpectMatchesOracle("row_number",
                        {{"partition_by", {"customer"}}, {"order_by", {"amount DESC", "order_id"}}},
                        "SELECT *, row_number() OVER (PARTITION BY customer ORDER BY amount DESC, order_id) AS row_num "
                        "FROM df");
    ExpectMatchesOracle("row_number",
                        {{"output", "n"}, {"order_by", {"order_id"}}},
                        "SELECT *, row_number() OVER (ORDER BY order_id) AS n FROM df");
    EXPECT_EQ(Run("row_number", Json::object()).RowCount(), 5u);
}

} // namespace
} // namespace odibi::transform::testing
