// Stores stories on disk (atomic writes, unique names), keeps the index pages, lists, loads and prunes.
#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "story_format.hpp"
#include "story_index.hpp"
#include <fmt/format.h>
#include <unistd.h>

#include "odibi/common/error.hpp"
#include "odibi/common/identity.hpp"
#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/observe/story.hpp"

namespace odibi::observe {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr int JSON_INDENT = 2;
constexpr int MAX_NAME_ATTEMPTS = 10000;
constexpr int64_t MILLISECONDS_PER_DAY = 86'400'000;
constexpr std::string_view RUN_PREFIX = "run_";
constexpr std::string_view EMBEDDED_JSON_OPEN = "<script type=\"application/json\" id=\"odibi-story-json\">";
constexpr std::string_view EMBEDDED_JSON_CLOSE = "</script>";

Error WriteFailed(const fs::path& path, const std::string& why) {
    Error error(ErrorCode::STORY_WRITE_FAILED,
                ErrorSource::EXTERNAL,
                fmt::format("could not write story file {}: {}", path.string(), why));
    error.WithPhase("story").WithContext("path", path.string());
    error.WithSuggestion("check that the story folder exists, is writable and that the disk is not full");
    return error;
}

Error NotFound(const std::string& path, const std::string& why) {
    Error error(ErrorCode::STORY_NOT_FOUND, ErrorSource::USER, fmt::format("story {} {}", path, why));
    error.WithPhase("story").WithContext("path", path);
    error.WithSuggestion("list stored stories with `odibi story list`");
    error.WithSuggestion("pass the .json or .html file of a run story");
    return error;
}

Error Invalid(const std::string& path, const std::string& why) {
    Error error(
        ErrorCode::STORY_INVALID, ErrorSource::USER, fmt::format("{} is not an odibi run story: {}", path, why));
    error.WithPhase("story").WithContext("path", path);
    error.WithSuggestion("pass the .json or .html file that odibi wrote for a run");
    return error;
}

fs::path TemporaryPathFor(const fs::path& target) {
    return target.parent_path() / fmt::format(".{}.tmp-{}", target.filename().string(), NewUuid());
}

void WriteWholeFile(const fs::path& path, const std::string& content) {
    std::ofstream stream(path, std::ios::binary | std::ios::trunc);
    if (!stream) {
        throw WriteFailed(path, std::strerror(errno));
    }
    stream.write(content.data(), static_cast<std::streamsize>(content.size()));
    stream.close();
    if (!stream) {
        std::error_code ignored;
        fs::remove(path, ignored);
        throw WriteFailed(path, "the write did not complete");
    }
}

// Writes through a temporary file in the same folder and renames it over `target`, so a reader
// never sees half a file.
void WriteFileAtomically(const fs::path& target, const std::string& content) {
    fs::path temporary = TemporaryPathFor(target);
    WriteWholeFile(temporary, content);
    std::error_code error;
    fs::rename(temporary, target, error);
    if (error) {
        std::error_code ignored;
        fs::remove(temporary, ignored);
        throw WriteFailed(target, error.message());
    }
}

// Moves `temporary` to `target` only if `target` does not exist yet (a hard link fails with EEXIST
// when the name is taken, even under concurrent writers). Returns false when the name is taken.
bool PublishWithoutReplacing(const fs::path& temporary, const fs::path& target) {
    if (::link(temporary.c_str(), target.c_str()) == 0) {
        std::error_code ignored;
        fs::remove(temporary, ignored);
        return true;
    }
    int link_error = errno;
    if (link_error == EEXIST) {
        return false;
    }
    // File systems without hard links: check, then rename (not atomic against a concurrent writer).
    std::error_code error;
    if (fs::exists(target, error)) {
        return false;
    }
    fs::rename(temporary, target, error);
    if (error) {
        throw WriteFailed(target, error.message());
    }
    return true;
}

std::optional<std::string> ReadWholeFile(const fs::path& path) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << stream.rdbuf();
    return buffer.str();
}

