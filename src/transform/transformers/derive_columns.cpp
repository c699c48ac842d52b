// derive_columns: adds (or replaces) columns computed by SQL expressions, in the order written.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class DeriveColumns final : public BuiltinTransformer {
public:
    DeriveColumns()
        : BuiltinTransformer("derive_columns",
                             "row/column",
                             "Adds one column per entry, computed by a SQL expression over the input's columns. A "
                             "name that already exists replaces that column in place.",
                             {RequiredParam("derivations", "map[string,sql]", "new column name -> SQL expression")},
                             {{"derivations", {{"total", "quantity * unit_price"}, {"customer", "upper(customer)"}}}}) {
    }

private:
    void Check(const ParamReader& params) const override {
        if (params.GetMap("derivations").empty()) {
            throw params.Invalid("derivations", "\"derivations\" must name at least one column");
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        std::vector<std::string> replaced;
        std::vector<std::string> added;
        for (const auto& [name, expression] : params.GetStringMap("derivations")) {
            std::string item = "(" + expression + ") AS ";
            if (auto index = columns.TryFind(name)) {
                replaced.push_back(item + engine::QuoteIdentifier(columns.Columns()[*index].name));
            } else {
                added.push_back(item + engine::QuoteIdentifier(name));
            }
        }
        std::string select = "*";
        if (!replaced.empty()) {
            select += " REPLACE (" + Join(replaced, ", ") + ")";
        }
        for (const auto& item : added) {
            select += ", " + item;
        }
        return "SELECT " + select + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeDeriveColumnsTransformer() {
    return std::make_unique<DeriveColumns>();
}

} // namespace odibi::transform
