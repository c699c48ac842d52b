// replace_values: maps exact text values to new values (or NULL) in the listed columns.
#include "builtin_transformer.hpp"
#include "param_types.hpp"

namespace odibi::transform {
namespace {

class ReplaceValues final : public BuiltinTransformer {
public:
    ReplaceValues()
        : BuiltinTransformer(
              "replace_values",
              "row/column",
              "In the listed columns, replaces each value equal to a mapping key with the mapped value (null gives "
              "NULL); other values are kept. Keys are compared as exact text.",
              {RequiredParam("columns", "list[string]", "the columns to change"),
               RequiredParam("mapping", "map[string,string|null]", "old value -> new value (null for NULL)")},
              {{"columns", {"status"}}, {"mapping", {{"N/A", nullptr}, {"done", "shipped"}}}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        auto mapping = params.GetMap("mapping");
        std::vector<std::string> replacements(columns.Columns().size());
        if (mapping.empty()) {
            return SelectReplacing(columns, replacements, input.relation);
        }
        for (const auto& name : params.GetStringList("columns")) {
            const std::string& column = columns.Resolve(name, params, "columns");
            const std::string quoted = engine::QuoteIdentifier(column);
            std::string expression = "CASE";
            for (const auto& [old_value, new_value] : mapping) {
                expression += " WHEN " + quoted + " = " + engine::QuoteLiteral(old_value) + " THEN " +
                              JsonToSqlLiteral(new_value);
            }
            replacements[*columns.TryFind(column)] = expression + " ELSE " + quoted + " END";
        }
        return SelectReplacing(columns, replacements, input.relation);
    }
};

} // namespace

std::unique_ptr<Transformer> MakeReplaceValuesTransformer() {
    return std::make_unique<ReplaceValues>();
}

} // namespace odibi::transform
