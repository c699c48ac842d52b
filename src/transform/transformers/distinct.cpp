// distinct: removes duplicate rows, optionally projecting to the listed columns first.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class Distinct final : public BuiltinTransformer {
public:
    Distinct()
        : BuiltinTransformer("distinct",
                             "row/column",
                             "Removes duplicate rows (NULLs compare equal). With columns, the result holds only those "
                             "columns, de-duplicated.",
                             {OptionalParam("columns", "list[string]", "", "columns to keep (default: all)")},
                             {{"columns", {"customer", "status"}}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto listed = params.GetStringList("columns");
        if (listed.empty()) {
            return "SELECT DISTINCT * FROM " + input.relation;
        }
        auto columns = RelationColumns::OfInput(input);
        return "SELECT DISTINCT " + engine::QuoteIdentifierList(columns.ResolveAll(listed, params, "columns")) +
               " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeDistinctTransformer() {
    return std::make_unique<Distinct>();
}

} // namespace odibi::transform
