// Renders the story JSON as a plain-text terminal summary for `odibi story show`.
#include <algorithm>

#include "story_format.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/observe/story.hpp"

namespace odibi::observe {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* MISSING = "-";
constexpr size_t STATUS_WIDTH = 8;
constexpr size_t MIN_NAME_WIDTH = 4;
constexpr size_t DURATION_WIDTH = 10;
constexpr size_t ROWS_WIDTH = 18;
constexpr const char* DETAIL_INDENT = "           ";

std::string CountText(const Json& object, std::string_view key) {
    auto value = IntegerField(object, key);
    return value ? FormatCount(*value) : MISSING;
}

// Writes `text` with every line after the first indented like the first.
void AppendIndented(std::string& out, std::string_view indent, std::string_view label, const std::string& text) {
    std::vector<std::string> lines = Split(text, '\n');
    for (size_t index = 0; index < lines.size(); ++index) {
        if (index == 0) {
            out += fmt::format("{}{}{}\n", indent, label, lines[index]);
        } else {
            out += fmt::format("{}{:{}}{}\n", indent, "", label.size(), lines[index]);
        }
    }
}

void AppendError(std::string& out, const Json& error) {
    std::string where = TextField(error, "phase");
    if (!TextField(error, "step").empty()) {
        where += where.empty() ? TextField(error, "step") : ", " + TextField(error, "step");
    }
    std::string heading = Trim(fmt::format("{} {}", TextField(error, "code"), TextField(error, "type")));
    if (!where.empty()) {
        heading += fmt::format(" ({})", where);
    }
    AppendIndented(out, DETAIL_INDENT, heading + ": ", TextField(error, "message"));
    if (!TextField(error, "location").empty()) {
        out += fmt::format("{}at {}\n", DETAIL_INDENT, TextField(error, "location"));
    }
    if (!TextField(error, "sql").empty()) {
        AppendIndented(out, DETAIL_INDENT, "SQL: ", TextField(error, "sql"));
    }
    std::vector<std::string> columns;
    for (const auto& column : ArrayField(error, "available_columns")) {
        if (column.is_string()) {
            columns.push_back(column.get<std::string>());
        }
    }
    if (!columns.empty()) {
        out += fmt::format("{}available columns: {}\n", DETAIL_INDENT, Join(columns, ", "));
    }
    const Json& suggestions = ArrayField(error, "suggestions");
    if (!suggestions.empty()) {
        out += fmt::format("{}suggestions:\n", DETAIL_INDENT);
        for (size_t index = 0; index < suggestions.size(); ++index) {
            std::string suggestion = suggestions[index].is_string() ? suggestions[index].get<std::string>() : "";
            out += fmt::format("{}  {}. {}\n", DETAIL_INDENT, index + 1, suggestion);
        }
    }
}

} // namespace

std::string RenderStoryText(const Json& story) {
    std::string out;
    out += fmt::format("Pipeline {}: {}\n", TextField(story, "pipeline"), TextField(story, "status"));
    std::vector<std::string> facts;
    for (const auto& [key, label] : {std::pair{"project", "project"},
                                     std::pair{"run_id", "run"},
                                     std::pair{"layer", "layer"},
                                     std::pair{"environment", "environment"}}) {
        if (!TextField(story, key).empty()) {
            facts.push_back(fmt::format("{}: {}", label, TextField(story, key)));
        }
    }
    if (!facts.empty()) {
        out += "  " + Join(facts, "   ") + "\n";
    }
    auto duration = IntegerField(story, "duration_ms");
    std::string started = TextField(story, "started_at");
    out += fmt::format("  started: {}   duration: {}\n",
                       started.empty() ? MISSING : started,
                       duration ? FormatDuration(*duration) : MISSING);
    const Json& counts = story.contains("counts") ? story["counts"] : Json::object();
    std::string rate = MISSING;
    if (counts.is_object() && counts.contains("success_rate") && counts["success_rate"].is_number()) {
        rate = fmt::format("{:.1f}%", counts["success_rate"].get<double>());
    }
    out += fmt::format("  nodes: {} ({} succeeded, {} failed, {} skipped; success rate {})\n",
                       CountText(counts, "total"),
                       CountText(counts, "succeeded"),
                       CountText(counts, "failed"),
                       CountText(counts, "skipped"),
                       rate);
    const Json& rows = story.contains("rows") ? story["rows"] : Json::object();
    out += fmt::format("  rows: {} in, {} written\n", CountText(rows, "rows_in"), CountText(rows, "rows_written"));

    const Json& nodes = ArrayField(story, "nodes");
    if (nodes.empty()) {
        out += "\n  (no nodes)\n";
        return out;
    }
    size_t name_width = MIN_NAME_WIDTH;
    for (const auto& node : nodes) {
        name_width = std::max(name_width, TextField(node, "name").size());
    }
    out += fmt::format("\n  {:<{}} {:<{}} {:>{}}   {:<{}} {}\n",
                       "STATUS",
                       STATUS_WIDTH,
                       "NODE",
                       name_width,
                       "DURATION",
                       DURATION_WIDTH,
                       "ROWS IN -> OUT",
                       ROWS_WIDTH,
                       "WRITTEN");
    for (const auto& node : nodes) {
        std::string status = TextField(node, "status");
        auto node_duration = IntegerField(node, "duration_ms");
        bool ran = !TextField(node, "started_at").empty();
        std::string rows_text = fmt::format("{} -> {}", CountText(node, "rows_in"), CountText(node, "rows_out"));
        out += fmt::format("  {:<{}} {:<{}} {:>{}}   {:<{}} {}\n",
                           status,
                           STATUS_WIDTH,
                           TextField(node, "name"),
                           name_width,
                           ran && node_duration ? FormatDuration(*node_duration) : MISSING,
                           DURATION_WIDTH,
                           rows_text,
                           ROWS_WIDTH,
                           CountText(node, "rows_written"));
        if (!TextField(node, "skip_cause").empty()) {
            out += fmt::format("{}skipped: {}\n", DETAIL_INDENT, TextField(node, "skip_cause"));
        }
        if (node.contains("error") && node["error"].is_object()) {
            AppendError(out, node["error"]);
        }
        for (const auto& warning : ArrayField(node, "warnings")) {
            if (warning.is_string()) {
                out += fmt::format("{}warning: {}\n", DETAIL_INDENT, warning.get<std::string>());
            }
        }
    }
    return out;
}

} // namespace odibi::observe
