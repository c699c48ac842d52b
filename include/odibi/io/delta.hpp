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

/// A lazy table expression over the rows of `snapshot`: columns in schema order under their logical
/// names, partition values from the log, rows of deletion vectors removed. `connection` reads the
/// deletion vectors and the data files' column list. `filter_sql`, when given, is a predicate over
/// the table's columns used to skip files (partition values, min/max stats); rows are not filtered.
[[nodiscard]] std::string ScanSql(engine::Connection& connection,
                                  const Snapshot& snapshot,
                                  const std::optional<std::string>& filter_sql = std::nullopt);

} // namespace odibi::io::delta
