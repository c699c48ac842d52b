// Delta types <-> DuckDB types and partition values <-> SQL literals (PROTOCOL.md, "Schema
// Serialization Format", "Partition Value Serialization").
#include "types.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::io::delta {

namespace {

using config::Json;

constexpr int MAX_DECIMAL_PRECISION = 38;
constexpr int64_t MICROS_PER_SECOND = 1'000'000;
constexpr int64_t SECONDS_PER_MINUTE = 60;
constexpr int64_t SECONDS_PER_HOUR = 3600;
constexpr int64_t SECONDS_PER_DAY = 86400;
constexpr int FRACTION_DIGITS = 6;

Error UnsupportedType(const std::string& type, std::string_view why) {
    Error error(ErrorCode::DELTA_FEATURE_UNSUPPORTED,
                ErrorSource::USER,
                fmt::format("the type {} is not supported by odibi's Delta tables: {}", type, why));
    error.WithContext("type", type);
    error.WithSuggestion("CAST the column to a supported type before it reaches the Delta table (for example "
                         "TIME -> VARCHAR, INTERVAL -> BIGINT of microseconds)");
    return error;
}

Error InvalidPartitionValue(const std::string& value, const std::string& type) {
    Error error(ErrorCode::DELTA_LOG_INVALID,
                ErrorSource::EXTERNAL,
                fmt::format("the partition value \"{}\" is not a valid {}", value, type));
    error.WithContext("partition_value", value);
    error.WithContext("type", type);
    error.WithSuggestion("the Delta log holds a partition value its type cannot read; rewrite the partition, or "
                         "read an earlier version with read.time_travel");
    return error;
}

std::string TypeName(const Json& delta_type) {
    return delta_type.is_string() ? delta_type.get<std::string>() : delta_type.dump();
}

/// Precision and scale of "decimal(p,s)"; nullopt when the text is not a decimal type.
std::optional<std::pair<int, int>> DecimalOf(std::string_view type) {
    std::string text = ToLower(type);
    text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
    if (!StartsWith(text, "decimal(") || !EndsWith(text, ")")) {
        return std::nullopt;
    }
    std::string_view arguments = std::string_view(text).substr(8, text.size() - 9);
    size_t comma = arguments.find(',');
    if (comma == std::string_view::npos) {
        return std::nullopt;
    }
    int precision = 0;
    int scale = 0;
    std::string_view precision_text = arguments.substr(0, comma);
    std::string_view scale_text = arguments.substr(comma + 1);
    auto precision_result =
        std::from_chars(precision_text.data(), precision_text.data() + precision_text.size(), precision);
    auto scale_result = std::from_chars(scale_text.data(), scale_text.data() + scale_text.size(), scale);
    if (precision_result.ec != std::errc() || precision_result.ptr != precision_text.data() + precision_text.size() ||
        scale_result.ec != std::errc() || scale_result.ptr != scale_text.data() + scale_text.size()) {
        return std::nullopt;
    }
    return std::make_pair(precision, scale);
}

std::string PrimitiveDuckDbType(const std::string& name) {
    static const std::vector<std::pair<std::string_view, std::string_view>> PRIMITIVES = {
        {"string", "VARCHAR"},
        {"long", "BIGINT"},
        {"integer", "INTEGER"},
        {"short", "SMALLINT"},
        {"byte", "TINYINT"},
        {"float", "FLOAT"},
        {"double", "DOUBLE"},
        {"boolean", "BOOLEAN"},
        {"binary", "BLOB"},
        {"date", "DATE"},
        // Delta timestamps are UTC instants; odibi shows them as UTC wall-clock time.
        {"timestamp", "TIMESTAMP"},
        {"timestamp_ntz", "TIMESTAMP"},
    };
    for (const auto& [delta, duckdb] : PRIMITIVES) {
        if (name == delta) {
            return std::string(duckdb);
        }
    }
    if (auto decimal = DecimalOf(name)) {
        auto [precision, scale] = *decimal;
        if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
            throw UnsupportedType(
                name,
                fmt::format("a decimal needs 1 <= precision <= {} and 0 <= scale <= precision", MAX_DECIMAL_PRECISION));
        }
        return fmt::format("DECIMAL({},{})", precision, scale);
    }
    throw UnsupportedType(name,
                          "odibi reads and writes the primitive types of PROTOCOL.md, decimals up to 38 "
                          "digits, structs, arrays and maps");
}