// The ".._N" suffix of a run file name; 1 for the first run of a second.
int RunSequence(const fs::path& path) {
    std::string stem = path.stem().string();
    size_t separator = stem.rfind('_');
    if (separator == std::string::npos || separator + 1 >= stem.size() || separator < RUN_PREFIX.size()) {
        return 1;
    }
    int sequence = 1;
    const char* begin = stem.data() + separator + 1;
    const char* end = stem.data() + stem.size();
    auto [last, error] = std::from_chars(begin, end, sequence);
    if (error != std::errc() || last != end) {
        return 1;
    }
    return sequence;
}

bool NewerFirst(const StoryEntry& left, const StoryEntry& right) {
    if (left.started_at != right.started_at) {
        return left.started_at > right.started_at;
    }
    int left_sequence = RunSequence(left.json_path);
    int right_sequence = RunSequence(right.json_path);
    if (left_sequence != right_sequence) {
        return left_sequence > right_sequence;
    }
    return left.json_path > right.json_path;
}

// Reads the run facts at the top of a story without building the whole document: parsing stops
// once every wanted field was seen, before the large per-node part.
class StorySummaryReader : public nlohmann::json_sax<Json> {
public:
    bool null() override { return Scalar(Json(nullptr)); }
    bool boolean(bool value) override { return Scalar(Json(value)); }
    bool number_integer(number_integer_t value) override { return Scalar(Json(value)); }
    bool number_unsigned(number_unsigned_t value) override { return Scalar(Json(value)); }
    bool number_float(number_float_t value, const string_t& /*text*/) override { return Scalar(Json(value)); }
    bool string(string_t& value) override { return Scalar(Json(value)); }
    bool binary(binary_t& /*value*/) override { return Scalar(Json(nullptr)); }

    bool start_object(std::size_t /*elements*/) override {
        ++depth_;
        return true;
    }
    bool end_object() override {
        if (depth_ == 2 && top_key_ == COUNTS_KEY) {
            seen_.insert(COUNTS_KEY);
        }
        --depth_;
        return !Complete();
    }
    bool start_array(std::size_t /*elements*/) override {
        ++depth_;
        return true;
    }
    bool end_array() override {
        --depth_;
        return !Complete();
    }
    bool key(string_t& value) override {
        if (depth_ == 1) {
            top_key_ = value;
        } else if (depth_ == 2) {
            sub_key_ = value;
        }
        return true;
    }
    bool parse_error(std::size_t /*position*/,
                     const std::string& /*token*/,
                     const nlohmann::detail::exception& /*error*/) override {
        invalid_ = true;
        return false;
    }

    [[nodiscard]] bool Invalid() const { return invalid_; }
    [[nodiscard]] const Json& Fields() const { return fields_; }
    [[nodiscard]] bool Complete() const {
        return std::all_of(WANTED.begin(), WANTED.end(), [&](const char* key) { return seen_.count(key) > 0; });
    }

private:
    static constexpr const char* COUNTS_KEY = "counts";
    static constexpr std::array<const char*, 8> WANTED = {
        "schema_version", "kind", "pipeline", "run_id", "status", "started_at", "duration_ms", COUNTS_KEY};

    bool Scalar(Json value) {
        if (depth_ == 1) {
            fields_[top_key_] = std::move(value);
            seen_.insert(top_key_);
        } else if (depth_ == 2 && top_key_ == COUNTS_KEY) {
            fields_[COUNTS_KEY][sub_key_] = std::move(value);
        }
        return !Complete();
    }

    int depth_ = 0;
    std::string top_key_;
    std::string sub_key_;
    std::set<std::string> seen_;
    Json fields_ = Json::object();
    bool invalid_ = false;
};

