// Escaping and the base style sheet used by every HTML page the story layer writes.
#include "html_text.hpp"

#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::observe {

std::string EscapeHtml(std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (char character : text) {
        switch (character) {
        case '&':
            escaped += "&amp;";
            break;
        case '<':
            escaped += "&lt;";
            break;
        case '>':
            escaped += "&gt;";
            break;
        case '"':
            escaped += "&quot;";
            break;
        case '\'':
            escaped += "&#39;";
            break;
        default:
            escaped += character;
        }
    }
    return escaped;
}

std::string EscapeJsonForScript(std::string_view json_text) {
    std::string escaped;
    escaped.reserve(json_text.size());
    for (char character : json_text) {
        switch (character) {
        case '<':
            escaped += "\\u003c";
            break;
        case '>':
            escaped += "\\u003e";
            break;
        case '&':
            escaped += "\\u0026";
            break;
        default:
            escaped += character;
        }
    }
    return escaped;
}

std::string EncodePathSegment(std::string_view segment) {
    std::string encoded;
    for (char character : segment) {
        auto byte = static_cast<unsigned char>(character);
        bool unreserved = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                          (byte >= '0' && byte <= '9') || byte == '-' || byte == '_' || byte == '.' || byte == '~';
        if (unreserved) {
            encoded += character;
        } else {
            encoded += fmt::format("%{:02X}", byte);
        }
    }
    return encoded;
}

std::string StatusClass(std::string_view status) {
    std::string lowered = ToLower(status);
    bool letters_only = !lowered.empty();
    for (char character : lowered) {
        if (character < 'a' || character > 'z') {
            letters_only = false;
        }
    }
    return letters_only ? "status-" + lowered : "status-unknown";
}

std::string_view BaseStyleSheet() {
    return R"CSS(
:root {
  --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; --page: #ffffff;
  --success: #1a7f37; --success-bg: #dafbe1; --failed: #cf222e; --failed-bg: #ffebe9;
  --skipped: #6e7781; --skipped-bg: #eaeef2; --running: #9a6700; --running-bg: #fff8c5;
  --interrupted: #8250df; --interrupted-bg: #fbefff;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 8px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
h2 { font-size: 18px; margin: 32px 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { font-size: 16px; margin: 0; }
h4 { font-size: 14px; margin: 16px 0 6px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
  overflow-x: auto; white-space: pre-wrap; word-break: break-word; margin: 6px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 12px; font-weight: 600;
  text-transform: uppercase; letter-spacing: .03em; border: 1px solid currentColor; }
.status-success { color: var(--success); background: var(--success-bg); }
.status-failed { color: var(--failed); background: var(--failed-bg); }
.status-skipped { color: var(--skipped); background: var(--skipped-bg); }
.status-running { color: var(--running); background: var(--running-bg); }
.status-interrupted, .status-abandoned { color: var(--interrupted); background: var(--interrupted-bg); }
.status-unknown { color: var(--muted); background: var(--panel); }
a { color: #0969da; }
)CSS";
}

} // namespace odibi::observe
