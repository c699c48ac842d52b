// generate_numeric_key: adds a deterministic BIGINT key: the first 15 hex digits of an MD5 digest.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class GenerateNumericKey final : public BuiltinTransformer {
public:
    GenerateNumericKey()
        : BuiltinTransformer(
              "generate_numeric_key",
              "advanced",
              "Adds output_col: a BIGINT from the first 15 hex digits of md5 over the listed columns as trimmed "
              "text joined by separator (NULL and '' are the same). With coalesce_with, that column's value (as "
              "BIGINT) is kept where it is not NULL. An output_col that already exists is replaced and moves to "
              "the end.",
              {RequiredParam("columns", "list[string]", "the columns that make up the key, in order"),
               OptionalParam("separator", "string", "|", "text between values"),
               OptionalParam("output_col", "string", "numeric_key", "name of the key column"),
               OptionalParam("coalesce_with", "string", "", "existing key column to prefer where not NULL")},
              {{"columns", {"customer", "order_id"}}, {"output_col", "order_key"}}) {}

private:
    void Check(const ParamReader& params) const override { static_cast<void>(params.GetColumnList("columns")); }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        constexpr int HEX_DIGITS = 15; // 60 bits: always a positive BIGINT
        auto columns = RelationColumns::OfInput(input);
        std::vector<std::string> arguments = {engine::QuoteLiteral(params.GetString("separator"))};
        for (const auto& name : params.GetStringList("columns")) {
            arguments.push_back("COALESCE(trim(CAST(" +
                                engine::QuoteIdentifier(columns.Resolve(name, params, "columns")) +
                                " AS VARCHAR)), '')");
        }
        std::string key = "CAST('0x' || substr(md5(concat_ws(" + Join(arguments, ", ") + ")), 1, " +
                          std::to_string(HEX_DIGITS) + ") AS BIGINT)";
        if (auto coalesce_with = params.TryGetString("coalesce_with")) {
            key = "COALESCE(CAST(" + engine::QuoteIdentifier(columns.Resolve(*coalesce_with, params, "coalesce_with")) +
                  " AS BIGINT), " + key + ")";
        }
        const std::string output = params.GetString("output_col");
        std::string kept = "*";
        if (auto existing = columns.TryFind(output)) {
            if (columns.Columns().size() == 1) {
                kept.clear();
            } else {
                kept = "* EXCLUDE (" + engine::QuoteIdentifier(columns.Columns()[*existing].name) + ")";
            }
        }
        return "SELECT " + (kept.empty() ? "" : kept + ", ") + key + " AS " + engine::QuoteIdentifier(output) +
               " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeGenerateNumericKeyTransformer() {
    return std::make_unique<GenerateNumericKey>();
}

} // namespace odibi::transform
