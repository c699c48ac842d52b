// select_columns: keeps exactly the listed columns, in the listed order.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class SelectColumns final : public BuiltinTransformer {
public:
    SelectColumns()
        : BuiltinTransformer("select_columns",
                             "row/column",
                             "Keeps exactly the listed columns, in the listed order; a column that the input does "
                             "not have is an error.",
                             {RequiredParam("columns", "list[string]", "the columns to keep, in output order")},
                             {{"columns", {"order_id", "customer", "amount"}}}) {}

private:
    void Check(const ParamReader& params) const override { static_cast<void>(params.GetColumnList("columns")); }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        auto selected = columns.ResolveAll(params.GetStringList("columns"), params, "columns");
        return "SELECT " + engine::QuoteIdentifierList(selected) + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeSelectColumnsTransformer() {
    return std::make_unique<SelectColumns>();
}

} // namespace odibi::transform
