// validate_and_flag: adds a column naming the rules each row fails (NULL when it passes all).
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class ValidateAndFlag final : public BuiltinTransformer {
public:
    ValidateAndFlag()
        : BuiltinTransformer(
              "validate_and_flag",
              "advanced",
              "Adds flag_col: the names of the rules whose SQL condition is false for the row, joined with \", \" "
              "in rule order; NULL when every rule passes. A condition that is NULL counts as passing.",
              {RequiredParam("rules", "map[string,sql]", "rule name -> SQL condition that valid rows satisfy"),
               OptionalParam("flag_col", "string", "_issues", "name of the new column")},
              {{"rules", {{"positive_amount", "amount > 0"}, {"known_status", "status IN ('open', 'shipped')"}}},
               {"flag_col", "issues"}}) {}

private:
    void Check(const ParamReader& params) const override {
        if (params.GetMap("rules").empty()) {
            throw params.Invalid("rules", "\"rules\" must not be empty");
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        std::vector<std::string> checks;
        for (const auto& [name, condition] : params.GetStringMap("rules")) {
            checks.push_back("CASE WHEN NOT (" + condition + ") THEN " + engine::QuoteLiteral(name) + " END");
        }
        return "SELECT *, NULLIF(concat_ws(', ', " + Join(checks, ", ") + "), '') AS " +
               engine::QuoteIdentifier(params.GetString("flag_col")) + " FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeValidateAndFlagTransformer() {
    return std::make_unique<ValidateAndFlag>();
}

} // namespace odibi::transform
