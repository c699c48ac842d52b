// add_suffix: renames columns to <column><suffix>.
#include "builtin_transformer.hpp"
#include "column_renaming.hpp"

namespace odibi::transform {
namespace {

class AddSuffix final : public BuiltinTransformer {
public:
    AddSuffix()
        : BuiltinTransformer("add_suffix",
                             "row/column",
                             "Renames columns to <column><suffix>: all of them, or the listed ones, minus exclude. "
                             "The column order is kept.",
                             {RequiredParam("suffix", "string", "text put after each name"),
                              OptionalParam("columns", "list[string]", "", "columns to rename (default: all)"),
                              OptionalParam("exclude", "list[string]", "", "columns to leave as they are")},
                             {{"suffix", "_raw"}, {"columns", {"customer", "amount"}}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        const std::string suffix = params.GetString("suffix");
        return CompileColumnRenaming(params, input, [&](const std::string& name) { return name + suffix; });
    }
};

} // namespace

std::unique_ptr<Transformer> MakeAddSuffixTransformer() {
    return std::make_unique<AddSuffix>();
}

} // namespace odibi::transform
