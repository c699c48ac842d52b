// Writing files: every mode is one streaming COPY into a staged sibling, published by rename.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>

#include "delta/writer.hpp"
#include "format.hpp"
#include "hive_layout.hpp"
#include "staged_output.hpp"
#include "staged_write_parts.hpp"
#include "storage/path_glob.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/io/formats.hpp"

namespace odibi::io {

namespace {

/// A file or directory target: the staged output replaces it with one rename.
struct StagedFile final : StagedWrite::Parts {
    explicit StagedFile(const std::filesystem::path& target) : staging(target, "staging") {}

    void Publish() override { staging.Publish(); }
    void Cleanup() override { staging.Cleanup(); }
    [[nodiscard]] std::string Staging() const override { return staging.Path().string(); }

    StagedOutput staging;
};

namespace fs = std::filesystem;

using config::WriteMode;

std::string ModeName(WriteMode mode) {
    switch (mode) {
    case WriteMode::OVERWRITE:
        return "overwrite";
    case WriteMode::APPEND:
        return "append";
    case WriteMode::UPSERT:
        return "upsert";
    case WriteMode::APPEND_ONCE:
        return "append_once";
    case WriteMode::MERGE:
        return "merge";
    case WriteMode::DELETE_MATCHING:
        return "delete_match";
    }
    return "overwrite";
}

} // namespace

std::string RowsToWrite(const std::string& batch_scan, const std::optional<std::string>& delete_flag) {
    if (!delete_flag) {
        return "SELECT * FROM " + batch_scan;
    }
    std::string flag = engine::QuoteIdentifier(*delete_flag);
    return fmt::format("SELECT * EXCLUDE ({0}) FROM {1} WHERE {0} IS NOT TRUE", flag, batch_scan);
}

Error NothingToDeleteFrom(const std::string& target) {
    Error error(
        ErrorCode::WRITE_FAILED,
        ErrorSource::INTERNAL,
        fmt::format("delete_match on {}: the target does not exist, so there is nothing to delete from", target));
    error.WithSuggestion("skip the write when the target is missing");
    return error;
}

namespace {

// `mode: merge` upserts by merge_keys on file and table targets (SQL Server's T-SQL MERGE is the only
// other meaning the mode has); every other mode is itself.
WriteMode KeyedMode(WriteMode mode) {
    return mode == WriteMode::MERGE ? WriteMode::UPSERT : mode;
}

bool NeedsKeys(WriteMode mode) {
    return mode == WriteMode::UPSERT || mode == WriteMode::APPEND_ONCE || mode == WriteMode::MERGE ||
           mode == WriteMode::DELETE_MATCHING;
}

SourceLocation At(const std::string& config_path, std::string_view key) {
    SourceLocation location;
    if (key.empty()) {
        location.path = config_path;
    } else {
        location.path = config_path.empty() ? std::string(key) : fmt::format("{}.{}", config_path, key);
    }
    return location;
}

const engine::ColumnInfo* FindColumn(const std::vector<engine::ColumnInfo>& columns, const std::string& name) {
    for (const auto& column : columns) {
        if (ToLower(column.name) == ToLower(name)) {
            return &column;
        }
    }
    return nullptr;
}

int64_t ParseCount(const std::optional<std::string>& text, const std::string& sql) {
    int64_t value = 0;
    if (!text) {
        throw InternalError(fmt::format("DuckDB returned no row count for: {}", sql));
    }
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size()) {
        throw InternalError(fmt::format("DuckDB returned the row count \"{}\" for: {}", *text, sql));
    }
    return value;
}

void RequireSupportedMode(const config::WriteConfig& write, const Format& format) {
    if (!write.partition_by.empty() && !format.SupportsPartitionBy()) {
        Error error(ErrorCode::NOT_SUPPORTED_YET,
                    ErrorSource::USER,
                    fmt::format("partition_by is not supported for format {} (DuckDB cannot write partitioned {})",
                                format.Name(),
                                format.Name()));
        error.WithLocation(At(write.config_path, "partition_by"));
        error.WithSuggestion("write parquet or csv to partition the output, or remove partition_by");
        throw error;
    }
}

// The key columns: write.merge_keys for mode merge, else write.options.keys (a name or a list);
// required by upsert, append_once and delete_match.
std::vector<std::string> WriteKeys(const FormatOptions& options, const config::WriteConfig& write) {
    std::vector<std::string> keys = write.mode == WriteMode::MERGE
                                        ? write.merge_keys
                                        : options.TryGetStringList("keys").value_or(std::vector<std::string>{});
    for (const auto& key : keys) {
        if (Trim(key).empty()) {
            throw options.InvalidValue("keys", "a key column name is empty");
        }
    }
    if (write.mode == WriteMode::MERGE && keys.empty()) {
        Error error(ErrorCode::MISSING_WRITE_KEYS, ErrorSource::USER, "write mode merge needs merge_keys");
        error.WithLocation(At(write.config_path, "merge_keys"));
        error.WithSuggestion("add merge_keys: [id] under write, naming the columns that identify a row");
        throw error;
    }
    if (NeedsKeys(write.mode) && keys.empty()) {
        Error error(ErrorCode::MISSING_WRITE_KEYS,
                    ErrorSource::USER,
                    fmt::format("write mode {} needs the key columns in write.options.keys", ModeName(write.mode)));
        error.WithLocation(At(write.config_path, options.Has("keys") ? "options.keys" : "options"));
        error.WithSuggestion("add options: {keys: [id]} under write, naming the columns that identify a row (keys "
                             "lives in write.options, not directly under write)");
        throw error;
    }
    return keys;
}

struct ExistingTarget {
    bool exists = false;    ///< something is at the target path
    bool directory = false; ///< it is a directory (a partitioned dataset)
    bool has_data = false;  ///< it holds data this format reads
    bool empty_directory = false;
    std::vector<HiveKey> hive_keys;
    std::string directory_glob; ///< for directories: the glob of the data files
};

class WriteJob {
public:
    WriteJob(engine::Connection& connection, const WriteRequest& request)
        : connection_(connection), request_(request), write_(request.write),
          format_(GetFormat(write_.format, At(write_.config_path, "format"))),
          options_(ParseWriteOptions(format_, write_)) {}

