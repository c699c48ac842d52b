// generate_surrogate_key: adds an MD5 hex key over the listed columns (NULL counts as '').
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class GenerateSurrogateKey final : public BuiltinTransformer {
public:
    GenerateSurrogateKey()
        : BuiltinTransformer(
              "generate_surrogate_key",
              "advanced",
              "Adds output_col: md5 (32 lowercase hex characters) of the listed columns as text joined by "
              "separator, NULL taken as '' (so (NULL, 'x') and ('', 'x') get the same key).",
              {RequiredParam("columns", "list[string]", "the columns that make up the key, in order"),
               OptionalParam("separator", "string", "-", "text between values"),
               OptionalParam("output_col", "string", "surrogate_key", "name of the new column")},
              {{"columns", {"customer", "order_id"}}, {"separator", "-"}, {"output_col", "order_key"}}) {}

private:
    void Check(const ParamReader& params) const override {
        if (params.GetStringList("columns").empty()) {
            throw params.Invalid("columns", "\"columns\" must list at least one column");
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        std::vector<std::string> arguments = {engine::QuoteLiteral(params.GetString("separator"))};
        for (const auto& name : params.GetStringList("columns")) {
            arguments.push_back("COALESCE(CAST(" + engine::QuoteIdentifier(columns.Resolve(name, params, "columns")) +
                                " AS VARCHAR), '')");
        }
        return "SELECT *, md5(concat_ws(" + Join(arguments, ", ") + ")) AS " +
               engine::QuoteIdentifier(params.GetString("output_col")) + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeGenerateSurrogateKeyTransformer() {
    return std::make_unique<GenerateSurrogateKey>();
}

} // namespace odibi::transform
