// JSON: read_json (array or JSON lines, detected unless `lines` says), COPY (FORMAT json) for writes.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "format.hpp"
#include "option_values.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::io {
namespace {

// An empty array as DuckDB and pandas write it is a few bytes; anything longer holds data.
constexpr uintmax_t EMPTY_ARRAY_MAX_BYTES = 64;

const OptionCatalog& JsonReadCatalog() {
    static const OptionCatalog catalog{
        .options =
            {
                {"lines", {}},
                {"format", {}},
                {"orient", {}},
                {"encoding", {}},
                {"compression", {}},
                {"columns", {}},
                {"dateformat", {"date_format"}},
                {"timestampformat", {"timestamp_format"}},
                {"union_by_name", {}},
                {"filename", {}},
                {"hive_partitioning", {}},
                {"hive_types", {}},
                {"ignore_errors", {}},
                {"maximum_object_size", {}},
                {"sample_size", {}},
            },
        .ignored = {"multiLine",
                    "mode",
                    "badRecordsPath",
                    "convert_dates",
                    "keep_default_dates",
                    "dtype_backend",
                    "engine",
                    "storage_options",
                    "precise_float",
                    "samplingRatio"},
    };
    return catalog;
}

const OptionCatalog& JsonWriteCatalog() {
    static const OptionCatalog catalog{
        .options =
            {
                {"lines", {}},
                {"orient", {}},
                {"encoding", {}},
                {"compression", {}},
                {"dateformat", {"date_format"}},
                {"timestampformat", {"timestamp_format"}},
            },
        .ignored = {"index", "force_ascii", "storage_options", "date_unit", "default_handler", "indent"},
    };
    return catalog;
}

// Odibi reads and writes JSON records: a list of objects, or one object per line.
void RequireRecordsOrient(const FormatOptions& options) {
    const config::Json* raw = options.TryGet("orient");
    if (raw == nullptr || raw->is_null()) {
        return;
    }
    std::string orient = options.TryGetString("orient").value_or("");
    if (ToLower(Trim(orient)) == "records") {
        return;
    }
    Error error = options.InvalidValue(
        "orient",
        fmt::format("orient \"{}\" is not supported; odibi reads and writes JSON records (a list of objects, or one "
                    "object per line with lines: true)",
                    orient));
    error.WithSuggestion("use orient: records, or remove the option");
    throw error;
}

std::optional<std::string> JsonLayout(const FormatOptions& options) {
    auto lines = options.TryGetBool("lines");
    auto layout = options.TryGetString("format");
    if (lines && layout) {
        throw options.InvalidValue("format", "give either lines or format, not both");
    }
    if (lines) {
        return std::string(*lines ? "newline_delimited" : "array");
    }
    if (!layout) {
        return std::nullopt;
    }
    std::vector<std::string> valid = {"auto", "newline_delimited", "array", "unstructured"};
    std::string value = ToLower(Trim(*layout));
    for (const auto& name : valid) {
        if (value == name) {
            return value;
        }
    }
    std::string message = fmt::format("unknown JSON layout \"{}\"; valid values are {}", *layout, QuotedList(valid));
    std::string hint = DidYouMean(value, valid);
    if (!hint.empty()) {
        message += ". " + hint;
    }
    throw options.InvalidValue("format", message);
}

// pandas' to_json date_format is "iso" or "epoch"; anything else is a strftime pattern for DuckDB.
std::optional<std::string> WriteDateFormat(const FormatOptions& options) {
    auto format = options.TryGetString("dateformat");
    if (!format) {
        return std::nullopt;
    }
    std::string lowered = ToLower(Trim(*format));
    if (lowered == "iso") {
        return std::nullopt;
    }
    if (lowered == "epoch") {
        Error error = options.InvalidValue("dateformat", "epoch dates are not written by odibi's JSON writer");
        error.WithSuggestion("convert the columns in a SQL step, e.g. epoch_ms(order_date) AS order_date, and remove "
                             "the option (dates are written as ISO 8601 text by default)");
        throw error;
    }
    return format;
}

class JsonFormat final : public Format {
public:
    std::string_view Name() const override { return "json"; }
    const OptionCatalog& ReadOptions() const override { return JsonReadCatalog(); }
    const OptionCatalog& WriteOptions() const override { return JsonWriteCatalog(); }