bool IsSignedInteger(std::string_view text) {
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
        text.remove_prefix(1);
    }
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A plain decimal number as Java's BigDecimal.toString writes it: [sign] digits [. digits] [E [sign] digits].
bool IsDecimalNumber(std::string_view text) {
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
        text.remove_prefix(1);
    }
    size_t exponent = text.find_first_of("eE");
    std::string_view mantissa = text.substr(0, exponent);
    if (exponent != std::string_view::npos && !IsSignedInteger(text.substr(exponent + 1))) {
        return false;
    }
    size_t dot = mantissa.find('.');
    std::string_view whole = mantissa.substr(0, dot);
    std::string_view fraction = dot == std::string_view::npos ? std::string_view() : mantissa.substr(dot + 1);
    auto digits = [](std::string_view part) {
        return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    return !(whole.empty() && fraction.empty()) && digits(whole) && digits(fraction);
}

/// True for a finite floating-point number or one of Java's / DuckDB's special values.
bool IsFloatingNumber(const std::string& text) {
    static const std::vector<std::string> SPECIAL = {
        "nan", "infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"};
    if (std::find(SPECIAL.begin(), SPECIAL.end(), ToLower(text)) != SPECIAL.end()) {
        return true;
    }
    if (text.empty() || std::isspace(static_cast<unsigned char>(text.front())) != 0) {
        return false;
    }
    char* end = nullptr;
    static_cast<void>(std::strtod(text.c_str(), &end));
    return end == text.c_str() + text.size();
}

std::string HexOf(std::string_view bytes) {
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (unsigned char byte : bytes) {
        hex += fmt::format("{:02x}", byte);
    }
    return hex;
}

/// Reads exactly `count` digits at `position` into `value`.
bool ReadDigits(std::string_view text, size_t& position, size_t count, int64_t& value) {
    if (position + count > text.size()) {
        return false;
    }
    value = 0;
    for (size_t index = 0; index < count; ++index) {
        char c = text[position + index];
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    position += count;
    return true;
}

bool ReadChar(std::string_view text, size_t& position, char expected) {
    if (position < text.size() && text[position] == expected) {
        ++position;
        return true;
    }
    return false;
}

/// Seconds east of UTC of "Z", "+HH", "+HH:MM" or "+HHMM" at `position` (which must end the text).
std::optional<int64_t> ReadOffset(std::string_view text, size_t position) {
    std::string_view rest = text.substr(position);
    if (rest.empty() || rest == "Z" || rest == "z" || rest == " UTC") {
        return 0;
    }
    if (rest.front() != '+' && rest.front() != '-') {
        return std::nullopt;
    }
    int64_t sign = rest.front() == '-' ? -1 : 1;
    size_t cursor = 1;
    int64_t hours = 0;
    int64_t minutes = 0;
    if (!ReadDigits(rest, cursor, 2, hours)) {
        return std::nullopt;
    }
    if (cursor < rest.size()) {
        ReadChar(rest, cursor, ':');
        if (!ReadDigits(rest, cursor, 2, minutes) || cursor != rest.size()) {
            return std::nullopt;
        }
    }
    return sign * (hours * SECONDS_PER_HOUR + minutes * SECONDS_PER_MINUTE);
}

bool IsDateOnly(std::string_view text) {
    size_t position = 0;
    int64_t part = 0;
    return ReadDigits(text, position, 4, part) && ReadChar(text, position, '-') &&
           ReadDigits(text, position, 2, part) && ReadChar(text, position, '-') &&
           ReadDigits(text, position, 2, part) && position == text.size() && ParseTimestampMicros(text).has_value();
}

bool IsTimestampType(const std::string& name) {
    return name == "timestamp" || name == "timestamp_ntz";
}

} // namespace

