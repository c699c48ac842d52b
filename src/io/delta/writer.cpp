// Delta writes (PROTOCOL.md, "Writer Requirements"): parquet data files written by DuckDB's COPY into a
// hidden sibling of the table, moved in, then made visible by one commit file created with
// put-if-absent (link(2) fails when the version exists). Appends retry on the next version; overwrites
// and upserts that raced with another writer's data change are refused.
#include "writer.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "actions.hpp"
#include "commit.hpp"
#include "file_bounds.hpp"
#include "file_stats.hpp"
#include "log_listing.hpp"
#include "scan.hpp"
#include "staged_output.hpp"
#include "staged_write_parts.hpp"
#include "types.hpp"
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
using config::WriteMode;
using engine::QuoteIdentifier;
using engine::QuoteLiteral;

constexpr const char* kMarkerPrefix = "delta:";
// The txn part of the marker of a write skipped by skip_if_unchanged.
constexpr const char* UNCHANGED_MARKER = "unchanged";
constexpr const char* kNullPartition = "__HIVE_DEFAULT_PARTITION__";

std::string ModeName(WriteMode mode) {
    switch (mode) {
    case WriteMode::APPEND:
        return "Append";
    case WriteMode::UPSERT:
        return "Upsert";
    case WriteMode::APPEND_ONCE:
        return "AppendOnce";
    case WriteMode::MERGE:
        return "Merge";
    case WriteMode::DELETE_MATCHING:
        return "Delete";
    case WriteMode::OVERWRITE:
        return "Overwrite";
    }
    return "Overwrite";
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
    return std::any_of(
        names.begin(), names.end(), [&name](const std::string& item) { return ToLower(item) == ToLower(name); });
}

std::vector<std::string> FieldNames(const std::vector<Field>& fields) {
    std::vector<std::string> names;
    names.reserve(fields.size());
    for (const auto& field : fields) {
        names.push_back(field.name);
    }
    return names;
}

std::optional<int64_t> NumRecords(const AddFile& file) {
    std::optional<FileStats> stats = file.stats ? ParseFileStats(*file.stats) : std::nullopt;
    if (!stats || !stats->num_records) {
        return std::nullopt;
    }
    return *stats->num_records - (file.deletion_vector ? file.deletion_vector->cardinality : 0);
}

/// A staged Delta write: data files beside the table, its commit planned.
class StagedTable final : public StagedWrite::Parts {
public:
    StagedTable(engine::Connection& connection,
                fs::path table,
                std::unique_ptr<StagedOutput> staging,
                PlannedCommit commit)
        : connection_(connection), table_(std::move(table)), staging_(std::move(staging)), commit_(std::move(commit)) {}

    void Publish() override { PublishCommit(connection_, table_, staging_->Path() / "data", commit_); }
    void Cleanup() override { staging_->Cleanup(); }
    [[nodiscard]] std::string Staging() const override { return staging_->Path().string(); }

private:
    engine::Connection& connection_;
    fs::path table_;
    std::unique_ptr<StagedOutput> staging_;
    PlannedCommit commit_;
};

/// A write skipped by skip_if_unchanged: nothing to publish, only the empty staging to remove.
class UnchangedTable final : public StagedWrite::Parts {
public:
    explicit UnchangedTable(std::unique_ptr<StagedOutput> staging) : staging_(std::move(staging)) {}

    void Publish() override {}
    void Cleanup() override { staging_->Cleanup(); }
    [[nodiscard]] std::string Staging() const override { return staging_->Path().string(); }

private:
    std::unique_ptr<StagedOutput> staging_;
};

class TableWriteJob {
public:
    TableWriteJob(engine::Connection& connection, const TableWrite& write)
        : connection_(connection), write_(write), table_(write.table_root) {}

