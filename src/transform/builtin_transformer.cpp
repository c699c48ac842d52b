// BuiltinTransformer: the shared CompileSql/CheckParams flow and the generated example YAML.
#include "builtin_transformer.hpp"

#include "example_yaml.hpp"

namespace odibi::transform {

BuiltinTransformer::BuiltinTransformer(std::string name,
                                       std::string category,
                                       std::string description,
                                       std::vector<ParamSpec> params,
                                       config::Json example_params)
    : example_params_(std::move(example_params)) {
    info_.name = std::move(name);
    info_.category = std::move(category);
    info_.description = std::move(description);
    info_.params = std::move(params);
    info_.example_yaml = info_.category == PATTERN_CATEGORY ? ExampleNodeYaml(info_.name, example_params_)
                                                            : ExampleStepYaml(info_.name, example_params_);
}

ParamSpec
RequiredParam(std::string name, std::string type, std::string description, std::vector<std::string> allowed_values) {
    ParamSpec spec;
    spec.name = std::move(name);
    spec.type = std::move(type);
    spec.required = true;
    spec.description = std::move(description);
    spec.allowed_values = std::move(allowed_values);
    return spec;
}

ParamSpec OptionalParam(std::string name,
                        std::string type,
                        std::string default_value,
                        std::string description,
                        std::vector<std::string> allowed_values) {
    ParamSpec spec;
    spec.name = std::move(name);
    spec.type = std::move(type);
    spec.default_value = std::move(default_value);
    spec.description = std::move(description);
    spec.allowed_values = std::move(allowed_values);
    return spec;
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

std::string ConcatColumnsSql(const ParamReader& params, const TransformInput& input, bool null_as_empty) {
    auto columns = RelationColumns::OfInput(input);
    std::vector<std::string> arguments = {engine::QuoteLiteral(params.GetString("separator"))};
    for (const auto& name : params.GetColumnList("columns")) {
        std::string text = "CAST(" + engine::QuoteIdentifier(columns.Resolve(name, params, "columns")) + " AS VARCHAR)";
        arguments.push_back(null_as_empty ? "COALESCE(" + text + ", '')" : text);
    }
    return "concat_ws(" + Join(arguments, ", ") + ")";
}

std::string SelectReplacing(const RelationColumns& columns,
                            const std::vector<std::string>& replacements,
                            const std::string& relation) {
    std::vector<std::string> select;
    for (size_t index = 0; index < columns.Columns().size(); ++index) {
        std::string quoted = engine::QuoteIdentifier(columns.Columns()[index].name);
        bool replaced = index < replacements.size() && !replacements[index].empty();
        select.push_back(replaced ? replacements[index] + " AS " + quoted : quoted);
    }
    return "SELECT " + Join(select, ", ") + " FROM " + relation;
}

} // namespace odibi::transform
