// Delta table maintenance: the commit history (DESCRIBE HISTORY), VACUUM (deleting files no snapshot
// within the retention needs) and OPTIMIZE (compaction, optionally in Z-order), committed through the
// same put-if-absent machinery as writes.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "actions.hpp"
#include "commit.hpp"
#include "deletion_vector.hpp"
#include "file_stats.hpp"
#include "log_listing.hpp"
#include "scan.hpp"
#include "staged_output.hpp"
#include <fmt/format.h>

#include "odibi/common/clock.hpp"
#include "odibi/common/identity.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/io/delta.hpp"

namespace odibi::io::delta {

namespace {

namespace fs = std::filesystem;

using config::Json;
using engine::QuoteIdentifier;
using engine::QuoteLiteral;

constexpr int64_t kMillisecondsPerHour = 3600LL * 1000;
/// Bits per column of a Z-order key: the key (a BIGINT) holds at most 63 bits, and a rank times
/// 2^31 still fits one.
constexpr int kMaxZOrderBits = 31;
constexpr int kZOrderKeyBits = 63;

int64_t ModificationMs(const fs::path& path) {
    auto time = std::chrono::file_clock::to_sys(fs::last_write_time(path));
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

fs::path TableRoot(const std::string& directory) {
    return fs::absolute(directory).lexically_normal();
}

Error NotATable(const fs::path& root) {
    Error error(ErrorCode::INPUT_NOT_FOUND,
                ErrorSource::USER,
                fmt::format("{} is not a Delta table: it has no _delta_log with a commit", root.string()));
    error.WithContext("table", root.string());
    error.WithSuggestion("check the path: it must be the table's directory, the one that holds _delta_log");
    return error;
}

std::optional<std::string> OptionalString(const Json& object, const char* key) {
    auto found = object.find(key);
    if (found == object.end() || !found->is_string()) {
        return std::nullopt;
    }
    return found->get<std::string>();
}

/// An operationParameters or operationMetrics object; Spark writes objects, anything else is kept whole
/// under "value".
Json ObjectField(const Json& object, const char* key) {
    auto found = object.find(key);
    if (found == object.end() || found->is_null()) {
        return Json::object();
    }
    if (found->is_object()) {
        return *found;
    }
    return Json{{"value", *found}};
}

/// Hidden names, which Delta readers and VACUUM ignore: "." anywhere, "_" unless a partition folder
/// ("_col=value").
bool IsHidden(const std::string& name) {
    return name.starts_with('.') || (name.starts_with('_') && name.find('=') == std::string::npos);
}

/// `delta.deletedFileRetentionDuration` ("interval 1 week", "interval 36 hours", "2 days") in hours.
std::optional<double> ParseIntervalHours(const std::string& text) {
    static const std::map<std::string, double> hours_per_unit = {{"week", 168.0},
                                                                 {"day", 24.0},
                                                                 {"hour", 1.0},
                                                                 {"minute", 1.0 / 60},
                                                                 {"second", 1.0 / 3600},
                                                                 {"millisecond", 1.0 / 3600 / 1000},
                                                                 {"microsecond", 1.0 / 3600 / 1000 / 1000}};
    std::vector<std::string> words;
    for (const auto& word : Split(ToLower(Trim(text)), ' ')) {
        if (!word.empty()) {
            words.push_back(word);
        }
    }
    if (!words.empty() && words.front() == "interval") {
        words.erase(words.begin());
    }
    if (words.empty() || words.size() % 2 != 0) {
        return std::nullopt;
    }
    double hours = 0;
    for (size_t index = 0; index < words.size(); index += 2) {
        double amount = 0;
        try {
            size_t used = 0;
            amount = std::stod(words[index], &used);
            if (used != words[index].size()) {
                return std::nullopt;
            }
        } catch (const std::exception&) {
            return std::nullopt;
        }
        std::string unit = words[index + 1];
        if (unit.ends_with('s')) {
            unit.pop_back();
        }
        auto found = hours_per_unit.find(unit);
        if (found == hours_per_unit.end()) {
            return std::nullopt;
        }
        hours += amount * found->second;
    }
    return hours;
}

/// The shortest retention VACUUM accepts without `force`: the table's setting, else a week.
double MinimumRetentionHours(const Snapshot& snapshot) {
    auto found = snapshot.metadata.configuration.find("delta.deletedFileRetentionDuration");
    if (found == snapshot.metadata.configuration.end()) {
        return DEFAULT_RETENTION_HOURS;
    }
    auto hours = ParseIntervalHours(found->second);
    if (!hours) {
        throw LogInvalid(snapshot.table_root,
                         fmt::format("delta.deletedFileRetentionDuration \"{}\" is not an interval such as "
                                     "\"interval 1 week\" or \"interval 36 hours\"",
                                     found->second));
    }
    return *hours;
}

Error RetentionTooShort(const Snapshot& snapshot, double retention, double minimum) {
    Error error(ErrorCode::USAGE_ERROR,
                ErrorSource::USER,
                fmt::format("VACUUM of the Delta table {} with a retention of {} hours is refused: the table keeps "
                            "removed files for {} hours (delta.deletedFileRetentionDuration, a week unless set), and "
                            "a shorter retention can delete files that readers of older versions or writers still "
                            "committing need",
                            snapshot.table_root,
                            retention,
                            minimum));
    error.WithContext("table", snapshot.table_root);
    error.WithSuggestion(fmt::format("keep the retention at {} hours or more (--retain-hours {})", minimum, minimum));
    error.WithSuggestion("or set the table property delta.deletedFileRetentionDuration (for example \"interval 24 "
                         "hours\") to allow a shorter retention for this table");
    error.WithSuggestion("or pass --force (force = true) when nothing reads old versions of the table or writes to it");
    return error;
}

void RemoveEmptyParents(const fs::path& root, fs::path directory) {
    std::error_code error;
    while (directory != root && directory.string().starts_with(root.string()) && fs::is_empty(directory, error) &&
           !error) {
        if (!fs::remove(directory, error) || error) {
            return;
        }
        directory = directory.parent_path();
    }
}

/// Errors of OPTIMIZE, naming the table.
Error OptimizeFailed(const fs::path& root, std::string message) {
    Error error(ErrorCode::WRITE_FAILED, ErrorSource::USER, std::move(message));
    error.WithContext("table", root.string());
    return error;
}

/// The rows of `scan` ordered along a Z-order curve over `columns`: each column's value is replaced by
/// its dense rank (NULLs first), scaled to `bits` bits, and the bits of all columns interleaved (the
/// first column's bit most significant within each group) into one BIGINT key.
std::string ZOrderQuery(const std::string& scan,
                        const std::vector<std::string>& data_columns,
                        const std::vector<std::string>& columns) {
    int count = static_cast<int>(columns.size());
    int bits = std::min(kMaxZOrderBits, kZOrderKeyBits / count);
    std::vector<std::string> ranks;
    std::vector<std::string> scaled;
    for (int index = 0; index < count; ++index) {
        ranks.push_back(fmt::format("dense_rank() OVER (ORDER BY {} ASC NULLS FIRST) - 1 AS odibi_rank_{}",
                                    QuoteIdentifier(columns[static_cast<size_t>(index)]),
                                    index));
        scaled.push_back(fmt::format("CAST((odibi_rank_{0} * {1}) // (max(odibi_rank_{0}) OVER () + 1) AS BIGINT) "
                                     "AS odibi_z_{0}",
                                     index,
                                     int64_t{1} << bits));
    }
    std::vector<std::string> interleaved;
    for (int bit = 0; bit < bits; ++bit) {
        for (int index = 0; index < count; ++index) {
            interleaved.push_back(
                fmt::format("(((odibi_z_{} >> {}) & 1) << {})", index, bit, bit * count + (count - 1 - index)));
        }
    }
    std::vector<std::string> quoted;
    for (const auto& column : data_columns) {
        quoted.push_back(QuoteIdentifier(column));
    }
    std::string selected = Join(quoted, ", ");
    return fmt::format("SELECT {0} FROM (SELECT {0}, {1} AS odibi_zorder_key FROM (SELECT {0}, {2} FROM (SELECT {0}, "
                       "{3} FROM {4} AS odibi_scan) AS odibi_ranked) AS odibi_scaled) AS odibi_keyed "
                       "ORDER BY odibi_zorder_key",
                       selected,
                       Join(interleaved, " | "),
                       Join(scaled, ", "),
                       Join(ranks, ", "),
                       scan);
}

class OptimizeJob {
public:
    OptimizeJob(engine::Connection& connection,
                const std::string& directory,
                const std::vector<std::string>& zorder_by,
                int64_t target_file_bytes)
        : connection_(connection), root_(TableRoot(directory)), target_file_bytes_(target_file_bytes) {
        snapshot_ = LoadSnapshot(connection_, root_.string());
        root_ = snapshot_.table_root;
        RequireWritable();
        for (const auto& field : snapshot_.metadata.schema) {
            bool partition = std::find(snapshot_.metadata.partition_columns.begin(),
                                       snapshot_.metadata.partition_columns.end(),
                                       field.name) != snapshot_.metadata.partition_columns.end();
            (partition ? partition_names_ : data_names_).push_back(field.name);
            if (!partition) {
                data_fields_.push_back(field);
            }
        }
        for (const auto& column : zorder_by) {
            zorder_by_.push_back(ZOrderColumn(column));
        }
        if (target_file_bytes_ <= 0) {
            throw Error(ErrorCode::USAGE_ERROR,
                        ErrorSource::USER,
                        fmt::format("the target file size of OPTIMIZE must be positive, not {}", target_file_bytes_))
                .WithSuggestion("for example --target-size 256MB");
        }
    }

    OptimizeResult Run() {
        OptimizeResult result;
        std::map<std::string, std::vector<const AddFile*>> partitions;
        for (const auto& file : snapshot_.files) {
            partitions[PartitionKey(file)].push_back(&file);
        }
        StagedOutput staging(root_, "staging");
        fs::path data = staging.Path() / "data";
        PlannedCommit commit;
        commit.read_version = snapshot_.version;
        commit.isolation = CommitIsolation::REARRANGE;
        commit.txn_id = NewUuid();
        commit.checkpoint_interval = CheckpointInterval(snapshot_.metadata);
        int64_t now = NowMs();
        for (const auto& [key, files] : partitions) {
            std::vector<const AddFile*> chosen = Choose(files);
            if (chosen.empty()) {
                continue;
            }
            ++result.partitions_optimized;
            for (const AddFile* file : chosen) {
                RemoveFile remove;
                remove.path = file->path;
                remove.deletion_timestamp = now;
                remove.data_change = false;
                remove.partition_values = file->partition_values;
                remove.size = file->size;
                remove.deletion_vector = file->deletion_vector;
                commit.actions.removes.push_back(std::move(remove));
                result.bytes_removed += file->size;
            }
            for (auto& add : Rewrite(chosen, data)) {
                result.bytes_added += add.size;
                commit.staged_files.push_back(add.path);
                commit.actions.adds.push_back(std::move(add));
            }
        }
        if (commit.actions.removes.empty()) {
            return result;
        }
        result.files_removed = static_cast<int64_t>(commit.actions.removes.size());
        result.files_added = static_cast<int64_t>(commit.actions.adds.size());
        Json parameters = {{"predicate", "[]"}, {"zOrderBy", Json(zorder_by_).dump()}};
        Json metrics = {{"numRemovedFiles", std::to_string(result.files_removed)},
                        {"numAddedFiles", std::to_string(result.files_added)},
                        {"numRemovedBytes", std::to_string(result.bytes_removed)},
                        {"numAddedBytes", std::to_string(result.bytes_added)},
                        {"numPartitionsOptimized", std::to_string(result.partitions_optimized)}};
        commit.actions.commit_info = Json{{"timestamp", NowMs()},
                                          {"operation", "OPTIMIZE"},
                                          {"operationParameters", parameters},
                                          {"readVersion", snapshot_.version},
                                          {"isolationLevel", "SnapshotIsolation"},
                                          {"isBlindAppend", false},
                                          {"operationMetrics", metrics},
                                          {"engineInfo", "odibi"},
                                          {"txnId", commit.txn_id}};
        result.version = PublishCommit(connection_, root_, data, commit);
        return result;
    }

private:
    void RequireWritable() const {
        std::vector<std::string> missing = UnsupportedWriterFeatures(snapshot_);
        // OPTIMIZE honours deletion vectors (it applies them and writes files without one), which is all
        // the deletionVectors writer feature asks of a writer that does not create them.
        std::erase(missing, "deletionVectors");
        if (missing.empty()) {
            return;
        }
        Error error(ErrorCode::DELTA_FEATURE_UNSUPPORTED,
                    ErrorSource::USER,
                    fmt::format("optimizing the Delta table {} needs writer features this build of odibi does not "
                                "support: {}",
                                root_.string(),
                                Join(missing, ", ")));
        error.WithContext("table", root_.string());
        error.WithSuggestion("optimize this table with a tool that supports these features");
        throw error;
    }

    std::string ZOrderColumn(const std::string& column) const {
        const Field* field = FindField(snapshot_.metadata.schema, column);
        if (field == nullptr) {
            Error error(
                ErrorCode::USAGE_ERROR,
                ErrorSource::USER,
                fmt::format("Z-order column \"{}\" is not a column of the Delta table {}", column, root_.string()));
            error.WithContext("table", root_.string());
            std::string hint = DidYouMean(column, data_names_);
            error.WithSuggestion(hint.empty() ? fmt::format("columns: {}", Join(data_names_, ", ")) : hint);
            throw error;
        }
        if (std::find(partition_names_.begin(), partition_names_.end(), field->name) != partition_names_.end()) {
            throw Error(ErrorCode::USAGE_ERROR,
                        ErrorSource::USER,
                        fmt::format("Z-order column \"{}\" is a partition column of the Delta table {}: every file "
                                    "holds one value of it already",
                                    field->name,
                                    root_.string()))
                .WithSuggestion(fmt::format("Z-order by data columns: {}", Join(data_names_, ", ")));
        }
        return field->name;
    }

    static std::string PartitionKey(const AddFile& file) {
        Json key = Json::object();
        for (const auto& [name, value] : file.partition_values) {
            key[name] = value ? Json(*value) : Json(nullptr);
        }
        return key.dump();
    }

    /// The files of one partition to rewrite: with Z-order all of them, else the small ones when there
    /// are at least two.
    std::vector<const AddFile*> Choose(const std::vector<const AddFile*>& files) const {
        if (!zorder_by_.empty()) {
            return files;
        }
        std::vector<const AddFile*> small;
        for (const AddFile* file : files) {
            if (file->size < target_file_bytes_) {
                small.push_back(file);
            }
        }
        if (small.size() < 2) {
            return {};
        }
        return small;
    }

    /// COPYs the rows of `files` (deletion vectors applied) into new files under `data`, in the folder
    /// of the first file (the partition's folder), and returns their add actions (dataChange false).
    std::vector<AddFile> Rewrite(const std::vector<const AddFile*>& files, const fs::path& data) {
        std::string scan = ScanFilesSql(connection_, snapshot_, files, false);
        std::string query;
        if (zorder_by_.empty()) {
            std::vector<std::string> quoted;
            for (const auto& column : data_names_) {
                quoted.push_back(QuoteIdentifier(column));
            }
            query = fmt::format("SELECT {} FROM {} AS odibi_scan", Join(quoted, ", "), scan);
        } else {
            query = ZOrderQuery(scan, data_names_, zorder_by_);
        }
        fs::path folder = fs::path(files.front()->path).parent_path();
        fs::path directory = data / folder / NewUuid();
        fs::create_directories(directory);
        Execute(fmt::format("COPY ({}) TO {} (FORMAT parquet, COMPRESSION snappy, FILENAME_PATTERN 'part-{{uuid}}', "
                            "FILE_SIZE_BYTES {})",
                            query,
                            QuoteLiteral(directory.string()),
                            target_file_bytes_));
        std::vector<fs::path> written;
        for (const auto& entry : fs::directory_iterator(directory)) {
            if (entry.is_regular_file() && entry.path().extension() == ".parquet") {
                written.push_back(entry.path());
            }
        }
        std::sort(written.begin(), written.end());
        std::vector<AddFile> adds;
        for (const auto& path : written) {
            // The new file goes beside the files it replaces; its name is unique by its UUID.
            fs::path relative = folder / path.filename();
            fs::rename(path, data / relative);
            AddFile add;
            add.path = relative.generic_string();
            add.partition_values = files.front()->partition_values;
            add.size = static_cast<int64_t>(fs::file_size(data / relative));
            add.modification_time = NowMs();
            add.data_change = false;
            add.stats = FileStatsJson(connection_, (data / relative).string(), data_fields_);
            adds.push_back(std::move(add));
        }
        fs::remove(directory);
        return adds;
    }

    void Execute(const std::string& sql) {
        try {
            connection_.Query(sql);
        } catch (const Error& error) {
            if (error.Code() != ErrorCode::SQL_ERROR) {
                throw;
            }
            throw OptimizeFailed(
                root_, fmt::format("optimizing the Delta table {} failed: {}", root_.string(), error.Message()))
                .WithContext("sql", sql)
                .WithSuggestion("nothing was committed: the table is as it was");
        }
    }

    engine::Connection& connection_;
    fs::path root_;
    int64_t target_file_bytes_;
    Snapshot snapshot_;
    std::vector<std::string> zorder_by_;
    std::vector<std::string> partition_names_;
    std::vector<std::string> data_names_;
    std::vector<Field> data_fields_;
};

} // namespace

std::vector<HistoryEntry> History(const std::string& directory, std::optional<int64_t> limit) {
    fs::path root = TableRoot(directory);
    LogListing listing = ListLog(root);
    if (listing.LatestVersion() < 0) {
        throw NotATable(root);
    }
    std::vector<HistoryEntry> entries;
    for (auto commit = listing.commits.rbegin(); commit != listing.commits.rend(); ++commit) {
        if (limit && static_cast<int64_t>(entries.size()) >= *limit) {
            break;
        }
        fs::path file = listing.CommitPath(*commit);
        Actions actions = ReadCommitFile(file);
        HistoryEntry entry;
        entry.version = *commit;
        entry.timestamp_ms = ModificationMs(file);
        if (actions.commit_info && actions.commit_info->is_object()) {
            const Json& info = *actions.commit_info;
            if (info.contains("timestamp") && info["timestamp"].is_number_integer()) {
                entry.timestamp_ms = info["timestamp"].get<int64_t>();
            }
            entry.operation = OptionalString(info, "operation").value_or("");
            entry.operation_parameters = ObjectField(info, "operationParameters");
            entry.operation_metrics = ObjectField(info, "operationMetrics");
            entry.engine_info = OptionalString(info, "engineInfo");
            entry.user_name = OptionalString(info, "userName");
            if (info.contains("readVersion") && info["readVersion"].is_number_integer()) {
                entry.read_version = info["readVersion"].get<int64_t>();
            }
            if (info.contains("isBlindAppend") && info["isBlindAppend"].is_boolean()) {
                entry.is_blind_append = info["isBlindAppend"].get<bool>();
            }
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

VacuumResult Vacuum(engine::Connection& connection,
                    const std::string& directory,
                    std::optional<double> retention_hours,
                    bool dry_run,
                    bool force) {
    fs::path root = TableRoot(directory);
    if (ListLog(root).LatestVersion() < 0) {
        throw NotATable(root);
    }
    Snapshot snapshot = LoadSnapshot(connection, root.string());
    root = snapshot.table_root;
    double minimum = MinimumRetentionHours(snapshot);
    double retention = retention_hours.value_or(minimum);
    if (!std::isfinite(retention) || retention < 0) {
        throw Error(ErrorCode::USAGE_ERROR,
                    ErrorSource::USER,
                    fmt::format("the retention of VACUUM must be a number of hours from 0 up, not {}", retention))
            .WithSuggestion(fmt::format("for example --retain-hours {}", DEFAULT_RETENTION_HOURS));
    }
    if (retention < minimum && !force) {
        throw RetentionTooShort(snapshot, retention, minimum);
    }
    int64_t cutoff = NowMs() - static_cast<int64_t>(retention * kMillisecondsPerHour);

    // What the latest snapshot needs, and when the files that left it were removed.
    std::set<std::string> referenced;
    for (const auto& file : snapshot.files) {
        referenced.insert(fs::path(FileLocation(snapshot, file)).lexically_normal().string());
        if (file.deletion_vector) {
            if (auto path = DeletionVectorPath(*file.deletion_vector, root.string())) {
                referenced.insert(fs::path(*path).lexically_normal().string());
            }
        }
    }
    std::map<std::string, int64_t> removed_at;
    for (const auto& tombstone : snapshot.tombstones) {
        int64_t when = tombstone.deletion_timestamp.value_or(0);
        removed_at[(root / tombstone.path).lexically_normal().string()] = when;
        if (tombstone.deletion_vector) {
            if (auto path = DeletionVectorPath(*tombstone.deletion_vector, root.string())) {
                std::string key = fs::path(*path).lexically_normal().string();
                removed_at[key] = std::max(removed_at[key], when);
            }
        }
    }

    VacuumResult result;
    result.version = snapshot.version;
    result.retention_hours = retention;
    result.dry_run = dry_run;
    std::vector<fs::path> doomed;
    for (auto entry = fs::recursive_directory_iterator(root); entry != fs::recursive_directory_iterator(); ++entry) {
        if (IsHidden(entry->path().filename().string())) {
            if (entry->is_directory()) {
                entry.disable_recursion_pending();
            }
            continue;
        }
        if (!entry->is_regular_file()) {
            continue;
        }
        std::string path = entry->path().lexically_normal().string();
        if (referenced.contains(path)) {
            continue;
        }
        auto removed = removed_at.find(path);
        bool old = ModificationMs(entry->path()) < cutoff && (removed == removed_at.end() || removed->second < cutoff);
        if (!old) {
            ++result.young_files_kept;
            continue;
        }
        doomed.push_back(entry->path());
    }
    std::sort(doomed.begin(), doomed.end());
    for (const auto& path : doomed) {
        int64_t size = static_cast<int64_t>(fs::file_size(path));
        if (!dry_run) {
            std::error_code error;
            fs::remove(path, error);
            if (error) {
                Error failure(ErrorCode::WRITE_FAILED,
                              ErrorSource::EXTERNAL,
                              fmt::format("VACUUM could not delete {}: {}", path.string(), error.message()));
                failure.WithContext("table", root.string());
                failure.WithSuggestion("the files deleted before it were unreferenced; fix the permissions and run "
                                       "VACUUM again");
                throw failure;
            }
            RemoveEmptyParents(root, path.parent_path());
        }
        result.files.push_back(path.lexically_relative(root).generic_string());
        result.bytes += size;
    }
    return result;
}

OptimizeResult Optimize(engine::Connection& connection,
                        const std::string& directory,
                        const std::vector<std::string>& zorder_by,
                        int64_t target_file_bytes) {
    fs::path root = TableRoot(directory);
    if (ListLog(root).LatestVersion() < 0) {
        throw NotATable(root);
    }
    return OptimizeJob(connection, directory, zorder_by, target_file_bytes).Run();
}

} // namespace odibi::io::delta
