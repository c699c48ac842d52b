// Classic parquet checkpoints, built in DuckDB from literal rows and published with one rename.
#include "checkpoint_writer.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <vector>

#include "actions.hpp"
#include "staged_output.hpp"
#include <fmt/format.h>

#include "odibi/common/identity.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::io::delta {

namespace {

namespace fs = std::filesystem;
using config::Json;
using engine::QuoteLiteral;

constexpr const char* CHECKPOINT_INTERVAL_KEY = "delta.checkpointInterval";
// Rows per INSERT statement: keeps each statement's SQL text small for tables with many files.
constexpr size_t ROWS_PER_INSERT = 500;
constexpr int FEATURES_READER_VERSION = 3;
constexpr int FEATURES_WRITER_VERSION = 7;

// The columns of Spark's checkpoints (Delta 2.x/3.x with deletion vectors), in Spark's order.
constexpr const char* DELETION_VECTOR_TYPE = "STRUCT(storageType VARCHAR, pathOrInlineDv VARCHAR, \"offset\" INTEGER, "
                                             "sizeInBytes INTEGER, cardinality BIGINT)";
constexpr const char* STRING_MAP_TYPE = "MAP(VARCHAR, VARCHAR)";

std::string CheckpointColumns() {
    return fmt::format(
        "\"txn\" STRUCT(appId VARCHAR, \"version\" BIGINT, lastUpdated BIGINT), "
        "\"add\" STRUCT(path VARCHAR, partitionValues {0}, size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, "
        "tags {0}, deletionVector {1}, stats VARCHAR), "
        "\"remove\" STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, "
        "partitionValues {0}, size BIGINT, deletionVector {1}), "
        "\"metaData\" STRUCT(id VARCHAR, \"name\" VARCHAR, description VARCHAR, "
        "format STRUCT(provider VARCHAR, \"options\" {0}), schemaString VARCHAR, partitionColumns VARCHAR[], "
        "\"configuration\" {0}, createdTime BIGINT), "
        "\"protocol\" STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], "
        "writerFeatures VARCHAR[])",
        STRING_MAP_TYPE,
        DELETION_VECTOR_TYPE);
}

std::string CheckpointFileName(int64_t version) {
    return fmt::format("{:020d}.checkpoint.parquet", version);
}

std::string OptionalLiteral(const std::optional<std::string>& value) {
    return value ? QuoteLiteral(*value) : "NULL";
}

std::string OptionalNumber(const std::optional<int64_t>& value) {
    return value ? std::to_string(*value) : "NULL";
}

std::string BooleanLiteral(bool value) {
    return value ? "true" : "false";
}

template <typename Map> std::string MapLiteral(const Map& values) {
    std::vector<std::string> entries;
    for (const auto& [key, value] : values) {
        entries.push_back(fmt::format("{}: {}", QuoteLiteral(key), OptionalLiteral(value)));
    }
    return fmt::format("MAP {{{}}}", Join(entries, ", "));
}

std::string ListLiteral(const std::vector<std::string>& values) {
    std::vector<std::string> items;
    for (const auto& value : values) {
        items.push_back(QuoteLiteral(value));
    }
    return fmt::format("[{}]::VARCHAR[]", Join(items, ", "));
}

std::string DeletionVectorLiteral(const std::optional<DeletionVector>& vector) {
    if (!vector) {
        return "NULL";
    }
    return fmt::format("{{'storageType': {}, 'pathOrInlineDv': {}, 'offset': {}, 'sizeInBytes': {}, "
                       "'cardinality': {}}}",
                       QuoteLiteral(vector->storage_type),
                       QuoteLiteral(vector->path_or_inline_dv),
                       vector->offset ? std::to_string(*vector->offset) : "NULL",
                       vector->size_in_bytes,
                       vector->cardinality);
}

/// One checkpoint row: the struct literal of `column`, the other columns NULL.
std::string Row(const std::string& column, const std::string& literal) {
    static const std::vector<std::string> COLUMNS = {"txn", "add", "remove", "metaData", "protocol"};
    std::vector<std::string> values;
    for (const auto& name : COLUMNS) {
        values.push_back(name == column ? literal : "NULL");
    }
    return "(" + Join(values, ", ") + ")";
}

std::string ProtocolRow(const Protocol& protocol) {
    // Feature lists exist only in the protocol versions that define them, as in the JSON action.
    std::string reader_features = protocol.min_reader_version >= FEATURES_READER_VERSION
                                      ? ListLiteral(protocol.reader_features)
                                      : std::string("NULL");
    std::string writer_features = protocol.min_writer_version >= FEATURES_WRITER_VERSION
                                      ? ListLiteral(protocol.writer_features)
                                      : std::string("NULL");
    return Row("protocol",
               fmt::format("{{'minReaderVersion': {}, 'minWriterVersion': {}, 'readerFeatures': {}, "
                           "'writerFeatures': {}}}",
                           protocol.min_reader_version,
                           protocol.min_writer_version,
                           reader_features,
                           writer_features));
}

std::string MetadataRow(const Metadata& metadata) {
    std::string schema_string = metadata.schema.empty() ? metadata.schema_string : SerializeSchema(metadata.schema);
    return Row("metaData",
               fmt::format("{{'id': {}, 'name': {}, 'description': {}, 'format': {{'provider': 'parquet', "
                           "'options': MAP {{}}}}, 'schemaString': {}, 'partitionColumns': {}, "
                           "'configuration': {}, 'createdTime': {}}}",
                           QuoteLiteral(metadata.id),
                           OptionalLiteral(metadata.name),
                           OptionalLiteral(metadata.description),
                           QuoteLiteral(schema_string),
                           ListLiteral(metadata.partition_columns),
                           MapLiteral(metadata.configuration),
                           OptionalNumber(metadata.created_time)));
}

std::string TxnRow(const std::string& app_id, int64_t version) {
    // The snapshot keeps no lastUpdated; it is optional in the protocol.
    return Row("txn",
               fmt::format("{{'appId': {}, 'version': {}, 'lastUpdated': NULL}}", QuoteLiteral(app_id), version));
}

std::string AddRow(const AddFile& add) {
    return Row("add",
               fmt::format("{{'path': {}, 'partitionValues': {}, 'size': {}, 'modificationTime': {}, "
                           "'dataChange': false, 'tags': NULL, 'deletionVector': {}, 'stats': {}}}",
                           QuoteLiteral(EncodePath(add.path)),
                           MapLiteral(add.partition_values),
                           add.size,
                           add.modification_time,
                           DeletionVectorLiteral(add.deletion_vector),
                           OptionalLiteral(add.stats)));
}

std::string RemoveRow(const RemoveFile& remove) {
    return Row("remove",
               fmt::format("{{'path': {}, 'deletionTimestamp': {}, 'dataChange': false, 'extendedFileMetadata': {}, "
                           "'partitionValues': {}, 'size': {}, 'deletionVector': {}}}",
                           QuoteLiteral(EncodePath(remove.path)),
                           OptionalNumber(remove.deletion_timestamp),
                           BooleanLiteral(remove.size.has_value()),
                           MapLiteral(remove.partition_values),
                           OptionalNumber(remove.size),
                           DeletionVectorLiteral(remove.deletion_vector)));
}

std::vector<std::string> CheckpointRows(const Snapshot& snapshot) {
    std::vector<std::string> rows;
    rows.reserve(2 + snapshot.app_txns.size() + snapshot.files.size() + snapshot.tombstones.size());
    rows.push_back(ProtocolRow(snapshot.protocol));
    rows.push_back(MetadataRow(snapshot.metadata));
    for (const auto& [app_id, version] : snapshot.app_txns) {
        rows.push_back(TxnRow(app_id, version));
    }
    for (const auto& add : snapshot.files) {
        rows.push_back(AddRow(add));
    }
    for (const auto& remove : snapshot.tombstones) {
        rows.push_back(RemoveRow(remove));
    }
    return rows;
}

/// A connection-local temporary table that is dropped when the object goes away.
class TemporaryTable {
public:
    TemporaryTable(engine::Connection& connection, const std::string& columns)
        : connection_(connection), name_(engine::QuoteIdentifier("odibi_checkpoint_" + NewUuid())) {
        connection_.Execute(fmt::format("CREATE TEMPORARY TABLE {} ({})", name_, columns));
    }
    TemporaryTable(const TemporaryTable&) = delete;
    TemporaryTable& operator=(const TemporaryTable&) = delete;
    TemporaryTable(TemporaryTable&&) = delete;
    TemporaryTable& operator=(TemporaryTable&&) = delete;
    ~TemporaryTable() {
        try {
            connection_.Execute(fmt::format("DROP TABLE IF EXISTS {}", name_));
        } catch (const std::exception&) {
            // The table is connection-local and goes with the connection; nothing more to do here.
        }
    }

