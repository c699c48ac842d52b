// Checks a transformer's params against its spec; shared by ValidateParams and ParamReader.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "odibi/common/error.hpp"
#include "odibi/transform/transformer.hpp"

namespace odibi::transform {

/// One thing wrong with a transformer's params.
struct ParamProblem {
    std::string param; ///< the param it is about; empty when it is about the params as a whole
    std::string message;
    std::vector<std::string> suggestions;
};

/// Missing required params, unknown params, wrong JSON types and values outside allowed_values, in
/// spec order (unknown params last). `params` may be null (no params given).
[[nodiscard]] std::vector<ParamProblem> CheckParamsAgainstSpec(const TransformerInfo& info, const config::Json& params);

/// INVALID_TRANSFORMER_PARAMS for `transformer`, with context entries "transformer" and (when not
/// empty) "param"; ValidateParams turns "param" into a config location.
[[nodiscard]] Error InvalidParamsError(std::string_view transformer, std::string_view param, std::string message);

/// The same error built from a ParamProblem (suggestions included).
[[nodiscard]] Error InvalidParamsError(std::string_view transformer, const ParamProblem& problem);

} // namespace odibi::transform
