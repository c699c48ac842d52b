// HTML building blocks shared by the story page and the index pages: escaping, URLs, base style.
#pragma once

#include <string>
#include <string_view>

namespace odibi::observe {

/// Escapes &, <, >, " and ' so that text is safe in element content and quoted attributes.
[[nodiscard]] std::string EscapeHtml(std::string_view text);
/// JSON text made safe inside <script type="application/json">: <, > and & become \u escapes
/// (they can only occur inside JSON strings, where the escapes mean the same characters).
[[nodiscard]] std::string EscapeJsonForScript(std::string_view json_text);
/// Percent-encodes one relative URL path segment (everything but unreserved characters).
[[nodiscard]] std::string EncodePathSegment(std::string_view segment);
/// "status-success", "status-failed", ... : a CSS class from a node or run status, limited to [a-z].
[[nodiscard]] std::string StatusClass(std::string_view status);
/// Colours, typography, tables and status badges common to every story page (no external fonts).
[[nodiscard]] std::string_view BaseStyleSheet();

} // namespace odibi::observe