    StagedWrite Stage() {
        LoadTable();
        batch_columns_ = connection_.Describe(write_.source_relation);
        if (write_.delete_flag_column) {
            std::erase_if(batch_columns_, [this](const engine::ColumnInfo& column) {
                return column.name == *write_.delete_flag_column;
            });
        }
        PlanSchema();
        staging_ = std::make_unique<StagedOutput>(table_, "staging");
        fs::create_directories(staging_->Path() / "data");
        if (write_.skip_if_unchanged) {
            content_hash_ = ContentHash();
            if (snapshot_ && LastContentHash() == content_hash_) {
                return Unchanged();
            }
        }
        if (!snapshot_ && write_.mode == WriteMode::DELETE_MATCHING) {
            throw NothingToDeleteFrom(table_.string());
        }
        WriteMode mode = snapshot_ ? write_.mode : WriteMode::OVERWRITE;
        std::string batch = fmt::format("(SELECT * FROM {}) AS {}", write_.source_relation, QuoteIdentifier("batch"));
        int64_t rows_written = 0;
        if (mode == WriteMode::UPSERT || mode == WriteMode::APPEND_ONCE || mode == WriteMode::DELETE_MATCHING) {
            rows_written = StageKeyedWrite(mode);
        } else {
            rows_written = WriteFiles(SelectForTable(batch, batch_columns_));
            if (mode == WriteMode::OVERWRITE && snapshot_) {
                RemoveFiles(AllFiles());
            }
        }
        return Finish(mode, rows_written);
    }

private:
    // An order-independent hash of the rows: their count and two differently seeded sums of row
    // hashes, over the hashed columns, with the column names and types.
    std::string ContentHash() {
        std::vector<std::string> fields;
        std::string schema;
        for (const auto& column : batch_columns_) {
            bool hashed = write_.hash_columns.empty() || Contains(write_.hash_columns, column.name);
            if (hashed) {
                fields.push_back(fmt::format("{} := {}", QuoteIdentifier(column.name), QuoteIdentifier(column.name)));
                schema += column.name + ":" + column.type + ";";
            }
        }
        for (const auto& column : write_.hash_columns) {
            if (!Contains(engine::ColumnNames(batch_columns_), column)) {
                throw WriteFailed(fmt::format("skip_hash_columns names \"{}\", which is not a column of the rows to "
                                              "write",
                                              column))
                    .WithSuggestion(
                        fmt::format("columns of the rows: {}", Join(engine::ColumnNames(batch_columns_), ", ")));
            }
        }
        std::string row = fmt::format("struct_pack({})", Join(fields, ", "));
        engine::ResultTable sums = Run(fmt::format(
            "SELECT count(*), coalesce(sum(hash({0})::HUGEINT), 0), coalesce(sum(hash({0}, 'odibi')::HUGEINT), 0) "
            "FROM {1}",
            row,
            write_.source_relation));
        return Sha256Hex(fmt::format("{}|{}|{}|{}",
                                     schema,
                                     sums.Value(0, 0).value_or(""),
                                     sums.Value(0, 1).value_or(""),
                                     sums.Value(0, 2).value_or("")));
    }

    // The content hash of this writer's last commit, found by walking the log back from the snapshot.
    std::optional<std::string> LastContentHash() const {
        if (!write_.app_id) {
            return std::nullopt;
        }
        LogListing listing = ListLog(table_);
        for (auto version = listing.commits.rbegin(); version != listing.commits.rend(); ++version) {
            if (*version > snapshot_->version) {
                continue;
            }
            Actions actions = ReadCommitFile(listing.CommitPath(*version));
            bool ours = std::any_of(actions.txns.begin(), actions.txns.end(), [this](const Txn& txn) {
                return txn.app_id == *write_.app_id;
            });
            if (!ours) {
                continue;
            }
            if (!actions.commit_info || !actions.commit_info->contains("odibi")) {
                return std::nullopt;
            }
            const Json& odibi = (*actions.commit_info)["odibi"];
            if (!odibi.is_object() || !odibi.contains("content_hash") || !odibi["content_hash"].is_string()) {
                return std::nullopt;
            }
            return odibi["content_hash"].get<std::string>();
        }
        return std::nullopt;
    }

