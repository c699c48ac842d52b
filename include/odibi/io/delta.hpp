// Delta Lake tables, natively: the transaction log (PROTOCOL.md of delta-io/delta) read and written
// by odibi itself, with DuckDB reading and writing the parquet data files.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::io::delta {

/// The `protocol` action: what a reader and a writer must support.
struct Protocol {
    int min_reader_version = 1;
    int min_writer_version = 2;
    std::vector<std::string> reader_features; ///< only with minReaderVersion 3
    std::vector<std::string> writer_features; ///< only with minWriterVersion 7
};

/// One field of a table schema (`schemaString`). `type` is Delta's JSON type: a primitive name
/// ("long", "decimal(10,2)") or an object for struct, array and map.
struct Field {
    std::string name;
    config::Json type;
    bool nullable = true;
    config::Json metadata = config::Json::object();
};

/// The `metaData` action.
struct Metadata {
    std::string id;
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::string schema_string;
    std::vector<Field> schema; ///< parsed from schema_string
    std::vector<std::string> partition_columns;
    std::map<std::string, std::string> configuration;
    std::optional<int64_t> created_time;
};

/// A deletion vector descriptor (`deletionVector` of an add action).
struct DeletionVector {
    std::string storage_type; ///< "u" (relative file, UUID in Z85), "i" (inline), "p" (absolute path)
    std::string path_or_inline_dv;
    std::optional<int32_t> offset;
    int32_t size_in_bytes = 0;
    int64_t cardinality = 0;

    /// storageType + pathOrInlineDv (+ "@" + offset): with the file's path, a file's identity.
    [[nodiscard]] std::string UniqueId() const;
};

/// An `add` action: one data file of the snapshot.
struct AddFile {
    std::string path; ///< relative to the table root, percent-decoded once
    std::map<std::string, std::optional<std::string>> partition_values; ///< keyed by physical name
    int64_t size = 0;
    int64_t modification_time = 0;
    bool data_change = true;
    std::optional<std::string> stats; ///< JSON text: numRecords, minValues, maxValues, nullCount
    std::optional<DeletionVector> deletion_vector;
};

/// A `remove` action: a file that left the table (a tombstone until VACUUM deletes it).
struct RemoveFile {
    std::string path; ///< percent-decoded once, like AddFile::path
    std::optional<int64_t> deletion_timestamp;
    bool data_change = true;
    std::map<std::string, std::optional<std::string>> partition_values;
    std::optional<int64_t> size;
    std::optional<DeletionVector> deletion_vector;
};

/// The state of a table at one version.
struct Snapshot {
    std::string table_root; ///< absolute directory of the table
    int64_t version = -1;
    int64_t timestamp_ms = 0; ///< commit time of `version` (commitInfo.timestamp, else file time)
    Protocol protocol;
    Metadata metadata;
    std::vector<AddFile> files;              ///< active files, sorted by path
    std::vector<RemoveFile> tombstones;      ///< removed files not re-added, sorted by path
    std::map<std::string, int64_t> app_txns; ///< txn actions: appId -> version
    std::optional<int64_t> checkpoint_used;  ///< the checkpoint replay started from
};

/// Which version of a table to load: the latest, a version, or the last commit at or before a time.
struct VersionSpec {
    std::optional<int64_t> version;
    std::optional<std::string> timestamp; ///< "2024-01-31", "2024-01-31 12:00:00", ISO 8601 with Z
};

/// True when `directory` holds a Delta table (a `_delta_log` with at least one commit or checkpoint).
[[nodiscard]] bool IsDeltaTable(const std::string& directory);

/// Reconstructs the snapshot of the table at `directory` (JSON commits, parquet checkpoints read
/// through `connection`, `_last_checkpoint` as a hint). Throws DELTA_* errors naming the table and,
/// for a feature this reader lacks, the feature.
[[nodiscard]] Snapshot
LoadSnapshot(engine::Connection& connection, const std::string& directory, const VersionSpec& at = {});

/// The DuckDB type of a Delta type ("long" -> BIGINT, structs, arrays and maps nested).
[[nodiscard]] std::string DuckDbType(const config::Json& delta_type);

/// Which files of a snapshot a read opens, and why it skips the others. Points into the snapshot.
struct FileSelection {
    std::vector<const AddFile*> files; ///< the files to read: snapshot.files in their order, less the skipped
    size_t total = 0;                  ///< files in the snapshot
    size_t skipped_by_partition = 0;   ///< ruled out by their partition values
    size_t skipped_by_statistics = 0;  ///< ruled out by their min/max values and null counts

    /// "3 of 40 files (37 skipped by statistics)", for the story.
    [[nodiscard]] std::string Describe() const;
};

/// The files of `snapshot` that may hold rows satisfying `filter_sql`, a predicate over the table's columns
/// (every file without one). Partition pruning evaluates the whole filter on each distinct combination of
/// partition values when it names partition columns only; data skipping then decides its top-level AND
/// conjuncts of the forms `column <op> literal`, BETWEEN, IN and IS [NOT] NULL from each file's min/max
/// statistics, null counts and partition values. A file is skipped only when the log proves it holds no
/// matching row; a file without statistics is read.
[[nodiscard]] FileSelection
SelectFiles(engine::Connection& connection, const Snapshot& snapshot, const std::optional<std::string>& filter_sql);

