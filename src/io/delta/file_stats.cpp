// Per-file statistics of an add action, combined from the row-group statistics of a parquet footer.
#include "file_stats.hpp"

#include <limits>
#include <map>
#include <optional>

#include "types.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::io::delta {

namespace {

using config::Json;

constexpr const char* PHYSICAL_NAME_KEY = "delta.columnMapping.physicalName";
// Spark writes timestamp statistics with millisecond precision, in UTC.
constexpr const char* TIMESTAMP_STATS_FORMAT = "'%Y-%m-%dT%H:%M:%S.%gZ'";

/// What the footer says about one leaf column, all row groups combined.
struct LeafStats {
    std::optional<std::string> min;
    std::optional<std::string> max;
    std::optional<int64_t> null_count;
};

/// A column with statistics: its parquet path ("a, b" for field b of struct a) and Delta type.
struct Leaf {
    std::string parquet_path;
    Json type;
};

enum class StatsKind : uint8_t { MIN, MAX, NULL_COUNT };

std::string PhysicalNameOf(const Json& field) {
    if (field.contains("metadata") && field["metadata"].is_object()) {
        auto found = field["metadata"].find(PHYSICAL_NAME_KEY);
        if (found != field["metadata"].end() && found->is_string()) {
            return found->get<std::string>();
        }
    }
    return field.value("name", "");
}

bool IsStruct(const Json& type) {
    return type.is_object() && type.value("type", "") == "struct" && type.contains("fields") &&
           type["fields"].is_array();
}

bool IsNested(const Json& type) {
    return type.is_object();
}

/// Whether min/max values are kept for a primitive type (booleans and binaries have null counts only).
bool HasMinMax(const Json& type) {
    if (!type.is_string()) {
        return false;
    }
    std::string name = type.get<std::string>();
    return name != "boolean" && name != "binary";
}

bool IsTimestamp(const Json& type) {
    return type.is_string() && (type.get<std::string>() == "timestamp" || type.get<std::string>() == "timestamp_ntz");
}

std::string ChildPath(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : prefix + ", " + name;
}

void CollectLeaves(const Json& fields, const std::string& prefix, std::vector<Leaf>& leaves) {
    for (const auto& field : fields) {
        std::string path = ChildPath(prefix, PhysicalNameOf(field));
        const Json& type = field["type"];
        if (IsStruct(type)) {
            CollectLeaves(type["fields"], path, leaves);
        } else if (!IsNested(type)) {
            leaves.push_back(Leaf{path, type});
        }
    }
}

/// The SQL of one leaf's combined statistics over the row groups in the CTE `row_groups`.
std::string LeafSql(size_t index, const Leaf& leaf) {
    std::string min_sql = "NULL";
    std::string max_sql = "NULL";
    std::string min_complete = "false";
    std::string max_complete = "false";
    if (HasMinMax(leaf.type)) {
        std::string duckdb_type = DuckDbType(leaf.type);
        std::string low = "low";
        std::string high = "high";
        if (IsTimestamp(leaf.type)) {
            // TIMESTAMP WITH TIME ZONE statistics render as UTC with a "+00" suffix.
            low = "regexp_replace(low, '(Z|[+]00(:?00)?)$', '')";
            high = "regexp_replace(high, '(Z|[+]00(:?00)?)$', '')";
        }
        std::string typed_low = fmt::format("TRY_CAST({} AS {})", low, duckdb_type);
        std::string typed_high = fmt::format("TRY_CAST({} AS {})", high, duckdb_type);
        if (IsTimestamp(leaf.type)) {
            std::string maximum = fmt::format("max({})", typed_high);
            std::string truncated = fmt::format("date_trunc('millisecond', {})", maximum);
            min_sql =
                fmt::format("strftime(date_trunc('millisecond', min({})), {})", typed_low, TIMESTAMP_STATS_FORMAT);
            // Cutting microseconds would make the max smaller than the real one: round it up instead.
            max_sql = fmt::format("strftime(CASE WHEN {0} = {1} THEN {0} ELSE {0} + INTERVAL 1 MILLISECOND END, {2})",
                                  truncated,
                                  maximum,
                                  TIMESTAMP_STATS_FORMAT);
        } else {
            min_sql = fmt::format("CAST(min({}) AS VARCHAR)", typed_low);
            max_sql = fmt::format("CAST(max({}) AS VARCHAR)", typed_high);
        }
        // A row group of nulls only has no min or max; any other row group without them spoils the column.
        min_complete = fmt::format("coalesce(bool_and({} IS NOT NULL OR null_count = value_count), false)", typed_low);
        max_complete = fmt::format(
            "coalesce(bool_and(({} IS NOT NULL AND high_exact) OR null_count = value_count), false)", typed_high);
    }
    return fmt::format("SELECT {} AS leaf, {} AS min_value, {} AS max_value, {} AS min_complete, {} AS max_complete, "
                       "sum(null_count) AS null_count, count(*) > 0 AND count(null_count) = count(*) AS "
                       "null_count_complete FROM row_groups WHERE path = {}",
                       index,
                       min_sql,
                       max_sql,
                       min_complete,
                       max_complete,
                       engine::QuoteLiteral(leaf.parquet_path));
}

/// The first `length` UTF-8 characters of `text`.
std::string Utf8Prefix(const std::string& text, size_t length, bool& truncated) {
    size_t characters = 0;
    for (size_t index = 0; index < text.size(); ++index) {
        bool starts_character = (static_cast<unsigned char>(text[index]) & 0xC0U) != 0x80U;
        if (starts_character) {
            if (characters == length) {
                truncated = true;
                return text.substr(0, index);
            }
            ++characters;
        }
    }
    truncated = false;
    return text;
}

/// A JSON string literal, or nullopt when `text` is not valid UTF-8.
std::optional<std::string> JsonString(const std::string& text) {
    try {
        return Json(text).dump();
    } catch (const Json::exception&) {
        return std::nullopt;
    }
}

/// The JSON text of a min or max value rendered by DuckDB, or nullopt when it is left out.
std::optional<std::string> ValueJson(const std::string& text, const Json& type, StatsKind kind) {
    std::string name = type.get<std::string>();
    if (name == "string") {
        bool truncated = false;
        std::string prefix = Utf8Prefix(text, STATS_STRING_PREFIX_LENGTH, truncated);
        if (truncated && kind == StatsKind::MAX) {
            return std::nullopt;
        }
        return JsonString(prefix);
    }
    if (name == "date" || IsTimestamp(type)) {
        return JsonString(text);
    }
    // Numbers keep DuckDB's text (exact for decimals); NaN and infinities are not JSON and are left out.
    Json parsed = Json::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_number()) {
        return std::nullopt;
    }
    return text;
}

