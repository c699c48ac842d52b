// ValidateParams: every problem with a step's params as diagnostics that point into the YAML.
#include "param_check.hpp"

#include "odibi/transform/transformer.hpp"

namespace odibi::transform {
namespace {

std::string ParamPath(const std::string& config_path, const std::string& param) {
    return param.empty() ? config_path : config_path + "." + param;
}

Diagnostic ToDiagnostic(const Error& error, SourceLocation location) {
    Diagnostic diagnostic = Diagnostic::FromError(error);
    diagnostic.location = std::move(location);
    return diagnostic;
}

} // namespace

DiagnosticList ValidateParams(const Transformer& transformer,
                              const config::Json& params,
                              const std::string& config_path,
                              const config::LocationIndex& locations) {
    DiagnosticList diagnostics;
    const TransformerInfo& info = transformer.Info();
    auto problems = CheckParamsAgainstSpec(info, params);
    for (const auto& problem : problems) {
        diagnostics.Add(ToDiagnostic(InvalidParamsError(info.name, problem),
                                     locations.Find(ParamPath(config_path, problem.param))));
    }
    if (!problems.empty()) {
        return diagnostics;
    }
    try {
        transformer.CheckParams(params);
    } catch (const Error& error) {
        std::string param;
        for (const auto& [key, value] : error.Context()) {
            if (key == "param") {
                param = value;
            }
        }
        diagnostics.Add(ToDiagnostic(error, locations.Find(ParamPath(config_path, param))));
    }
    return diagnostics;
}

} // namespace odibi::transform
