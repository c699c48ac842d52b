// The rows of a snapshot as one lazy DuckDB table expression: one read_parquet over the files a filter can
// match, partition values joined in from the log, deletion-vector rows anti-joined away.
#include "scan.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "actions.hpp"
#include "data_skipping.hpp"
#include "deletion_vector.hpp"
#include "types.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/io/delta.hpp"
#include "odibi/io/storage.hpp"

namespace odibi::io::delta {

namespace {

namespace fs = std::filesystem;

using engine::QuoteIdentifier;
using engine::QuoteLiteral;

constexpr const char* kData = "odibi_delta_data";
constexpr const char* kPartitions = "odibi_delta_partitions";

/// The name of a field in the data files and in partitionValues.
std::string PhysicalNameOf(const Field& field, const std::string& mapping_mode) {
    return PhysicalName(field.name, field.metadata, mapping_mode);
}

bool IsPartitionColumn(const Metadata& metadata, const Field& field) {
    return std::find(metadata.partition_columns.begin(), metadata.partition_columns.end(), field.name) !=
           metadata.partition_columns.end();
}

/// The partition columns' values per file, joined on the file name. The rows travel as one JSON text: DuckDB
/// binds a VALUES list of one literal row per file slowly (about half a second for ten thousand files).
std::string PartitionValuesTable(const Snapshot& snapshot,
                                 const std::vector<const AddFile*>& files,
                                 const std::vector<const Field*>& partition_fields,
                                 const std::string& mapping_mode) {
    config::Json rows = config::Json::array();
    for (const AddFile* file : files) {
        config::Json row = config::Json::array({FileLocation(snapshot, *file)});
        for (const Field* field : partition_fields) {
            auto found = file->partition_values.find(PhysicalNameOf(*field, mapping_mode));
            std::optional<std::string> value = found == file->partition_values.end() ? std::nullopt : found->second;
            std::optional<std::string> text = PartitionValueText(value, field->type);
            row.push_back(text ? config::Json(*text) : config::Json(nullptr));
        }
        rows.push_back(std::move(row));
    }
    // from_json lists are 1-based: the file is r[1], then one value per partition column.
    std::vector<std::string> columns = {fmt::format("r[1] AS {}", QuoteIdentifier(FILE_COLUMN))};
    for (size_t index = 0; index < partition_fields.size(); ++index) {
        const Field* field = partition_fields[index];
        columns.push_back(fmt::format("{} AS {}",
                                      PartitionValueCast(fmt::format("r[{}]", index + 2), field->type),
                                      QuoteIdentifier(field->name)));
    }
    return fmt::format("(SELECT {} FROM (SELECT unnest(from_json({}, '[[\"VARCHAR\"]]')) AS r)) AS {}",
                       Join(columns, ", "),
                       QuoteLiteral(rows.dump()),
                       kPartitions);
}

/// `file_row_number`s deleted by the files' deletion vectors, as (file, row) pairs.
std::string DeletedRowsCondition(const Snapshot& snapshot, const std::vector<const AddFile*>& files) {
    std::vector<std::string> conditions;
    for (const AddFile* file : files) {
        if (!file->deletion_vector) {
            continue;
        }
        std::vector<uint64_t> rows = ReadDeletedRows(*file->deletion_vector, snapshot.table_root);
        if (rows.empty()) {
            continue;
        }
        std::vector<std::string> numbers;
        numbers.reserve(rows.size());
        for (uint64_t row : rows) {
            numbers.push_back(std::to_string(row));
        }
        conditions.push_back(fmt::format("({}.filename = {} AND {}.file_row_number IN ({}))",
                                         kData,
                                         QuoteLiteral(FileLocation(snapshot, *file)),
                                         kData,
                                         Join(numbers, ", ")));
    }
    return conditions.empty() ? "" : "NOT (" + Join(conditions, " OR ") + ")";
}

/// The values of the partition columns of one file, in the order of `partition_fields`.
std::vector<std::optional<std::string>> PartitionTuple(const AddFile& file,
                                                       const std::vector<const Field*>& partition_fields,
                                                       const std::string& mapping_mode) {
    std::vector<std::optional<std::string>> tuple;
    tuple.reserve(partition_fields.size());
    for (const Field* field : partition_fields) {
        auto found = file.partition_values.find(PhysicalNameOf(*field, mapping_mode));
        tuple.push_back(found == file.partition_values.end() ? std::nullopt : found->second);
    }
    return tuple;
}

/// Partition pruning: the files whose partition values can satisfy `filter_sql`, decided once per
/// distinct combination of partition values (a table has far fewer of those than files). A filter
/// over other columns as well cannot be decided from partition values alone; every file is kept then.
std::vector<const AddFile*> PruneFiles(engine::Connection& connection,
                                       const Snapshot& snapshot,
                                       const std::vector<const Field*>& partition_fields,
                                       const std::string& mapping_mode,
                                       const std::optional<std::string>& filter_sql) {
    std::vector<const AddFile*> files;
    files.reserve(snapshot.files.size());
    for (const auto& file : snapshot.files) {
        files.push_back(&file);
    }
    if (!filter_sql || partition_fields.empty() || files.empty()) {
        return files;
    }
    std::map<std::vector<std::optional<std::string>>, size_t> tuples;
    for (const AddFile* file : files) {
        tuples.emplace(PartitionTuple(*file, partition_fields, mapping_mode), tuples.size());
    }
    std::vector<std::string> rows;
    rows.reserve(tuples.size());
    for (const auto& [tuple, index] : tuples) {
        std::vector<std::string> values = {std::to_string(index)};
        for (size_t i = 0; i < tuple.size(); ++i) {
            values.push_back(PartitionValueSql(tuple[i], partition_fields[i]->type));
        }
        rows.push_back("(" + Join(values, ", ") + ")");
    }
    std::vector<std::string> names = {"odibi_partition_index"};
    for (const Field* field : partition_fields) {
        names.push_back(QuoteIdentifier(field->name));
    }
    std::string sql = fmt::format("SELECT odibi_partition_index FROM (VALUES {}) AS {}({}) WHERE {}",
                                  Join(rows, ", "),
                                  kPartitions,
                                  Join(names, ", "),
                                  *filter_sql);
    engine::ResultTable kept;
    try {
        kept = connection.Query(sql);
    } catch (const Error&) {
        return files;
    }
    std::set<size_t> kept_indexes;
    for (size_t row = 0; row < kept.RowCount(); ++row) {
        kept_indexes.insert(std::stoul(kept.Value(row, 0).value_or("0")));
    }
    std::erase_if(files, [&](const AddFile* file) {
        return !kept_indexes.contains(tuples.at(PartitionTuple(*file, partition_fields, mapping_mode)));
    });
    return files;
}

std::string EmptyScan(const std::vector<Field>& schema) {
    std::vector<std::string> columns;
    for (const auto& field : schema) {
        columns.push_back(fmt::format("CAST(NULL AS {}) AS {}", DuckDbType(field.type), QuoteIdentifier(field.name)));
    }
    if (columns.empty()) {
        return "(SELECT 1 AS odibi_no_columns LIMIT 0)";
    }
    return fmt::format("(SELECT {} LIMIT 0)", Join(columns, ", "));
}

/// The expression that reads `physical` (of DuckDB type `stored`) as the field's logical type.
std::string ColumnExpression(const std::string& physical, const std::string& stored, const std::string& type) {
    std::string column = fmt::format("{}.{}", kData, QuoteIdentifier(physical));
    if (stored == type) {
        return column;
    }
    if (stored == "TIMESTAMP WITH TIME ZONE" && type == "TIMESTAMP") {
        return fmt::format("timezone('UTC', {})", column);
    }
    return fmt::format("CAST({} AS {})", column, type);
}

std::vector<const Field*> PartitionFields(const Metadata& metadata) {
    std::vector<const Field*> partition_fields;
    for (const auto& field : metadata.schema) {
        if (IsPartitionColumn(metadata, field)) {
            partition_fields.push_back(&field);
        }
    }
    return partition_fields;
}

} // namespace

std::string FileLocation(const Snapshot& snapshot, const AddFile& file) {
    if (IsUri(file.path) || fs::path(file.path).is_absolute()) {
        return file.path;
    }
    return (fs::path(snapshot.table_root) / file.path).string();
}

std::string FileSelection::Describe() const {
    std::string text = fmt::format("{} of {} file{}", files.size(), total, total == 1 ? "" : "s");
    size_t skipped = skipped_by_partition + skipped_by_statistics;
    if (skipped_by_partition > 0 && skipped_by_statistics > 0) {
        return text + fmt::format(" ({} skipped: {} by partition values, {} by statistics)",
                                  skipped,
                                  skipped_by_partition,
                                  skipped_by_statistics);
    }
    if (skipped > 0) {
        return text + fmt::format(
                          " ({} skipped by {})", skipped, skipped_by_partition > 0 ? "partition values" : "statistics");
    }
    return text;
}

FileSelection
SelectFiles(engine::Connection& connection, const Snapshot& snapshot, const std::optional<std::string>& filter_sql) {
    FileSelection selection;
    selection.total = snapshot.files.size();
    selection.files = PruneFiles(
        connection, snapshot, PartitionFields(snapshot.metadata), ColumnMappingMode(snapshot.metadata), filter_sql);
    selection.skipped_by_partition = selection.total - selection.files.size();
    if (filter_sql) {
        size_t before = selection.files.size();
        selection.files = SkipFilesByStatistics(connection, snapshot, selection.files, *filter_sql);
        selection.skipped_by_statistics = before - selection.files.size();
    }
    return selection;
}

std::string ScanSql(engine::Connection& connection, const Snapshot& snapshot, const FileSelection& selection) {
    return ScanFilesSql(connection, snapshot, selection.files, false);
}

std::string
ScanSql(engine::Connection& connection, const Snapshot& snapshot, const std::optional<std::string>& filter_sql) {
    return ScanSql(connection, snapshot, SelectFiles(connection, snapshot, filter_sql));
}

std::string ScanFilesSql(engine::Connection& connection,
                         const Snapshot& snapshot,
                         const std::vector<const AddFile*>& files,
                         bool with_file_column) {
    const Metadata& metadata = snapshot.metadata;
    std::string mapping_mode = ColumnMappingMode(metadata);
    std::vector<const Field*> partition_fields = PartitionFields(metadata);
    if (files.empty()) {
        return EmptyScan(metadata.schema);
    }
    std::string deleted = DeletedRowsCondition(snapshot, files);
    std::vector<std::string> locations;
    locations.reserve(files.size());
    for (const AddFile* file : files) {
        locations.push_back(QuoteLiteral(FileLocation(snapshot, *file)));
    }
    std::vector<std::string> options = {"union_by_name = true"};
    if (!partition_fields.empty() || !deleted.empty() || with_file_column) {
        options.emplace_back("filename = true");
    }
    if (!deleted.empty()) {
        options.emplace_back("file_row_number = true");
    }
    std::string data = fmt::format("read_parquet([{}], {})", Join(locations, ", "), Join(options, ", "));

    std::map<std::string, std::string> stored_types;
    for (const auto& column : connection.Describe("SELECT * FROM " + data)) {
        if (column.name != "filename" && column.name != "file_row_number") {
            stored_types[column.name] = column.type;
        }
    }
    std::vector<std::string> columns;
    for (const auto& field : metadata.schema) {
        std::string type = DuckDbType(field.type);
        std::string name = QuoteIdentifier(field.name);
        if (IsPartitionColumn(metadata, field)) {
            columns.push_back(fmt::format("{}.{} AS {}", kPartitions, name, name));
            continue;
        }
        auto stored = stored_types.find(PhysicalNameOf(field, mapping_mode));
        if (stored == stored_types.end()) {
            columns.push_back(fmt::format("CAST(NULL AS {}) AS {}", type, name));
        } else {
            columns.push_back(fmt::format("{} AS {}", ColumnExpression(stored->first, stored->second, type), name));
        }
    }
    if (with_file_column) {
        columns.push_back(fmt::format("{}.filename AS {}", kData, QuoteIdentifier(FILE_COLUMN)));
    }
    std::string from = fmt::format("{} AS {}", data, kData);
    if (!partition_fields.empty()) {
        from += fmt::format(" JOIN {} ON {}.filename = {}.{}",
                            PartitionValuesTable(snapshot, files, partition_fields, mapping_mode),
                            kData,
                            kPartitions,
                            QuoteIdentifier(FILE_COLUMN));
    }
    return fmt::format("(SELECT {} FROM {}{})", Join(columns, ", "), from, deleted.empty() ? "" : " WHERE " + deleted);
}

} // namespace odibi::io::delta
