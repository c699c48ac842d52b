// Relational transformers (join, union, pivot, unpivot, aggregate) against DuckDB oracles and goldens.
#include "transform_test_support.hpp"

namespace odibi::transform::testing {
namespace {

class RelationalTransformers : public TransformTest {
protected:
    RelationalTransformers() {
        Sql("CREATE TABLE df AS SELECT * FROM (VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30), (NULL, 'n', 40)) "
            "v(id, val, amount)");
        Sql("CREATE TABLE scores AS SELECT * FROM (VALUES (2, 200, 'x'), (3, 300, 'y'), (3, 301, 'z'), (4, 400, 'w'), "
            "(NULL, 0, 'q')) v(id, score, val)");
    }
};

TEST_F(RelationalTransformers, JoinGoldenSemiAntiInnerAndCollision) {
    // §6 T18: left ids 1,2,3; right ids 2,3,4 with score.
    Sql("CREATE TABLE l AS SELECT * FROM (VALUES (1, 'l1'), (2, 'l2'), (3, 'l3')) v(id, val)");
    Sql("CREATE TABLE r AS SELECT * FROM (VALUES (2, 20, 'r2'), (3, 30, 'r3'), (4, 40, 'r4')) v(id, score, val)");
    auto semi = Run("join", {{"right_dataset", "r"}, {"on", "id"}, {"how", "semi"}}, "l");
    EXPECT_EQ(ColumnNames(semi), (std::vector<std::string>{"id", "val"}));
    EXPECT_EQ(RowsOf(semi), (Rows{{V("2"), V("l2")}, {V("3"), V("l3")}}));
    auto anti = Run("join", {{"right_dataset", "r"}, {"on", "id"}, {"how", "anti"}}, "l");
    EXPECT_EQ(RowsOf(anti), (Rows{{V("1"), V("l1")}}));
    auto inner = Run("join", {{"right_dataset", "r"}, {"on", {"id"}}, {"how", "inner"}, {"prefix", "r"}}, "l");
    EXPECT_EQ(ColumnNames(inner), (std::vector<std::string>{"id", "val", "score", "val_r"}));
    EXPECT_EQ(RowsOf(inner), (Rows{{V("2"), V("l2"), V("20"), V("r2")}, {V("3"), V("l3"), V("30"), V("r3")}}));
}

TEST_F(RelationalTransformers, JoinLeftIsTheDefaultAndCollisionsTakeTheDatasetName) {
    ExpectMatchesOracle("join",
                        {{"right_dataset", "scores"}, {"on", "id"}},
                        "SELECT df.id, df.val, df.amount, s.score, s.val AS val_scores FROM df LEFT JOIN scores s "
                        "ON df.id = s.id");
}

TEST_F(RelationalTransformers, JoinEmptyPrefixCountsAsNone) {
    auto result = Run("join", {{"right_dataset", "scores"}, {"on", "id"}, {"prefix", ""}});
    EXPECT_EQ(ColumnNames(result), (std::vector<std::string>{"id", "val", "amount", "score", "val_scores"}));
}

TEST_F(RelationalTransformers, JoinRightAndFullCoalesceKeys) {
    ExpectMatchesOracle("join",
                        {{"right_dataset", "scores"}, {"on", "id"}, {"how", "right"}, {"prefix", "s"}},
                        "SELECT COALESCE(df.id, s.id) AS id, df.val, df.amount, s.score, s.val AS val_s FROM df "
                        "RIGHT JOIN scores s ON df.id = s.id");
    ExpectMatchesOracle("join",
                        {{"right_dataset", "scores"}, {"on", "id"}, {"how", "full"}},
                        "SELECT COALESCE(df.id, s.id) AS id, df.val, df.amount, s.score, s.val AS val_scores FROM df "
                        "FULL OUTER JOIN scores s ON df.id = s.id");
    // NULL keys never match: both NULL-key rows appear unmatched in a full join (1, 2, 3, 3, NULL, 4, NULL).
    EXPECT_EQ(Run("join", {{"right_dataset", "scores"}, {"on", "id"}, {"how", "full"}}).RowCount(), 7u);
}

TEST_F(RelationalTransformers, JoinInnerCrossSemiAnti) {
    ExpectMatchesOracle("join",
                        {{"right_dataset", "scores"}, {"on", "id"}, {"how", "inner"}},
                        "SELECT df.id, df.val, df.amount, s.score, s.val AS val_scores FROM df JOIN scores s "
                        "ON df.id = s.id");
    ExpectMatchesOracle("join",
                        {{"right_dataset", "scores"}, {"how", "cross"}, {"prefix", "r"}},
                        "SELECT df.*, s.id AS id_r, s.score, s.val AS val_r FROM df CROSS JOIN scores s");
    // semi: no row multiplication although id 3 matches twice.
    ExpectMatchesOracle("join",
                        {{"right_dataset", "scores"}, {"on", "id"}, {"how", "semi"}},
                        "SELECT * FROM df WHERE id IN (SELECT id FROM scores)");
    ExpectMatchesOracle("join",
                        {{"right_dataset", "scores"}, {"on", "id"}, {"how", "anti"}},
                        "SELECT * FROM df WHERE NOT EXISTS (SELECT 1 FROM scores s WHERE s.id = df.id)");
}

TEST_F(RelationalTransformers, JoinCollisionThatCollidesAgainIsAnError) {
    Sql("CREATE TABLE left_side AS SELECT 1 AS id, 'a' AS val, 'b' AS val_r");
    auto error = CompileError("join", {{"right_dataset", "scores"}, {"on", "id"}, {"prefix", "r"}}, "left_side");
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(error.Message(), "\"val_r\"")) << error.Message();
}

TEST_F(RelationalTransformers, JoinOnSeveralKeys) {
    Sql("CREATE TABLE pairs AS SELECT * FROM (VALUES (1, 'a', 'one-a'), (1, 'b', 'one-b'), (2, 'b', 'two-b')) "
        "v(id, val, label)");
    ExpectMatchesOracle("join",
                        {{"right_dataset", "pairs"}, {"on", {"id", "val"}}, {"how", "inner"}},
                        "SELECT df.id, df.val, df.amount, p.label FROM df JOIN pairs p ON df.id = p.id AND df.val = "
                        "p.val");
}

TEST_F(RelationalTransformers, JoinMissingRightDatasetNamesIt) {
    auto error = CompileError("join", {{"right_dataset", "scorse"}, {"on", "id"}});
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(error.Message(), "dataset \"scorse\"")) << error.Message();
    EXPECT_TRUE(Contains(AllSuggestions(error), "Did you mean \"scores\"?")) << AllSuggestions(error);
    EXPECT_TRUE(Contains(AllSuggestions(error), "depends_on"));
}

