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
    void Check(const ParamReader& params) const override { static_cast<void>(params.GetColumnList("columns")); }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        return "SELECT *, md5(" + ConcatColumnsSql(params, input, true) + ") AS " +
               engine::QuoteIdentifier(params.GetString("output_col")) + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeGenerateSurrogateKeyTransformer() {
    return std::make_unique<GenerateSurrogateKey>();
}

} // namespace odibi::transform