std::optional<int64_t> ParseTimestampMicros(std::string_view text) {
    size_t position = 0;
    int64_t year = 0;
    int64_t month = 0;
    int64_t day = 0;
    if (!ReadDigits(text, position, 4, year) || !ReadChar(text, position, '-') ||
        !ReadDigits(text, position, 2, month) || !ReadChar(text, position, '-') ||
        !ReadDigits(text, position, 2, day)) {
        return std::nullopt;
    }
    std::chrono::year_month_day date{std::chrono::year(static_cast<int>(year)),
                                     std::chrono::month(static_cast<unsigned>(month)),
                                     std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok()) {
        return std::nullopt;
    }
    int64_t hours = 0;
    int64_t minutes = 0;
    int64_t seconds = 0;
    int64_t fraction_micros = 0;
    if (position < text.size() && (text[position] == ' ' || text[position] == 'T')) {
        ++position;
        if (!ReadDigits(text, position, 2, hours) || !ReadChar(text, position, ':') ||
            !ReadDigits(text, position, 2, minutes)) {
            return std::nullopt;
        }
        if (ReadChar(text, position, ':') && !ReadDigits(text, position, 2, seconds)) {
            return std::nullopt;
        }
        if (ReadChar(text, position, '.')) {
            size_t digits = 0;
            int64_t scale = MICROS_PER_SECOND;
            while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
                // Digits beyond microseconds are dropped (truncated), as DuckDB does.
                if (digits < FRACTION_DIGITS) {
                    scale /= 10;
                    fraction_micros += (text[position] - '0') * scale;
                }
                ++digits;
                ++position;
            }
            if (digits == 0) {
                return std::nullopt;
            }
        }
        if (hours > 23 || minutes > 59 || seconds > 59) {
            return std::nullopt;
        }
    }
    std::optional<int64_t> offset = ReadOffset(text, position);
    if (!offset) {
        return std::nullopt;
    }
    int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
    int64_t total_seconds =
        days * SECONDS_PER_DAY + hours * SECONDS_PER_HOUR + minutes * SECONDS_PER_MINUTE + seconds - *offset;
    return total_seconds * MICROS_PER_SECOND + fraction_micros;
}

std::string FormatTimestampMicros(int64_t micros) {
    int64_t seconds = micros / MICROS_PER_SECOND;
    int64_t fraction = micros % MICROS_PER_SECOND;
    if (fraction < 0) {
        fraction += MICROS_PER_SECOND;
        --seconds;
    }
    int64_t days = seconds / SECONDS_PER_DAY;
    int64_t time_of_day = seconds % SECONDS_PER_DAY;
    if (time_of_day < 0) {
        time_of_day += SECONDS_PER_DAY;
        --days;
    }
    std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(days))};
    return fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}.{:06d}",
                       static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()),
                       static_cast<unsigned>(date.day()),
                       time_of_day / SECONDS_PER_HOUR,
                       time_of_day % SECONDS_PER_HOUR / SECONDS_PER_MINUTE,
                       time_of_day % SECONDS_PER_MINUTE,
                       fraction);
}

std::string DuckDbType(const Json& delta_type) {
    if (delta_type.is_string()) {
        return PrimitiveDuckDbType(delta_type.get<std::string>());
    }
    if (!delta_type.is_object()) {
        throw UnsupportedType(TypeName(delta_type), "a type is a name or an object");
    }
    std::string kind = delta_type.value("type", "");
    if (kind == "struct" && delta_type.contains("fields") && delta_type["fields"].is_array()) {
        std::vector<std::string> fields;
        for (const auto& field : delta_type["fields"]) {
            if (!field.is_object() || !field.contains("name") || !field["name"].is_string() ||
                !field.contains("type")) {
                throw UnsupportedType(TypeName(delta_type), "a struct field has no name or type");
            }
            fields.push_back(fmt::format(
                "{} {}", engine::QuoteIdentifier(field["name"].get<std::string>()), DuckDbType(field["type"])));
        }
        if (fields.empty()) {
            throw UnsupportedType(TypeName(delta_type), "a struct needs at least one field");
        }
        return fmt::format("STRUCT({})", Join(fields, ", "));
    }
    if (kind == "array" && delta_type.contains("elementType")) {
        return DuckDbType(delta_type["elementType"]) + "[]";
    }
    if (kind == "map" && delta_type.contains("keyType") && delta_type.contains("valueType")) {
        return fmt::format("MAP({}, {})", DuckDbType(delta_type["keyType"]), DuckDbType(delta_type["valueType"]));
    }
    throw UnsupportedType(TypeName(delta_type), "odibi reads and writes structs, arrays and maps");
}