    [[nodiscard]] const std::string& Name() const { return name_; }

private:
    engine::Connection& connection_;
    std::string name_;
};

void WriteTextFile(const fs::path& path, const std::string& text) {
    std::ofstream stream(path, std::ios::binary | std::ios::trunc);
    stream << text;
    stream.close();
    if (!stream) {
        Error error(ErrorCode::WRITE_FAILED, ErrorSource::EXTERNAL, fmt::format("could not write {}", path.string()));
        error.WithContext("path", path.string());
        error.WithSuggestion("check that the directory exists, is writable and has free space");
        throw error;
    }
}

} // namespace

void WriteCheckpoint(engine::Connection& connection, const Snapshot& snapshot) {
    if (snapshot.version < 0) {
        throw InternalError(fmt::format("cannot checkpoint the table {} before its first commit", snapshot.table_root));
    }
    fs::path log_directory = fs::path(snapshot.table_root) / "_delta_log";
    std::vector<std::string> rows = CheckpointRows(snapshot);

    fs::path checkpoint_path = log_directory / CheckpointFileName(snapshot.version);
    StagedOutput staged_checkpoint(checkpoint_path, "checkpoint");
    {
        TemporaryTable table(connection, CheckpointColumns());
        for (size_t start = 0; start < rows.size(); start += ROWS_PER_INSERT) {
            size_t end = std::min(rows.size(), start + ROWS_PER_INSERT);
            std::vector<std::string> batch(rows.begin() + static_cast<std::ptrdiff_t>(start),
                                           rows.begin() + static_cast<std::ptrdiff_t>(end));
            connection.Execute(fmt::format("INSERT INTO {} VALUES {}", table.Name(), Join(batch, ", ")));
        }
        connection.Execute(fmt::format(
            "COPY {} TO {} (FORMAT parquet)", table.Name(), QuoteLiteral(staged_checkpoint.Path().string())));
    }
    staged_checkpoint.Publish();
    staged_checkpoint.Cleanup();

    Json last_checkpoint = {{"version", snapshot.version},
                            {"size", rows.size()},
                            {"sizeInBytes", fs::file_size(checkpoint_path)},
                            {"numOfAddFiles", snapshot.files.size()}};
    StagedOutput staged_last_checkpoint(log_directory / "_last_checkpoint", "checkpoint");
    WriteTextFile(staged_last_checkpoint.Path(), last_checkpoint.dump());
    staged_last_checkpoint.Publish();
    staged_last_checkpoint.Cleanup();
}

std::optional<int64_t> CheckpointInterval(const Metadata& metadata) {
    auto found = metadata.configuration.find(CHECKPOINT_INTERVAL_KEY);
    if (found == metadata.configuration.end()) {
        return DEFAULT_CHECKPOINT_INTERVAL;
    }
    std::string text = Trim(found->second);
    int64_t interval = 0;
    auto result = std::from_chars(text.data(), text.data() + text.size(), interval);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size() || interval <= 0) {
        return std::nullopt;
    }
    return interval;
}

} // namespace odibi::io::delta