    std::string DirectoryGlob(const FormatOptions& read_options) const override {
        auto codec = TextCompression(read_options, "compression", "uncompressed");
        if (codec == "gzip") {
            return "**/*.json.gz";
        }
        if (codec == "zstd") {
            return "**/*.json.zst";
        }
        return "**/*.json";
    }

    std::string
    ScanSql(const std::string& location, const FormatOptions& options, bool directory_dataset) const override {
        RequireRecordsOrient(options);
        RequireUtf8(options);
        SqlArguments arguments;
        if (auto layout = JsonLayout(options)) {
            arguments.Add("format", engine::QuoteLiteral(*layout));
        }
        if (auto codec = TextCompression(options, "compression", "uncompressed")) {
            arguments.Add("compression", engine::QuoteLiteral(*codec == "auto" ? "auto_detect" : *codec));
        }
        if (auto columns = options.TryGetStringMap("columns")) {
            for (auto& [column, type] : *columns) {
                type = DuckDbTypeName(type);
            }
            arguments.Add("columns", SqlStringMap(*columns));
        }
        AddTextArgument(arguments, options, "dateformat", "dateformat");
        AddTextArgument(arguments, options, "timestampformat", "timestampformat");
        AddBooleanArguments(arguments, options, {"union_by_name"});
        AddFilenameArgument(arguments, options);
        AddHiveArguments(arguments, options, directory_dataset);
        AddBooleanArguments(arguments, options, {"ignore_errors"});
        for (const char* name : {"maximum_object_size", "sample_size"}) {
            if (auto value = options.TryGetInteger(name)) {
                arguments.Add(name, std::to_string(*value));
            }
        }
        return arguments.TableFunctionCall("read_json", location);
    }

    std::vector<std::string> CopyOptions(const FormatOptions& options, const std::string& target) const override {
        RequireRecordsOrient(options);
        RequireUtf8(options);
        SqlArguments arguments;
        arguments.Add("FORMAT", "json");
        // pandas writes orient=records as one array unless lines=True.
        arguments.Add("ARRAY", SqlBool(!options.TryGetBool("lines").value_or(false)));
        auto codec = TextCompression(options, "compression", "none");
        if (!codec || *codec == "auto") {
            codec = CompressionFromExtension(target).value_or("none");
        }
        arguments.Add("COMPRESSION", engine::QuoteLiteral(*codec));
        if (auto date_format = WriteDateFormat(options)) {
            arguments.Add("DATEFORMAT", engine::QuoteLiteral(*date_format));
        }
        AddTextArgument(arguments, options, "timestampformat", "TIMESTAMPFORMAT");
        return arguments.CopyOptionList();
    }

    bool SupportsPartitionBy() const override { return false; }

    config::Json ReadBackOptions(const FormatOptions& options) const override {
        config::Json read = config::Json::object();
        read["lines"] = options.TryGetBool("lines").value_or(false);
        if (auto codec = TextCompression(options, "compression", "uncompressed"); codec && *codec != "auto") {
            read["compression"] = *codec;
        }
        if (auto date_format = WriteDateFormat(options)) {
            read["dateformat"] = *date_format;
        }
        if (auto timestamp_format = options.TryGetString("timestampformat")) {
            read["timestampformat"] = *timestamp_format;
        }
        return read;
    }

    bool HoldsNoRows(const std::string& file) const override {
        std::error_code error;
        uintmax_t size = std::filesystem::file_size(file, error);
        if (error || size > EMPTY_ARRAY_MAX_BYTES) {
            return false;
        }
        std::ifstream stream(file, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
        return text.find_first_not_of(" \t\r\n[]") == std::string::npos;
    }

    bool InfersTypes() const override { return true; }

    config::Json PinnedReadOptions(const FormatOptions& /*write_options*/,
                                   const std::vector<engine::ColumnInfo>& target_columns,
                                   const std::vector<engine::ColumnInfo>& batch_columns) const override {
        // JSON keeps strings as strings; only columns the new rows share take the new rows' types.
        config::Json columns = config::Json::object();
        for (const auto& column : target_columns) {
            std::string type = column.type;
            for (const auto& batch_column : batch_columns) {
                if (batch_column.name == column.name) {
                    type = batch_column.type;
                }
            }
            columns[column.name] = type;
        }
        config::Json pinned = config::Json::object();
        pinned["columns"] = columns;
        return pinned;
    }
};

} // namespace

std::unique_ptr<Format> MakeJsonFormat() {
    return std::make_unique<JsonFormat>();
}

} // namespace odibi::io
