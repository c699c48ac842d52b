// The small type language of transformer params ("list[string]", "string|list[string]", ...) over JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "odibi/config/project.hpp"

namespace odibi::transform {

/// True when `value` is accepted by `type` (see ParamSpec::type for the language). Numbers and
/// booleans written as strings ("10", "true") are accepted where an int, number or bool is expected,
/// as YAML loaders and Odibi's param models accept them.
[[nodiscard]] bool MatchesParamType(const config::Json& value, std::string_view type);

/// How a JSON value reads in a message: "string", "int", "number", "bool", "null", "list", "map".
[[nodiscard]] std::string JsonKindName(const config::Json& value);

/// The value as an integer: JSON integers, integral floats and integer strings.
[[nodiscard]] std::optional<int64_t> JsonToInt(const config::Json& value);
/// The value as a floating-point number: JSON numbers and numeric strings.
[[nodiscard]] std::optional<double> JsonToNumber(const config::Json& value);
/// The value as a boolean: JSON booleans and the strings "true"/"false" (any case).
[[nodiscard]] std::optional<bool> JsonToBool(const config::Json& value);
/// A scalar written as SQL text: strings as they are, numbers as JSON prints them, booleans as
/// TRUE/FALSE. Used for params that hold SQL expressions (`sql` in the type language).
[[nodiscard]] std::string JsonToSqlText(const config::Json& value);
/// A scalar as a SQL literal: strings quoted and escaped, numbers as they are, booleans as
/// TRUE/FALSE, null as NULL.
[[nodiscard]] std::string JsonToSqlLiteral(const config::Json& value);
/// A scalar as plain text (strings unquoted), for names and messages.
[[nodiscard]] std::string JsonToText(const config::Json& value);

} // namespace odibi::transform