    int64_t RowsInSnapshot() {
        std::vector<const AddFile*> files = AllFiles();
        int64_t rows = 0;
        for (const AddFile* file : files) {
            auto records = NumRecords(*file);
            if (!records) {
                return Count(
                    fmt::format("SELECT count(*) FROM {}", ScanFilesSql(connection_, *snapshot_, files, false)));
            }
            rows += *records;
        }
        return rows;
    }

    StagedWrite Unchanged() {
        auto parts = std::make_unique<UnchangedTable>(std::move(staging_));
        parts->outcome.location = table_.string();
        parts->outcome.target_existed = true;
        parts->outcome.rows_written = 0;
        parts->outcome.rows_in_target = RowsInSnapshot();
        parts->outcome.unchanged = true;
        parts->published_marker = fmt::format("{}{}:{}", kMarkerPrefix, snapshot_->version, UNCHANGED_MARKER);
        return StagedWrite(std::move(parts));
    }

    void LoadTable() {
        if (IsDeltaTable(table_.string())) {
            snapshot_ = LoadSnapshot(connection_, table_.string());
            RequireWritable();
            return;
        }
        std::error_code error;
        if (fs::exists(table_, error) && !fs::is_empty(table_, error)) {
            throw WriteFailed(fmt::format("the write target {} is a directory that is not a Delta table (it has no "
                                          "_delta_log); refusing to write a table over its files",
                                          table_.string()))
                .WithSuggestion("choose another path, or remove the directory if its contents are not needed");
        }
    }

    void RequireWritable() const {
        std::vector<std::string> missing = UnsupportedWriterFeatures(*snapshot_);
        if (missing.empty()) {
            return;
        }
        Error error(ErrorCode::DELTA_FEATURE_UNSUPPORTED,
                    ErrorSource::USER,
                    fmt::format("writing the Delta table {} needs writer features this build of odibi does not "
                                "support: {}",
                                table_.string(),
                                Join(missing, ", ")));
        SourceLocation location;
        location.path = write_.config_path;
        error.WithLocation(location);
        error.WithContext("table", table_.string());
        error.WithSuggestion("odibi reads this table; write it with a tool that supports these features");
        throw error;
    }

    Error WriteFailed(std::string message) const {
        Error error(ErrorCode::WRITE_FAILED, ErrorSource::USER, std::move(message));
        SourceLocation location;
        location.path = write_.config_path;
        error.WithLocation(location);
        error.WithContext("table", table_.string());
        return error;
    }

    engine::ResultTable Run(const std::string& sql) {
        sql_.push_back(sql);
        try {
            return connection_.Query(sql);
        } catch (const Error& error) {
            if (error.Code() != ErrorCode::SQL_ERROR) {
                throw;
            }
            throw WriteFailed(fmt::format("writing the Delta table {} failed: {}", table_.string(), error.Message()))
                .WithContext("sql", sql)
                .WithSuggestion("nothing was committed: the table is as it was");
        }
    }

    int64_t Count(const std::string& sql) {
        auto value = Run(sql).Scalar();
        return value ? std::stoll(*value) : 0;
    }

