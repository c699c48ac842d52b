// unpivot: turns value columns into (variable, value) rows, keeping the id columns.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class Unpivot final : public BuiltinTransformer {
public:
    Unpivot()
        : BuiltinTransformer(
              "unpivot",
              "relational",
              "Melts value_vars into rows: one row per input row and value column, holding id_cols, var_name (the "
              "column's name) and value_name (its value, NULLs kept). Other columns are dropped.",
              {RequiredParam("id_cols", "list[string]", "columns repeated on every output row"),
               RequiredParam("value_vars", "list[string]", "columns turned into rows"),
               OptionalParam("var_name", "string", "variable", "name of the column holding the column names"),
               OptionalParam("value_name", "string", "value", "name of the column holding the values")},
              {{"id_cols", {"customer"}},
               {"value_vars", {"q1_sales", "q2_sales"}},
               {"var_name", "quarter"},
               {"value_name", "sales"}}) {}

private:
    void Check(const ParamReader& params) const override { static_cast<void>(params.GetColumnList("value_vars")); }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        auto ids = columns.ResolveAll(params.GetStringList("id_cols"), params, "id_cols");
        auto values = columns.ResolveAll(params.GetStringList("value_vars"), params, "value_vars");
        std::vector<std::string> projected = ids;
        projected.insert(projected.end(), values.begin(), values.end());
        const std::string var_name = engine::QuoteIdentifier(params.GetString("var_name"));
        const std::string value_name = engine::QuoteIdentifier(params.GetString("value_name"));
        std::vector<std::string> output = {var_name, value_name};
        if (!ids.empty()) {
            output.insert(output.begin(), engine::QuoteIdentifierList(ids));
        }
        return "SELECT " + Join(output, ", ") + " FROM (SELECT " + engine::QuoteIdentifierList(projected) + " FROM " +
               input.relation + ") UNPIVOT INCLUDE NULLS (" + value_name + " FOR " + var_name + " IN (" +
               engine::QuoteIdentifierList(values) + "))";
    }
};

} // namespace

std::unique_ptr<Transformer> MakeUnpivotTransformer() {
    return std::make_unique<Unpivot>();
}

} // namespace odibi::transform