TEST_F(RelationalTransformers, JoinKeyMissingOnTheRightIsAnError) {
    Sql("CREATE TABLE other AS SELECT 1 AS key_id");
    auto error = CompileError("join", {{"right_dataset", "other"}, {"on", "id"}});
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(error.Message(), "dataset \"other\"")) << error.Message();
}

TEST_F(RelationalTransformers, JoinNeedsOnUnlessCross) {
    EXPECT_EQ(CompileError("join", {{"right_dataset", "scores"}, {"how", "inner"}}).Code(),
              ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_EQ(CompileError("join", {{"right_dataset", "scores"}, {"on", Json::array()}}).Code(),
              ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_EQ(CompileError("join", {{"right_dataset", "scores"}, {"on", "id"}, {"how", "outer"}}).Code(),
              ErrorCode::INVALID_TRANSFORMER_PARAMS);
}

TEST_F(RelationalTransformers, UnionByNameAndByPosition) {
    Sql("CREATE TABLE more AS SELECT * FROM (VALUES (50, 9, 'z')) v(amount, id, extra)");
    Sql("CREATE TABLE same AS SELECT * FROM (VALUES (7, 'q', 70), (1, 'a', 10)) v(id, val, amount)");
    ExpectMatchesOracle("union",
                        {{"datasets", {"more", "same"}}},
                        "SELECT * FROM df UNION ALL BY NAME SELECT * FROM more UNION ALL BY NAME SELECT * FROM same");
    auto by_name = Run("union", {{"datasets", {"more"}}});
    EXPECT_EQ(ColumnNames(by_name), (std::vector<std::string>{"id", "val", "amount", "extra"}));
    ExpectMatchesOracle(
        "union", {{"datasets", {"same"}}, {"by_name", false}}, "SELECT * FROM df UNION ALL SELECT * FROM same");
    EXPECT_EQ(Run("union", {{"datasets", {"same"}}, {"by_name", false}}).RowCount(), 6u); // duplicates kept
    auto error = CompileError("union", {{"datasets", {"same", "missing_node"}}});
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(error.Message(), "\"missing_node\""));
}

TEST_F(RelationalTransformers, AggregateKeepsColumnNames) {
    Sql("CREATE TABLE sales AS SELECT * FROM (VALUES ('n', 'x', 1.5, 1), ('n', 'x', 2.5, NULL), ('s', 'y', 4.0, 3), "
        "(NULL, 'z', 1.0, 4), (NULL, 'z', 2.0, 5)) v(region, product, amount, qty)");
    auto result =
        Run("aggregate",
            {{"group_by", {"region"}}, {"aggregations", {{"amount", "sum"}, {"qty", "COUNT"}, {"product", "max"}}}},
            "sales");
    EXPECT_EQ(
        RowsOf(result),
        RowsOf(Query("SELECT region, SUM(amount) AS amount, COUNT(qty) AS qty, MAX(product) AS product FROM sales "
                     "GROUP BY region")));
    EXPECT_EQ(RowsOf(result),
              (Rows{{NULL_VALUE, V("3.0"), V("2"), V("z")},
                    {V("n"), V("4.0"), V("1"), V("x")},
                    {V("s"), V("4.0"), V("1"), V("y")}}));
    auto whole =
        Run("aggregate", {{"group_by", Json::array()}, {"aggregations", {{"amount", "avg"}, {"qty", "min"}}}}, "sales");
    EXPECT_EQ(RowsOf(whole), RowsOf(Query("SELECT AVG(amount) AS amount, MIN(qty) AS qty FROM sales")));
    auto error = CompileError("aggregate", {{"group_by", {"region"}}, {"aggregations", {{"amount", "summ"}}}}, "sales");
    EXPECT_EQ(error.Code(), ErrorCode::INVALID_TRANSFORMER_PARAMS);
    EXPECT_TRUE(Contains(AllSuggestions(error), "Did you mean \"sum\"?"));
}

TEST_F(RelationalTransformers, PivotDiscoversValuesSorted) {
    Sql("CREATE TABLE sales AS SELECT * FROM (VALUES ('p1', 'north', 'feb', 10), ('p1', 'north', 'jan', 5), "
        "('p1', 'north', 'jan', 7), ('p2', 'south', 'feb', 3), ('p2', 'south', NULL, 99)) "
        "v(product, region, month, sales)");
    auto result =
        Run("pivot", {{"group_by", {"product", "region"}}, {"pivot_col", "month"}, {"agg_col", "sales"}}, "sales");
    EXPECT_EQ(ColumnNames(result), (std::vector<std::string>{"product", "region", "feb", "jan"}));
    EXPECT_EQ(RowsOf(result),
              RowsOf(Query("SELECT product, region, SUM(sales) FILTER (WHERE month = 'feb') AS feb, "
                           "SUM(sales) FILTER (WHERE month = 'jan') AS jan FROM sales GROUP BY product, region")));
    EXPECT_EQ(RowsOf(result),
              (Rows{{V("p1"), V("north"), V("10"), V("12")}, {V("p2"), V("south"), V("3"), NULL_VALUE}}));
}

TEST_F(RelationalTransformers, PivotWithValuesAndOtherFunctions) {
    Sql("CREATE TABLE readings AS SELECT * FROM (VALUES (1, 2, 1.5), (1, 2, 2.5), (1, 3, 4.0), (2, 3, 8.0)) "
        "v(site, sensor, reading)");
    auto result = Run("pivot",
                      {{"group_by", {"site"}},
                       {"pivot_col", "sensor"},
                       {"agg_col", "reading"},
                       {"agg_func", "avg"},
                       {"values", {3, 2}}},
                      "readings");
    EXPECT_EQ(ColumnNames(result), (std::vector<std::string>{"site", "3", "2"}));
    EXPECT_EQ(RowsOf(result),
              RowsOf(Query("SELECT site, AVG(reading) FILTER (WHERE sensor = 3) AS \"3\", "
                           "AVG(reading) FILTER (WHERE sensor = 2) AS \"2\" FROM readings GROUP BY site")));
    auto counted = Run("pivot",
                       {{"group_by", {"site"}}, {"pivot_col", "sensor"}, {"agg_col", "reading"}, {"agg_func", "count"}},
                       "readings");
    EXPECT_EQ(RowsOf(counted), (Rows{{V("1"), V("2"), V("1")}, {V("2"), V("0"), V("1")}}));
}

TEST_F(RelationalTransformers, PivotOfEmptyInputKeepsGroups) {
    Sql("CREATE TABLE nothing (g VARCHAR, p VARCHAR, x INTEGER)");
    auto result = Run("pivot", {{"group_by", {"g"}}, {"pivot_col", "p"}, {"agg_col", "x"}}, "nothing");
    EXPECT_EQ(ColumnNames(result), std::vector<std::string>{"g"});
    EXPECT_EQ(result.RowCount(), 0u);
}

TEST_F(RelationalTransformers, UnpivotKeepsNullsAndDropsOtherColumns) {
    Sql("CREATE TABLE wide AS SELECT * FROM (VALUES ('p1', 10, NULL, 'x'), ('p2', 30, 40, 'y')) "
        "v(product, jan, feb, note)");
    auto result =
        Run("unpivot",
            {{"id_cols", {"product"}}, {"value_vars", {"jan", "feb"}}, {"var_name", "month"}, {"value_name", "sales"}},
            "wide");
    EXPECT_EQ(ColumnNames(result), (std::vector<std::string>{"product", "month", "sales"}));
    EXPECT_EQ(RowsOf(result),
              RowsOf(Query("SELECT product, 'jan' AS month, jan AS sales FROM wide UNION ALL "
                           "SELECT product, 'feb', feb FROM wide")));
    EXPECT_EQ(result.RowCount(), 4u);
    auto defaults = Run("unpivot", {{"id_cols", Json::array()}, {"value_vars", {"jan"}}}, "wide");
    EXPECT_EQ(ColumnNames(defaults), (std::vector<std::string>{"variable", "value"}));
}

} // namespace
} // namespace odibi::transform::testing
