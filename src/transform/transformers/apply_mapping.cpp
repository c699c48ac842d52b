// apply_mapping: replaces values by a lookup in another node's output (a LEFT JOIN without row growth).
#include "builtin_transformer.hpp"
#include "param_types.hpp"

namespace odibi::transform {
namespace {

class ApplyMapping final : public BuiltinTransformer {
public:
    ApplyMapping()
        : BuiltinTransformer(
              "apply_mapping",
              "advanced",
              "Looks column up in another node's output (mapping_source) where source_key equals it and takes "
              "source_value; a key listed several times uses its smallest value, so rows never multiply. "
              "Unmatched rows get default, or NULL. Writes output, or replaces column in place.",
              {RequiredParam("column", "string", "the column to look up"),
               RequiredParam("mapping_source", "string", "name of the node holding the mapping"),
               RequiredParam("source_key", "string", "key column of the mapping"),
               RequiredParam("source_value", "string", "value column of the mapping"),
               OptionalParam("output", "string", "", "name of the result column (default: column itself)"),
               OptionalParam("default", "scalar", "", "value for unmatched rows (default: NULL)")},
              {{"column", "customer_id"},
               {"mapping_source", "customers"},
               {"source_key", "customer_id"},
               {"source_value", "tier"},
               {"output", "customer_tier"},
               {"default", "none"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string dataset = params.GetString("mapping_source");
        auto mapping = RelationColumns::OfDataset(input.connection, dataset, params, "mapping_source");
        const std::string what = "dataset \"" + dataset + "\"";
        const std::string column =
            engine::QuoteIdentifier(columns.Resolve(params.GetString("column"), params, "column"));
        const std::string key =
            engine::QuoteIdentifier(mapping.Resolve(params.GetString("source_key"), params, "source_key", what));
        const std::string value =
            engine::QuoteIdentifier(mapping.Resolve(params.GetString("source_value"), params, "source_value", what));
        std::string mapped = "m.mapped_value";
        if (const config::Json* fallback = params.TryGet("default")) {
            mapped = "COALESCE(m.mapped_value, " + JsonToSqlLiteral(*fallback) + ")";
        }
        const std::string lookup = "(SELECT " + key + " AS mapping_key, " + value + " AS mapped_value FROM " +
                                   engine::QuoteIdentifier(dataset) + " QUALIFY row_number() OVER (PARTITION BY " +
                                   key + " ORDER BY " + value + ") = 1) AS m";
        auto output = params.TryGetString("output").value_or(params.GetString("column"));
        std::vector<std::string> select;
        bool replaced = false;
        for (const auto& input_column : columns.Columns()) {
            std::string quoted = engine::QuoteIdentifier(input_column.name);
            if (SameColumnName(input_column.name, output)) {
                select.push_back(mapped + " AS " + quoted);
                replaced = true;
            } else {
                select.push_back("d." + quoted);
            }
        }
        if (!replaced) {
            select.push_back(mapped + " AS " + engine::QuoteIdentifier(output));
        }
        return "SELECT " + Join(select, ", ") + " FROM " + input.relation + " AS d LEFT JOIN " + lookup + " ON d." +
               column + " = m.mapping_key";
    }
};

} // namespace

std::unique_ptr<Transformer> MakeApplyMappingTransformer() {
    return std::make_unique<ApplyMapping>();
}

} // namespace odibi::transform