/// A lazy table expression over the rows of the selected files of `snapshot`: columns in schema order under
/// their logical names, partition values from the log, rows of deletion vectors removed. `connection` reads
/// the deletion vectors and the data files' column list. Rows are not filtered.
[[nodiscard]] std::string
ScanSql(engine::Connection& connection, const Snapshot& snapshot, const FileSelection& selection);

/// ScanSql over SelectFiles(connection, snapshot, filter_sql).
[[nodiscard]] std::string ScanSql(engine::Connection& connection,
                                  const Snapshot& snapshot,
                                  const std::optional<std::string>& filter_sql = std::nullopt);

// Table maintenance (src/io/delta/maintenance.cpp): history, VACUUM and OPTIMIZE.

/// One commit of a table, as Spark's DESCRIBE HISTORY shows it.
struct HistoryEntry {
    int64_t version = 0;
    int64_t timestamp_ms = 0; ///< commitInfo.timestamp, else the commit file's modification time
    std::string operation;    ///< commitInfo.operation ("WRITE", "OPTIMIZE", ...); empty without one
    config::Json operation_parameters = config::Json::object();
    config::Json operation_metrics = config::Json::object();
    std::optional<std::string> engine_info;
    std::optional<std::string> user_name;
    std::optional<int64_t> read_version;
    std::optional<bool> is_blind_append;
};

/// The commits of the table at `directory`, newest first, at most `limit` of them. Commits whose file
/// the log no longer holds (cleaned up after a checkpoint) are not listed. Throws INPUT_NOT_FOUND when
/// the directory is not a Delta table, DELTA_LOG_INVALID for a commit file that is not JSON lines.
[[nodiscard]] std::vector<HistoryEntry> History(const std::string& directory,
                                                std::optional<int64_t> limit = std::nullopt);

/// The retention VACUUM keeps when the table does not set `delta.deletedFileRetentionDuration`: a week.
inline constexpr double DEFAULT_RETENTION_HOURS = 168.0;

/// What VACUUM deleted (or, for a dry run, would delete).
struct VacuumResult {
    int64_t version = -1;           ///< the snapshot whose files were kept
    double retention_hours = 0;     ///< the retention applied
    bool dry_run = false;           ///< nothing was deleted
    std::vector<std::string> files; ///< paths relative to the table root, sorted
    int64_t bytes = 0;              ///< their total size
    int64_t young_files_kept = 0;   ///< unreferenced files kept because they are younger than the retention
};

/// Deletes the files under the table directory that the latest snapshot does not reference (data files
/// and `deletion_vector_*.bin` files, in partition folders too) and that are older than the retention:
/// by modification time and, for files that a `remove` action tombstoned, by its deletionTimestamp.
/// Hidden names (starting with "." or, unless they hold "=" like partition folders, "_") are never
/// touched, so neither `_delta_log` nor staging files are. Files younger than the retention stay even
/// when unreferenced: a concurrent writer may be about to commit them. `retention_hours` defaults to
/// the table's `delta.deletedFileRetentionDuration` (DEFAULT_RETENTION_HOURS when unset); a shorter
/// one is refused with USAGE_ERROR unless `force`. With `dry_run` nothing is deleted.
[[nodiscard]] VacuumResult Vacuum(engine::Connection& connection,
                                  const std::string& directory,
                                  std::optional<double> retention_hours = std::nullopt,
                                  bool dry_run = false,
                                  bool force = false);

/// The size of the data files writers produce (DuckDB's COPY FILE_SIZE_BYTES, "256MB" = 256 * 1000 *
/// 1000 bytes) and OPTIMIZE's default target size.
inline constexpr int64_t TARGET_FILE_BYTES = 256LL * 1000 * 1000;

/// What OPTIMIZE did.
struct OptimizeResult {
    std::optional<int64_t> version; ///< the OPTIMIZE commit; nullopt when nothing needed rewriting
    int64_t partitions_optimized = 0;
    int64_t files_removed = 0;
    int64_t files_added = 0;
    int64_t bytes_removed = 0;
    int64_t bytes_added = 0;
};

/// Compacts the table at `directory`, partition by partition: the files smaller than
/// `target_file_bytes` are rewritten into files of up to that size when a partition has at least two
/// of them. With `zorder_by` (data columns, not partition columns) every file of every partition is
/// rewritten, its rows ordered along a Z-order curve over those columns (each value's rank among the
/// partition's distinct values, bits interleaved; one column is a plain sort). Rows and values are
/// unchanged; deletion vectors are applied. The commit holds remove and add actions with dataChange
/// false and a commitInfo with operation "OPTIMIZE"; it goes on top of concurrent appends but fails
/// with DELTA_COMMIT_CONFLICT when another writer removed one of the files it rewrote.
[[nodiscard]] OptimizeResult Optimize(engine::Connection& connection,
                                      const std::string& directory,
                                      const std::vector<std::string>& zorder_by = {},
                                      int64_t target_file_bytes = TARGET_FILE_BYTES);

} // namespace odibi::io::delta
