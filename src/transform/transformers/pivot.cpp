// pivot: one row per group, one column per value of pivot_col holding an aggregate of agg_col.
#include "builtin_transformer.hpp"
#include "param_types.hpp"

namespace odibi::transform {
namespace {

class Pivot final : public BuiltinTransformer {
public:
    Pivot()
        : BuiltinTransformer(
              "pivot",
              "relational",
              "One row per group_by combination and one column per value of pivot_col, holding agg_func(agg_col) "
              "over the group's rows with that value (NULL when there are none; 0 for count). values lists the "
              "columns to make, in order; without it every non-NULL value of pivot_col becomes a column, sorted.",
              {RequiredParam("group_by", "list[string]", "the columns that identify an output row"),
               RequiredParam("pivot_col", "string", "the column whose values become columns"),
               RequiredParam("agg_col", "string", "the column that is aggregated"),
               OptionalParam(
                   "agg_func", "string", "sum", "the aggregate", {"sum", "count", "avg", "max", "min", "first"}),
               OptionalParam("values", "list[scalar]", "", "pivot values to make columns for (default: all)")},
              {{"group_by", {"customer"}}, {"pivot_col", "status"}, {"agg_col", "amount"}, {"agg_func", "sum"}}) {}

private:
    void Check(const ParamReader& params) const override { static_cast<void>(params.GetColumnList("group_by")); }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        auto group_by = columns.ResolveAll(params.GetStringList("group_by"), params, "group_by");
        const std::string pivot_col =
            engine::QuoteIdentifier(columns.Resolve(params.GetString("pivot_col"), params, "pivot_col"));
        const std::string agg_col =
            engine::QuoteIdentifier(columns.Resolve(params.GetString("agg_col"), params, "agg_col"));
        std::vector<std::string> values;
        if (const config::Json* listed = params.TryGet("values"); listed != nullptr && !listed->empty()) {
            for (const auto& value : *listed) {
                values.push_back(JsonToSqlLiteral(value));
            }
        } else {
            // DuckDB cannot keep a PIVOT whose columns come from the data in a view, so the distinct
            // values (a small result) are read now and written into the statement.
            auto result = input.connection.Query("SELECT CAST(" + pivot_col + " AS VARCHAR) FROM (SELECT DISTINCT " +
                                                 pivot_col + " FROM " + input.relation + " WHERE " + pivot_col +
                                                 " IS NOT NULL) ORDER BY " + pivot_col);
            for (const auto& row : result.Rows()) {
                values.push_back(engine::QuoteLiteral(row[0].value_or("")));
            }
        }
        const std::string groups = engine::QuoteIdentifierList(group_by);
        if (values.empty()) {
            return "SELECT " + groups + " FROM " + input.relation + " GROUP BY " + groups;
        }
        return "SELECT * FROM (PIVOT " + input.relation + " ON " + pivot_col + " IN (" + Join(values, ", ") +
               ") USING " + params.GetEnum("agg_func") + "(" + agg_col + ") GROUP BY " + groups + ")";
    }
};

} // namespace

std::unique_ptr<Transformer> MakePivotTransformer() {
    return std::make_unique<Pivot>();
}

} // namespace odibi::transform