std::string RenderObject(const Json& fields,
                         const std::string& prefix,
                         const std::map<std::string, LeafStats>& stats,
                         StatsKind kind) {
    std::vector<std::string> members;
    for (const auto& field : fields) {
        std::string physical_name = PhysicalNameOf(field);
        std::string path = ChildPath(prefix, physical_name);
        const Json& type = field["type"];
        std::optional<std::string> value;
        if (IsStruct(type)) {
            std::string nested = RenderObject(type["fields"], path, stats, kind);
            if (nested != "{}") {
                value = nested;
            }
        } else if (auto found = stats.find(path); found != stats.end()) {
            const LeafStats& leaf = found->second;
            if (kind == StatsKind::NULL_COUNT && leaf.null_count) {
                value = std::to_string(*leaf.null_count);
            } else if (kind == StatsKind::MIN && leaf.min) {
                value = ValueJson(*leaf.min, type, kind);
            } else if (kind == StatsKind::MAX && leaf.max) {
                value = ValueJson(*leaf.max, type, kind);
            }
        }
        if (value) {
            members.push_back(Json(physical_name).dump() + ":" + *value);
        }
    }
    return "{" + Join(members, ",") + "}";
}

/// Collects the leaves of a `stats` object as nlohmann's SAX parser reports them, keeping each number's text.
class StatsCollector {
public:
    explicit StatsCollector(FileStats& stats) : stats_(stats) {}