namespace {

/// A recursive-descent reader of DuckDB type text ("STRUCT(\"a b\" INTEGER, c MAP(VARCHAR, DOUBLE[]))").
class TypeTextParser {
public:
    explicit TypeTextParser(std::string_view text) : text_(text) {}

    Json ParseWhole() {
        Json type = ParseType();
        SkipSpaces();
        if (position_ != text_.size()) {
            throw Unexpected();
        }
        return type;
    }

private:
    Json ParseType() {
        SkipSpaces();
        std::string name = ToUpper(Trim(ReadName()));
        if (name.empty()) {
            throw Unexpected();
        }
        Json type;
        if (Peek('(')) {
            type = ParseParameterised(name);
        } else {
            type = Primitive(name);
        }
        SkipSpaces();
        while (Peek('[')) {
            // Both LIST (T[]) and fixed-size ARRAY (T[3]) become Delta arrays.
            size_t close = text_.find(']', position_);
            if (close == std::string_view::npos) {
                throw Unexpected();
            }
            position_ = close + 1;
            type = Json{{"type", "array"}, {"elementType", type}, {"containsNull", true}};
            SkipSpaces();
        }
        return type;
    }

    Json ParseParameterised(const std::string& name) {
        Expect('(');
        if (name == "STRUCT") {
            Json fields = Json::array();
            do {
                SkipSpaces();
                std::string field_name = ReadFieldName();
                Json field_type = ParseType();
                fields.push_back(
                    {{"name", field_name}, {"type", field_type}, {"nullable", true}, {"metadata", Json::object()}});
                SkipSpaces();
            } while (Accept(','));
            Expect(')');
            return Json{{"type", "struct"}, {"fields", fields}};
        }
        if (name == "MAP") {
            Json key = ParseType();
            SkipSpaces();
            Expect(',');
            Json value = ParseType();
            SkipSpaces();
            Expect(')');
            return Json{{"type", "map"}, {"keyType", key}, {"valueType", value}, {"valueContainsNull", true}};
        }
        std::string arguments = SkipBalanced();
        if (name == "DECIMAL" || name == "NUMERIC") {
            std::string decimal = "decimal(" + arguments + ")";
            auto parsed = DecimalOf(decimal);
            if (!parsed) {
                throw Unexpected();
            }
            return fmt::format("decimal({},{})", parsed->first, parsed->second);
        }
        if (name == "ENUM") {
            return "string";
        }
        if (name == "VARCHAR" || name == "CHAR" || name == "BPCHAR") {
            return "string";
        }
        throw UnsupportedType(Described(name), "Delta has no such type");
    }