std::optional<StoryEntry> ReadStoryEntry(const fs::path& json_path) {
    std::ifstream stream(json_path, std::ios::binary);
    if (!stream) {
        return std::nullopt;
    }
    StorySummaryReader reader;
    bool finished = Json::sax_parse(stream, &reader);
    if (reader.Invalid() || (!finished && !reader.Complete())) {
        Log::Warning(fmt::format("skipping {}: not a readable odibi story", json_path.string()));
        return std::nullopt;
    }
    const Json& fields = reader.Fields();
    if (TextField(fields, "kind") != STORY_KIND || TextField(fields, "pipeline").empty()) {
        return std::nullopt;
    }
    StoryEntry entry;
    entry.pipeline = TextField(fields, "pipeline");
    entry.run_id = TextField(fields, "run_id");
    entry.started_at = TextField(fields, "started_at");
    entry.status = TextField(fields, "status");
    entry.duration_ms = IntegerField(fields, "duration_ms");
    if (fields.contains("counts")) {
        entry.nodes_total = IntegerField(fields["counts"], "total");
        entry.nodes_failed = IntegerField(fields["counts"], "failed");
    }
    entry.json_path = json_path.string();
    fs::path html_path = fs::path(json_path).replace_extension(".html");
    std::error_code error;
    if (fs::exists(html_path, error)) {
        entry.html_path = html_path.string();
    }
    return entry;
}

bool IsRunFile(const fs::directory_entry& file, std::string_view extension) {
    std::error_code error;
    if (!file.is_regular_file(error)) {
        return false;
    }
    std::string name = file.path().filename().string();
    return StartsWith(name, RUN_PREFIX) && file.path().extension() == extension;
}

// Every story of one pipeline folder (<folder>/<date>/run_*.json), newest first.
std::vector<StoryEntry> ReadPipelineFolder(const fs::path& folder) {
    std::vector<StoryEntry> entries;
    std::error_code error;
    if (!fs::is_directory(folder, error)) {
        return entries;
    }
    for (const auto& date_folder : fs::directory_iterator(folder, error)) {
        std::error_code inner_error;
        if (!date_folder.is_directory(inner_error)) {
            continue;
        }
        for (const auto& file : fs::directory_iterator(date_folder.path(), inner_error)) {
            if (!IsRunFile(file, ".json")) {
                continue;
            }
            if (auto entry = ReadStoryEntry(file.path())) {
                entries.push_back(std::move(*entry));
            }
        }
    }
    std::sort(entries.begin(), entries.end(), NewerFirst);
    return entries;
}

std::vector<fs::path> PipelineFolders(const fs::path& root) {
    std::vector<fs::path> folders;
    std::error_code error;
    if (!fs::is_directory(root, error)) {
        return folders;
    }
    for (const auto& entry : fs::directory_iterator(root, error)) {
        std::error_code inner_error;
        if (entry.is_directory(inner_error)) {
            folders.push_back(entry.path());
        }
    }
    std::sort(folders.begin(), folders.end());
    return folders;
}

void WritePipelineIndex(const fs::path& folder, const std::vector<StoryEntry>& entries) {
    std::string pipeline = entries.empty() ? folder.filename().string() : entries.front().pipeline;
    WriteFileAtomically(folder / "index.html", RenderPipelineIndexHtml(pipeline, entries, folder.string()));
}

void WriteRootIndex(const fs::path& root) {
    std::vector<PipelineStorySummary> summaries;
    for (const auto& folder : PipelineFolders(root)) {
        std::vector<StoryEntry> entries = ReadPipelineFolder(folder);
        if (entries.empty()) {
            continue;
        }
        PipelineStorySummary summary;
        summary.directory = folder.filename().string();
        summary.pipeline = entries.front().pipeline;
        summary.latest = entries.front();
        summary.run_count = entries.size();
        summaries.push_back(std::move(summary));
    }
    std::error_code error;
    fs::create_directories(root, error);
    if (error) {
        throw WriteFailed(root, error.message());
    }
    WriteFileAtomically(root / "index.html", RenderRootIndexHtml(summaries, root.string()));
}

void RemoveRunFiles(const StoryEntry& entry) {
    std::error_code error;
    fs::remove(entry.json_path, error);
    if (error) {
        throw WriteFailed(entry.json_path, fmt::format("could not remove it: {}", error.message()));
    }
    fs::remove(fs::path(entry.json_path).replace_extension(".html"), error);
    if (error) {
        throw WriteFailed(entry.json_path, fmt::format("could not remove its page: {}", error.message()));
    }
}

void RemoveEmptyDateFolders(const fs::path& folder) {
    std::error_code error;
    for (const auto& date_folder : fs::directory_iterator(folder, error)) {
        std::error_code inner_error;
        if (date_folder.is_directory(inner_error) && fs::is_empty(date_folder.path(), inner_error)) {
            fs::remove(date_folder.path(), inner_error);
        }
    }
}

