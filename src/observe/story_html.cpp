// Renders the story JSON as one self-contained HTML page: summary, DAG (inline SVG), timeline, nodes.
#include <algorithm>
#include <map>

#include "dag_layout.hpp"
#include "html_text.hpp"
#include "story_format.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/observe/story.hpp"

namespace odibi::observe {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* MISSING = "—";
constexpr size_t DAG_LABEL_MAX_CHARACTERS = 22;
constexpr double DAG_LABEL_BASELINE = 25.0;
constexpr double DAG_LABEL_PADDING = 12.0;
constexpr double DAG_EDGE_BEND = 0.5;
constexpr double TIMELINE_MIN_BAR_PERCENT = 0.4;
constexpr double PERCENT = 100.0;
constexpr int JSON_INDENT = 2;

std::string Text(const Json& object, std::string_view key) {
    return EscapeHtml(TextField(object, key));
}

// Shows any JSON scalar as page text; numbers get thousands separators.
std::string ValueText(const Json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_number_integer()) {
        return FormatCount(value.get<int64_t>());
    }
    if (value.is_number_float()) {
        return fmt::format("{}", value.get<double>());
    }
    if (value.is_boolean()) {
        return value.get<bool>() ? "true" : "false";
    }
    if (value.is_null()) {
        return MISSING;
    }
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string FieldText(const Json& object, std::string_view key) {
    if (!object.is_object()) {
        return MISSING;
    }
    auto found = object.find(key);
    if (found == object.end()) {
        return MISSING;
    }
    std::string text = ValueText(*found);
    return text.empty() ? MISSING : text;
}

std::string DurationText(const Json& object) {
    auto duration = IntegerField(object, "duration_ms");
    return duration ? FormatDuration(*duration) : MISSING;
}

// Cuts text to at most `limit` UTF-8 characters, marking the cut with an ellipsis.
std::string Abbreviate(const std::string& text, size_t limit) {
    size_t characters = 0;
    for (size_t index = 0; index < text.size(); ++index) {
        bool starts_character = (static_cast<unsigned char>(text[index]) & 0xC0U) != 0x80U;
        if (!starts_character) {
            continue;
        }
        if (characters == limit - 1) {
            size_t rest = 0;
            for (size_t later = index; later < text.size(); ++later) {
                if ((static_cast<unsigned char>(text[later]) & 0xC0U) != 0x80U) {
                    ++rest;
                }
            }
            if (rest > 1) {
                return text.substr(0, index) + "…";
            }
            return text;
        }
        ++characters;
    }
    return text;
}

std::string StoryStyleSheet() {
    return R"CSS(
.run-header .project { margin: 0 0 4px; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 8px 0 16px; }
.facts div { min-width: 140px; }
.facts dt { font-size: 12px; color: var(--muted); }
.facts dd { margin: 0; }
.metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 10px; }
.metric { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: var(--panel); }
.metric-value { display: block; font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.metric-label { font-size: 12px; color: var(--muted); }
.metric.failed .metric-value { color: var(--failed); }
.failures { border: 1px solid var(--failed); background: var(--failed-bg); border-radius: 8px; padding: 4px 16px 8px; margin-top: 20px; }
.failures h2 { border: 0; margin: 8px 0; color: var(--failed); }
.dag-scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
svg.dag { display: block; }
svg.dag .edge { fill: none; stroke: #8c959f; stroke-width: 1.5; }
svg.dag .arrow { fill: #8c959f; }
svg.dag .dag-node rect { stroke-width: 1.5; }
svg.dag .dag-node text { font-size: 12.5px; fill: var(--ink); }
svg.dag .dag-node:hover rect { stroke-width: 3; }
svg.dag .dag-node.status-success rect { fill: var(--success-bg); stroke: var(--success); }
svg.dag .dag-node.status-failed rect { fill: var(--failed-bg); stroke: var(--failed); }
svg.dag .dag-node.status-skipped rect { fill: var(--skipped-bg); stroke: var(--skipped); stroke-dasharray: 4 3; }
svg.dag .dag-node.status-unknown rect { fill: var(--page); stroke: var(--muted); }
.timeline { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.timeline-row { display: grid; grid-template-columns: 200px 1fr 90px; gap: 10px; align-items: center; min-height: 24px; }
.timeline-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.timeline-track { position: relative; height: 14px; background: var(--panel); border-radius: 3px; }
.timeline-bar { position: absolute; top: 0; height: 14px; border-radius: 3px; border: 0; }
.timeline-bar.status-success { background: var(--success); }
.timeline-bar.status-failed { background: var(--failed); }
.timeline-bar.status-skipped, .timeline-bar.status-unknown { background: var(--skipped); }
.timeline-note { font-size: 12px; color: var(--muted); padding-left: 4px; }
.timeline-duration { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }
.filters { display: flex; gap: 6px; margin-bottom: 12px; }
button { font: inherit; cursor: pointer; border: 1px solid var(--line); background: var(--page); border-radius: 6px; padding: 3px 10px; }
button.active { background: var(--ink); color: var(--page); border-color: var(--ink); }
.node-card { border: 1px solid var(--line); border-left-width: 5px; border-radius: 8px; padding: 12px 16px; margin: 0 0 16px; }
.node-card.status-success, .node-card.status-failed, .node-card.status-skipped, .node-card.status-unknown {
  color: var(--ink); background: none; }
.node-card.status-success { border-left-color: var(--success); }
.node-card.status-failed { border-left-color: var(--failed); }
.node-card.status-skipped { border-left-color: var(--skipped); }
.node-card.status-unknown { border-left-color: var(--muted); }
.node-card > header { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.node-meta { color: var(--muted); font-size: 13px; }
.error-box { border: 1px solid var(--failed); background: var(--failed-bg); border-radius: 6px; padding: 8px 12px; margin: 10px 0; }
.error-box .error-title { color: var(--failed); font-weight: 600; margin: 0 0 4px; }
.error-box pre { background: var(--page); }
.skip-cause { color: var(--skipped); font-style: italic; }
.warnings li { color: var(--running); }
.quality { margin: 10px 0; }
.quality h4 { margin: 6px 0; }
.quality-checks td.sample { font-family: ui-monospace, monospace; font-size: 12px; }
.badge.status-passed { background: var(--success-bg); color: var(--success); }
.badge.status-warned { background: var(--running-bg); color: var(--running); }
.badge.status-quarantined { background: var(--interrupted-bg); color: var(--interrupted); }
.tabs { display: none; gap: 4px; margin: 12px 0 0; border-bottom: 1px solid var(--line); }
.tabs button { border-bottom: 0; border-radius: 6px 6px 0 0; }
body.js .tabs { display: flex; }
body.js .panel-title { display: none; }
.panel { padding: 4px 0; }
.schemas { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.explanation { white-space: pre-wrap; border-left: 3px solid var(--line); padding-left: 10px; }
.columns-list code { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; margin: 0 4px 4px 0; display: inline-block; }
.null { color: var(--muted); font-style: italic; }
.masked { color: var(--muted); }
.step { border-top: 1px dashed var(--line); padding-top: 6px; margin-top: 6px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
)CSS";
}

// Toggles node tabs and status filters; marks the page so that tests can tell that it ran.
constexpr std::string_view STORY_SCRIPT = R"JS(
(function () {
  'use strict';
  var body = document.body;
  body.classList.add('js');
  var cards = Array.prototype.slice.call(document.querySelectorAll('.node-card'));
  cards.forEach(function (card) {
    var buttons = Array.prototype.slice.call(card.querySelectorAll('.tabs button'));
    var panels = Array.prototype.slice.call(card.querySelectorAll('.panel'));
    function show(name) {
      buttons.forEach(function (button) {
        var on = button.getAttribute('data-tab') === name;
        button.classList.toggle('active', on);
        button.setAttribute('aria-selected', on ? 'true' : 'false');
      });
      panels.forEach(function (panel) { panel.hidden = panel.getAttribute('data-panel') !== name; });
    }
    buttons.forEach(function (button) {
      button.addEventListener('click', function () { show(button.getAttribute('data-tab')); });
    });
    show('info');
  });
  var filters = Array.prototype.slice.call(document.querySelectorAll('.filters button'));
  filters.forEach(function (filter) {
    filter.addEventListener('click', function () {
      var wanted = filter.getAttribute('data-filter');
      filters.forEach(function (other) { other.classList.toggle('active', other === filter); });
      cards.forEach(function (card) {
        card.hidden = wanted !== 'all' && card.getAttribute('data-status') !== wanted;
      });
    });
  });
  if (window.location.hash) {
    var target = document.getElementById(window.location.hash.slice(1));
    if (target) { target.scrollIntoView(); }
  }
  body.setAttribute('data-story-script', 'ready');
})();
)JS";

void AppendFact(std::string& html, std::string_view label, const std::string& value, bool mono = false) {
    html += fmt::format("<div><dt>{}</dt><dd{}>{}</dd></div>",
                        EscapeHtml(label),
                        mono ? " class=\"mono\"" : "",
                        EscapeHtml(value.empty() ? MISSING : value));
}

void AppendMetric(std::string& html, std::string_view label, const std::string& value, std::string_view css = "") {
    html += fmt::format(
        R"(<div class="metric {}"><span class="metric-value">{}</span><span class="metric-label">{}</span></div>)",
        css,
        EscapeHtml(value),
        EscapeHtml(label));
}

void AppendHeader(std::string& html, const Json& story) {
    const Json& counts = story.contains("counts") ? story["counts"] : Json::object();
    const Json& rows = story.contains("rows") ? story["rows"] : Json::object();
    std::string status = TextField(story, "status");
    html += "<header class=\"run-header\">\n";
    html += fmt::format("<p class=\"project muted\">odibi run story · project <b>{}</b></p>\n", Text(story, "project"));
    html += fmt::format(R"(<h1><span class="pipeline-name">{}</span> <span class="badge run-status {}">{}</span></h1>)",
                        Text(story, "pipeline"),
                        StatusClass(status),
                        EscapeHtml(status));
    html += "\n<dl class=\"facts\">";
    AppendFact(html, "Run id", TextField(story, "run_id"), true);
    AppendFact(html, "Layer", TextField(story, "layer"));
    AppendFact(html, "Owner", TextField(story, "owner"));
    AppendFact(html, "Environment", TextField(story, "environment"));
    AppendFact(html, "Started (UTC)", TextField(story, "started_at"), true);
    AppendFact(html, "Completed (UTC)", TextField(story, "completed_at"), true);
    html += "</dl>\n<div class=\"metrics\">";
    AppendMetric(html, "Nodes", FieldText(counts, "total"));
    AppendMetric(html, "Succeeded", FieldText(counts, "succeeded"));
    AppendMetric(
        html, "Failed", FieldText(counts, "failed"), IntegerField(counts, "failed").value_or(0) > 0 ? "failed" : "");
    AppendMetric(html, "Skipped", FieldText(counts, "skipped"));
    std::string rate = MISSING;
    if (counts.is_object() && counts.contains("success_rate") && counts["success_rate"].is_number()) {
        rate = fmt::format("{:.1f}%", counts["success_rate"].get<double>());
    }
    AppendMetric(html, "Success rate", rate);
    AppendMetric(html, "Duration", DurationText(story));
    AppendMetric(html, "Rows in", FieldText(rows, "rows_in"));
    AppendMetric(html, "Rows written", FieldText(rows, "rows_written"));
    const Json& quality = story.contains("quality") ? story["quality"] : Json::object();
    if (quality.is_object() && quality.contains("score") && quality["score"].is_number()) {
        bool failed = IntegerField(quality, "failed").value_or(0) > 0;
        AppendMetric(html, "DQ score", fmt::format("{:.1f}%", quality["score"].get<double>()), failed ? "failed" : "");
    }
    html += "</div>\n</header>\n";
}

void AppendFailures(std::string& html, const Json& nodes) {
    std::string items;
    for (size_t index = 0; index < nodes.size(); ++index) {
        const Json& node = nodes[index];
        if (TextField(node, "status") != "failed") {
            continue;
        }
        const Json& error = node.contains("error") ? node["error"] : Json();
        items += fmt::format(R"(<li><a href="#node-{}">{}</a>)", index, Text(node, "name"));
        if (error.is_object()) {
            items += fmt::format(R"(: <span class="mono">{} {}</span> {})",
                                 Text(error, "code"),
                                 Text(error, "type"),
                                 Text(error, "message"));
        }
        items += "</li>\n";
    }
    if (items.empty()) {
        return;
    }
    html += "<section id=\"failures\" class=\"failures\">\n<h2>Failures</h2>\n<ul>\n" + items + "</ul>\n</section>\n";
}

void AppendDag(std::string& html, const Json& story, const Json& nodes) {
    const Json& dag = story.contains("dag") ? story["dag"] : Json::object();
    const Json& dag_nodes = ArrayField(dag, "nodes");
    std::map<std::string, size_t> index_of;
    for (size_t index = 0; index < dag_nodes.size(); ++index) {
        index_of.emplace(TextField(dag_nodes[index], "name"), index);
    }
    std::map<std::string, size_t> card_of;
    for (size_t index = 0; index < nodes.size(); ++index) {
        card_of.emplace(TextField(nodes[index], "name"), index);
    }
    std::vector<std::pair<size_t, size_t>> edges;
    for (const auto& edge : ArrayField(dag, "edges")) {
        auto source = index_of.find(TextField(edge, "source"));
        auto target = index_of.find(TextField(edge, "target"));
        if (source != index_of.end() && target != index_of.end()) {
            edges.emplace_back(source->second, target->second);
        }
    }
    DagLayout layout = LayoutDag(dag_nodes.size(), edges);

    html += "<section id=\"graph\">\n<h2>Graph</h2>\n";
    if (dag_nodes.empty()) {
        html += "<p class=\"muted\">This run has no nodes.</p>\n</section>\n";
        return;
    }
    html += fmt::format(
        R"(<div class="dag-scroll"><svg class="dag" width="{0:.0f}" height="{1:.0f}" viewBox="0 0 {0:.0f} {1:.0f}" role="img" aria-label="Pipeline graph">)",
        layout.width,
        layout.height);
    html +=
        R"(<defs><marker id="dag-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path class="arrow" d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>)";
    html += "\n<g class=\"edges\">";
    for (const auto& [source, target] : edges) {
        const auto& from = layout.nodes[source];
        const auto& to = layout.nodes[target];
        double start_x = from.x + DAG_NODE_WIDTH;
        double start_y = from.y + DAG_NODE_HEIGHT / 2;
        double end_x = to.x;
        double end_y = to.y + DAG_NODE_HEIGHT / 2;
        double bend = std::max(DAG_LAYER_GAP, end_x - start_x) * DAG_EDGE_BEND;
        html += fmt::format(
            R"svg(<path class="edge" data-source="{}" data-target="{}" d="M {:.1f} {:.1f} C {:.1f} {:.1f}, {:.1f} {:.1f}, {:.1f} {:.1f}" marker-end="url(#dag-arrow)"/>)svg",
            EscapeHtml(TextField(dag_nodes[source], "name")),
            EscapeHtml(TextField(dag_nodes[target], "name")),
            start_x,
            start_y,
            start_x + bend,
            start_y,
            end_x - bend,
            end_y,
            end_x,
            end_y);
    }
    html += "</g>\n<g class=\"nodes\">";
    for (size_t index = 0; index < dag_nodes.size(); ++index) {
        const auto& placement = layout.nodes[index];
        std::string name = TextField(dag_nodes[index], "name");
        std::string status = TextField(dag_nodes[index], "status");
        auto card = card_of.find(name);
        std::string open_tag =
            card == card_of.end()
                ? fmt::format(R"(<g class="dag-node {}">)", StatusClass(status))
                : fmt::format(R"(<a class="dag-node {}" href="#node-{}">)", StatusClass(status), card->second);
        html += open_tag;
        html += fmt::format(R"(<title>{} ({})</title>)", EscapeHtml(name), EscapeHtml(status));
        html += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.0f}" height="{:.0f}" rx="6"/>)",
                            placement.x,
                            placement.y,
                            DAG_NODE_WIDTH,
                            DAG_NODE_HEIGHT);
        html += fmt::format(R"(<text x="{:.1f}" y="{:.1f}">{}</text>)",
                            placement.x + DAG_LABEL_PADDING,
                            placement.y + DAG_LABEL_BASELINE,
                            EscapeHtml(Abbreviate(name, DAG_LABEL_MAX_CHARACTERS)));
        html += card == card_of.end() ? "</g>" : "</a>";
    }
    html += "</g></svg></div>\n</section>\n";
}

void AppendTimeline(std::string& html, const Json& story, const Json& nodes) {
    html += "<section id=\"timeline\">\n<h2>Timeline</h2>\n";
    auto run_start = ParseIsoMilliseconds(TextField(story, "started_at"));
    int64_t span = IntegerField(story, "duration_ms").value_or(0);
    if (run_start) {
        for (const auto& node : nodes) {
            auto completed = ParseIsoMilliseconds(TextField(node, "completed_at"));
            if (completed) {
                span = std::max(span, *completed - *run_start);
            }
        }
    }
    if (!run_start || nodes.empty()) {
        html += "<p class=\"muted\">No timing was recorded for this run.</p>\n</section>\n";
        return;
    }
    span = std::max<int64_t>(span, 1);
    html += "<div class=\"timeline\">\n";
    for (size_t index = 0; index < nodes.size(); ++index) {
        const Json& node = nodes[index];
        std::string status = TextField(node, "status");
        html += fmt::format(
            R"(<div class="timeline-row"><a class="timeline-label" href="#node-{}">{}</a><div class="timeline-track">)",
            index,
            Text(node, "name"));
        auto started = ParseIsoMilliseconds(TextField(node, "started_at"));
        if (started) {
            int64_t duration = IntegerField(node, "duration_ms").value_or(0);
            double left = std::clamp(
                PERCENT * static_cast<double>(*started - *run_start) / static_cast<double>(span), 0.0, PERCENT);
            double width = std::clamp(PERCENT * static_cast<double>(duration) / static_cast<double>(span),
                                      TIMELINE_MIN_BAR_PERCENT,
                                      PERCENT - left);
            html += fmt::format(
                R"(<div class="timeline-bar {}" style="left:{:.2f}%;width:{:.2f}%" title="{} · {} · {}"></div>)",
                StatusClass(status),
                left,
                std::max(width, 0.0),
                Text(node, "name"),
                EscapeHtml(status),
                EscapeHtml(DurationText(node)));
        } else {
            html += fmt::format(R"(<span class="timeline-note">{}</span>)",
                                EscapeHtml(status.empty() ? "not run" : status));
        }
        html += fmt::format(R"(</div><span class="timeline-duration">{}</span></div>)",
                            EscapeHtml(started ? DurationText(node) : ""));
        html += "\n";
    }
    html += "</div>\n</section>\n";
}

void AppendColumnList(std::string& html, std::string_view title, const Json& columns) {
    if (columns.empty()) {
        return;
    }
    html += fmt::format("<h4>{}</h4><p class=\"columns-list\">", EscapeHtml(title));
    for (const auto& column : columns) {
        html += "<code>" + EscapeHtml(column.is_string() ? column.get<std::string>() : ValueText(column)) + "</code>";
    }
    html += "</p>";
}

void AppendSchemaTable(std::string& html, std::string_view title, const Json& schema) {
    html += fmt::format("<div><h4>{}</h4>", EscapeHtml(title));
    if (schema.empty()) {
        html += "<p class=\"muted\">Not recorded.</p></div>";
        return;
    }
    html += "<table class=\"schema\"><thead><tr><th>Column</th><th>Type</th></tr></thead><tbody>";
    for (const auto& column : schema) {
        html += fmt::format("<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>",
                            Text(column, "name"),
                            Text(column, "type"));
    }
    html += "</tbody></table></div>";
}

void AppendError(std::string& html, const Json& error) {
    html += "<div class=\"error-box\" role=\"alert\">";
    std::string title = fmt::format("{} {}", TextField(error, "code"), TextField(error, "type"));
    html += fmt::format("<p class=\"error-title\">{}", EscapeHtml(title));
    if (!TextField(error, "phase").empty()) {
        html += fmt::format(" in phase {}", Text(error, "phase"));
    }
    if (!TextField(error, "step").empty()) {
        html += fmt::format(", {}", Text(error, "step"));
    }
    html += "</p>";
    html += fmt::format("<pre class=\"error-message\">{}</pre>", Text(error, "message"));
    if (!TextField(error, "location").empty()) {
        html += fmt::format("<p>Location: <code>{}</code></p>", Text(error, "location"));
    }
    if (!TextField(error, "sql").empty()) {
        html += fmt::format("<h4>Failing SQL</h4><pre class=\"sql\">{}</pre>", Text(error, "sql"));
    }
    AppendColumnList(html, "Available columns", ArrayField(error, "available_columns"));
    const Json& suggestions = ArrayField(error, "suggestions");
    if (!suggestions.empty()) {
        html += "<h4>Suggestions</h4><ol class=\"suggestions\">";
        for (const auto& suggestion : suggestions) {
            html += "<li>" + EscapeHtml(ValueText(suggestion)) + "</li>";
        }
        html += "</ol>";
    }
    html += "</div>";
}

void AppendInfoPanel(std::string& html, const Json& node) {
    html += R"(<section class="panel" data-panel="info"><h4 class="panel-title">Info &amp; Schema</h4>)";
    if (!TextField(node, "explanation").empty()) {
        html += fmt::format("<div class=\"explanation\">{}</div>", Text(node, "explanation"));
    }
    html += "<table class=\"node-facts\"><tbody>";
    auto row = [&](std::string_view label, const std::string& value, bool mono = false) {
        html += fmt::format("<tr><th>{}</th><td{}>{}</td></tr>",
                            EscapeHtml(label),
                            mono ? " class=\"mono\"" : "",
                            EscapeHtml(value.empty() ? MISSING : value));
    };
    row("Operation", TextField(node, "operation"));
    row("Started (UTC)", TextField(node, "started_at"), true);
    row("Completed (UTC)", TextField(node, "completed_at"), true);
    row("Duration", TextField(node, "started_at").empty() ? MISSING : DurationText(node));
    row("Attempts", FieldText(node, "attempts"));
    row("Rows in", FieldText(node, "rows_in"));
    row("Rows out", FieldText(node, "rows_out"));
    row("Rows written", FieldText(node, "rows_written"));
    std::string change = FieldText(node, "rows_change");
    if (node.contains("rows_change_pct") && node["rows_change_pct"].is_number()) {
        change += fmt::format(" ({:+.1f}%)", node["rows_change_pct"].get<double>());
    }
    row("Row change", change);
    std::vector<std::string> depends_on;
    for (const auto& dependency : ArrayField(node, "depends_on")) {
        depends_on.push_back(ValueText(dependency));
    }
    row("Depends on", fmt::format("{}", fmt::join(depends_on, ", ")));
    if (node.contains("write") && node["write"].is_object()) {
        const Json& write = node["write"];
        row("Write location", TextField(write, "location"), true);
        row("Write format", TextField(write, "format"));
        row("Write mode", TextField(write, "mode"));
    }
    row("Version hash", TextField(node, "version_hash"), true);
    // Shown as text, not a link: the page never points at anything outside itself.
    row("Runbook", TextField(node, "runbook_url"), true);
    html += "</tbody></table>";
    html += "<div class=\"schemas\">";
    AppendSchemaTable(html, "Schema in", ArrayField(node, "schema_in"));
    AppendSchemaTable(html, "Schema out", ArrayField(node, "schema_out"));
    html += "</div>";
    AppendColumnList(html, "Columns added", ArrayField(node, "columns_added"));
    AppendColumnList(html, "Columns removed", ArrayField(node, "columns_removed"));
    const Json& type_changes = ArrayField(node, "columns_type_changed");
    if (!type_changes.empty()) {
        html += "<h4>Columns with a new type</h4><ul>";
        for (const auto& change_entry : type_changes) {
            html += fmt::format("<li><code>{}</code>: {} → {}</li>",
                                Text(change_entry, "name"),
                                Text(change_entry, "from"),
                                Text(change_entry, "to"));
        }
        html += "</ul>";
    }
    html += "</section>";
}

void AppendSample(std::string& html, std::string_view title, const Json& node, std::string_view key) {
    html += fmt::format("<h4>{}</h4>", EscapeHtml(title));
    auto found = node.find(key);
    if (found == node.end() || !found->is_object() || ArrayField(*found, "columns").empty()) {
        html += "<p class=\"muted\">No sample recorded.</p>";
        return;
    }
    const Json& sample = *found;
    const Json& columns = ArrayField(sample, "columns");
    const Json& rows = ArrayField(sample, "rows");
    const Json& masked = ArrayField(sample, "masked_columns");
    if (!masked.empty()) {
        html += fmt::format(
            "<p class=\"masked\">Sensitive: values of {} of {} columns are masked.</p>", masked.size(), columns.size());
    }
    html += "<div class=\"sample-scroll\"><table class=\"sample\"><thead><tr>";
    for (const auto& column : columns) {
        html += "<th>" + EscapeHtml(ValueText(column)) + "</th>";
    }
    html += "</tr></thead><tbody>";
    for (const auto& values : rows) {
        html += "<tr>";
        for (const auto& value : values) {
            if (value.is_null()) {
                html += "<td class=\"null\">NULL</td>";
            } else {
                html += "<td>" + EscapeHtml(ValueText(value)) + "</td>";
            }
        }
        html += "</tr>";
    }
    html += "</tbody></table></div>";
    std::string shown = fmt::format("{} row{} shown", rows.size(), rows.size() == 1 ? "" : "s");
    if (sample.value("truncated", false)) {
        shown += " (sample limit reached)";
    }
    html += "<p class=\"muted\">" + EscapeHtml(shown) + "</p>";
}

void AppendDataPanel(std::string& html, const Json& node) {
    html += R"(<section class="panel" data-panel="data"><h4 class="panel-title">Data Preview</h4>)";
    AppendSample(html, "Input sample", node, "sample_in");
    AppendSample(html, "Output sample", node, "sample_out");
    html += "</section>";
}

void AppendSqlPanel(std::string& html, const Json& node) {
    html += R"(<section class="panel" data-panel="sql"><h4 class="panel-title">SQL Logic</h4>)";
    const Json& steps = ArrayField(node, "steps");
    if (steps.empty()) {
        html += "<p class=\"muted\">No steps recorded.</p>";
    }
    for (size_t index = 0; index < steps.size(); ++index) {
        const Json& step = steps[index];
        html += fmt::format("<div class=\"step\"><p><b>{}. {}</b> {} <span class=\"muted\">{}</span></p>",
                            index + 1,
                            Text(step, "phase"),
                            Text(step, "description"),
                            EscapeHtml(DurationText(step)));
        if (!TextField(step, "sql").empty()) {
            html += fmt::format("<pre class=\"sql\">{}</pre>", Text(step, "sql"));
        }
        html += "</div>";
    }
    html += "</section>";
}

void AppendConfigPanel(std::string& html, const Json& node) {
    html += R"(<section class="panel" data-panel="config"><h4 class="panel-title">Config</h4>)";
    auto found = node.find("config");
    if (found == node.end() || found->is_null()) {
        html += "<p class=\"muted\">No config recorded.</p>";
    } else if (found->is_string()) {
        html += "<pre class=\"config\">" + EscapeHtml(found->get<std::string>()) + "</pre>";
    } else {
        html += "<pre class=\"config\">" +
                EscapeHtml(found->dump(JSON_INDENT, ' ', false, Json::error_handler_t::replace)) + "</pre>";
    }
    html += "</section>";
}

// "read -> write · 1.2 s · rows 100 → 90"; parts that a node did not record are left out.
std::string NodeMeta(const Json& node) {
    std::vector<std::string> parts;
    if (!TextField(node, "operation").empty()) {
        parts.push_back(TextField(node, "operation"));
    }
    if (!TextField(node, "started_at").empty()) {
        parts.push_back(DurationText(node));
    }
    if (IntegerField(node, "rows_in") || IntegerField(node, "rows_out")) {
        parts.push_back(fmt::format("rows {} → {}", FieldText(node, "rows_in"), FieldText(node, "rows_out")));
    }
    if (parts.empty()) {
        return "not run";
    }
    return fmt::format("{}", fmt::join(parts, " · "));
}

// The node's data-quality checks: always visible (not behind a tab), with pass rates and failing samples.
void AppendQuality(std::string& html, const Json& node) {
    const Json& checks = ArrayField(node, "quality");
    if (checks.empty()) {
        return;
    }
    html += fmt::format(R"(<div class="quality"><h4>Data quality · score {}</h4>)",
                        node.contains("quality_score") && node["quality_score"].is_number()
                            ? fmt::format("{:.1f}%", node["quality_score"].get<double>())
                            : std::string(MISSING));
    html +=
        "<table class=\"quality-checks\"><thead><tr><th>Check</th><th>Type</th><th>Phase</th><th>Columns</th>"
        "<th>Status</th><th>Rows</th><th>Violations</th><th>Pass rate</th><th>Failing sample</th></tr></thead><tbody>";
    for (const auto& check : checks) {
        std::string status = TextField(check, "status");
        std::string columns;
        for (const auto& column : ArrayField(check, "columns")) {
            columns += (columns.empty() ? "" : ", ") + ValueText(column);
        }
        std::string sample;
        for (const auto& row : ArrayField(check, "failing_sample")) {
            sample += "<div>" + EscapeHtml(ValueText(row)) + "</div>";
        }
        double pass_rate =
            check.contains("pass_rate") && check["pass_rate"].is_number() ? check["pass_rate"].get<double>() : 1.0;
        html += fmt::format(
            R"(<tr class="check {}" data-check-status="{}" title="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><span class="badge {}">{}</span></td><td>{}</td><td>{}</td><td>{:.2f}%</td><td class="sample">{}</td></tr>)",
            EscapeHtml(status),
            EscapeHtml(status),
            Text(check, "message"),
            Text(check, "name"),
            Text(check, "type"),
            Text(check, "phase"),
            EscapeHtml(columns),
            StatusClass(status),
            EscapeHtml(status),
            FieldText(check, "rows_checked"),
            FieldText(check, "violation_count"),
            pass_rate * 100.0,
            sample);
    }
    html += "</tbody></table></div>";
}

void AppendNodeCard(std::string& html, const Json& node, size_t index) {
    std::string status = TextField(node, "status");
    html += fmt::format(R"(<article class="node-card {}" id="node-{}" data-status="{}" data-node="{}">)",
                        StatusClass(status),
                        index,
                        EscapeHtml(status),
                        Text(node, "name"));
    html += fmt::format(
        R"(<header><h3 class="node-name">{}</h3><span class="badge {}">{}</span><span class="node-meta">{}</span></header>)",
        Text(node, "name"),
        StatusClass(status),
        EscapeHtml(status),
        EscapeHtml(NodeMeta(node)));
    if (!TextField(node, "description").empty()) {
        html += fmt::format("<p class=\"description\">{}</p>", Text(node, "description"));
    }
    if (node.contains("error") && node["error"].is_object()) {
        AppendError(html, node["error"]);
    }
    if (!TextField(node, "skip_cause").empty()) {
        html += fmt::format("<p class=\"skip-cause\">Skipped: {}</p>", Text(node, "skip_cause"));
    }
    const Json& warnings = ArrayField(node, "warnings");
    if (!warnings.empty()) {
        html += "<ul class=\"warnings\">";
        for (const auto& warning : warnings) {
            html += "<li>" + EscapeHtml(ValueText(warning)) + "</li>";
        }
        html += "</ul>";
    }
    AppendQuality(html, node);
    html +=
        R"(<nav class="tabs" role="tablist"><button type="button" data-tab="info">Info &amp; Schema</button><button type="button" data-tab="data">Data Preview</button><button type="button" data-tab="sql">SQL Logic</button><button type="button" data-tab="config">Config</button></nav>)";
    AppendInfoPanel(html, node);
    AppendDataPanel(html, node);
    AppendSqlPanel(html, node);
    AppendConfigPanel(html, node);
    html += "</article>\n";
}

void AppendNodes(std::string& html, const Json& nodes) {
    html += "<section id=\"nodes\">\n<h2>Nodes</h2>\n";
    std::map<std::string, size_t> by_status;
    for (const auto& node : nodes) {
        ++by_status[TextField(node, "status")];
    }
    html += fmt::format(
        R"(<div class="filters" role="toolbar"><button type="button" class="active" data-filter="all">All ({})</button>)",
        nodes.size());
    for (const auto& [status, label] :
         {std::pair{"failed", "Failed"}, std::pair{"skipped", "Skipped"}, std::pair{"success", "Succeeded"}}) {
        html +=
            fmt::format(R"(<button type="button" data-filter="{}">{} ({})</button>)", status, label, by_status[status]);
    }
    html += "</div>\n";
    for (size_t index = 0; index < nodes.size(); ++index) {
        AppendNodeCard(html, nodes[index], index);
    }
    html += "</section>\n";
}

} // namespace

std::string RenderStoryHtml(const Json& story) {
    const Json& nodes = ArrayField(story, "nodes");
    std::string status = TextField(story, "status");
    std::string html;
    html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    // The page must never reach the network: only its own inline style and script may run.
    html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "script-src 'unsafe-inline'; img-src data:\">\n";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += fmt::format(
        "<title>{} · {} · {}</title>\n", Text(story, "pipeline"), EscapeHtml(status), Text(story, "started_at"));
    html += "<style>";
    html += BaseStyleSheet();
    html += StoryStyleSheet();
    html += "</style>\n</head>\n";
    html += fmt::format("<body data-run-status=\"{}\">\n<main>\n", EscapeHtml(ToLower(status)));
    AppendHeader(html, story);
    AppendFailures(html, nodes);
    AppendDag(html, story, nodes);
    AppendTimeline(html, story, nodes);
    AppendNodes(html, nodes);
    html += fmt::format("<footer>odibi story · schema {} · run {}</footer>\n</main>\n",
                        Text(story, "schema_version"),
                        Text(story, "run_id"));
    html += "<script type=\"application/json\" id=\"odibi-story-json\">";
    html += EscapeJsonForScript(story.dump(-1, ' ', false, Json::error_handler_t::replace));
    html += "</script>\n<script>";
    html += STORY_SCRIPT;
    html += "</script>\n</body>\n</html>\n";
    return html;
}

} // namespace odibi::observe
