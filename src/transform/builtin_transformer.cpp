// BuiltinTransformer: the shared CompileSql/CheckParams flow and the generated example YAML.
#include "builtin_transformer.hpp"

#include "example_yaml.hpp"

namespace odibi::transform {

BuiltinTransformer::BuiltinTransformer(TransformerInfo info, config::Json example_params)
    : info_(std::move(info)), example_params_(std::move(example_params)) {
    info_.example_yaml = ExampleStepYaml(info_.name, example_params_);
}

std::string BuiltinTransformer::CompileSql(const config::Json& params, const TransformInput& input) const {
    ParamReader reader(info_, params);
    Check(reader);
    return Compile(reader, input);
}

void BuiltinTransformer::CheckParams(const config::Json& params) const {
    ParamReader reader(info_, params);
    Check(reader);
}

} // namespace odibi::transform
