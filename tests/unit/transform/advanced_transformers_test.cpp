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

// The events of the split_events_by_period tests: T18's three, Odibi's multi-day and three-shift
// cases, a zero-length event, an event ending exactly on the hour (and on a shift boundary), an end
// before the start, a NULL end, and two identical events (which must not be merged).
constexpr const char* SPLIT_EVENTS =
    R"(CREATE TABLE df AS SELECT id, CAST(s AS TIMESTAMP) AS s, CAST(e AS TIMESTAMP) AS e, tag FROM (VALUES
    (1, '2023-01-01 23:00:00', '2023-01-02 01:00:00', 'day golden'),
    (2, '2023-01-01 10:30:00', '2023-01-01 12:30:00', 'hour golden'),
    (3, '2023-01-01 07:00:00', '2023-01-01 15:00:00', 'shift golden'),
    (4, '2023-09-01 18:00:00', '2023-09-03 06:00:00', 'three days'),
    (5, '2023-01-01 10:00:00', '2023-01-01 10:00:00', 'zero length'),
    (6, '2023-01-01 10:00:00', '2023-01-01 11:00:00', 'one full hour'),
    (7, '2023-01-01 12:00:00', '2023-01-01 09:00:00', 'end before start'),
    (8, '2023-01-01 12:00:00', NULL, 'no end'),
    (9, '2023-01-01 10:30:00', '2023-01-01 11:15:00', 'twin'),
    (9, '2023-01-01 10:30:00', '2023-01-01 11:15:00', 'twin'),
    (12, '2023-01-01 12:00:00', '2023-01-01 14:00:00', 'ends on a shift boundary')) v(id, s, e, tag))";

// Clock periods in plain SQL: range() stops before the end, so an event ending on a boundary gets no
// empty last segment; events that cannot be split are kept as they are.
std::string ClockPeriodOracle(const std::string& unit) {
    return "SELECT id, greatest(s, p) AS s, least(e, p + INTERVAL 1 " + unit +
           ") AS e, tag, "
           "CAST(date_diff('microsecond', greatest(s, p), least(e, p + INTERVAL 1 " +
           unit + ")) AS DOUBLE) / 60000000 AS minutes FROM df, LATERAL (SELECT unnest(range(CAST(date_trunc('" + unit +
           "', s) AS TIMESTAMP), e, INTERVAL 1 " + unit +
           ")) AS p) WHERE s < e UNION ALL SELECT id, s, e, tag, "
           "CAST(date_diff('microsecond', s, e) AS DOUBLE) / 60000000 FROM df WHERE NOT (s < e) OR s IS NULL OR e "
           "IS NULL";
}

TEST_F(AdvancedTransformers, SplitEventsByPeriodGoldens) {
    // §6 T18.
    Sql(SPLIT_EVENTS);
    auto by_day = Run("split_events_by_period", {{"start_col", "s"}, {"end_col", "e"}});
    EXPECT_EQ(ColumnNames(by_day), (std::vector<std::string>{"id", "s", "e", "tag"}));
    auto day_rows =
        Query("SELECT s, e FROM (" + Compile("split_events_by_period", {{"start_col", "s"}, {"end_col", "e"}}) +
              ") WHERE id = 1 ORDER BY s");
    EXPECT_EQ(RowsOf(day_rows, true),
              (Rows{{V("2023-01-01 23:00:00"), V("2023-01-02 00:00:00")},
                    {V("2023-01-02 00:00:00"), V("2023-01-02 01:00:00")}}));
    auto hour_rows =
        Query("SELECT s, e FROM (" +
              Compile("split_events_by_period", {{"start_col", "s"}, {"end_col", "e"}, {"period", "hour"}}) +
              ") WHERE id = 2 ORDER BY s");
    EXPECT_EQ(RowsOf(hour_rows, true),
              (Rows{{V("2023-01-01 10:30:00"), V("2023-01-01 11:00:00")},
                    {V("2023-01-01 11:00:00"), V("2023-01-01 12:00:00")},
                    {V("2023-01-01 12:00:00"), V("2023-01-01 12:30:00")}}));
    const Json shifts = {{{"name", "Morning"}, {"start", "06:00"}, {"end", "14:00"}},
                         {{"name", "Evening"}, {"start", "14:00"}, {"end", "22:00"}}};
    auto shift_rows = Query("SELECT s, e, shift_name FROM (" +
                            Compile("split_events_by_period",
                                    {{"start_col", "s"}, {"end_col", "e"}, {"period", "shift"}, {"shifts", shifts}}) +
                            ") WHERE id = 3 ORDER BY s");
    EXPECT_EQ(RowsOf(shift_rows, true),
              (Rows{{V("2023-01-01 07:00:00"), V("2023-01-01 14:00:00"), V("Morning")},
                    {V("2023-01-01 14:00:00"), V("2023-01-01 15:00:00"), V("Evening")}}));
}

