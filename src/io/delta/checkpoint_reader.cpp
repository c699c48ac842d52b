// Checkpoints read in DuckDB as typed columns: one row per add or remove, no JSON round trip for them.
#include "checkpoint_reader.hpp"

#include <array>
#include <map>
#include <set>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::io::delta {

namespace {

namespace fs = std::filesystem;
using config::Json;
using engine::QuoteIdentifier;
using engine::QuoteLiteral;

constexpr const char* CHECKPOINT_ALIAS = "checkpoint";
// The fields of a deletion vector descriptor, in the order the queries select them.
constexpr std::array<const char*, 5> DELETION_VECTOR_FIELDS = {
    "storageType", "pathOrInlineDv", "offset", "sizeInBytes", "cardinality"};

/// The fields of a checkpoint's parquet schema, as dotted paths ("add", "add.deletionVector.offset").
class CheckpointSchema {
public:
    CheckpointSchema(engine::Connection& connection, const fs::path& part) {
        engine::ResultTable rows = connection.Query(
            fmt::format("SELECT name, num_children FROM parquet_schema({})", QuoteLiteral(part.string())));
        // Depth first: the root, then each field followed by its children.
        std::vector<std::pair<std::string, int64_t>> open_groups; // path, children not seen yet
        for (size_t row = 0; row < rows.RowCount(); ++row) {
            std::string name = rows.Value(row, 0).value_or("");
            int64_t children = std::stoll(rows.Value(row, 1).value_or("0"));
            if (row == 0) {
                open_groups.emplace_back("", children);
                continue;
            }
            while (!open_groups.empty() && open_groups.back().second == 0) {
                open_groups.pop_back();
            }
            if (open_groups.empty()) {
                break;
            }
            --open_groups.back().second;
            std::string path = open_groups.back().first.empty() ? name : open_groups.back().first + "." + name;
            paths_.insert(path);
            if (children > 0) {
                open_groups.emplace_back(path, children);
            }
        }
    }

    [[nodiscard]] bool Has(const std::string& path) const { return paths_.contains(path); }

    /// The SQL of the field at `path`, NULL when the checkpoint's writer left it out.
    [[nodiscard]] std::string Column(const std::string& path) const {
        if (!Has(path)) {
            return "NULL";
        }
        std::vector<std::string> parts = {CHECKPOINT_ALIAS};
        for (const auto& part : Split(path, '.')) {
            parts.push_back(QuoteIdentifier(part));
        }
        return Join(parts, ".");
    }

    /// A MAP field as JSON text (partitionValues), NULL when absent.
    [[nodiscard]] std::string JsonColumn(const std::string& path) const {
        return Has(path) ? fmt::format("CAST(to_json({}) AS VARCHAR)", Column(path)) : "NULL";
    }

private:
    std::set<std::string> paths_;
};

using Row = std::vector<std::optional<std::string>>;

int64_t IntegerOr(const std::optional<std::string>& text, int64_t fallback) {
    return text ? std::stoll(*text) : fallback;
}

std::vector<std::string> DeletionVectorColumns(const CheckpointSchema& schema, const std::string& action) {
    std::vector<std::string> columns;
    for (const char* field : DELETION_VECTOR_FIELDS) {
        columns.push_back(schema.Column(fmt::format("{}.deletionVector.{}", action, field)));
    }
    return columns;
}

/// The deletion vector whose fields start at `first` in `row`; nullopt when the row has none.
std::optional<DeletionVector> DeletionVectorAt(const Row& row, size_t first, const std::string& file) {
    if (!row.at(first)) {
        return std::nullopt;
    }
    if (!row.at(first + 1)) {
        throw LogInvalid(file, "a deletionVector in the checkpoint has no pathOrInlineDv");
    }
    DeletionVector vector;
    vector.storage_type = *row[first];
    vector.path_or_inline_dv = *row[first + 1];
    if (row.at(first + 2)) {
        vector.offset = static_cast<int32_t>(std::stoll(*row[first + 2]));
    }
    vector.size_in_bytes = static_cast<int32_t>(IntegerOr(row.at(first + 3), 0));
    vector.cardinality = IntegerOr(row.at(first + 4), 0);
    return vector;
}

std::map<std::string, std::optional<std::string>> PartitionValuesOf(const std::optional<std::string>& json) {
    return json ? ParsePartitionValues(Json::parse(*json)) : std::map<std::string, std::optional<std::string>>{};
}

std::string RequirePath(const std::optional<std::string>& path, const char* action, const std::string& file) {
    if (!path) {
        throw LogInvalid(file, fmt::format("a {} row of the checkpoint has no path", action));
    }
    return DecodePath(*path);
}

class CheckpointReader {
public:
    CheckpointReader(engine::Connection& connection, const std::vector<fs::path>& parts)
        : connection_(connection), file_(parts.front().string()), schema_(connection, parts.front()) {
        std::vector<std::string> files;
        for (const auto& part : parts) {
            files.push_back(QuoteLiteral(part.string()));
        }
        source_ = fmt::format("read_parquet([{}]) AS {}", Join(files, ", "), CHECKPOINT_ALIAS);
    }

