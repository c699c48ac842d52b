// add_prefix: renames columns to <prefix><column>.
#include "builtin_transformer.hpp"
#include "column_renaming.hpp"

namespace odibi::transform {
namespace {

class AddPrefix final : public BuiltinTransformer {
public:
    AddPrefix()
        : BuiltinTransformer("add_prefix",
                             "row/column",
                             "Renames columns to <prefix><column>: all of them, or the listed ones, minus exclude. "
                             "The column order is kept.",
                             {RequiredParam("prefix", "string", "text put before each name"),
                              OptionalParam("columns", "list[string]", "", "columns to rename (default: all)"),
                              OptionalParam("exclude", "list[string]", "", "columns to leave as they are")},
                             {{"prefix", "src_"}, {"exclude", {"order_id"}}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        const std::string prefix = params.GetString("prefix");
        return CompileColumnRenaming(params, input, [&](const std::string& name) { return prefix + name; });
    }
};

} // namespace

std::unique_ptr<Transformer> MakeAddPrefixTransformer() {
    return std::make_unique<AddPrefix>();
}

} // namespace odibi::transform
