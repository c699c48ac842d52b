// fill_nulls: replaces NULLs in the listed columns with literal values.
#include "builtin_transformer.hpp"
#include "param_types.hpp"

namespace odibi::transform {
namespace {

class FillNulls final : public BuiltinTransformer {
public:
    FillNulls()
        : BuiltinTransformer("fill_nulls",
                             "row/column",
                             "Replaces NULLs in the listed columns with a literal value (string, number or bool); "
                             "other columns and the order are kept. A value of the wrong type for its column is an "
                             "error.",
                             {RequiredParam("values", "map[string,scalar]", "column -> value that replaces NULL")},
                             {{"values", {{"amount", 0}, {"status", "unknown"}}}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        std::vector<std::string> replacements(columns.Columns().size());
        for (const auto& [name, value] : params.GetMap("values")) {
            const std::string& column = columns.Resolve(name, params, "values");
            replacements[*columns.TryFind(column)] =
                "COALESCE(" + engine::QuoteIdentifier(column) + ", " + JsonToSqlLiteral(value) + ")";
        }
        return SelectReplacing(columns, replacements, input.relation);
    }
};

} // namespace

std::unique_ptr<Transformer> MakeFillNullsTransformer() {
    return std::make_unique<FillNulls>();
}

} // namespace odibi::transform
