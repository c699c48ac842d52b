// Rendering of option values as DuckDB arguments, and the mappings from pandas/Spark spellings.
#include "option_values.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::io {
namespace {

struct TypeMapping {
    std::string_view pandas;
    std::string_view duckdb;
};

// pandas and numpy dtype spellings (case-sensitive, as pandas writes them) and their DuckDB types.
constexpr std::array<TypeMapping, 27> PANDAS_TYPES = {{
    {"str", "VARCHAR"},
    {"string", "VARCHAR"},
    {"object", "VARCHAR"},
    {"category", "VARCHAR"},
    {"int", "BIGINT"},
    {"int64", "BIGINT"},
    {"Int64", "BIGINT"},
    {"int32", "INTEGER"},
    {"Int32", "INTEGER"},
    {"int16", "SMALLINT"},
    {"Int16", "SMALLINT"},
    {"int8", "TINYINT"},
    {"Int8", "TINYINT"},
    {"uint8", "UTINYINT"},
    {"uint16", "USMALLINT"},
    {"uint32", "UINTEGER"},
    {"uint64", "UBIGINT"},
    {"float", "DOUBLE"},
    {"float64", "DOUBLE"},
    {"Float64", "DOUBLE"},
    {"float32", "FLOAT"},
    {"Float32", "FLOAT"},
    {"bool", "BOOLEAN"},
    {"boolean", "BOOLEAN"},
    {"datetime64", "TIMESTAMP"},
    {"datetime64[ns]", "TIMESTAMP"},
    {"datetime64[us]", "TIMESTAMP"},
}};

} // namespace

void SqlArguments::Add(std::string name, std::string sql_value) {
    arguments_.emplace_back(std::move(name), std::move(sql_value));
}

bool SqlArguments::Has(std::string_view name) const {
    for (const auto& [argument, value] : arguments_) {
        if (argument == name) {
            return true;
        }
    }
    return false;
}

SqlArguments SqlArguments::Without(std::initializer_list<std::string_view> names) const {
    SqlArguments kept;
    for (const auto& [argument, value] : arguments_) {
        if (std::find(names.begin(), names.end(), argument) == names.end()) {
            kept.Add(argument, value);
        }
    }
    return kept;
}

std::string SqlArguments::TableFunctionCall(std::string_view function, const std::string& path) const {
    std::string text = fmt::format("{}({}", function, engine::QuoteLiteral(path));
    for (const auto& [name, value] : arguments_) {
        text += fmt::format(", {} = {}", name, value);
    }
    return text + ")";
}

std::vector<std::string> SqlArguments::CopyOptionList() const {
    std::vector<std::string> list;
    list.reserve(arguments_.size());
    for (const auto& [name, value] : arguments_) {
        list.push_back(fmt::format("{} {}", name, value));
    }
    return list;
}

std::string SqlBool(bool value) {
    return value ? "true" : "false";
}

std::string SqlStringList(const std::vector<std::string>& items) {
    std::vector<std::string> quoted;
    quoted.reserve(items.size());
    for (const auto& item : items) {
        quoted.push_back(engine::QuoteLiteral(item));
    }
    return "[" + Join(quoted, ", ") + "]";
}

std::string SqlStringMap(const std::vector<std::pair<std::string, std::string>>& items) {
    std::vector<std::string> entries;
    entries.reserve(items.size());
    for (const auto& [key, value] : items) {
        entries.push_back(fmt::format("{}: {}", engine::QuoteLiteral(key), engine::QuoteLiteral(value)));
    }
    return "{" + Join(entries, ", ") + "}";
}

std::string DuckDbTypeName(std::string_view type) {
    std::string trimmed = Trim(type);
    for (const auto& mapping : PANDAS_TYPES) {
        if (mapping.pandas == trimmed) {
            return std::string(mapping.duckdb);
        }
    }
    if (StartsWith(trimmed, "datetime64[")) {
        return "TIMESTAMP";
    }
    return trimmed;
}

bool IsTextDtype(std::string_view type) {
    return DuckDbTypeName(type) == "VARCHAR";
}