    StagedWrite Stage() {
        ResolveTarget();
        RequireSupportedMode(write_, format_);
        batch_columns_ = connection_.Describe(request_.source_relation);
        ReadKeys();
        CheckPartitionColumns();
        if (request_.remove_leftovers_except) {
            RemoveLeftovers(*request_.remove_leftovers_except);
        }
        if (format_.IsTableFormat()) {
            return StageTableWrite();
        }
        ExistingTarget existing = InspectTarget();
        outcome_.location = target_.string();
        outcome_.target_existed = existing.exists;
        if (!existing.has_data && write_.mode == WriteMode::DELETE_MATCHING) {
            throw NothingToDeleteFrom(target_.string());
        }
        WriteMode mode = existing.has_data ? KeyedMode(write_.mode) : WriteMode::OVERWRITE;

        auto parts = std::make_unique<StagedFile>(target_);
        StagedOutput& staging = parts->staging;
        std::optional<StagedOutput> batch_file;
        std::string query;
        int64_t rows_before = 0;
        int64_t batch_rows = 0;
        std::string source = fmt::format("SELECT * FROM {}", request_.source_relation);
        if (mode == WriteMode::OVERWRITE) {
            query = RowsToWrite(request_.source_relation, write_.delete_flag_column);
        } else {
            std::string target_scan = TargetScan(existing);
            if (mode == WriteMode::APPEND) {
                rows_before = Count(target_scan);
                query = fmt::format("(SELECT * FROM {}) UNION ALL BY NAME ({})", target_scan, source);
            } else if (mode == WriteMode::APPEND_ONCE) {
                RequireKeysInTarget(target_scan);
                rows_before = Count(target_scan);
                query = fmt::format("(SELECT * FROM {0}) UNION ALL BY NAME (SELECT * FROM {1} AS odibi_batch WHERE NOT "
                                    "EXISTS (SELECT 1 FROM {0} AS odibi_target WHERE {2}))",
                                    target_scan,
                                    request_.source_relation,
                                    KeyMatch());
            } else if (mode == WriteMode::DELETE_MATCHING) {
                RequireKeysInTarget(target_scan);
                rows_before = Count(target_scan);
                query = fmt::format("SELECT * FROM {0} AS odibi_target WHERE NOT EXISTS (SELECT 1 FROM {1} AS "
                                    "odibi_batch WHERE {2})",
                                    target_scan,
                                    request_.source_relation,
                                    KeyMatch());
            } else {
                RequireKeysInTarget(target_scan);
                // The batch is staged once on disk: it is both the key set and the rows, and evaluating
                // the source a single time keeps the two consistent.
                batch_file.emplace(target_, "batch");
                batch_rows = Copy(source, batch_file->Path(), {"FORMAT parquet"}, {});
                std::string batch_scan =
                    fmt::format("read_parquet({})", engine::QuoteLiteral(batch_file->Path().string()));
                query = fmt::format("(SELECT * FROM {0} AS odibi_target WHERE NOT EXISTS (SELECT 1 FROM {1} AS "
                                    "odibi_batch WHERE {2})) UNION ALL BY NAME ({3})",
                                    target_scan,
                                    batch_scan,
                                    KeyMatch(),
                                    RowsToWrite(batch_scan, write_.delete_flag_column));
            }
        }
        int64_t rows_total =
            Copy(query, staging.Path(), format_.CopyOptions(options_, target_.string()), write_.partition_by);
        if (!write_.partition_by.empty() && !fs::exists(staging.Path())) {
            // A partitioned COPY of zero rows creates no directory; the target is then an empty dataset.
            std::error_code error;
            fs::create_directories(staging.Path(), error);
        }
        auto marker = PublishedMarkerOf(staging.Path());
        if (!marker) {
            throw WriteFailed(fmt::format("the staged output {} is missing after COPY", staging.Path().string()), "");
        }
        parts->published_marker = *marker;
        outcome_.rows_in_target = rows_total;
        if (mode == WriteMode::UPSERT) {
            outcome_.rows_written = batch_rows;
        } else if (mode == WriteMode::OVERWRITE) {
            outcome_.rows_written = rows_total;
        } else if (mode == WriteMode::DELETE_MATCHING) {
            outcome_.rows_written = rows_before - rows_total; // the rows removed
        } else {
            outcome_.rows_written = rows_total - rows_before;
        }
        parts->outcome = std::move(outcome_);
        return StagedWrite(std::move(parts));
    }

private:
    StagedWrite StageTableWrite() {
        delta::TableWrite table;
        table.table_root = target_.string();
        table.source_relation = request_.source_relation;
        table.mode = KeyedMode(write_.mode);
        table.keys = keys_;
        table.partition_by = write_.partition_by;
        table.merge_schema = write_.merge_schema;
        table.overwrite_schema = write_.overwrite_schema;
        table.table_properties = write_.table_properties;
        table.app_id = request_.writer_id;
        table.commit_details = request_.commit_details;
        table.skip_if_unchanged = write_.skip_if_unchanged;
        table.hash_columns = write_.skip_hash_columns;
        table.delete_flag_column = write_.delete_flag_column;
        table.config_path = write_.config_path;
        return delta::StageTableWrite(connection_, table);
    }

