// clean_text: trims and/or changes the case of text columns in place.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class CleanText final : public BuiltinTransformer {
public:
    CleanText()
        : BuiltinTransformer(
              "clean_text",
              "row/column",
              "Trims surrounding spaces from the listed columns and optionally lower- or upper-cases "
              "them, in place. NULLs stay NULL.",
              {RequiredParam("columns", "list[string]", "the text columns to clean"),
               OptionalParam("trim", "bool", "true", "remove leading and trailing spaces"),
               OptionalParam("case", "string", "preserve", "case change", {"lower", "upper", "preserve"})},
              {{"columns", {"customer", "status"}}, {"trim", true}, {"case", "lower"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const bool trim = params.GetBool("trim");
        const std::string text_case = params.GetEnum("case");
        std::vector<std::string> replacements(columns.Columns().size());
        for (const auto& name : params.GetStringList("columns")) {
            const std::string& column = columns.Resolve(name, params, "columns");
            std::string expression = engine::QuoteIdentifier(column);
            if (trim) {
                expression = "trim(" + expression + ")";
            }
            if (text_case == "lower") {
                expression = "lower(" + expression + ")";
            } else if (text_case == "upper") {
                expression = "upper(" + expression + ")";
            }
            replacements[*columns.TryFind(column)] = expression;
        }
        return SelectReplacing(columns, replacements, input.relation);
    }
};

} // namespace

std::unique_ptr<Transformer> MakeCleanTextTransformer() {
    return std::make_unique<CleanText>();
}

} // namespace odibi::transform