Json ParseStoryText(const std::string& text, const std::string& path) {
    Json story = Json::parse(text, nullptr, false);
    if (story.is_discarded()) {
        throw Invalid(path, "the file is not valid JSON");
    }
    if (!story.is_object() || TextField(story, "kind") != STORY_KIND) {
        throw Invalid(path, fmt::format("it has no \"kind\": \"{}\" field", STORY_KIND));
    }
    return story;
}

} // namespace

std::string StoryDirectoryName(const std::string& pipeline) {
    std::string name;
    for (char character : pipeline) {
        bool kept = (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
                    (character >= '0' && character <= '9') || character == '.' || character == '_' || character == '-';
        name += kept ? character : '_';
    }
    if (name.empty() || name == "." || name == "..") {
        name = "_" + name;
    }
    return name;
}

StoryPaths WriteStory(const Json& story, const std::string& stories_root) {
    std::string pipeline = TextField(story, "pipeline");
    if (pipeline.empty()) {
        throw WriteFailed(stories_root, "the story names no pipeline");
    }
    TimePoint started = Now();
    if (auto milliseconds = ParseIsoMilliseconds(TextField(story, "started_at"))) {
        started = TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(*milliseconds)));
    }
    fs::path root(stories_root);
    fs::path pipeline_folder = root / StoryDirectoryName(pipeline);
    fs::path date_folder = pipeline_folder / FormatUtc(started, "%Y-%m-%d");
    std::error_code error;
    fs::create_directories(date_folder, error);
    if (error) {
        throw WriteFailed(date_folder, error.message());
    }

    std::string time_text = FormatUtc(started, "%H-%M-%S");
    fs::path temporary_json = TemporaryPathFor(date_folder / "story.json");
    WriteWholeFile(temporary_json, story.dump(JSON_INDENT, ' ', false, Json::error_handler_t::replace) + "\n");
    std::optional<fs::path> json_path;
    try {
        for (int sequence = 1; sequence <= MAX_NAME_ATTEMPTS && !json_path; ++sequence) {
            std::string stem = sequence == 1 ? fmt::format("{}{}", RUN_PREFIX, time_text)
                                             : fmt::format("{}{}_{}", RUN_PREFIX, time_text, sequence);
            fs::path candidate = date_folder / (stem + ".json");
            if (fs::exists(fs::path(candidate).replace_extension(".html"), error)) {
                continue;
            }
            if (PublishWithoutReplacing(temporary_json, candidate)) {
                json_path = candidate;
            }
        }
    } catch (...) {
        std::error_code ignored;
        fs::remove(temporary_json, ignored);
        throw;
    }
    if (!json_path) {
        fs::remove(temporary_json, error);
        throw WriteFailed(date_folder / fmt::format("{}{}.json", RUN_PREFIX, time_text), "every file name is taken");
    }
    fs::path html_path = fs::path(*json_path).replace_extension(".html");
    WriteFileAtomically(html_path, RenderStoryHtml(story));

    std::vector<StoryEntry> entries = ReadPipelineFolder(pipeline_folder);
    WritePipelineIndex(pipeline_folder, entries);
    WriteRootIndex(root);

    StoryPaths paths;
    paths.json_path = json_path->string();
    paths.html_path = html_path.string();
    paths.pipeline_index_path = (pipeline_folder / "index.html").string();
    paths.root_index_path = (root / "index.html").string();
    return paths;
}

