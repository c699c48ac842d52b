// Shared by add_prefix and add_suffix: which columns a rename applies to, and the projection.
#pragma once

#include <functional>
#include <string>

#include "builtin_transformer.hpp"

namespace odibi::transform {

/// Renames the columns chosen by the `columns` param (default: all) minus `exclude` with `rename`,
/// keeping the column order. Listed names that the input does not have are errors.
[[nodiscard]] std::string CompileColumnRenaming(const ParamReader& params,
                                                const TransformInput& input,
                                                const std::function<std::string(const std::string&)>& rename);

} // namespace odibi::transform
