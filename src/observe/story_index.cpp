// Renders the per-pipeline and root index pages that link the stored run stories.
#include "story_index.hpp"

#include <algorithm>
#include <filesystem>

#include "html_text.hpp"
#include "story_format.hpp"
#include <fmt/format.h>

namespace odibi::observe {
namespace {

constexpr const char* MISSING = "—";

std::string IndexStyleSheet() {
    return R"CSS(
.runs td, .runs th { white-space: nowrap; }
.breadcrumb { margin: 0 0 8px; }
)CSS";
}

std::string PageStart(const std::string& title) {
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += fmt::format("<title>{}</title>\n<style>", EscapeHtml(title));
    html += BaseStyleSheet();
    html += IndexStyleSheet();
    html += "</style>\n</head>\n<body>\n<main>\n";
    return html;
}

std::string PageEnd() {
    return "</main>\n</body>\n</html>\n";
}

std::string OptionalNumber(const std::optional<int64_t>& value) {
    return value ? FormatCount(*value) : MISSING;
}

std::string OptionalDuration(const std::optional<int64_t>& value) {
    return value ? FormatDuration(*value) : MISSING;
}

std::string StatusBadge(const std::string& status) {
    return fmt::format(
        R"(<span class="badge {}">{}</span>)", StatusClass(status), EscapeHtml(status.empty() ? "UNKNOWN" : status));
}

std::string StoryLinks(const StoryEntry& entry, const std::string& base_directory) {
    std::vector<std::string> links;
    if (!entry.html_path.empty()) {
        links.push_back(
            fmt::format(R"(<a href="{}">report</a>)", EscapeHtml(RelativeHref(entry.html_path, base_directory))));
    }
    if (!entry.json_path.empty()) {
        links.push_back(
            fmt::format(R"(<a href="{}">json</a>)", EscapeHtml(RelativeHref(entry.json_path, base_directory))));
    }
    return fmt::format("{}", fmt::join(links, " · "));
}

} // namespace

std::string RelativeHref(const std::string& path, const std::string& base_directory) {
    std::filesystem::path relative = std::filesystem::path(path).lexically_normal().lexically_relative(
        std::filesystem::path(base_directory).lexically_normal());
    std::vector<std::string> segments;
    for (const auto& segment : relative) {
        segments.push_back(EncodePathSegment(segment.string()));
    }
    return fmt::format("{}", fmt::join(segments, "/"));
}

std::string RenderPipelineIndexHtml(const std::string& pipeline,
                                    const std::vector<StoryEntry>& entries,
                                    const std::string& pipeline_directory) {
    std::string html = PageStart(fmt::format("{} · odibi stories", pipeline));
    html += R"(<p class="breadcrumb"><a href="../index.html">All pipelines</a></p>)";
    html += fmt::format("\n<h1>{}</h1>\n", EscapeHtml(pipeline));
    size_t shown = std::min(entries.size(), STORY_INDEX_RUN_LIMIT);
    html += fmt::format("<p class=\"muted\">{} most recent of {} stored run{}, newest first.</p>\n",
                        shown,
                        entries.size(),
                        entries.size() == 1 ? "" : "s");
    html += "<table class=\"runs\">\n<thead><tr><th>Started (UTC)</th><th>Status</th><th class=\"number\">Duration</th>"
            "<th class=\"number\">Nodes</th><th class=\"number\">Failed</th><th>Run "
            "id</th><th>Story</th></tr></thead>\n<tbody>\n";
    for (size_t index = 0; index < shown; ++index) {
        const StoryEntry& entry = entries[index];
        html += fmt::format(
            "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"number\">{}</td><td class=\"number\">{}</td>"
            "<td class=\"number\">{}</td><td class=\"mono\">{}</td><td>{}</td></tr>\n",
            EscapeHtml(entry.started_at.empty() ? MISSING : entry.started_at),
            StatusBadge(entry.status),
            EscapeHtml(OptionalDuration(entry.duration_ms)),
            EscapeHtml(OptionalNumber(entry.nodes_total)),
            EscapeHtml(OptionalNumber(entry.nodes_failed)),
            EscapeHtml(entry.run_id),
            StoryLinks(entry, pipeline_directory));
    }
    html += "</tbody>\n</table>\n";
    html += PageEnd();
    return html;
}

std::string RenderRootIndexHtml(const std::vector<PipelineStorySummary>& pipelines, const std::string& stories_root) {
    std::string html = PageStart("odibi stories");
    html += "<h1>Pipeline runs</h1>\n";
    if (pipelines.empty()) {
        html += "<p class=\"muted\">No stories have been written yet.</p>\n";
        html += PageEnd();
        return html;
    }
    html += "<table class=\"pipelines\">\n<thead><tr><th>Pipeline</th><th>Latest run (UTC)</th><th>Status</th>"
            "<th class=\"number\">Duration</th><th class=\"number\">Runs stored</th><th>Latest "
            "story</th></tr></thead>\n<tbody>\n";
    for (const auto& summary : pipelines) {
        std::string index_href = EncodePathSegment(summary.directory) + "/index.html";
        html += fmt::format(
            "<tr><td><a href=\"{}\">{}</a></td><td class=\"mono\">{}</td><td>{}</td><td class=\"number\">{}</td>"
            "<td class=\"number\">{}</td><td>{}</td></tr>\n",
            EscapeHtml(index_href),
            EscapeHtml(summary.pipeline),
            EscapeHtml(summary.latest.started_at.empty() ? MISSING : summary.latest.started_at),
            StatusBadge(summary.latest.status),
            EscapeHtml(OptionalDuration(summary.latest.duration_ms)),
            summary.run_count,
            StoryLinks(summary.latest, stories_root));
    }
    html += "</tbody>\n</table>\n";
    html += PageEnd();
    return html;
}

} // namespace odibi::observe
