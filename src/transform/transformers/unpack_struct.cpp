// unpack_struct: appends one column per field of a STRUCT column (the struct is kept).
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class UnpackStruct final : public BuiltinTransformer {
public:
    UnpackStruct()
        : BuiltinTransformer("unpack_struct",
                             "advanced",
                             "Appends one column per field of the STRUCT column, named after the field; the struct "
                             "column is kept. A NULL struct gives NULL fields.",
                             {RequiredParam("column", "string", "the STRUCT column")},
                             {{"column", "address"}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string& name = columns.Resolve(params.GetString("column"), params, "column");
        const std::string& type = columns.Columns()[*columns.TryFind(name)].type;
        if (!StartsWith(type, "STRUCT(")) {
            throw params.Invalid("column",
                                 "column \"" + name + "\" is " + type +
                                     ", not a STRUCT; parse JSON text first (e.g. with a sql step and json_transform)");
        }
        auto fields = RelationColumns(
            input.connection.Describe("SELECT unnest(" + engine::QuoteIdentifier(name) + ") FROM " + input.relation));
        auto output_names = columns.Names();
        for (const auto& field : fields.Columns()) {
            output_names.push_back(field.name);
        }
        EnsureDistinctColumnNames(output_names, params, "column");
        // unnest of a STRUCT expands its fields into columns (one level).
        return "SELECT *, unnest(" + engine::QuoteIdentifier(name) + ") FROM " + input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeUnpackStructTransformer() {
    return std::make_unique<UnpackStruct>();
}

} // namespace odibi::transform
