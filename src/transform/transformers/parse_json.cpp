// parse_json: adds a JSON-typed column parsed from a text column.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class ParseJson final : public BuiltinTransformer {
public:
    ParseJson()
        : BuiltinTransformer(
              "parse_json",
              "advanced",
              "Adds output_col: the text column parsed as JSON (invalid JSON is an error). json_schema is accepted "
              "for compatibility but not applied, as on Odibi's DuckDB engine; extract fields with SQL "
              "(col->>'$.name').",
              {RequiredParam("column", "string", "the text column holding JSON"),
               RequiredParam("json_schema", "string", "schema text (kept for compatibility, not applied)"),
               OptionalParam("output_col", "string", "", "name of the new column (default: <column>_parsed)")},
              {{"column", "payload"}, {"json_schema", "id INT, name STRING"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string& column = columns.Resolve(params.GetString("column"), params, "column");
        const std::string output = params.TryGetString("output_col").value_or(params.GetString("column") + "_parsed");
        return "SELECT *, CAST(" + engine::QuoteIdentifier(column) + " AS JSON) AS " + engine::QuoteIdentifier(output) +
               " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeParseJsonTransformer() {
    return std::make_unique<ParseJson>();
}

} // namespace odibi::transform
