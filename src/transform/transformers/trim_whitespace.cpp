// trim_whitespace: removes leading and trailing spaces from text columns.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class TrimWhitespace final : public BuiltinTransformer {
public:
    TrimWhitespace()
        : BuiltinTransformer(
              "trim_whitespace",
              "row/column",
              "Removes leading and trailing spaces from the listed columns, or from every text "
              "(VARCHAR) column when columns is not given; [] changes nothing.",
              {OptionalParam("columns", "list[string]", "", "columns to trim (default: all text columns)")},
              {{"columns", {"customer", "status"}}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        std::vector<std::string> replacements(columns.Columns().size());
        if (auto listed = params.TryGetStringList("columns")) {
            for (const auto& name : *listed) {
                const std::string& column = columns.Resolve(name, params, "columns");
                replacements[*columns.TryFind(column)] = "trim(" + engine::QuoteIdentifier(column) + ")";
            }
        } else {
            for (size_t index = 0; index < columns.Columns().size(); ++index) {
                const auto& column = columns.Columns()[index];
                if (column.type == "VARCHAR") {
                    replacements[index] = "trim(" + engine::QuoteIdentifier(column.name) + ")";
                }
            }
        }
        return SelectReplacing(columns, replacements, input.relation);
    }
};

} // namespace

std::unique_ptr<Transformer> MakeTrimWhitespaceTransformer() {
    return std::make_unique<TrimWhitespace>();
}

} // namespace odibi::transform
