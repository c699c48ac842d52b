// Placeholders resolved after merging (§0.8): ${vars.KEY} and ${date:EXPR[:FORMAT]}; the same
// machinery resolves ${recipe.NAME} inside recipe templates.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "config_value.hpp"

#include "odibi/common/clock.hpp"

namespace odibi::config {

/// Looks a placeholder name up; `location` points at the scalar that uses it. Returning nullptr
/// substitutes an empty string (the callback reports the problem).
using PlaceholderLookup = std::function<const ConfigValue*(const std::string& name, const SourceLocation& location)>;

/// Replaces `${<prefix>NAME}` in every scalar under `value` (path `path`). A scalar that is exactly
/// one placeholder takes the looked-up value with its native type; embedded placeholders are
/// replaced by the value's text and the scalar becomes a string.
void SubstitutePlaceholders(ConfigValue& value,
                            const std::string& path,
                            const std::string& prefix,
                            const PlaceholderLookup& lookup);

/// §0.8: `${vars.KEY}` from the top-level `vars:` mapping everywhere except inside `vars` itself
/// (an unknown KEY is a warning and becomes ""), then `${date:...}` everywhere.
void SubstituteVariablesAndDates(ConfigValue& root, TimePoint now, DiagnosticList& diagnostics);

/// The value of a date expression: now, today, yesterday, start_of_month, end_of_month,
/// start_of_year or [+-]N{d|w|m|y} from today's midnight (local time). The default format is
/// "%Y-%m-%d %H:%M:%S" for now, "%Y-%m-%d" otherwise. nullopt for an unknown expression.
[[nodiscard]] std::optional<std::string>
EvaluateDateExpression(const std::string& expression, const std::optional<std::string>& format, TimePoint now);

/// Replaces every `${date:EXPR}` / `${date:EXPR:FORMAT}` in `text`; unknown expressions stay as written.
[[nodiscard]] std::string SubstituteDates(const std::string& text, TimePoint now);

} // namespace odibi::config