    bool null() { return true; }
    bool boolean(bool value) { return Leaf(value ? "true" : "false", std::nullopt); }
    bool number_integer(Json::number_integer_t value) { return Leaf(std::to_string(value), value); }
    bool number_unsigned(Json::number_unsigned_t value) {
        std::optional<int64_t> count;
        if (value <= static_cast<Json::number_unsigned_t>(std::numeric_limits<int64_t>::max())) {
            count = static_cast<int64_t>(value);
        }
        return Leaf(std::to_string(value), count);
    }
    bool number_float(Json::number_float_t /*value*/, const std::string& text) { return Leaf(text, std::nullopt); }
    bool string(std::string& value) { return Leaf(value, std::nullopt); }
    bool binary(Json::binary_t& /*value*/) { return true; }
    bool start_object(std::size_t /*size*/) {
        keys_.emplace_back();
        return true;
    }
    bool key(std::string& name) {
        keys_.back() = name;
        return true;
    }
    bool end_object() {
        keys_.pop_back();
        return true;
    }
    bool start_array(std::size_t /*size*/) {
        if (keys_.empty()) {
            return false;
        }
        ++arrays_;
        return true;
    }
    bool end_array() {
        --arrays_;
        return true;
    }
    bool parse_error(std::size_t /*position*/,
                     const std::string& /*last_token*/,
                     const nlohmann::detail::exception& /*error*/) {
        return false;
    }

private:
    /// A scalar at the current path: ["numRecords"], or [section, column, field...].
    bool Leaf(const std::string& text, std::optional<int64_t> integer) {
        if (keys_.empty()) {
            return false;
        }
        if (arrays_ > 0) {
            return true;
        }
        const std::string& section = keys_.front();
        if (keys_.size() == 1) {
            if (section == "numRecords") {
                stats_.num_records = integer;
            }
            return true;
        }
        std::vector<std::string> path(keys_.begin() + 1, keys_.end());
        if (section == "minValues") {
            stats_.columns[path].min = text;
        } else if (section == "maxValues") {
            stats_.columns[path].max = text;
        } else if (section == "nullCount") {
            stats_.columns[path].null_count = integer;
        }
        return true;
    }

    FileStats& stats_;
    std::vector<std::string> keys_; ///< the key of each enclosing object, outermost first
    size_t arrays_ = 0;             ///< scalars inside arrays are not statistics
};

} // namespace

std::optional<FileStats> ParseFileStats(std::string_view stats_json) {
    FileStats stats;
    StatsCollector collector(stats);
    if (!Json::sax_parse(stats_json, &collector)) {
        return std::nullopt;
    }
    return stats;
}

std::string
FileStatsJson(engine::Connection& connection, const std::string& parquet_file, const std::vector<Field>& data_fields) {
    std::string file = engine::QuoteLiteral(parquet_file);
    std::optional<std::string> rows =
        connection.Query(fmt::format("SELECT num_rows FROM parquet_file_metadata({})", file)).Scalar();
    std::string num_records = rows.value_or("0");

    Json fields = Json::array();
    for (const auto& field : data_fields) {
        fields.push_back({{"name", field.name}, {"type", field.type}, {"metadata", field.metadata}});
    }
    std::vector<Leaf> leaves;
    CollectLeaves(fields, "", leaves);

    std::map<std::string, LeafStats> stats;
    if (!leaves.empty()) {
        std::vector<std::string> selects;
        for (size_t index = 0; index < leaves.size(); ++index) {
            selects.push_back(LeafSql(index, leaves[index]));
        }
        // The deprecated min/max are trusted for fixed-width types only (their byte order is signed).
        std::string sql = fmt::format(
            "WITH row_groups AS MATERIALIZED (SELECT path_in_schema AS path, num_values AS value_count, "
            "stats_null_count AS null_count, "
            "coalesce(stats_min_value, CASE WHEN type IN ('INT32', 'INT64', 'FLOAT', 'DOUBLE') THEN stats_min END) AS "
            "low, "
            "coalesce(stats_max_value, CASE WHEN type IN ('INT32', 'INT64', 'FLOAT', 'DOUBLE') THEN stats_max END) AS "
            "high, coalesce(max_is_exact, true) AS high_exact FROM parquet_metadata({})) {}",
            file,
            Join(selects, " UNION ALL "));
        engine::ResultTable result = connection.Query(sql);
        for (const auto& row : result.Rows()) {
            const Leaf& leaf = leaves.at(std::stoul(row.at(0).value_or("0")));
            LeafStats combined;
            if (row.at(3).value_or("false") == "true") {
                combined.min = row.at(1);
            }
            if (row.at(4).value_or("false") == "true") {
                combined.max = row.at(2);
            }
            if (row.at(6).value_or("false") == "true" && row.at(5)) {
                combined.null_count = std::stoll(*row.at(5));
            }
            stats[leaf.parquet_path] = combined;
        }
    }
    return fmt::format(R"({{"numRecords":{},"minValues":{},"maxValues":{},"nullCount":{}}})",
                       num_records,
                       RenderObject(fields, "", stats, StatsKind::MIN),
                       RenderObject(fields, "", stats, StatsKind::MAX),
                       RenderObject(fields, "", stats, StatsKind::NULL_COUNT));
}

} // namespace odibi::io::delta
