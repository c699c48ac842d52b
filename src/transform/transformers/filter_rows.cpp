// filter_rows: keeps the rows for which a SQL condition is true (NULL counts as false).
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class FilterRows final : public BuiltinTransformer {
public:
    FilterRows()
        : BuiltinTransformer("filter_rows",
                             "row/column",
                             "Keeps the rows for which a SQL condition is true; rows where it is false or NULL are "
                             "dropped.",
                             {RequiredParam("condition", "sql", "SQL WHERE condition over the input's columns")},
                             {{"condition", "amount > 0 AND status = 'active'"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        return "SELECT * FROM " + input.relation + " WHERE (" + params.GetSql("condition") + ")";
    }
};

} // namespace

std::unique_ptr<Transformer> MakeFilterRowsTransformer() {
    return std::make_unique<FilterRows>();
}

} // namespace odibi::transform
