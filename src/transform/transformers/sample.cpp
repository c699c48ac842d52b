// sample: keeps a random fraction of rows; with a seed the sample is repeatable.
#include "builtin_transformer.hpp"
#include <fmt/format.h>

namespace odibi::transform {
namespace {

class Sample final : public BuiltinTransformer {
public:
    Sample()
        : BuiltinTransformer("sample",
                             "row/column",
                             "Keeps each row with probability fraction (0 to 1). With seed the sample is repeatable "
                             "(Bernoulli sampling with that seed); without it every run differs.",
                             {RequiredParam("fraction", "number", "probability of keeping a row, from 0 to 1"),
                              OptionalParam("seed", "int", "", "random seed for a repeatable sample")},
                             {{"fraction", 0.1}, {"seed", 42}}) {}

private:
    void Check(const ParamReader& params) const override {
        double fraction = params.GetNumber("fraction");
        if (!(fraction >= 0.0 && fraction <= 1.0)) {
            throw params.Invalid("fraction", fmt::format("\"fraction\" must be between 0 and 1, found {}", fraction));
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        constexpr double PERCENT = 100.0;
        double fraction = params.GetNumber("fraction");
        if (auto seed = params.TryGetInt("seed")) {
            return fmt::format(
                "SELECT * FROM {} USING SAMPLE {} PERCENT (bernoulli, {})", input.relation, fraction * PERCENT, *seed);
        }
        return fmt::format("SELECT * FROM {} WHERE random() < {}", input.relation, fraction);
    }
};

} // namespace

std::unique_ptr<Transformer> MakeSampleTransformer() {
    return std::make_unique<Sample>();
}

} // namespace odibi::transform