TEST_F(AdvancedTransformers, SplitEventsByDayAndHourMatchOracles) {
    Sql(SPLIT_EVENTS);
    ExpectMatchesOracle("split_events_by_period",
                        {{"start_col", "s"}, {"end_col", "e"}, {"period", "day"}, {"duration_col", "minutes"}},
                        ClockPeriodOracle("DAY"));
    ExpectMatchesOracle("split_events_by_period",
                        {{"start_col", "s"}, {"end_col", "e"}, {"period", "HOUR"}, {"duration_col", "minutes"}},
                        ClockPeriodOracle("HOUR"));
    // Odibi's test_split_events_by_period_day_multi_day: 360, 1440 and 360 minutes.
    auto three_days =
        Query("SELECT s, e, minutes FROM (" +
              Compile("split_events_by_period", {{"start_col", "s"}, {"end_col", "e"}, {"duration_col", "minutes"}}) +
              ") WHERE id = 4 ORDER BY s");
    EXPECT_EQ(RowsOf(three_days, true),
              (Rows{{V("2023-09-01 18:00:00"), V("2023-09-02 00:00:00"), V("360.0")},
                    {V("2023-09-02 00:00:00"), V("2023-09-03 00:00:00"), V("1440.0")},
                    {V("2023-09-03 00:00:00"), V("2023-09-03 06:00:00"), V("360.0")}}));
    // Timestamp text is parsed, and an existing column named like duration_col is replaced in place.
    Sql("CREATE TABLE text_events AS SELECT '2024-01-01 23:30:00' AS s, '2024-01-02 00:15:00' AS e, 0 AS minutes");
    auto text = Run(
        "split_events_by_period", {{"start_col", "s"}, {"end_col", "e"}, {"duration_col", "minutes"}}, "text_events");
    auto text_oracle = Query("SELECT * FROM (VALUES (TIMESTAMP '2024-01-01 23:30:00', TIMESTAMP '2024-01-02 "
                             "00:00:00', 30.0::DOUBLE), (TIMESTAMP '2024-01-02 00:00:00', TIMESTAMP '2024-01-02 "
                             "00:15:00', 15.0::DOUBLE)) v(s, e, minutes)");
    ExpectSameColumns(text, text_oracle);
    EXPECT_EQ(RowsOf(text), RowsOf(text_oracle));
}

TEST_F(AdvancedTransformers, SplitEventsByShiftMatchesOracle) {
    Sql(SPLIT_EVENTS);
    Sql("INSERT INTO df VALUES (10, TIMESTAMP '2023-01-02 02:00:00', TIMESTAMP '2023-01-02 04:00:00', 'night only'), "
        "(11, TIMESTAMP '2023-09-01 18:00:00', TIMESTAMP '2023-09-02 08:00:00', 'odibi three shifts')");
    Sql("CREATE TABLE shifts AS SELECT * FROM (VALUES ('Day', INTERVAL 6 HOUR, INTERVAL 14 HOUR), "
        "('Swing', INTERVAL 14 HOUR, INTERVAL 22 HOUR), ('Night', INTERVAL 22 HOUR, INTERVAL 30 HOUR)) "
        "v(name, shift_start, shift_end)");
    // Every (day, shift) pair from the day before the start to the day of the end, clipped to the event;
    // zero-length events fall in the shift that holds them; events in no shift keep one row.
    const std::string segments =
        "SELECT df.*, name, greatest(s, d + shift_start) AS seg_start, least(e, d + shift_end) AS seg_end "
        "FROM df, shifts, LATERAL (SELECT unnest(range(CAST(date_trunc('day', s) AS TIMESTAMP) - INTERVAL 1 DAY, "
        "CAST(date_trunc('day', e) AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY)) AS d) WHERE s <= e AND "
        "(greatest(s, d + shift_start) < least(e, d + shift_end) OR (s = e AND s >= d + shift_start AND s < d + "
        "shift_end))";
    ExpectMatchesOracle(
        "split_events_by_period",
        {{"start_col", "s"},
         {"end_col", "e"},
         {"period", "shift"},
         {"duration_col", "minutes"},
         {"shift_col", "shift"},
         {"shifts",
          {{{"name", "Day"}, {"start", "06:00"}, {"end", "14:00"}},
           {{"name", "Swing"}, {"start", "14:00"}, {"end", "22:00"}},
           {{"name", "Night"}, {"start", "22:00"}, {"end", "06:00"}}}}},
        "WITH segments AS (" + segments +
            ") SELECT id, seg_start AS s, seg_end AS e, tag, name AS shift, CAST(date_diff('microsecond', "
            "seg_start, seg_end) AS DOUBLE) / 60000000 AS minutes FROM segments UNION ALL SELECT id, s, e, tag, "
            "NULL, CAST(date_diff('microsecond', s, e) AS DOUBLE) / 60000000 FROM df d "
            "WHERE NOT EXISTS (SELECT 1 FROM segments g WHERE g.id = d.id)");
    // Odibi's test_split_events_by_period_shift: Swing 240, Night 480, Day 120 minutes; and the
    // 02:00-04:00 event lies in the Night shift that began the previous evening.
    auto compiled = Compile("split_events_by_period",
                            {{"start_col", "s"},
                             {"end_col", "e"},
                             {"period", "shift"},
                             {"duration_col", "minutes"},
                             {"shifts",
                              {{{"name", "Day"}, {"start", "06:00"}, {"end", "14:00"}},
                               {{"name", "Swing"}, {"start", "14:00"}, {"end", "22:00"}},
                               {{"name", "Night"}, {"start", "22:00"}, {"end", "06:00"}}}}});
    auto odibi_case = Query("SELECT id, shift_name, minutes FROM (" + compiled + ") WHERE id IN (10, 11) ORDER BY s");
    EXPECT_EQ(RowsOf(odibi_case, true),
              (Rows{{V("10"), V("Night"), V("120.0")},
                    {V("11"), V("Swing"), V("240.0")},
                    {V("11"), V("Night"), V("480.0")},
                    {V("11"), V("Day"), V("120.0")}}));
}

