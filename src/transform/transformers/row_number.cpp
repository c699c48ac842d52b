// row_number: adds a 1-based row number, optionally per partition and in an order.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class RowNumber final : public BuiltinTransformer {
public:
    RowNumber()
        : BuiltinTransformer(
              "row_number",
              "row/column",
              "Adds output: 1, 2, 3, ... per partition_by group in order_by order. Items that are not column names "
              "are used as SQL (e.g. \"amount DESC\"). Without order_by the numbering is arbitrary.",
              {OptionalParam("output", "string", "row_num", "name of the new column"),
               OptionalParam("partition_by", "list[string]", "", "restart numbering for each group of these"),
               OptionalParam("order_by", "list[string]", "", "ordering within a group")},
              {{"output", "rank_in_customer"}, {"partition_by", {"customer"}}, {"order_by", {"amount DESC"}}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        std::vector<std::string> window;
        auto partition = params.GetStringList("partition_by");
        if (!partition.empty()) {
            window.push_back("PARTITION BY " +
                             engine::QuoteIdentifierList(columns.ResolveAll(partition, params, "partition_by")));
        }
        std::vector<std::string> order;
        for (const auto& item : params.GetStringList("order_by")) {
            order.push_back(ColumnOrExpression(item, columns));
        }
        if (!order.empty()) {
            window.push_back("ORDER BY " + Join(order, ", "));
        }
        return "SELECT *, row_number() OVER (" + Join(window, " ") + ") AS " +
               engine::QuoteIdentifier(params.GetString("output")) + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeRowNumberTransformer() {
    return std::make_unique<RowNumber>();
}

} // namespace odibi::transform