size_t ApplyRetention(const std::string& stories_root,
                      std::optional<int> retention_days,
                      std::optional<int> retention_count,
                      TimePoint now) {
    // Limits below 1 mean "no limit": a misread setting must never delete every story.
    if (retention_days && *retention_days < 1) {
        retention_days.reset();
    }
    if (retention_count && *retention_count < 1) {
        retention_count.reset();
    }
    int64_t now_milliseconds = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    size_t removed = 0;
    bool any_removed = false;
    for (const auto& folder : PipelineFolders(stories_root)) {
        std::vector<StoryEntry> entries = ReadPipelineFolder(folder);
        std::vector<StoryEntry> kept;
        for (size_t index = 0; index < entries.size(); ++index) {
            const StoryEntry& entry = entries[index];
            bool beyond_count = retention_count && index >= static_cast<size_t>(*retention_count);
            bool too_old = false;
            if (retention_days) {
                auto started = ParseIsoMilliseconds(entry.started_at);
                too_old = started && *started < now_milliseconds - *retention_days * MILLISECONDS_PER_DAY;
            }
            if (beyond_count || too_old) {
                RemoveRunFiles(entry);
                ++removed;
            } else {
                kept.push_back(entry);
            }
        }
        if (kept.size() != entries.size()) {
            any_removed = true;
            RemoveEmptyDateFolders(folder);
            WritePipelineIndex(folder, kept);
        }
    }
    if (any_removed) {
        WriteRootIndex(stories_root);
    }
    return removed;
}

void WriteStoryIndexes(const std::string& stories_root) {
    for (const auto& folder : PipelineFolders(stories_root)) {
        std::vector<StoryEntry> entries = ReadPipelineFolder(folder);
        if (!entries.empty()) {
            WritePipelineIndex(folder, entries);
        }
    }
    WriteRootIndex(stories_root);
}

std::vector<StoryEntry> ListStories(const std::string& stories_root, size_t limit) {
    std::vector<StoryEntry> entries;
    for (const auto& folder : PipelineFolders(stories_root)) {
        std::vector<StoryEntry> folder_entries = ReadPipelineFolder(folder);
        entries.insert(entries.end(),
                       std::make_move_iterator(folder_entries.begin()),
                       std::make_move_iterator(folder_entries.end()));
    }
    std::sort(entries.begin(), entries.end(), NewerFirst);
    if (limit > 0 && entries.size() > limit) {
        entries.resize(limit);
    }
    return entries;
}

std::vector<StoryEntry>
ListPipelineStories(const std::string& stories_root, const std::string& pipeline, size_t limit) {
    std::vector<StoryEntry> entries = ReadPipelineFolder(fs::path(stories_root) / StoryDirectoryName(pipeline));
    // Two names can map to one folder name; keep the stories of this pipeline only.
    std::erase_if(entries, [&](const StoryEntry& entry) { return entry.pipeline != pipeline; });
    if (limit > 0 && entries.size() > limit) {
        entries.resize(limit);
    }
    return entries;
}

std::optional<StoryEntry> TryGetLastStory(const std::string& stories_root, const std::optional<std::string>& pipeline) {
    std::vector<StoryEntry> entries =
        pipeline ? ListPipelineStories(stories_root, *pipeline, 1) : ListStories(stories_root, 1);
    if (entries.empty()) {
        return std::nullopt;
    }
    return entries.front();
}

Json LoadStory(const std::string& path) {
    fs::path file(path);
    std::error_code error;
    if (!fs::exists(file, error)) {
        throw NotFound(path, "does not exist");
    }
    if (!fs::is_regular_file(file, error)) {
        throw NotFound(path, "is not a file");
    }
    std::string extension = ToLower(file.extension().string());
    if (extension == ".json") {
        auto text = ReadWholeFile(file);
        if (!text) {
            throw NotFound(path, "cannot be read");
        }
        return ParseStoryText(*text, path);
    }
    if (extension != ".html" && extension != ".htm") {
        throw NotFound(path, "is neither a story .json file nor a story .html page");
    }
    fs::path sibling = fs::path(file).replace_extension(".json");
    if (fs::is_regular_file(sibling, error)) {
        return LoadStory(sibling.string());
    }
    auto page = ReadWholeFile(file);
    if (!page) {
        throw NotFound(path, "cannot be read");
    }
    size_t open = page->find(EMBEDDED_JSON_OPEN);
    if (open == std::string::npos) {
        throw Invalid(path, "the page holds no embedded story JSON and has no .json file beside it");
    }
    size_t start = open + EMBEDDED_JSON_OPEN.size();
    size_t close = page->find(EMBEDDED_JSON_CLOSE, start);
    if (close == std::string::npos) {
        throw Invalid(path, "the embedded story JSON is cut off");
    }
    return ParseStoryText(page->substr(start, close - start), path);
}

} // namespace odibi::observe