    void PlanSchema() {
        bool replace = !snapshot_ || (write_.overwrite_schema && write_.mode == WriteMode::OVERWRITE);
        if (replace) {
            fields_.clear();
            for (const auto& column : batch_columns_) {
                Field field;
                field.name = column.name;
                field.type = DeltaTypeOf(column.type);
                fields_.push_back(std::move(field));
            }
            partition_columns_.clear();
            for (const auto& column : write_.partition_by) {
                const Field* field = FindField(fields_, column);
                if (field == nullptr) {
                    throw WriteFailed(
                        fmt::format("partition column \"{}\" is not a column of the rows to write", column))
                        .WithSuggestion(fmt::format("columns: {}", Join(FieldNames(fields_), ", ")));
                }
                partition_columns_.push_back(field->name);
            }
            schema_changed_ = true;
            return;
        }
        fields_ = snapshot_->metadata.schema;
        partition_columns_ = snapshot_->metadata.partition_columns;
        bool same_partitioning =
            write_.partition_by.empty() ||
            std::equal(write_.partition_by.begin(),
                       write_.partition_by.end(),
                       partition_columns_.begin(),
                       partition_columns_.end(),
                       [](const std::string& a, const std::string& b) { return ToLower(a) == ToLower(b); });
        if (!same_partitioning) {
            throw WriteFailed(fmt::format("the Delta table {} is partitioned by [{}], but the write asks for "
                                          "partition_by [{}]",
                                          table_.string(),
                                          Join(partition_columns_, ", "),
                                          Join(write_.partition_by, ", ")))
                .WithSuggestion("use the table's partition columns, or set overwrite_schema: true with mode: "
                                "overwrite to re-partition the table");
        }
        std::vector<std::string> unknown;
        for (const auto& column : batch_columns_) {
            if (FindField(fields_, column.name) != nullptr) {
                continue;
            }
            if (!write_.merge_schema) {
                unknown.push_back(column.name);
                continue;
            }
            Field field;
            field.name = column.name;
            field.type = DeltaTypeOf(column.type);
            fields_.push_back(std::move(field));
            schema_changed_ = true;
        }
        if (!unknown.empty()) {
            throw WriteFailed(fmt::format("the rows have columns that the Delta table {} does not: {}",
                                          table_.string(),
                                          Join(unknown, ", ")))
                .WithSuggestion("set merge_schema: true under write to add them to the table, or overwrite_schema: "
                                "true with mode: overwrite to replace the schema, or drop them in a transform");
        }
        for (const auto& field : fields_) {
            bool in_batch = std::any_of(batch_columns_.begin(), batch_columns_.end(), [&field](const auto& column) {
                return ToLower(column.name) == ToLower(field.name);
            });
            if (!in_batch && !field.nullable) {
                throw WriteFailed(fmt::format("the rows lack the column \"{}\", which the Delta table {} declares "
                                              "NOT NULL",
                                              field.name,
                                              table_.string()))
                    .WithSuggestion(fmt::format("add \"{}\" to the node's output", field.name));
            }
        }
    }

    /// The rows of `source` (with `columns`) shaped as the table: its columns in order, cast to its
    /// types, missing ones NULL, partition columns rendered as partition values.
    std::string SelectForTable(const std::string& source, const std::vector<engine::ColumnInfo>& columns) const {
        std::vector<std::string> select;
        for (const auto& field : fields_) {
            std::string name = QuoteIdentifier(field.name);
            auto column = std::find_if(columns.begin(), columns.end(), [&field](const auto& candidate) {
                return ToLower(candidate.name) == ToLower(field.name);
            });
            std::string type = DuckDbType(field.type);
            std::string value;
            if (column == columns.end()) {
                value = fmt::format("CAST(NULL AS {})", type);
            } else if (column->type == type) {
                value = QuoteIdentifier(column->name);
            } else {
                value = fmt::format("CAST({} AS {})", QuoteIdentifier(column->name), type);
            }
            if (Contains(partition_columns_, field.name)) {
                // Directory names cannot hold a NULL: Hive's default partition name stands for it.
                value = fmt::format("coalesce({}, '{}')", PartitionValueExpression(value, field.type), kNullPartition);
            }
            select.push_back(fmt::format("{} AS {}", value, name));
        }
        return fmt::format("SELECT {} FROM {}", Join(select, ", "), source);
    }

