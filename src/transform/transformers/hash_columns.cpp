// hash_columns: replaces values with the hex digest of their text (for pseudonymising PII).
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class HashColumns final : public BuiltinTransformer {
public:
    HashColumns()
        : BuiltinTransformer("hash_columns",
                             "advanced",
                             "Replaces each value of the listed columns, in place, by the lowercase hex digest "
                             "(sha256 or md5) of its text. NULL stays NULL.",
                             {RequiredParam("columns", "list[string]", "the columns to hash"),
                              OptionalParam("algorithm", "string", "sha256", "the digest", {"sha256", "md5"})},
                             {{"columns", {"email"}}, {"algorithm", "sha256"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string function = params.GetEnum("algorithm");
        std::vector<std::string> replacements(columns.Columns().size());
        for (const auto& name : params.GetStringList("columns")) {
            const std::string& column = columns.Resolve(name, params, "columns");
            replacements[*columns.TryFind(column)] =
                function + "(CAST(" + engine::QuoteIdentifier(column) + " AS VARCHAR))";
        }
        return SelectReplacing(columns, replacements, input.relation);
    }
};

} // namespace

std::unique_ptr<Transformer> MakeHashColumnsTransformer() {
    return std::make_unique<HashColumns>();
}

} // namespace odibi::transform