    void ResolveTarget() {
        std::string relative;
        if (write_.path && !Trim(*write_.path).empty()) {
            relative = *write_.path;
        } else if (write_.table && !Trim(*write_.table).empty()) {
            relative = *write_.table;
        } else {
            Error error(ErrorCode::MISSING_KEY,
                        ErrorSource::USER,
                        fmt::format("write with format {} needs a path (relative to the connection's base_path)",
                                    format_.Name()));
            error.WithLocation(At(write_.config_path, "path"));
            error.WithSuggestion("add \"path: <file or directory>\" to this write block");
            throw error;
        }
        std::string resolved = request_.storage.Resolve(relative);
        if (IsUri(resolved) || !request_.storage.IsLocalFileSystem()) {
            Error error(ErrorCode::NOT_SUPPORTED_YET,
                        ErrorSource::USER,
                        fmt::format("writing {} is not supported by this build of odibi yet: it writes local files "
                                    "only",
                                    resolved));
            error.WithLocation(At(write_.config_path, "path"));
            error.WithSuggestion("write through a \"type: local\" connection");
            throw error;
        }
        if (HasGlob(resolved)) {
            Error error(ErrorCode::INVALID_VALUE,
                        ErrorSource::USER,
                        fmt::format("the write path {} contains a glob character (*, ? or [)", resolved));
            error.WithLocation(At(write_.config_path, "path"));
            error.WithSuggestion("name one file, or one directory together with partition_by");
            throw error;
        }
        target_ = fs::path(resolved);
        fs::path base(request_.storage.Resolve("."));
        // The base directory relative to the target: "." or "sub/dir" when the target contains it.
        fs::path base_from_target = base.lexically_relative(target_);
        if (!base_from_target.empty() && *base_from_target.begin() != "..") {
            Error error(ErrorCode::INVALID_VALUE,
                        ErrorSource::USER,
                        fmt::format("the write path {} is the base directory of connection \"{}\" or contains it; "
                                    "writing there would replace the whole directory",
                                    resolved,
                                    request_.storage.Name()));
            error.WithLocation(At(write_.config_path, "path"));
            error.WithSuggestion("name a file or a sub-directory below the connection's base_path");
            throw error;
        }
    }