    Json Primitive(const std::string& name) {
        static const std::vector<std::pair<std::string_view, std::string_view>> NAMES = {
            {"VARCHAR", "string"},
            {"TEXT", "string"},
            {"STRING", "string"},
            {"CHAR", "string"},
            {"BPCHAR", "string"},
            {"JSON", "string"},
            {"UUID", "string"},
            {"BIGINT", "long"},
            {"INT8", "long"},
            {"LONG", "long"},
            {"INTEGER", "integer"},
            {"INT", "integer"},
            {"INT4", "integer"},
            {"SMALLINT", "short"},
            {"INT2", "short"},
            {"TINYINT", "byte"},
            {"INT1", "byte"},
            // Unsigned integers widen to the next signed type that holds every value.
            {"UTINYINT", "short"},
            {"USMALLINT", "integer"},
            {"UINTEGER", "long"},
            {"UBIGINT", "decimal(20,0)"},
            {"HUGEINT", "decimal(38,0)"},
            {"FLOAT", "float"},
            {"REAL", "float"},
            {"FLOAT4", "float"},
            {"DOUBLE", "double"},
            {"FLOAT8", "double"},
            {"BOOLEAN", "boolean"},
            {"BOOL", "boolean"},
            {"BLOB", "binary"},
            {"BYTEA", "binary"},
            {"BINARY", "binary"},
            {"VARBINARY", "binary"},
            {"DATE", "date"},
            {"TIMESTAMP", "timestamp"},
            {"DATETIME", "timestamp"},
            {"TIMESTAMP WITH TIME ZONE", "timestamp"},
            {"TIMESTAMPTZ", "timestamp"},
            {"TIMESTAMP_S", "timestamp"},
            {"TIMESTAMP_MS", "timestamp"},
            {"TIMESTAMP_US", "timestamp"},
            {"TIMESTAMP_NS", "timestamp"},
            {"DECIMAL", "decimal(18,3)"},
        };
        for (const auto& [duckdb, delta] : NAMES) {
            if (name == duckdb) {
                return std::string(delta);
            }
        }
        std::string why = "Delta has no such type";
        if (StartsWith(name, "TIME")) {
            why = "Delta has no time-of-day type";
        } else if (name == "INTERVAL") {
            why = "Delta has no interval type";
        } else if (name == "UHUGEINT") {
            why = "its values do not fit a decimal(38,0)";
        }
        throw UnsupportedType(Described(name), why);
    }

    /// The type's name, with the whole type text around it when it is nested.
    [[nodiscard]] std::string Described(const std::string& name) const {
        std::string upper_text = ToUpper(text_);
        return upper_text == name || StartsWith(upper_text, name + "(") ? std::string(text_)
                                                                        : fmt::format("{} (in {})", name, text_);
    }

    std::string ReadName() {
        size_t start = position_;
        while (position_ < text_.size() && text_[position_] != '(' && text_[position_] != '[' &&
               text_[position_] != ',' && text_[position_] != ')') {
            ++position_;
        }
        return std::string(text_.substr(start, position_ - start));
    }

    std::string ReadFieldName() {
        if (Accept('"')) {
            std::string name;
            while (position_ < text_.size()) {
                char c = text_[position_++];
                if (c == '"') {
                    if (Accept('"')) {
                        name += '"';
                        continue;
                    }
                    return name;
                }
                name += c;
            }
            throw Unexpected();
        }
        size_t start = position_;
        while (position_ < text_.size() && text_[position_] != ' ') {
            ++position_;
        }
        if (position_ == start) {
            throw Unexpected();
        }
        return std::string(text_.substr(start, position_ - start));
    }

    /// Skips up to the ')' that closes the '(' just read (quotes respected) and returns what it skipped.
    std::string SkipBalanced() {
        size_t start = position_;
        int depth = 1;
        char quote = 0;
        while (position_ < text_.size()) {
            char c = text_[position_++];
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                ++depth;
            } else if (c == ')' && --depth == 0) {
                return std::string(text_.substr(start, position_ - 1 - start));
            }
        }
        throw Unexpected();
    }

    void SkipSpaces() {
        while (position_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[position_])) != 0) {
            ++position_;
        }
    }

    bool Peek(char c) const { return position_ < text_.size() && text_[position_] == c; }

    bool Accept(char c) {
        if (Peek(c)) {
            ++position_;
            return true;
        }
        return false;
    }

    void Expect(char c) {
        if (!Accept(c)) {
            throw Unexpected();
        }
    }

    Error Unexpected() const {
        return InternalError(fmt::format("cannot read the DuckDB type \"{}\" at character {}", text_, position_ + 1));
    }

    std::string_view text_;
    size_t position_ = 0;
};

} // namespace

Json DeltaTypeOf(const std::string& duckdb_type) {
    return TypeTextParser(duckdb_type).ParseWhole();
}