    /// COPYs `query` into data files under the staging directory; returns the rows written.
    int64_t WriteFiles(const std::string& query) {
        fs::path directory = staging_->Path() / "data";
        std::vector<std::string> options = {
            "FORMAT parquet", "COMPRESSION snappy", "FILENAME_PATTERN 'part-{uuid}'", "OVERWRITE_OR_IGNORE true"};
        if (partition_columns_.empty()) {
            options.push_back(fmt::format("FILE_SIZE_BYTES {}", TARGET_FILE_BYTES));
        } else {
            options.push_back(fmt::format("PARTITION_BY ({})", engine::QuoteIdentifierList(partition_columns_)));
        }
        int64_t rows =
            Count(fmt::format("COPY ({}) TO {} ({})", query, QuoteLiteral(directory.string()), Join(options, ", ")));
        std::vector<Field> data_fields;
        for (const auto& field : fields_) {
            if (!Contains(partition_columns_, field.name)) {
                data_fields.push_back(field);
            }
        }
        std::error_code error;
        std::vector<fs::path> written;
        for (auto entry = fs::recursive_directory_iterator(directory, error);
             !error && entry != fs::recursive_directory_iterator();
             entry.increment(error)) {
            if (entry->is_regular_file() && entry->path().extension() == ".parquet") {
                written.push_back(entry->path());
            }
        }
        std::sort(written.begin(), written.end());
        for (const auto& path : written) {
            AddFile file;
            fs::path relative = path.lexically_relative(directory);
            file.path = relative.generic_string();
            for (const auto& part : relative.parent_path()) {
                std::string segment = part.string();
                size_t equals = segment.find('=');
                if (equals == std::string::npos) {
                    continue;
                }
                std::string value = DecodePath(segment.substr(equals + 1));
                const Field* field = FindField(fields_, DecodePath(segment.substr(0, equals)));
                std::string key = field == nullptr ? DecodePath(segment.substr(0, equals)) : field->name;
                file.partition_values[key] = value == kNullPartition ? std::nullopt : std::optional<std::string>(value);
            }
            file.size = static_cast<int64_t>(fs::file_size(path));
            file.modification_time = NowMs();
            file.stats = FileStatsJson(connection_, path.string(), data_fields);
            staged_files_.push_back(file.path);
            adds_.push_back(std::move(file));
        }
        return rows;
    }

    std::vector<const AddFile*> AllFiles() const {
        std::vector<const AddFile*> files;
        for (const auto& file : snapshot_->files) {
            files.push_back(&file);
        }
        return files;
    }

    void RemoveFiles(const std::vector<const AddFile*>& files) {
        int64_t now = NowMs();
        for (const AddFile* file : files) {
            RemoveFile remove;
            remove.path = file->path;
            remove.deletion_timestamp = now;
            remove.data_change = true;
            remove.partition_values = file->partition_values;
            remove.size = file->size;
            remove.deletion_vector = file->deletion_vector;
            removes_.push_back(std::move(remove));
        }
    }

    std::string KeyMatch(const std::string& target, const std::string& batch) const {
        std::vector<std::string> columns;
        for (const auto& key : write_.keys) {
            columns.push_back(FindField(fields_, key)->name);
        }
        return engine::ColumnsMatch(target, batch, columns);
    }

    /// Files whose key bounds (min/max statistics, or partition values) overlap the batch's key range, or
    /// that may hold a null key when the batch has one (keys match with IS NOT DISTINCT FROM).
    std::vector<const AddFile*> CandidateFiles(const std::string& batch_scan) {
        std::vector<const AddFile*> files = AllFiles();
        if (files.empty()) {
            return files;
        }
        std::vector<BoundedColumn> columns;
        std::vector<std::string> ranges;
        std::vector<std::string> overlaps;
        for (const auto& key : write_.keys) {
            std::string column = QuoteIdentifier(FindField(fields_, key)->name);
            // A key column the table's files do not have yet (merge_schema) bounds nothing: every file stays.
            std::optional<BoundedColumn> bounded = TryGetBoundedColumn(snapshot_->metadata, {key});
            if (!bounded) {
                continue;
            }
            size_t k = columns.size();
            columns.push_back(std::move(*bounded));
            ranges.push_back(
                fmt::format("min({0}) AS min_{1}, max({0}) AS max_{1}, bool_or({0} IS NULL) AS null_{1}", column, k));
            overlaps.push_back(fmt::format("(coalesce(NOT (f.{0} < b.min_{2} OR f.{1} > b.max_{2}), true) OR "
                                           "(b.null_{2} AND coalesce(f.{3}, true)))",
                                           MaxBoundColumn(k),
                                           MinBoundColumn(k),
                                           k,
                                           SomeNullColumn(k)));
        }
        if (columns.empty()) {
            return files;
        }
        std::string sql = fmt::format("SELECT f.{} FROM {} AS f, (SELECT {} FROM {}) AS b WHERE {} ORDER BY 1",
                                      BOUNDED_FILE_COLUMN,
                                      FileBoundsSql(*snapshot_, files, columns),
                                      Join(ranges, ", "),
                                      batch_scan,
                                      Join(overlaps, " AND "));
        engine::ResultTable kept = Run(sql);
        std::vector<const AddFile*> candidates;
        for (size_t row = 0; row < kept.RowCount(); ++row) {
            candidates.push_back(files.at(std::stoul(kept.Value(row, 0).value_or("0"))));
        }
        return candidates;
    }

