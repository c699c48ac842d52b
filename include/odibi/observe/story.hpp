// The run story: a JSON model of one pipeline run, its HTML and terminal renderings, and its files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "odibi/common/clock.hpp"
#include "odibi/config/project.hpp"
#include "odibi/execute/run_result.hpp"

namespace odibi::observe {

/// Version of the story JSON layout; readers reject nothing but may show fields they do not know.
inline constexpr const char* STORY_SCHEMA_VERSION = "1";
/// The `kind` of a pipeline-run story; other JSON files under the stories root are ignored.
inline constexpr const char* STORY_KIND = "pipeline_run";
/// Most runs listed on a pipeline's index page.
inline constexpr size_t STORY_INDEX_RUN_LIMIT = 50;

using config::ParseSensitiveColumns;
using config::SensitiveColumns;

/// How BuildStory turns a run result into a story.
struct StoryOptions {
    /// Rows kept in each node's sample_in and sample_out; 0 leaves samples out of the story.
    size_t max_sample_rows = 10;
    /// Node name -> the sample columns to mask. Nodes not listed are shown as they are.
    std::map<std::string, SensitiveColumns> sensitive_columns;
};

/// Story options of one pipeline: `story.max_sample_rows` and every node's `sensitive:`.
[[nodiscard]] StoryOptions MakeStoryOptions(const config::StoryConfig& story, const config::PipelineConfig& pipeline);

/// The story JSON model of one pipeline run (schema_version "1", kind "pipeline_run"): run facts,
/// counts, rows, the DAG, and per node its status, timing, rows, schemas and their diff, masked
/// samples, steps with SQL, error, warnings, write target and config. Every text that came from a
/// user, the data or an error passes through SecretRegistry::Redact.
[[nodiscard]] nlohmann::ordered_json BuildStory(const execute::PipelineResult& result, const StoryOptions& options);

/// One self-contained HTML page (inline CSS and JS, no external resources) rendered from the story
/// JSON alone, so any stored story can be rendered again. Every value is HTML-escaped. The story
/// JSON is embedded in the page so that LoadStory can read it back.
[[nodiscard]] std::string RenderStoryHtml(const nlohmann::ordered_json& story);

/// A plain-text summary for terminals (`odibi story show`): run facts, then per node its status,
/// duration, rows and error with suggestions.
[[nodiscard]] std::string RenderStoryText(const nlohmann::ordered_json& story);

/// Where WriteStory put a story.
struct StoryPaths {
    std::string json_path;
    std::string html_path;
    std::string pipeline_index_path; ///< <root>/<pipeline>/index.html
    std::string root_index_path;     ///< <root>/index.html
};

/// One stored story, as the lists and indexes show it.
struct StoryEntry {
    std::string pipeline;
    std::string run_id;
    std::string started_at; ///< ISO-8601 UTC, as in the story
    std::string status;     ///< run status, e.g. "SUCCESS"
    std::optional<int64_t> duration_ms;
    std::optional<int64_t> nodes_total;
    std::optional<int64_t> nodes_failed;
    std::string json_path;
    std::string html_path;
};

/// Directory name used for a pipeline under the stories root: characters other than letters,
/// digits, '.', '_' and '-' become '_'.
[[nodiscard]] std::string StoryDirectoryName(const std::string& pipeline);

/// Writes `<root>/<pipeline>/<YYYY-MM-DD>/run_<HH-MM-SS>.json` and `.html` (UTC date and time of
/// the run start; `_2`, `_3`, ... when the name is taken), each through a temporary file and a
/// rename, then regenerates `<root>/<pipeline>/index.html` and `<root>/index.html`.
/// Throws STORY_WRITE_FAILED naming the path on any file-system error.
StoryPaths WriteStory(const nlohmann::ordered_json& story, const std::string& stories_root);

/// Removes, per pipeline, the runs that started before `now - retention_days` and the runs beyond
/// the newest `retention_count`; nullopt means no limit of that kind. Regenerates the indexes of
/// the pipelines it touched and returns the number of runs removed.
size_t ApplyRetention(const std::string& stories_root,
                      std::optional<int> retention_days,
                      std::optional<int> retention_count,
                      TimePoint now = Now());

/// Regenerates `<root>/<pipeline>/index.html` for every pipeline and `<root>/index.html`.
void WriteStoryIndexes(const std::string& stories_root);

/// Stored stories of every pipeline, newest first; at most `limit` entries (0: all).
/// Files that are not readable odibi stories are left out.
[[nodiscard]] std::vector<StoryEntry> ListStories(const std::string& stories_root, size_t limit);
/// The stored stories of one pipeline, newest first; at most `limit` entries (0: all).
[[nodiscard]] std::vector<StoryEntry>
ListPipelineStories(const std::string& stories_root, const std::string& pipeline, size_t limit);
/// The newest story, of one pipeline when `pipeline` is given; nullopt when there is none.
[[nodiscard]] std::optional<StoryEntry> TryGetLastStory(const std::string& stories_root,
                                                        const std::optional<std::string>& pipeline = std::nullopt);

/// Reads a story from its .json file or its .html page (the sibling .json, else the JSON embedded in
/// the page). Throws STORY_NOT_FOUND naming the path when it does not exist or is neither kind of
/// file, and STORY_INVALID when the file holds no odibi story.
[[nodiscard]] nlohmann::ordered_json LoadStory(const std::string& path);

} // namespace odibi::observe
