// regex_replace: replaces every match of a regular expression in a column (moved to the end).
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class RegexReplace final : public BuiltinTransformer {
public:
    RegexReplace()
        : BuiltinTransformer(
              "regex_replace",
              "advanced",
              "Replaces every match of pattern (RE2 syntax) in column with replacement (\\\\1 refers to a group). "
              "The column moves to the end, as in Odibi. NULL stays NULL.",
              {RequiredParam("column", "string", "the text column"),
               RequiredParam("pattern", "string", "the regular expression"),
               RequiredParam("replacement", "string", "what each match becomes")},
              {{"column", "phone"}, {"pattern", "[^0-9]"}, {"replacement", ""}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string quoted =
            engine::QuoteIdentifier(columns.Resolve(params.GetString("column"), params, "column"));
        std::string kept = columns.Columns().size() > 1 ? "* EXCLUDE (" + quoted + "), " : "";
        return "SELECT " + kept + "regexp_replace(" + quoted + ", " +
               engine::QuoteLiteral(params.GetString("pattern")) + ", " +
               engine::QuoteLiteral(params.GetString("replacement")) + ", 'g') AS " + quoted + " FROM " +
               input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeRegexReplaceTransformer() {
    return std::make_unique<RegexReplace>();
}

} // namespace odibi::transform
