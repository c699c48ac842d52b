// aggregate: groups rows and aggregates columns; each result column keeps its source column's name.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

const std::vector<std::string> AGGREGATE_FUNCTIONS = {"sum", "avg", "min", "max", "count", "first"};

class Aggregate final : public BuiltinTransformer {
public:
    Aggregate()
        : BuiltinTransformer(
              "aggregate",
              "relational",
              "Groups rows by the group_by columns and aggregates other columns with sum, avg, min, max, count "
              "(non-NULL values) or first; each aggregate keeps its column's name. NULL group keys form one group. "
              "An empty group_by aggregates the whole input into one row.",
              {RequiredParam("group_by", "list[string]", "the grouping columns"),
               RequiredParam(
                   "aggregations", "map[string,string]", "column -> function (sum, avg, min, max, count, first)")},
              {{"group_by", {"customer"}}, {"aggregations", {{"amount", "sum"}, {"order_id", "count"}}}}) {}

private:
    void Check(const ParamReader& params) const override {
        auto aggregations = params.GetStringMap("aggregations");
        if (aggregations.empty()) {
            throw params.Invalid("aggregations", "\"aggregations\" must name at least one column");
        }
        for (const auto& [column, function] : aggregations) {
            std::string lowered = ToLower(Trim(function));
            if (std::find(AGGREGATE_FUNCTIONS.begin(), AGGREGATE_FUNCTIONS.end(), lowered) ==
                AGGREGATE_FUNCTIONS.end()) {
                Error error = params.Invalid("aggregations",
                                             "invalid aggregation \"" + function + "\" for column \"" + column + "\"");
                error.WithSuggestion(DidYouMean(function, AGGREGATE_FUNCTIONS));
                error.WithSuggestion("valid functions: " + QuotedList(AGGREGATE_FUNCTIONS));
                throw error;
            }
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        auto group_by = columns.ResolveAll(params.GetStringList("group_by"), params, "group_by");
        std::vector<std::string> select;
        for (const auto& column : group_by) {
            select.push_back(engine::QuoteIdentifier(column));
        }
        for (const auto& [name, function] : params.GetStringMap("aggregations")) {
            std::string quoted = engine::QuoteIdentifier(columns.Resolve(name, params, "aggregations"));
            select.push_back(ToUpper(Trim(function)) + "(" + quoted + ") AS " + quoted);
        }
        std::string sql = "SELECT " + Join(select, ", ") + " FROM " + input.relation;
        if (!group_by.empty()) {
            sql += " GROUP BY " + engine::QuoteIdentifierList(group_by);
        }
        return sql;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeAggregateTransformer() {
    return std::make_unique<Aggregate>();
}

} // namespace odibi::transform