    // Siblings are named ".<target name>.odibi-<purpose>-<uuid>[-previous]" (StagedOutput).
    void RemoveLeftovers(const std::set<std::string>& keep) const {
        std::string prefix = "." + target_.filename().string() + ".odibi-";
        std::error_code error;
        fs::directory_iterator entries(target_.parent_path(), error);
        if (error) {
            return;
        }
        std::vector<fs::path> leftovers;
        for (const auto& entry : entries) {
            std::string name = entry.path().filename().string();
            if (!name.starts_with(prefix)) {
                continue;
            }
            std::string path = entry.path().string();
            bool kept =
                keep.contains(path) || std::any_of(keep.begin(), keep.end(), [&path](const std::string& staging) {
                    return StagedOutput::BackupPathOf(staging).string() == path;
                });
            if (!kept) {
                leftovers.push_back(entry.path());
            }
        }
        for (const auto& leftover : leftovers) {
            RemoveQuietly(leftover);
        }
    }

    void ReadKeys() {
        keys_ = WriteKeys(options_, write_);
        if (!NeedsKeys(write_.mode)) {
            return;
        }
        for (const auto& key : keys_) {
            RequireColumn(key, batch_columns_, "key column", "the rows to write", KeysConfigKey());
        }
    }

    void CheckPartitionColumns() {
        for (const auto& column : write_.partition_by) {
            RequireColumn(column, batch_columns_, "partition column", "the rows to write", "partition_by");
        }
    }

    void RequireColumn(const std::string& name,
                       const std::vector<engine::ColumnInfo>& columns,
                       std::string_view role,
                       std::string_view where,
                       std::string_view key) const {
        if (FindColumn(columns, name) != nullptr) {
            return;
        }
        std::vector<std::string> names = engine::ColumnNames(columns);
        std::string message = fmt::format("{} \"{}\" is not a column of {}", role, name, where);
        std::string hint = DidYouMean(name, names);
        if (!hint.empty()) {
            message += ". " + hint;
        }
        Error error(ErrorCode::UNKNOWN_WRITE_COLUMN, ErrorSource::USER, std::move(message));
        error.WithLocation(At(write_.config_path, key));
        error.WithContext("target", target_.string());
        error.WithSuggestion(fmt::format("columns of {}: {}", where, Join(names, ", ")));
        throw error;
    }

    ExistingTarget InspectTarget() const {
        ExistingTarget existing;
        std::error_code error;
        auto status = fs::symlink_status(target_, error);
        existing.exists = !error && fs::exists(status);
        if (!existing.exists) {
            return existing;
        }
        existing.directory = fs::is_directory(target_, error);
        if (!existing.directory) {
            existing.has_data = !format_.HoldsNoRows(target_.string());
            return existing;
        }
        FormatOptions read_options = ParseReadOptions(format_, format_.ReadBackOptions(options_), write_.config_path);
        existing.directory_glob = format_.DirectoryGlob(read_options);
        auto files = ExpandGlob((target_ / existing.directory_glob).string(), 1);
        existing.empty_directory = fs::is_empty(target_, error);
        existing.has_data = !files.empty();
        if (existing.has_data) {
            existing.hive_keys = HiveKeysOf(target_.string(), files.front());
        } else if (!existing.empty_directory) {
            // Replacing a directory that holds no data of this format would delete someone's files.
            Error refusal(ErrorCode::WRITE_FAILED,
                          ErrorSource::USER,
                          fmt::format("the write target {} is a directory that holds no {} data ({}); refusing to "
                                      "replace it",
                                      target_.string(),
                                      format_.Name(),
                                      existing.directory_glob));
            refusal.WithLocation(At(write_.config_path, "path"));
            refusal.WithSuggestion("choose another path, or remove the directory if its contents are not needed");
            throw refusal;
        }
        return existing;
    }

