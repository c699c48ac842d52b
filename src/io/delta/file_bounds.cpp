// Per-file value bounds for data skipping and for the writer's candidate files: statistics made safe to compare.
#include "file_bounds.hpp"

#include <algorithm>
#include <charconv>

#include "actions.hpp"
#include "file_stats.hpp"
#include "types.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::io::delta {

namespace {

using config::Json;

constexpr const char* STRING_PREFIX_LENGTH_KEY = "delta.dataSkippingStringPrefixLength";
constexpr int64_t MICROS_PER_MILLISECOND = 1000;
constexpr char32_t LAST_CODE_POINT = 0x10FFFF;
constexpr char32_t FIRST_SURROGATE = 0xD800;
constexpr char32_t AFTER_SURROGATES = 0xE000;
// Values per file in FileBoundsSql's rows: min, max, all null, some null.
constexpr size_t VALUES_PER_COLUMN = 4;

BoundKind KindOf(const Json& type) {
    if (!type.is_string()) {
        return BoundKind::NULLS;
    }
    std::string name = ToLower(type.get<std::string>());
    if (name == "string") {
        return BoundKind::STRING;
    }
    if (name == "long" || name == "integer" || name == "short" || name == "byte" || StartsWith(name, "decimal")) {
        return BoundKind::NUMBER;
    }
    if (name == "float" || name == "double") {
        return BoundKind::FLOATING;
    }
    if (name == "date") {
        return BoundKind::DATE;
    }
    if (name == "timestamp" || name == "timestamp_ntz") {
        return BoundKind::TIMESTAMP;
    }
    return BoundKind::NULLS;
}

bool IsStruct(const Json& type) {
    return type.is_object() && type.value("type", "") == "struct" && type.contains("fields") &&
           type["fields"].is_array();
}

const Json* FindStructField(const Json& type, const std::string& name) {
    for (const auto& field : type["fields"]) {
        if (field.is_object() && ToLower(field.value("name", "")) == ToLower(name)) {
            return &field;
        }
    }
    return nullptr;
}

size_t StringPrefixLength(const Metadata& metadata) {
    auto found = metadata.configuration.find(STRING_PREFIX_LENGTH_KEY);
    if (found != metadata.configuration.end()) {
        size_t length = 0;
        const std::string& text = found->second;
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), length);
        if (error == std::errc() && end == text.data() + text.size() && length > 0) {
            return length;
        }
    }
    return STATS_STRING_PREFIX_LENGTH;
}

/// The code points of valid UTF-8 `text`, at most `limit` of them; nullopt for invalid UTF-8.
std::optional<std::u32string> CodePoints(const std::string& text, size_t limit) {
    std::u32string points;
    size_t index = 0;
    while (index < text.size() && points.size() < limit) {
        auto lead = static_cast<unsigned char>(text[index]);
        size_t length = lead < 0x80U            ? 1
                        : (lead >> 5U) == 0x6U  ? 2
                        : (lead >> 4U) == 0xEU  ? 3
                        : (lead >> 3U) == 0x1EU ? 4
                                                : 0;
        if (length == 0 || index + length > text.size()) {
            return std::nullopt;
        }
        char32_t point = length == 1 ? lead : lead & (0xFFU >> (length + 1));
        for (size_t next = 1; next < length; ++next) {
            auto continuation = static_cast<unsigned char>(text[index + next]);
            if ((continuation & 0xC0U) != 0x80U) {
                return std::nullopt;
            }
            point = (point << 6U) | (continuation & 0x3FU);
        }
        points.push_back(point);
        index += length;
    }
    return points;
}

std::string Utf8Of(const std::u32string& points) {
    std::string text;
    for (char32_t point : points) {
        if (point < 0x80U) {
            text.push_back(static_cast<char>(point));
        } else if (point < 0x800U) {
            text.push_back(static_cast<char>(0xC0U | (point >> 6U)));
            text.push_back(static_cast<char>(0x80U | (point & 0x3FU)));
        } else if (point < 0x10000U) {
            text.push_back(static_cast<char>(0xE0U | (point >> 12U)));
            text.push_back(static_cast<char>(0x80U | ((point >> 6U) & 0x3FU)));
            text.push_back(static_cast<char>(0x80U | (point & 0x3FU)));
        } else {
            text.push_back(static_cast<char>(0xF0U | (point >> 18U)));
            text.push_back(static_cast<char>(0x80U | ((point >> 12U) & 0x3FU)));
            text.push_back(static_cast<char>(0x80U | ((point >> 6U) & 0x3FU)));
            text.push_back(static_cast<char>(0x80U | (point & 0x3FU)));
        }
    }
    return text;
}