TEST_F(AdvancedTransformers, SplitEventsByShiftKeepsEventsOutsideEveryShift) {
    Sql("CREATE TABLE df AS SELECT * FROM (VALUES (1, TIMESTAMP '2024-01-01 23:00:00', TIMESTAMP '2024-01-02 "
        "01:00:00'), (2, TIMESTAMP '2024-01-01 21:00:00', TIMESTAMP '2024-01-01 23:00:00')) v(id, s, e)");
    auto result = Run("split_events_by_period",
                      {{"start_col", "s"},
                       {"end_col", "e"},
                       {"period", "shift"},
                       {"shifts", {{{"name", "Day"}, {"start", "06:00"}, {"end", "22:00"}}}}});
    EXPECT_EQ(RowsOf(result),
              (Rows{{V("1"), V("2024-01-01 23:00:00"), V("2024-01-02 01:00:00"), NULL_VALUE},
                    {V("2"), V("2024-01-01 21:00:00"), V("2024-01-01 22:00:00"), V("Day")}}));
}

TEST_F(AdvancedTransformers, SplitEventsByPeriodErrors) {
    Sql(SPLIT_EVENTS);
    auto no_shifts =
        CompileError("split_events_by_period", {{"start_col", "s"}, {"end_col", "e"}, {"period", "shift"}});
    EXPECT_EQ(no_shifts.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(no_shifts.Message(), "needs a non-empty \"shifts\" list")) << no_shifts.Message();
    auto bad_time = CompileError("split_events_by_period",
                                 {{"start_col", "s"},
                                  {"end_col", "e"},
                                  {"period", "shift"},
                                  {"shifts", {{{"name", "Late"}, {"start", "25:00"}, {"end", "06:00"}}}}});
    EXPECT_TRUE(Contains(bad_time.Message(), "shifts[0].start is \"25:00\"")) << bad_time.Message();
    auto bad_key = CompileError("split_events_by_period",
                                {{"start_col", "s"},
                                 {"end_col", "e"},
                                 {"period", "shift"},
                                 {"shifts", {{{"name", "Day"}, {"strat", "06:00"}, {"end", "14:00"}}}}});
    EXPECT_TRUE(Contains(AllSuggestions(bad_key), "Did you mean \"start\"?")) << AllSuggestions(bad_key);
    auto period = CompileError("split_events_by_period", {{"start_col", "s"}, {"end_col", "e"}, {"period", "week"}});
    EXPECT_TRUE(Contains(period.Message(), "week")) << period.Message();
    auto typo = CompileError("split_events_by_period", {{"start_col", "start"}, {"end_col", "e"}});
    EXPECT_EQ(typo.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(typo.Message(), "\"start\"")) << typo.Message();
    auto not_time = CompileError("split_events_by_period", {{"start_col", "id"}, {"end_col", "e"}});
    EXPECT_TRUE(Contains(not_time.Message(), "not a timestamp")) << not_time.Message();
    auto same = CompileError("split_events_by_period", {{"start_col", "s"}, {"end_col", "S"}});
    EXPECT_TRUE(Contains(same.Message(), "name the same column")) << same.Message();
    auto clash = CompileError("split_events_by_period", {{"start_col", "s"}, {"end_col", "e"}, {"duration_col", "e"}});
    EXPECT_TRUE(Contains(clash.Message(), "must differ")) << clash.Message();
}

} // namespace
} // namespace odibi::transform::testing
