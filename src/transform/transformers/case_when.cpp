// case_when: adds a column from ordered SQL conditions and values (CASE WHEN ... ELSE default END).
#include "builtin_transformer.hpp"
#include "param_types.hpp"

namespace odibi::transform {
namespace {

const std::vector<std::string> CASE_KEYS = {"condition", "value"};

class CaseWhen final : public BuiltinTransformer {
public:
    CaseWhen()
        : BuiltinTransformer(
              "case_when",
              "row/column",
              "Adds output_col: the value of the first case whose condition is true, else default. Conditions and "
              "values are SQL (a text value needs its own quotes: \"'Minor'\"). Cases with an empty condition or "
              "value are skipped.",
              {RequiredParam("cases", "list[map[string,sql]]", "ordered list of {condition, value}"),
               OptionalParam("default", "sql", "NULL", "SQL value when no condition is true"),
               RequiredParam("output_col", "string", "name of the new column")},
              {{"cases",
                {{{"condition", "amount >= 100"}, {"value", "'large'"}},
                 {{"condition", "amount >= 10"}, {"value", "'medium'"}}}},
               {"default", "'small'"},
               {"output_col", "size"}}) {}

private:
    void Check(const ParamReader& params) const override {
        const config::Json* cases = params.TryGet("cases");
        size_t index = 0;
        for (const auto& entry : *cases) {
            for (const auto& item : entry.items()) {
                if (std::find(CASE_KEYS.begin(), CASE_KEYS.end(), item.key()) == CASE_KEYS.end()) {
                    Error error = params.Invalid(
                        "cases", "unknown key \"" + item.key() + "\" in cases[" + std::to_string(index) + "]");
                    error.WithSuggestion(DidYouMean(item.key(), CASE_KEYS));
                    error.WithSuggestion("each case is {condition: <SQL>, value: <SQL>}");
                    throw error;
                }
            }
            for (const auto& key : CASE_KEYS) {
                if (!entry.contains(key)) {
                    throw params.Invalid("cases",
                                         "cases[" + std::to_string(index) + "] has no \"" + key +
                                             "\"; each case is {condition: <SQL>, value: <SQL>}");
                }
            }
            ++index;
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        std::string whens;
        for (const auto& entry : *params.TryGet("cases")) {
            std::string condition = JsonToSqlText(entry.at("condition"));
            std::string value = JsonToSqlText(entry.at("value"));
            if (Trim(condition).empty() || Trim(value).empty()) {
                continue;
            }
            whens += " WHEN " + condition + " THEN " + value;
        }
        std::string otherwise = params.GetSql("default");
        std::string expression = whens.empty() ? "(" + otherwise + ")" : "CASE" + whens + " ELSE " + otherwise + " END";
        return "SELECT *, " + expression + " AS " + engine::QuoteIdentifier(params.GetString("output_col")) + " FROM " +
               input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeCaseWhenTransformer() {
    return std::make_unique<CaseWhen>();
}

} // namespace odibi::transform
