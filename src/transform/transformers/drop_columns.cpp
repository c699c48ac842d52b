// drop_columns: removes the listed columns and keeps the rest in their order.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class DropColumns final : public BuiltinTransformer {
public:
    DropColumns()
        : BuiltinTransformer("drop_columns",
                             "row/column",
                             "Removes the listed columns and keeps the others in their order; a column that the "
                             "input does not have is an error.",
                             {RequiredParam("columns", "list[string]", "the columns to remove")},
                             {{"columns", {"status"}}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto dropped = params.GetStringList("columns");
        if (dropped.empty()) {
            return "SELECT * FROM " + input.relation;
        }
        auto columns = RelationColumns::OfInput(input);
        auto resolved = columns.ResolveAll(dropped, params, "columns");
        return "SELECT * EXCLUDE (" + engine::QuoteIdentifierList(resolved) + ") FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeDropColumnsTransformer() {
    return std::make_unique<DropColumns>();
}

} // namespace odibi::transform
