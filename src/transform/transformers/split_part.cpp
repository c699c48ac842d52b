// split_part: adds <col>_part_<index>, the index-th piece of a text column split by a delimiter.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class SplitPart final : public BuiltinTransformer {
public:
    SplitPart()
        : BuiltinTransformer("split_part",
                             "row/column",
                             "Adds <col>_part_<index>: the index-th piece (1-based) of col split by a literal "
                             "delimiter; an index past the last piece gives ''.",
                             {RequiredParam("col", "string", "the text column to split"),
                              RequiredParam("delimiter", "string", "the literal delimiter"),
                              RequiredParam("index", "int", "which piece, 1-based")},
                             {{"col", "email"}, {"delimiter", "@"}, {"index", 2}}) {}

private:
    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string& column = columns.Resolve(params.GetString("col"), params, "col");
        const int64_t index = params.GetInt("index");
        return "SELECT *, split_part(" + engine::QuoteIdentifier(column) + ", " +
               engine::QuoteLiteral(params.GetString("delimiter")) + ", " + std::to_string(index) + ") AS " +
               engine::QuoteIdentifier(params.GetString("col") + "_part_" + std::to_string(index)) + " FROM " +
               input.relation;
    }
};

} // namespace

std::unique_ptr<Transformer> MakeSplitPartTransformer() {
    return std::make_unique<SplitPart>();
}

} // namespace odibi::transform