    Actions Read() {
        Actions actions;
        ReadAdds(actions);
        ReadRemoves(actions);
        ReadOtherActions(actions);
        return actions;
    }

private:
    engine::ResultTable Rows(const std::vector<std::string>& columns, const std::string& kind) {
        return connection_.Query(
            fmt::format("SELECT {} FROM {} WHERE {} IS NOT NULL", Join(columns, ", "), source_, schema_.Column(kind)));
    }

    void ReadAdds(Actions& actions) {
        if (!schema_.Has("add")) {
            return;
        }
        std::vector<std::string> columns = {schema_.Column("add.path"),
                                            schema_.JsonColumn("add.partitionValues"),
                                            schema_.Column("add.size"),
                                            schema_.Column("add.modificationTime"),
                                            schema_.Column("add.dataChange"),
                                            schema_.Column("add.stats")};
        size_t deletion_vector = columns.size();
        for (auto& column : DeletionVectorColumns(schema_, "add")) {
            columns.push_back(std::move(column));
        }
        engine::ResultTable rows = Rows(columns, "add");
        actions.adds.reserve(rows.RowCount());
        for (const auto& row : rows.Rows()) {
            AddFile file;
            file.path = RequirePath(row[0], "add", file_);
            file.partition_values = PartitionValuesOf(row[1]);
            file.size = IntegerOr(row[2], 0);
            file.modification_time = IntegerOr(row[3], 0);
            file.data_change = row[4].value_or("true") == "true";
            file.stats = row[5];
            file.deletion_vector = DeletionVectorAt(row, deletion_vector, file_);
            actions.adds.push_back(std::move(file));
        }
    }

    void ReadRemoves(Actions& actions) {
        if (!schema_.Has("remove")) {
            return;
        }
        std::vector<std::string> columns = {schema_.Column("remove.path"),
                                            schema_.Column("remove.deletionTimestamp"),
                                            schema_.Column("remove.dataChange"),
                                            schema_.JsonColumn("remove.partitionValues"),
                                            schema_.Column("remove.size")};
        size_t deletion_vector = columns.size();
        for (auto& column : DeletionVectorColumns(schema_, "remove")) {
            columns.push_back(std::move(column));
        }
        engine::ResultTable rows = Rows(columns, "remove");
        actions.removes.reserve(rows.RowCount());
        for (const auto& row : rows.Rows()) {
            RemoveFile file;
            file.path = RequirePath(row[0], "remove", file_);
            file.deletion_timestamp = row[1] ? std::optional<int64_t>(std::stoll(*row[1])) : std::nullopt;
            file.data_change = row[2].value_or("true") == "true";
            file.partition_values = PartitionValuesOf(row[3]);
            file.size = row[4] ? std::optional<int64_t>(std::stoll(*row[4])) : std::nullopt;
            file.deletion_vector = DeletionVectorAt(row, deletion_vector, file_);
            actions.removes.push_back(std::move(file));
        }
    }

    /// metaData, protocol and txn: a few rows, parsed as the JSON commits' actions are.
    void ReadOtherActions(Actions& actions) {
        std::vector<std::string> kinds;
        for (const char* kind : {"metaData", "protocol", "txn"}) {
            if (schema_.Has(kind)) {
                kinds.emplace_back(kind);
            }
        }
        if (kinds.empty()) {
            return;
        }
        std::vector<std::string> columns;
        std::vector<std::string> present;
        for (const auto& kind : kinds) {
            std::string column = schema_.Column(kind);
            columns.push_back(fmt::format("CASE WHEN {0} IS NOT NULL THEN CAST(to_json({0}) AS VARCHAR) END", column));
            present.push_back(column + " IS NOT NULL");
        }
        engine::ResultTable rows = connection_.Query(
            fmt::format("SELECT {} FROM {} WHERE {}", Join(columns, ", "), source_, Join(present, " OR ")));
        for (const auto& row : rows.Rows()) {
            for (size_t index = 0; index < kinds.size(); ++index) {
                if (row[index]) {
                    ParseAction(Json{{kinds[index], Json::parse(*row[index])}}, actions, file_);
                }
            }
        }
    }

    engine::Connection& connection_;
    std::string file_;
    CheckpointSchema schema_;
    std::string source_;
};

} // namespace

Actions ReadCheckpoint(engine::Connection& connection, const std::vector<fs::path>& parts) {
    try {
        return CheckpointReader(connection, parts).Read();
    } catch (const Error& error) {
        if (error.Code() == ErrorCode::DELTA_LOG_INVALID) {
            throw;
        }
        throw LogInvalid(parts.front().string(), fmt::format("the checkpoint cannot be read: {}", error.Message()));
    } catch (const Json::exception& error) {
        throw LogInvalid(parts.front().string(), fmt::format("a checkpoint row is not valid: {}", error.what()));
    } catch (const std::logic_error& error) {
        // std::stoll of a value that is not a number
        throw LogInvalid(parts.front().string(), fmt::format("a checkpoint row is not valid: {}", error.what()));
    }
}

} // namespace odibi::io::delta