    // A scan of the existing target whose column types match the new rows, so that rewriting it keeps
    // every stored value (hive partition values and text formats would otherwise be re-inferred).
    std::string TargetScan(const ExistingTarget& existing) {
        config::Json read_options = format_.ReadBackOptions(options_);
        std::string location = target_.string();
        std::vector<engine::ColumnInfo> file_batch_columns = batch_columns_;
        std::vector<std::string> stored_hive_columns;
        if (existing.directory) {
            location = (target_ / existing.directory_glob).string();
            read_options["hive_partitioning"] = true;
            config::Json hive_types = config::Json::object();
            for (const auto& key : existing.hive_keys) {
                const engine::ColumnInfo* column = FindColumn(batch_columns_, key.name);
                hive_types[key.stored] = column == nullptr ? std::string("VARCHAR") : column->type;
                stored_hive_columns.push_back(key.stored);
                std::erase_if(file_batch_columns, [&key](const engine::ColumnInfo& batch) {
                    return ToLower(batch.name) == ToLower(key.name);
                });
            }
            if (!hive_types.empty()) {
                read_options["hive_types"] = hive_types;
            }
        }
        std::string scan =
            format_.ScanSql(location, ParseReadOptions(format_, read_options, write_.config_path), existing.directory);
        if (format_.InfersTypes()) {
            std::vector<engine::ColumnInfo> stored = DescribeTarget(scan);
            std::erase_if(stored, [&stored_hive_columns](const engine::ColumnInfo& column) {
                return std::find(stored_hive_columns.begin(), stored_hive_columns.end(), column.name) !=
                       stored_hive_columns.end();
            });
            config::Json pinned = format_.PinnedReadOptions(options_, stored, file_batch_columns);
            for (const auto& [key, value] : pinned.items()) {
                read_options[key] = value;
            }
            scan = format_.ScanSql(
                location, ParseReadOptions(format_, read_options, write_.config_path), existing.directory);
        }
        return WithHiveColumnNames(scan, existing.hive_keys);
    }

    std::vector<engine::ColumnInfo> DescribeTarget(const std::string& scan) {
        std::string sql = fmt::format("SELECT * FROM {}", scan);
        try {
            return connection_.Describe(sql);
        } catch (const Error& error) {
            if (error.Code() != ErrorCode::SQL_ERROR) {
                throw;
            }
            throw WriteFailed(fmt::format("could not read the existing target {} to {} into it: {}",
                                          target_.string(),
                                          ModeName(write_.mode),
                                          error.Message()),
                              sql)
                .WithSuggestion("fix or remove the existing target, or write with mode: overwrite");
        }
    }

    // Where the keys are written in the YAML.
    std::string_view KeysConfigKey() const { return write_.mode == WriteMode::MERGE ? "merge_keys" : "options.keys"; }

    void RequireKeysInTarget(const std::string& target_scan) {
        std::vector<engine::ColumnInfo> columns = DescribeTarget(target_scan);
        for (const auto& key : keys_) {
            RequireColumn(key, columns, "key column", "the existing target", KeysConfigKey());
        }
    }

    std::string KeyMatch() const { return engine::ColumnsMatch("odibi_target", "odibi_batch", keys_); }

    int64_t Count(const std::string& scan) {
        std::string sql = fmt::format("SELECT count(*) FROM {}", scan);
        return ParseCount(Run(sql).Scalar(), sql);
    }

    int64_t Copy(const std::string& query,
                 const fs::path& destination,
                 std::vector<std::string> copy_options,
                 const std::vector<std::string>& partition_by) {
        if (!partition_by.empty()) {
            copy_options.push_back(fmt::format("PARTITION_BY ({})", engine::QuoteIdentifierList(partition_by)));
        }
        std::string sql = fmt::format(
            "COPY ({}) TO {} ({})", query, engine::QuoteLiteral(destination.string()), Join(copy_options, ", "));
        engine::ResultTable result = Run(sql);
        if (result.RowCount() < 1 || result.ColumnCount() < 1) {
            throw InternalError(fmt::format("COPY returned no row count: {}", sql));
        }
        return ParseCount(result.Value(0, 0), sql);
    }

