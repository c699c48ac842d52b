// limit: keeps at most n rows after skipping offset rows.
#include "builtin_transformer.hpp"

namespace odibi::transform {
namespace {

class Limit final : public BuiltinTransformer {
public:
    Limit()
        : BuiltinTransformer("limit",
                             "row/column",
                             "Keeps at most n rows after skipping offset rows. Without a preceding sort, which rows "
                             "is not defined.",
                             {RequiredParam("n", "int", "the number of rows to keep"),
                              OptionalParam("offset", "int", "0", "the number of rows to skip first")},
                             {{"n", 100}, {"offset", 0}}) {}

private:
    void Check(const ParamReader& params) const override {
        if (params.GetInt("n") < 0) {
            throw params.Invalid("n", "\"n\" must not be negative");
        }
        if (params.GetInt("offset") < 0) {
            throw params.Invalid("offset", "\"offset\" must not be negative");
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        return "SELECT * FROM " + input.relation + " LIMIT " + std::to_string(params.GetInt("n")) + " OFFSET " +
               std::to_string(params.GetInt("offset"));
    }
};

} // namespace

std::unique_ptr<Transformer> MakeLimitTransformer() {
    return std::make_unique<Limit>();
}

} // namespace odibi::transform
