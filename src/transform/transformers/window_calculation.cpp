// window_calculation: adds a window function's result (running totals, ranks, lags, ...).
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class WindowCalculation final : public BuiltinTransformer {
public:
    WindowCalculation()
        : BuiltinTransformer(
              "window_calculation",
              "advanced",
              "Adds target_col = function OVER (PARTITION BY partition_by ORDER BY order_by). function is SQL such "
              "as \"sum(amount)\" or \"rank()\"; with order_by an aggregate is a running value.",
              {RequiredParam("target_col", "string", "name of the new column"),
               RequiredParam("function", "sql", "the window function, as SQL"),
               OptionalParam("partition_by", "list[string]", "[]", "columns (or SQL) that split the window"),
               OptionalParam("order_by", "sql", "", "SQL ORDER BY list within a partition")},
              {{"target_col", "running_amount"},
               {"function", "sum(amount)"},
               {"partition_by", {"customer"}},
               {"order_by", "ordered_at"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        std::vector<std::string> window;
        std::vector<std::string> partition;
        for (const auto& item : params.GetStringList("partition_by")) {
            partition.push_back(ColumnOrExpression(item, columns));
        }
        if (!partition.empty()) {
            window.push_back("PARTITION BY " + Join(partition, ", "));
        }
        if (auto order_by = params.TryGetSql("order_by"); order_by && !Trim(*order_by).empty()) {
            window.push_back("ORDER BY " + *order_by);
        }
        return "SELECT *, " + params.GetSql("function") + " OVER (" + Join(window, " ") + ") AS " +
               engine::QuoteIdentifier(params.GetString("target_col")) + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeWindowCalculationTransformer() {
    return std::make_unique<WindowCalculation>();
}

} // namespace odibi::transform
