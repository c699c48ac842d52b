// Reading files: lazy DuckDB scans with validated options, filters, and clear "not found" errors.
#include "odibi/io/formats.hpp"

#include <algorithm>
#include <filesystem>

#include "format.hpp"
#include "hive_layout.hpp"
#include "storage/path_glob.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/io/delta.hpp"

namespace odibi::io {
namespace {

namespace fs = std::filesystem;

// How many directory entries a "not found" error lists when nothing is close to the missing name.
constexpr size_t LISTED_ENTRIES = 10;

SourceLocation At(const std::string& config_path, std::string_view key) {
    SourceLocation location;
    location.path = config_path.empty() ? std::string(key) : fmt::format("{}.{}", config_path, key);
    return location;
}

// File formats name their data with `path`; Odibi also accepts `table` as the path of a file.
std::string RelativePath(const std::optional<std::string>& path,
                         const std::optional<std::string>& table,
                         std::string_view format,
                         std::string_view block,
                         const std::string& config_path) {
    if (path && !Trim(*path).empty()) {
        return *path;
    }
    if (table && !Trim(*table).empty()) {
        return *table;
    }
    Error error(ErrorCode::MISSING_KEY,
                ErrorSource::USER,
                fmt::format("{} with format {} needs a path (relative to the connection's base_path)", block, format));
    error.WithLocation(At(config_path, "path"));
    error.WithSuggestion(fmt::format("add \"path: <file, directory or glob>\" to this {} block", block));
    throw error;
}

std::string ListedEntries(const std::vector<std::string>& entries) {
    std::vector<std::string> shown(entries.begin(), entries.begin() + std::min(entries.size(), LISTED_ENTRIES));
    std::string text = Join(shown, ", ");
    if (entries.size() > LISTED_ENTRIES) {
        text += fmt::format(", ... ({} entries)", entries.size());
    }
    return text;
}

Error InputNotFound(const std::string& resolved,
                    const std::string& relative,
                    const Storage& storage,
                    std::string_view format,
                    const std::string& config_path) {
    bool glob = HasGlob(resolved);
    std::string message = glob ? fmt::format("no file matches the input pattern {}", resolved)
                               : fmt::format("input not found: {}", resolved);
    // The deepest existing directory and the first missing name below it give the best hint.
    fs::path missing(resolved);
    while (HasGlob(missing.string()) && missing.has_parent_path() && missing.parent_path() != missing) {
        missing = missing.parent_path();
    }
    if (glob && storage.Exists(missing.string())) {
        missing = missing / "*";
    }
    while (missing.has_parent_path() && missing.parent_path() != missing &&
           !storage.Exists(missing.parent_path().string())) {
        missing = missing.parent_path();
    }
    fs::path directory = missing.parent_path();
    std::string missing_name = missing.filename().string();
    std::vector<std::string> entries = storage.ListDirectory(directory.string());
    std::vector<std::string> suggestions;
    if (!HasGlob(missing_name)) {
        if (missing != fs::path(resolved)) {
            message += fmt::format(" (the directory {} does not exist)", missing.string());
        }
        auto closest = ClosestMatch(missing_name, entries);
        if (closest) {
            message += fmt::format(". Did you mean \"{}\"?", (directory / *closest).string());
            suggestions.push_back(fmt::format("use \"{}\" in place of \"{}\" in the path", *closest, missing_name));
        }
    }
    if (suggestions.empty() && !entries.empty()) {
        suggestions.push_back(fmt::format("{} holds: {}", directory.string(), ListedEntries(entries)));
    }
    Error error(ErrorCode::INPUT_NOT_FOUND, ErrorSource::USER, std::move(message));
    error.WithLocation(At(config_path, "path"));
    error.WithContext("connection", storage.Name());
    error.WithContext("format", std::string(format));
    error.WithContext("path", relative);
    error.WithContext("resolved", resolved);
    for (auto& suggestion : suggestions) {
        error.WithSuggestion(std::move(suggestion));
    }
    error.WithSuggestion(fmt::format(
        "check read.path and the base_path of connection \"{}\" (relative paths resolve against it)", storage.Name()));
    return error;
}

// A `query` on a file read is a row filter, as Odibi's pandas engine applies it (DataFrame.query);
// a whole SELECT needs a SQL source or a transform step.
std::string QueryAsFilter(const std::string& query, const std::string& config_path) {
    std::string lowered = ToLower(Trim(query));
    if (StartsWith(lowered, "select ") || StartsWith(lowered, "with ") || StartsWith(lowered, "select\n") ||
        StartsWith(lowered, "with\n")) {
        Error error(ErrorCode::INVALID_VALUE,
                    ErrorSource::USER,
                    "read.query on a file is a row filter (as pandas' DataFrame.query), not a SELECT statement");
        error.WithLocation(At(config_path, "query"));
        error.WithSuggestion("put the condition in filter: (e.g. filter: \"amount > 0\"), or move the SELECT into a "
                             "transform sql step that reads df");
        throw error;
    }
    return query;
}

std::vector<std::string> RowFilters(const config::ReadConfig& read, const FormatOptions& options) {
    std::vector<std::string> filters;
    auto add = [&filters](const std::string& condition) {
        std::string trimmed = Trim(condition);
        if (trimmed.empty()) {
            return;
        }
        for (const auto& existing : filters) {
            if (existing == trimmed) {
                return;
            }
        }
        filters.push_back(trimmed);
    };
    if (read.filter) {
        add(*read.filter);
    }
    if (auto filter = options.TryGetString("filter")) {
        add(*filter);
    }
    if (read.query) {
        add(QueryAsFilter(*read.query, read.config_path));
    }
    if (auto query = options.TryGetString("query")) {
        add(QueryAsFilter(*query, read.config_path));
    }
    return filters;
}

void RequireNoSqlFile(const config::ReadConfig& read, const Format& format) {
    if (!read.sql_file) {
        return;
    }
    Error error(ErrorCode::INVALID_VALUE,
                ErrorSource::USER,
                fmt::format("sql_file reads from a database; format {} reads files", format.Name()));
    error.WithLocation(At(read.config_path, "sql_file"));
    error.WithSuggestion("remove sql_file, or use a SQL format (sql, postgres) with a database connection");
    throw error;
}

} // namespace

std::vector<std::string> SupportedFormats() {
    std::vector<std::string> names;
    for (const auto& format : BuiltinFormats()) {
        names.emplace_back(format->Name());
    }
    return names;
}

namespace {

std::string FilterCondition(const std::vector<std::string>& filters) {
    std::vector<std::string> conditions;
    conditions.reserve(filters.size());
    for (const auto& filter : filters) {
        conditions.push_back(fmt::format("({})", filter));
    }
    return Join(conditions, " AND ");
}

std::string WithRowFilters(const std::string& scan, const std::vector<std::string>& filters) {
    if (filters.empty()) {
        return scan;
    }
    return fmt::format("(SELECT * FROM {} WHERE {})", scan, FilterCondition(filters));
}

// A Delta table at the version read.time_travel names; the filters also select its files.
PinnedScan TableScan(const config::ReadConfig& read,
                     const std::string& table,
                     const std::vector<std::string>& filters,
                     engine::Connection* connection) {
    if (connection == nullptr) {
        throw InternalError("a Delta scan needs a connection to read the table's log (BuildPinnedScan)");
    }
    delta::VersionSpec at;
    if (read.time_travel.is_object()) {
        if (read.time_travel.contains("as_of_version")) {
            at.version = read.time_travel["as_of_version"].get<int64_t>();
        }
        if (read.time_travel.contains("as_of_timestamp")) {
            at.timestamp = read.time_travel["as_of_timestamp"].get<std::string>();
        }
    }
    try {
        delta::Snapshot snapshot = delta::LoadSnapshot(*connection, table, at);
        std::optional<std::string> pruning;
        if (!filters.empty()) {
            pruning = FilterCondition(filters);
        }
        delta::FileSelection selection = delta::SelectFiles(*connection, snapshot, pruning);
        return PinnedScan{delta::ScanSql(*connection, snapshot, selection), selection.Describe()};
    } catch (Error& error) {
        if (error.Location().Empty()) {
            error.WithLocation(
                At(read.config_path, error.Code() == ErrorCode::DELTA_VERSION_NOT_FOUND ? "time_travel" : "path"));
        }
        throw;
    }
}

// BuildScan and PinScan; `connection` pins the format's inference when given.
PinnedScan Scan(const config::ReadConfig& read,
                const Storage& storage,
                engine::Connection* connection,
                const std::vector<std::string>& skipping_filters) {
    const Format& format = GetFormat(read.format, At(read.config_path, "format"));
    FormatOptions options = ParseReadOptions(format, read.options, read.config_path);
    RequireNoSqlFile(read, format);
    std::string relative = RelativePath(read.path, read.table, format.Name(), "read", read.config_path);
    std::string resolved = storage.Resolve(relative);
    if (IsUri(resolved)) {
        Error error(
            ErrorCode::NOT_SUPPORTED_YET,
            ErrorSource::USER,
            fmt::format("reading {} is not supported by this build of odibi yet: it reads local files only", resolved));
        error.WithLocation(At(read.config_path, "path"));
        error.WithSuggestion("copy the data to a local directory and read it through a \"type: local\" connection");
        throw error;
    }
    if (!storage.Exists(resolved)) {
        throw InputNotFound(resolved, relative, storage, format.Name(), read.config_path);
    }
    std::vector<std::string> filters = RowFilters(read, options);
    if (format.IsTableFormat()) {
        std::vector<std::string> selecting = filters;
        selecting.insert(selecting.end(), skipping_filters.begin(), skipping_filters.end());
        PinnedScan scan = TableScan(read, resolved, selecting, connection);
        scan.sql = WithRowFilters(scan.sql, filters);
        return scan;
    }
    bool directory = storage.IsDirectory(resolved);
    std::string location = resolved;
    if (directory) {
        location = (fs::path(resolved) / format.DirectoryGlob(options)).string();
        if (!storage.Exists(location)) {
            Error error(ErrorCode::INPUT_NOT_FOUND,
                        ErrorSource::USER,
                        fmt::format("the input directory {} holds no {} files (looked for {})",
                                    resolved,
                                    format.Name(),
                                    format.DirectoryGlob(options)));
            error.WithLocation(At(read.config_path, "path"));
            error.WithContext("connection", storage.Name());
            error.WithContext("resolved", resolved);
            error.WithSuggestion(fmt::format("check format: {}, or name the files with a glob such as {}/*.{}",
                                             format.Name(),
                                             relative,
                                             format.Name()));
            throw error;
        }
    }
    std::string scan = connection != nullptr ? format.PinnedScanSql(*connection, location, options, directory)
                                             : format.ScanSql(location, options, directory);
    if (directory && storage.IsLocalFileSystem() && options.TryGetBool("hive_partitioning").value_or(true)) {
        std::vector<std::string> first_file = ExpandGlob(location, 1);
        if (!first_file.empty()) {
            scan = WithHiveColumnNames(scan, HiveKeysOf(resolved, first_file.front()));
        }
    }
    return PinnedScan{WithRowFilters(scan, filters), std::nullopt};
}

} // namespace

std::string BuildScan(const config::ReadConfig& read, const Storage& storage) {
    return Scan(read, storage, nullptr, {}).sql;
}

std::string BuildPinnedScan(const config::ReadConfig& read, const Storage& storage, engine::Connection& connection) {
    return Scan(read, storage, &connection, {}).sql;
}

PinnedScan PinScan(const config::ReadConfig& read,
                   const Storage& storage,
                   engine::Connection& connection,
                   const std::vector<std::string>& skipping_filters) {
    return Scan(read, storage, &connection, skipping_filters);
}

bool TargetExists(const config::WriteConfig& write, const Storage& storage) {
    const Format& format = GetFormat(write.format, At(write.config_path, "format"));
    std::string relative = RelativePath(write.path, write.table, format.Name(), "write", write.config_path);
    std::string resolved = storage.Resolve(relative);
    if (format.IsTableFormat()) {
        return storage.IsLocalFileSystem() && delta::IsDeltaTable(resolved);
    }
    return storage.Exists(resolved);
}

config::ReadConfig ReadBackConfig(const config::WriteConfig& write) {
    config::ReadConfig read;
    read.connection = write.connection;
    read.format = write.format;
    read.path = write.path;
    read.table = write.table;
    read.config_path = write.config_path;
    const Format* format = TryGetFormat(write.format);
    if (format == nullptr) {
        return read;
    }
    read.options = format->ReadBackOptions(ParseWriteOptions(*format, write));
    if (!write.partition_by.empty() && !format->IsTableFormat()) {
        read.options["hive_partitioning"] = true;
    }
    return read;
}

DiagnosticList ValidateRead(const config::ReadConfig& read) {
    DiagnosticList diagnostics;
    const Format* format = TryGetFormat(read.format);
    if (format == nullptr) {
        return diagnostics;
    }
    try {
        FormatOptions options = ParseReadOptions(*format, read.options, read.config_path);
        RequireNoSqlFile(read, *format);
        // Rendering the scan checks every option value; the path plays no part in that.
        if (!format->IsTableFormat()) {
            static_cast<void>(format->ScanSql(read.path.value_or(""), options, false));
        }
        static_cast<void>(format->DirectoryGlob(options));
        static_cast<void>(RowFilters(read, options));
    } catch (const Error& error) {
        diagnostics.AddError(error);
    }
    return diagnostics;
}

} // namespace odibi::io