std::optional<std::string>
TextCompression(const FormatOptions& options, std::string_view name, std::string_view none_spelling) {
    const config::Json* raw = options.TryGet(name);
    if (raw == nullptr) {
        return std::nullopt;
    }
    if (raw->is_null()) {
        return std::string(none_spelling);
    }
    std::string codec = ToLower(Trim(options.TryGetString(name).value_or("")));
    if (codec == "gzip" || codec == "gz") {
        return std::string("gzip");
    }
    if (codec == "zstd" || codec == "zst") {
        return std::string("zstd");
    }
    if (codec == "none" || codec == "uncompressed" || codec.empty()) {
        return std::string(none_spelling);
    }
    if (codec == "auto" || codec == "infer" || codec == "auto_detect") {
        return std::string("auto");
    }
    std::vector<std::string> valid = {"gzip", "zstd", "none", "infer"};
    Error error = options.InvalidValue(
        name,
        fmt::format("compression \"{}\" is not one DuckDB reads or writes for {}; valid values are {}",
                    codec,
                    options.Scope().format,
                    QuotedList(valid)));
    std::string hint = DidYouMean(codec, valid);
    if (!hint.empty()) {
        error.WithSuggestion(hint);
    }
    error.WithSuggestion("recompress the files as gzip or zstd");
    throw error;
}

std::optional<std::string> CompressionFromExtension(const std::string& path) {
    std::string lowered = ToLower(path);
    if (EndsWith(lowered, ".gz") || EndsWith(lowered, ".gzip")) {
        return std::string("gzip");
    }
    if (EndsWith(lowered, ".zst") || EndsWith(lowered, ".zstd")) {
        return std::string("zstd");
    }
    return std::nullopt;
}

void AddHiveArguments(SqlArguments& arguments, const FormatOptions& options, bool directory_dataset) {
    auto hive = options.TryGetBool("hive_partitioning");
    if (hive) {
        arguments.Add("hive_partitioning", SqlBool(*hive));
    } else if (directory_dataset) {
        arguments.Add("hive_partitioning", SqlBool(true));
    }
    auto hive_types = options.TryGetStringMap("hive_types");
    if (hive_types) {
        for (auto& [column, type] : *hive_types) {
            type = DuckDbTypeName(type);
        }
        arguments.Add("hive_types", SqlStringMap(*hive_types));
    }
}

void AddBooleanArguments(SqlArguments& arguments, const FormatOptions& options, const std::vector<std::string>& names) {
    for (const auto& name : names) {
        auto value = options.TryGetBool(name);
        if (value) {
            arguments.Add(name, SqlBool(*value));
        }
    }
}

void AddTextArgument(SqlArguments& arguments,
                     const FormatOptions& options,
                     const std::string& name,
                     const std::string& duckdb_name) {
    if (auto value = options.TryGetString(name)) {
        arguments.Add(duckdb_name, engine::QuoteLiteral(*value));
    }
}

void AddFilenameArgument(SqlArguments& arguments, const FormatOptions& options) {
    const config::Json* raw = options.TryGet("filename");
    if (raw == nullptr) {
        return;
    }
    if (raw->is_string()) {
        std::string column = raw->get<std::string>();
        std::string lowered = ToLower(Trim(column));
        if (lowered.empty()) {
            throw options.InvalidValue("filename",
                                       "expected true, false or the name of a column, found an empty string");
        }
        // Any other text names the column that receives each row's file.
        if (lowered != "true" && lowered != "false") {
            arguments.Add("filename", engine::QuoteLiteral(column));
            return;
        }
    }
    arguments.Add("filename", SqlBool(options.TryGetBool("filename").value_or(false)));
}

void RequireUtf8(const FormatOptions& options) {
    auto encoding = options.TryGetString("encoding");
    if (!encoding) {
        return;
    }
    std::string normalized = ReplaceAll(ToLower(Trim(*encoding)), "_", "-");
    if (normalized == "utf-8" || normalized == "utf8") {
        return;
    }
    Error error = options.InvalidValue(
        "encoding",
        fmt::format(
            "{} {} supports only UTF-8, not \"{}\"", options.Scope().format, options.Scope().direction, *encoding));
    error.WithSuggestion("convert the data to UTF-8 first (for example with iconv), or remove the encoding option");
    throw error;
}

} // namespace odibi::io
