// rename_columns: renames columns by an old -> new map and keeps the column order.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class RenameColumns final : public BuiltinTransformer {
public:
    RenameColumns()
        : BuiltinTransformer("rename_columns",
                             "row/column",
                             "Renames columns by an old name -> new name map; the column order is kept and "
                             "unlisted columns are untouched. A listed column that the input does not have is an "
                             "error.",
                             {RequiredParam("mapping", "map[string,string]", "old column name -> new column name")},
                             {{"mapping", {{"customer", "customer_name"}, {"amount", "total_amount"}}}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        std::vector<std::string> new_names = columns.Names();
        for (const auto& [old_name, new_name] : params.GetStringMap("mapping")) {
            static_cast<void>(columns.Resolve(old_name, params, "mapping"));
            new_names[*columns.TryFind(old_name)] = new_name;
        }
        EnsureDistinctColumnNames(new_names, params, "mapping");
        std::vector<std::string> select;
        for (size_t index = 0; index < new_names.size(); ++index) {
            const auto& name = columns.Columns()[index].name;
            std::string item = engine::QuoteIdentifier(name);
            if (new_names[index] != name) {
                item += " AS " + engine::QuoteIdentifier(new_names[index]);
            }
            select.push_back(item);
        }
        return "SELECT " + Join(select, ", ") + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeRenameColumnsTransformer() {
    return std::make_unique<RenameColumns>();
}

} // namespace odibi::transform