/// An upper bound of the strings whose statistic max is `max`. A max shorter than the prefix length is the
/// value itself. One as long as the prefix (or longer: Spark appends U+FFFF to a truncated max) may be a
/// truncated value: every string that starts with its prefix is smaller than the prefix with its last code
/// point incremented, and UTF-8 orders bytewise as code points do.
std::optional<std::string> StringUpperBound(const std::string& max, size_t prefix_length) {
    std::optional<std::u32string> prefix = CodePoints(max, prefix_length);
    if (!prefix) {
        return std::nullopt;
    }
    if (prefix->size() < prefix_length) {
        return max;
    }
    while (!prefix->empty()) {
        char32_t last = prefix->back();
        prefix->pop_back();
        if (last < LAST_CODE_POINT) {
            prefix->push_back(last + 1 == FIRST_SURROGATE ? AFTER_SURROGATES : last + 1);
            return Utf8Of(*prefix);
        }
    }
    return std::nullopt;
}

/// A timestamp statistic (ISO 8601, usually with "Z") as DuckDB TIMESTAMP text, shifted by `micros`.
std::optional<std::string> TimestampText(const std::string& text, int64_t micros) {
    std::optional<int64_t> parsed = ParseTimestampMicros(text);
    if (!parsed) {
        return std::nullopt;
    }
    return FormatTimestampMicros(*parsed + micros);
}

std::optional<std::string> MinBound(const std::string& text, BoundKind kind) {
    switch (kind) {
    case BoundKind::TIMESTAMP:
        return TimestampText(text, 0);
    case BoundKind::NULLS:
        return std::nullopt;
    default:
        return text;
    }
}

std::optional<std::string> MaxBound(const std::string& text, BoundKind kind, size_t prefix_length) {
    switch (kind) {
    case BoundKind::STRING:
        return StringUpperBound(text, prefix_length);
    case BoundKind::TIMESTAMP:
        // Statistics keep milliseconds: a max of 12:00:00.123 may stand for a value of 12:00:00.123456.
        return TimestampText(text, MICROS_PER_MILLISECOND);
    case BoundKind::FLOATING:
    case BoundKind::NULLS:
        return std::nullopt;
    default:
        return text;
    }
}

Json TextOrNull(const std::optional<std::string>& text) {
    return text ? Json(*text) : Json(nullptr);
}

Json FlagOrNull(std::optional<bool> flag) {
    if (!flag) {
        return Json(nullptr);
    }
    return Json(*flag ? "true" : "false");
}

/// The four bound values of a partition column in one file: its value is the min and the max.
void AppendPartitionBounds(const AddFile& file, const BoundedColumn& column, Json& row) {
    auto found = file.partition_values.find(column.physical_path.front());
    std::optional<std::string> value =
        PartitionValueText(found == file.partition_values.end() ? std::nullopt : found->second, column.type);
    bool is_null = !value;
    if (column.kind == BoundKind::NULLS) {
        value.reset();
    }
    row.push_back(TextOrNull(value));
    row.push_back(TextOrNull(value));
    row.push_back(FlagOrNull(is_null));
    row.push_back(FlagOrNull(is_null));
}

void AppendStatisticsBounds(const std::optional<FileStats>& stats,
                            const BoundedColumn& column,
                            size_t prefix_length,
                            Json& row) {
    const ColumnStats* column_stats = nullptr;
    if (stats) {
        auto found = stats->columns.find(column.physical_path);
        column_stats = found == stats->columns.end() ? nullptr : &found->second;
    }
    if (column_stats == nullptr) {
        for (size_t value = 0; value < VALUES_PER_COLUMN; ++value) {
            row.push_back(nullptr);
        }
        return;
    }
    row.push_back(TextOrNull(column_stats->min ? MinBound(*column_stats->min, column.kind) : std::nullopt));
    row.push_back(
        TextOrNull(column_stats->max ? MaxBound(*column_stats->max, column.kind, prefix_length) : std::nullopt));
    // numRecords and nullCount both count the rows of the data file, deleted ones too (tightBounds false).
    std::optional<int64_t> nulls = column_stats->null_count;
    std::optional<bool> all_null;
    if (nulls && stats->num_records) {
        all_null = *nulls == *stats->num_records;
    }
    row.push_back(FlagOrNull(all_null));
    row.push_back(FlagOrNull(nulls ? std::optional<bool>(*nulls > 0) : std::nullopt));
}

} // namespace