    /// upsert: rewrites the files that hold a batch key (their other rows plus the batch);
    /// delete_match: rewrites them with their other rows only;
    /// append_once: adds the batch rows whose keys the table does not hold.
    int64_t StageKeyedWrite(WriteMode mode) {
        for (const auto& key : write_.keys) {
            if (FindField(fields_, key) == nullptr) {
                throw WriteFailed(
                    fmt::format("key column \"{}\" is not a column of the Delta table {}", key, table_.string()))
                    .WithSuggestion(fmt::format("columns of the table: {}", Join(FieldNames(fields_), ", ")));
            }
        }
        // The batch is staged once: it is both the key set and the rows.
        fs::path batch_file = staging_->Path() / "batch.parquet";
        Run(fmt::format("COPY (SELECT * FROM {}) TO {} (FORMAT parquet)",
                        write_.source_relation,
                        QuoteLiteral(batch_file.string())));
        std::string batch_scan = fmt::format("read_parquet({})", QuoteLiteral(batch_file.string()));
        std::vector<const AddFile*> candidates = CandidateFiles(batch_scan);
        std::string batch = fmt::format("{} AS odibi_batch", batch_scan);
        if (mode == WriteMode::APPEND_ONCE) {
            std::string source = batch;
            if (!candidates.empty()) {
                source = fmt::format("(SELECT * FROM {} WHERE NOT EXISTS (SELECT 1 FROM {} AS odibi_target WHERE {})) "
                                     "AS odibi_batch",
                                     batch,
                                     ScanFilesSql(connection_, *snapshot_, candidates, false),
                                     KeyMatch("odibi_target", "odibi_batch"));
            }
            return WriteFiles(SelectForTable(source, batch_columns_));
        }
        int64_t batch_rows = Count(fmt::format("SELECT count(*) FROM {}", batch_scan));
        std::string written_rows =
            fmt::format("({}) AS odibi_batch", RowsToWrite(batch_scan, write_.delete_flag_column));
        std::vector<const AddFile*> touched;
        if (!candidates.empty()) {
            std::string probe = fmt::format(
                "SELECT DISTINCT odibi_target.{0} FROM {1} AS odibi_target WHERE EXISTS (SELECT 1 FROM {2} WHERE {3})",
                QuoteIdentifier(FILE_COLUMN),
                ScanFilesSql(connection_, *snapshot_, candidates, true),
                batch,
                KeyMatch("odibi_target", "odibi_batch"));
            engine::ResultTable hit = Run(probe);
            std::set<std::string> locations;
            for (size_t row = 0; row < hit.RowCount(); ++row) {
                locations.insert(hit.Value(row, 0).value_or(""));
            }
            for (const AddFile* file : candidates) {
                if (locations.contains(FileLocation(*snapshot_, *file))) {
                    touched.push_back(file);
                }
            }
        }
        std::string rows = written_rows;
        if (mode == WriteMode::DELETE_MATCHING) {
            if (touched.empty()) {
                return 0;
            }
            std::string touched_scan = ScanFilesSql(connection_, *snapshot_, touched, false);
            int64_t rows_before = Count(fmt::format("SELECT count(*) FROM {}", touched_scan));
            std::string kept =
                fmt::format("(SELECT * FROM {0} AS odibi_target WHERE NOT EXISTS (SELECT 1 FROM {1} WHERE {2})) AS "
                            "odibi_rows",
                            touched_scan,
                            batch,
                            KeyMatch("odibi_target", "odibi_batch"));
            int64_t rows_kept = WriteFiles(SelectForTable(kept, connection_.Describe("SELECT * FROM " + kept)));
            RemoveFiles(touched);
            return rows_before - rows_kept;
        }
        if (!touched.empty()) {
            rows = fmt::format("((SELECT * FROM {0} AS odibi_target WHERE NOT EXISTS (SELECT 1 FROM {1} WHERE {2})) "
                               "UNION ALL BY NAME (SELECT * FROM {3})) AS odibi_rows",
                               ScanFilesSql(connection_, *snapshot_, touched, false),
                               batch,
                               KeyMatch("odibi_target", "odibi_batch"),
                               written_rows);
        }
        std::vector<engine::ColumnInfo> columns = connection_.Describe("SELECT * FROM " + rows);
        WriteFiles(SelectForTable(rows, columns));
        RemoveFiles(touched);
        return batch_rows;
    }