std::string ColumnMappingMode(const Metadata& metadata) {
    auto found = metadata.configuration.find("delta.columnMapping.mode");
    return found == metadata.configuration.end() ? "none" : found->second;
}

std::string PhysicalName(const std::string& name, const Json& field_metadata, const std::string& mapping_mode) {
    if (mapping_mode != "none" && field_metadata.is_object()) {
        auto found = field_metadata.find("delta.columnMapping.physicalName");
        if (found != field_metadata.end() && found->is_string()) {
            return found->get<std::string>();
        }
    }
    return name;
}

std::optional<std::string> PartitionValueText(const std::optional<std::string>& value, const Json& delta_type) {
    if (!delta_type.is_string()) {
        throw UnsupportedType(TypeName(delta_type), "a partition column has a primitive type");
    }
    std::string name = delta_type.get<std::string>();
    static_cast<void>(PrimitiveDuckDbType(name));
    // PROTOCOL.md: "An empty string for any type translates to a null partition value."
    if (!value || value->empty()) {
        return std::nullopt;
    }
    const std::string& text = *value;
    if (name == "string") {
        return text;
    }
    if (name == "binary") {
        return HexOf(text);
    }
    if (name == "boolean") {
        std::string lower = ToLower(text);
        if (lower != "true" && lower != "false") {
            throw InvalidPartitionValue(text, name);
        }
        return lower;
    }
    bool valid = true;
    std::string literal = text;
    if (name == "long" || name == "integer" || name == "short" || name == "byte") {
        valid = IsSignedInteger(text);
    } else if (name == "float" || name == "double") {
        valid = IsFloatingNumber(text);
    } else if (name == "date") {
        valid = IsDateOnly(text);
    } else if (IsTimestampType(name)) {
        std::optional<int64_t> micros = ParseTimestampMicros(text);
        valid = micros.has_value();
        if (micros) {
            literal = FormatTimestampMicros(*micros);
        }
    } else {
        valid = IsDecimalNumber(text);
    }
    if (!valid) {
        throw InvalidPartitionValue(text, name);
    }
    return literal;
}

std::string PartitionValueCast(const std::string& text_sql, const Json& delta_type) {
    std::string name = delta_type.is_string() ? delta_type.get<std::string>() : "";
    if (name == "string") {
        return text_sql;
    }
    if (name == "binary") {
        return fmt::format("from_hex({})", text_sql);
    }
    return fmt::format("CAST({} AS {})", text_sql, DuckDbType(delta_type));
}

std::string PartitionValueSql(const std::optional<std::string>& value, const Json& delta_type) {
    std::optional<std::string> text = PartitionValueText(value, delta_type);
    if (!text) {
        return fmt::format("CAST(NULL AS {})", DuckDbType(delta_type));
    }
    return PartitionValueCast(engine::QuoteLiteral(*text), delta_type);
}

std::string PartitionValueExpression(const std::string& value_sql, const Json& delta_type) {
    if (!delta_type.is_string()) {
        throw UnsupportedType(TypeName(delta_type), "a partition column has a primitive type");
    }
    std::string name = delta_type.get<std::string>();
    static_cast<void>(PrimitiveDuckDbType(name));
    if (IsTimestampType(name)) {
        return fmt::format("strftime(CAST({} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%f')", value_sql);
    }
    if (name == "date") {
        return fmt::format("strftime({}, '%Y-%m-%d')", value_sql);
    }
    if (name == "boolean") {
        return fmt::format("CASE WHEN {0} THEN 'true' WHEN NOT {0} THEN 'false' END", value_sql);
    }
    if (name == "float" || name == "double") {
        // Spark parses partition values with Java's Double.parseDouble, which wants these spellings.
        return fmt::format("CASE WHEN isnan({0}) THEN 'NaN' WHEN {0} = 'inf'::DOUBLE THEN 'Infinity' "
                           "WHEN {0} = '-inf'::DOUBLE THEN '-Infinity' ELSE CAST({0} AS VARCHAR) END",
                           value_sql);
    }
    return fmt::format("CAST({} AS VARCHAR)", value_sql);
}

} // namespace odibi::io::delta