    engine::ResultTable Run(const std::string& sql) {
        outcome_.sql.push_back(sql);
        try {
            return connection_.Query(sql);
        } catch (const Error& error) {
            if (error.Code() != ErrorCode::SQL_ERROR) {
                throw;
            }
            throw WriteFailed(
                fmt::format("writing {} to {} failed: {}", format_.Name(), target_.string(), error.Message()), sql);
        }
    }

    [[nodiscard]] Error WriteFailed(std::string message, const std::string& sql) const {
        Error error(ErrorCode::WRITE_FAILED, ErrorSource::USER, std::move(message));
        error.WithLocation(At(write_.config_path, ""));
        error.WithContext("target", target_.string());
        error.WithContext("mode", ModeName(write_.mode));
        error.WithContext("sql", sql);
        error.WithSuggestion(
            fmt::format("nothing was changed: the previous output at {} is as it was", target_.string()));
        return error;
    }

    engine::Connection& connection_;
    const WriteRequest& request_;
    const config::WriteConfig& write_;
    const Format& format_;
    FormatOptions options_;
    fs::path target_;
    std::vector<engine::ColumnInfo> batch_columns_;
    std::vector<std::string> keys_;
    WriteOutcome outcome_;
};

} // namespace

StagedWrite::StagedWrite(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
StagedWrite::StagedWrite(StagedWrite&&) noexcept = default;
StagedWrite& StagedWrite::operator=(StagedWrite&&) noexcept = default;
StagedWrite::~StagedWrite() = default;

const WriteOutcome& StagedWrite::Outcome() const {
    return parts_->outcome;
}

std::string StagedWrite::Target() const {
    return parts_->outcome.location;
}

std::string StagedWrite::Staging() const {
    return parts_->Staging();
}

const std::string& StagedWrite::PublishedMarker() const {
    return parts_->published_marker;
}

void StagedWrite::Publish() {
    parts_->Publish();
}

void StagedWrite::Cleanup() {
    parts_->Cleanup();
}

StagedWrite StageWrite(engine::Connection& connection, const WriteRequest& request) {
    return WriteJob(connection, request).Stage();
}

WriteOutcome Write(engine::Connection& connection, const WriteRequest& request) {
    StagedWrite staged = StageWrite(connection, request);
    staged.Publish();
    staged.Cleanup();
    return staged.Outcome();
}

bool IsWritePublished(const std::string& target, const std::string& published_marker) {
    if (delta::IsTableMarker(published_marker)) {
        return delta::IsCommitPublished(target, published_marker);
    }
    auto marker = PublishedMarkerOf(target);
    return marker.has_value() && *marker == published_marker;
}

void RollBackStagedWrite(const std::string& target, const std::string& staging) {
    fs::path backup = StagedOutput::BackupPathOf(staging);
    std::error_code error;
    bool target_exists = PublishedMarkerOf(target).has_value();
    if (!target_exists && PublishedMarkerOf(backup).has_value()) {
        // A crash between moving the previous output aside and moving the new one in.
        fs::rename(backup, target, error);
        if (error) {
            Error failure(
                ErrorCode::WRITE_FAILED,
                ErrorSource::EXTERNAL,
                fmt::format(
                    "could not put the previous output {} back at {}: {}", backup.string(), target, error.message()));
            failure.WithContext("target", target);
            failure.WithSuggestion(fmt::format("move {} to {} by hand, then run again", backup.string(), target));
            throw failure;
        }
    }
    RemoveQuietly(staging);
    RemoveQuietly(backup);
}

void CleanUpPublishedWrite(const std::string& staging) {
    RemoveQuietly(staging);
    RemoveQuietly(StagedOutput::BackupPathOf(staging));
}

DiagnosticList ValidateWrite(const config::WriteConfig& write) {
    DiagnosticList diagnostics;
    const Format* format = TryGetFormat(write.format);
    if (format == nullptr) {
        return diagnostics;
    }
    try {
        FormatOptions options = ParseWriteOptions(*format, write);
        static_cast<void>(format->CopyOptions(options, write.path.value_or(write.table.value_or(""))));
        static_cast<void>(format->ReadBackOptions(options));
        RequireSupportedMode(write, *format);
        static_cast<void>(WriteKeys(options, write));
    } catch (const Error& error) {
        diagnostics.AddError(error);
    }
    return diagnostics;
}

} // namespace odibi::io