    StagedWrite Finish(WriteMode mode, int64_t rows_written) {
        PlannedCommit commit;
        commit.read_version = snapshot_ ? snapshot_->version : -1;
        commit.creates_table = !snapshot_;
        bool blind_append = mode == WriteMode::APPEND || (!snapshot_ && write_.mode == WriteMode::APPEND);
        commit.isolation = blind_append ? CommitIsolation::BLIND_APPEND : CommitIsolation::SERIALIZABLE;
        commit.txn_id = NewUuid();
        commit.staged_files = staged_files_;
        Metadata new_table;
        new_table.configuration = write_.table_properties;
        commit.checkpoint_interval = CheckpointInterval(snapshot_ ? snapshot_->metadata : new_table);
        Actions& actions = commit.actions;
        if (schema_changed_) {
            Metadata metadata;
            if (snapshot_) {
                metadata = snapshot_->metadata;
            } else {
                metadata.id = NewUuid();
                metadata.created_time = NowMs();
                metadata.configuration = write_.table_properties;
            }
            metadata.schema = fields_;
            metadata.schema_string = SerializeSchema(fields_);
            metadata.partition_columns = partition_columns_;
            actions.metadata = std::move(metadata);
            if (!snapshot_) {
                actions.protocol = Protocol{};
            }
        }
        if (write_.app_id) {
            int64_t previous = -1;
            if (snapshot_) {
                auto found = snapshot_->app_txns.find(*write_.app_id);
                previous = found == snapshot_->app_txns.end() ? -1 : found->second;
            }
            actions.txns.push_back(Txn{*write_.app_id, previous + 1, NowMs()});
        }
        actions.removes = removes_;
        actions.adds = adds_;

        int64_t bytes = 0;
        int64_t rows_added = 0;
        bool counted = true;
        for (const auto& add : adds_) {
            bytes += add.size;
            auto rows = NumRecords(add);
            counted = counted && rows.has_value();
            rows_added += rows.value_or(0);
        }
        std::set<std::string> removed;
        for (const auto& remove : removes_) {
            removed.insert(remove.path);
        }
        int64_t rows_kept = 0;
        std::vector<const AddFile*> kept;
        if (snapshot_) {
            for (const auto& file : snapshot_->files) {
                if (removed.contains(file.path)) {
                    continue;
                }
                kept.push_back(&file);
                auto rows = NumRecords(file);
                counted = counted && rows.has_value();
                rows_kept += rows.value_or(0);
            }
        }
        if (!counted) {
            rows_kept =
                kept.empty()
                    ? 0
                    : Count(fmt::format("SELECT count(*) FROM {}", ScanFilesSql(connection_, *snapshot_, kept, false)));
            rows_added = rows_written;
        }
        Json metrics = {{"numFiles", std::to_string(adds_.size())},
                        {"numOutputRows", std::to_string(rows_added)},
                        {"numOutputBytes", std::to_string(bytes)},
                        {"numRemovedFiles", std::to_string(removes_.size())}};
        Json parameters = {{"mode", ModeName(mode)}, {"partitionBy", Json(partition_columns_).dump()}};
        if (!write_.keys.empty()) {
            parameters["keys"] = Json(write_.keys).dump();
        }
        Json info = {{"timestamp", NowMs()},
                     {"operation",
                      mode == WriteMode::UPSERT            ? "MERGE"
                      : mode == WriteMode::DELETE_MATCHING ? "DELETE"
                      : !snapshot_                         ? "CREATE TABLE AS SELECT"
                                                           : "WRITE"},
                     {"operationParameters", parameters},
                     {"readVersion", commit.read_version},
                     {"isolationLevel", "Serializable"},
                     {"isBlindAppend", blind_append},
                     {"operationMetrics", metrics},
                     {"engineInfo", "odibi"},
                     {"txnId", commit.txn_id}};
        if (commit.read_version < 0) {
            info.erase("readVersion");
        }
        for (const auto& [key, value] : write_.commit_details.items()) {
            info[key] = value;
        }
        if (content_hash_) {
            info["odibi"]["content_hash"] = *content_hash_;
        }
        actions.commit_info = std::move(info);

        std::string marker = fmt::format("{}{}:{}", kMarkerPrefix, commit.read_version, commit.txn_id);
        auto parts = std::make_unique<StagedTable>(connection_, table_, std::move(staging_), std::move(commit));
        parts->outcome.location = table_.string();
        parts->outcome.rows_written = rows_written;
        parts->outcome.rows_in_target = rows_kept + rows_added;
        parts->outcome.target_existed = snapshot_.has_value();
        parts->outcome.sql = std::move(sql_);
        parts->published_marker = std::move(marker);
        return StagedWrite(std::move(parts));
    }