std::optional<BoundedColumn> TryGetBoundedColumn(const Metadata& metadata, const std::vector<std::string>& names) {
    if (names.empty()) {
        return std::nullopt;
    }
    const Field* field = FindField(metadata.schema, names.front());
    if (field == nullptr) {
        return std::nullopt;
    }
    std::string mapping_mode = ColumnMappingMode(metadata);
    BoundedColumn column;
    column.physical_path.push_back(PhysicalName(field->name, field->metadata, mapping_mode));
    column.partition = names.size() == 1 &&
                       std::find(metadata.partition_columns.begin(), metadata.partition_columns.end(), field->name) !=
                           metadata.partition_columns.end();
    Json type = field->type;
    for (size_t index = 1; index < names.size(); ++index) {
        if (!IsStruct(type)) {
            return std::nullopt;
        }
        const Json* child = FindStructField(type, names[index]);
        if (child == nullptr || !child->contains("type")) {
            return std::nullopt;
        }
        column.physical_path.push_back(
            PhysicalName(child->value("name", ""), child->value("metadata", Json::object()), mapping_mode));
        type = (*child)["type"];
    }
    if (!type.is_string()) {
        return std::nullopt;
    }
    column.kind = KindOf(type);
    column.type = std::move(type);
    return column;
}

std::string MinBoundColumn(size_t index) {
    return fmt::format("odibi_min_{}", index);
}

std::string MaxBoundColumn(size_t index) {
    return fmt::format("odibi_max_{}", index);
}

std::string AllNullColumn(size_t index) {
    return fmt::format("odibi_all_null_{}", index);
}

std::string SomeNullColumn(size_t index) {
    return fmt::format("odibi_some_null_{}", index);
}

std::string FileBoundsSql(const Snapshot& snapshot,
                          const std::vector<const AddFile*>& files,
                          const std::vector<BoundedColumn>& columns) {
    size_t prefix_length = StringPrefixLength(snapshot.metadata);
    Json rows = Json::array();
    for (size_t index = 0; index < files.size(); ++index) {
        const AddFile& file = *files[index];
        Json row = Json::array({std::to_string(index)});
        std::optional<FileStats> stats = file.stats ? ParseFileStats(*file.stats) : std::nullopt;
        for (const auto& column : columns) {
            if (column.partition) {
                AppendPartitionBounds(file, column, row);
            } else {
                AppendStatisticsBounds(stats, column, prefix_length, row);
            }
        }
        rows.push_back(std::move(row));
    }
    // from_json lists are 1-based: the file index is r[1], then four values per column.
    std::vector<std::string> selected = {fmt::format("CAST(r[1] AS BIGINT) AS {}", BOUNDED_FILE_COLUMN)};
    for (size_t k = 0; k < columns.size(); ++k) {
        std::string type = DuckDbType(columns[k].type);
        size_t first = 2 + k * VALUES_PER_COLUMN;
        selected.push_back(fmt::format("TRY_CAST(r[{}] AS {}) AS {}", first, type, MinBoundColumn(k)));
        selected.push_back(fmt::format("TRY_CAST(r[{}] AS {}) AS {}", first + 1, type, MaxBoundColumn(k)));
        selected.push_back(fmt::format("CAST(r[{}] AS BOOLEAN) AS {}", first + 2, AllNullColumn(k)));
        selected.push_back(fmt::format("CAST(r[{}] AS BOOLEAN) AS {}", first + 3, SomeNullColumn(k)));
    }
    return fmt::format("(SELECT {} FROM (SELECT unnest(from_json({}, '[[\"VARCHAR\"]]')) AS r))",
                       Join(selected, ", "),
                       engine::QuoteLiteral(rows.dump()));
}

} // namespace odibi::io::delta
