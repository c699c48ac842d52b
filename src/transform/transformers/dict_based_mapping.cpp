// dict_based_mapping: looks each value of a column up in an inline map (unmapped -> default or NULL).
#include "builtin_transformer.hpp"
#include "param_types.hpp"

namespace odibi::transform {
namespace {

class DictBasedMapping final : public BuiltinTransformer {
public:
    DictBasedMapping()
        : BuiltinTransformer(
              "dict_based_mapping",
              "advanced",
              "Maps each value of column through mapping (keys compared with the value as text, so 1 matches "
              "\"1\"); an unmapped value becomes default, or NULL without one. Writes output_column, or replaces "
              "column in place.",
              {RequiredParam("column", "string", "the column whose values are looked up"),
               RequiredParam("mapping", "map[string,scalar|null]", "value (as text) -> mapped value"),
               OptionalParam("default", "scalar", "", "value for unmapped values (default: NULL)"),
               OptionalParam("output_column", "string", "", "name of the result column (default: column itself)")},
              {{"column", "status"},
               {"mapping", {{"open", "Open"}, {"shipped", "Shipped"}}},
               {"default", "Unknown"},
               {"output_column", "status_label"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string& column = columns.Resolve(params.GetString("column"), params, "column");
        const std::string text = "CAST(" + engine::QuoteIdentifier(column) + " AS VARCHAR)";
        std::string expression = "CASE";
        for (const auto& [key, value] : params.GetMap("mapping")) {
            expression += " WHEN " + text + " = " + engine::QuoteLiteral(key) + " THEN " + JsonToSqlLiteral(value);
        }
        const config::Json* fallback = params.TryGet("default");
        expression += " ELSE " + (fallback != nullptr ? JsonToSqlLiteral(*fallback) : std::string("NULL")) + " END";
        if (params.GetMap("mapping").empty()) {
            expression = fallback != nullptr ? JsonToSqlLiteral(*fallback) : std::string("NULL");
        }
        auto output = params.TryGetString("output_column").value_or(column);
        if (auto existing = columns.TryFind(output)) {
            std::vector<std::string> replacements(columns.Columns().size());
            replacements[*existing] = expression;
            return SelectReplacing(columns, replacements, input.relation);
        }
        return "SELECT *, " + expression + " AS " + engine::QuoteIdentifier(output) + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeDictBasedMappingTransformer() {
    return std::make_unique<DictBasedMapping>();
}

} // namespace odibi::transform