    engine::Connection& connection_;
    const TableWrite& write_;
    fs::path table_;
    std::optional<Snapshot> snapshot_;
    std::vector<Field> fields_;
    std::vector<std::string> partition_columns_;
    std::vector<engine::ColumnInfo> batch_columns_;
    bool schema_changed_ = false;
    std::vector<std::string> sql_;
    std::unique_ptr<StagedOutput> staging_;
    std::vector<AddFile> adds_;
    std::vector<RemoveFile> removes_;
    std::vector<std::string> staged_files_;
    std::optional<std::string> content_hash_; ///< skip_if_unchanged: the hash the commit records
};

} // namespace

StagedWrite StageTableWrite(engine::Connection& connection, const TableWrite& write) {
    return TableWriteJob(connection, write).Stage();
}

bool IsTableMarker(const std::string& published_marker) {
    return published_marker.starts_with(kMarkerPrefix);
}

bool IsCommitPublished(const std::string& table_root, const std::string& published_marker) {
    std::string rest = published_marker.substr(std::string_view(kMarkerPrefix).size());
    size_t colon = rest.find(':');
    if (colon == std::string::npos) {
        return false;
    }
    int64_t read_version = std::stoll(rest.substr(0, colon));
    std::string txn_id = rest.substr(colon + 1);
    if (txn_id == UNCHANGED_MARKER) {
        return true;
    }
    LogListing listing = ListLog(table_root);
    for (auto commit = listing.commits.upper_bound(read_version); commit != listing.commits.end(); ++commit) {
        Actions actions = ReadCommitFile(listing.CommitPath(*commit));
        if (actions.commit_info && actions.commit_info->value("txnId", "") == txn_id) {
            return true;
        }
    }
    return false;
}

} // namespace odibi::io::delta
