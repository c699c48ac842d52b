// CSV: read_csv with pandas/Spark option spellings mapped to DuckDB's, COPY (FORMAT csv) for writes.
#include <filesystem>

#include "format.hpp"
#include "option_values.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/io/storage.hpp"

namespace odibi::io {
namespace {

const OptionCatalog& CsvReadCatalog() {
    static const OptionCatalog catalog{
        .options =
            {
                {"header", {}},
                {"delimiter", {"sep", "delim", "separator"}},
                {"quote", {"quotechar"}},
                {"escape", {"escapechar"}},
                {"encoding", {"charset"}},
                {"compression", {}},
                {"dateformat", {"date_format"}},
                {"timestampformat", {"timestamp_format"}},
                {"skip", {"skiprows", "skip_rows"}},
                {"nullstr", {"na_values", "nullValue", "null_values"}},
                {"columns", {}},
                {"dtype", {"types", "dtypes"}},
                {"names", {"column_names"}},
                {"all_varchar", {}},
                {"auto_detect", {}},
                {"ignore_errors", {}},
                {"on_bad_lines", {}},
                {"union_by_name", {"mergeSchema"}},
                {"filename", {}},
                {"hive_partitioning", {}},
                {"hive_types", {}},
                {"comment", {}},
                {"decimal", {"decimal_separator"}},
                {"sample_size", {}},
                {"null_padding", {}},
                {"strict_mode", {}},
            },
        .ignored = {"inferSchema",
                    "mode",
                    "badRecordsPath",
                    "multiLine",
                    "samplingRatio",
                    "enforceSchema",
                    "columnNameOfCorruptRecord",
                    "engine",
                    "low_memory",
                    "memory_map",
                    "dtype_backend",
                    "storage_options"},
    };
    return catalog;
}

const OptionCatalog& CsvWriteCatalog() {
    static const OptionCatalog catalog{
        .options =
            {
                {"header", {}},
                {"delimiter", {"sep", "delim", "separator"}},
                {"quote", {"quotechar"}},
                {"escape", {"escapechar"}},
                {"encoding", {"charset"}},
                {"compression", {}},
                {"dateformat", {"date_format"}},
                {"timestampformat", {"timestamp_format"}},
                {"nullstr", {"na_rep", "nullValue"}},
            },
        .ignored = {"index", "index_label", "storage_options"},
    };
    return catalog;
}

// The header option as pandas and Spark write it: true/false, 0 (first row), N (row N is the
// header: N rows are skipped first), null/"None" (no header) or "infer" (let DuckDB detect).
struct HeaderChoice {
    std::optional<bool> header;
    int64_t rows_before_header = 0;
};

HeaderChoice ReadHeader(const FormatOptions& options) {
    HeaderChoice choice;
    const config::Json* raw = options.TryGet("header");
    if (raw == nullptr) {
        return choice;
    }
    if (raw->is_null()) {
        choice.header = false;
        return choice;
    }
    if (raw->is_number_integer()) {
        int64_t row = raw->get<int64_t>();
        if (row < 0) {
            throw options.InvalidValue("header", fmt::format("a header row number cannot be negative ({})", row));
        }
        choice.header = true;
        choice.rows_before_header = row;
        return choice;
    }
    if (raw->is_boolean()) {
        choice.header = raw->get<bool>();
        return choice;
    }
    if (raw->is_string()) {
        std::string text = ToLower(Trim(raw->get<std::string>()));
        if (text == "none" || text == "false") {
            choice.header = false;
            return choice;
        }
        if (text == "true") {
            choice.header = true;
            return choice;
        }
        if (text == "infer") {
            return choice;
        }
    }
    throw options.InvalidValue("header",
                               fmt::format("expected true, false, 0 (the first row is the header), null (no header) or "
                                           "\"infer\", found {}",
                                           raw->dump()));
}

// DuckDB 1.4 reads utf-8, utf-16 and latin-1; the usual spellings of those are mapped to its names.
std::optional<std::string> ReadEncoding(const FormatOptions& options) {
    auto encoding = options.TryGetString("encoding");
    if (!encoding) {
        return std::nullopt;
    }
    std::string normalized = ReplaceAll(ToLower(Trim(*encoding)), "_", "-");
    if (normalized == "utf-8" || normalized == "utf8" || normalized == "utf-8-sig") {
        return std::string("utf-8");
    }
    if (normalized == "utf-16" || normalized == "utf16") {
        return std::string("utf-16");
    }
    if (normalized == "latin-1" || normalized == "latin1" || normalized == "iso-8859-1" || normalized == "iso8859-1" ||
        normalized == "l1") {
        return std::string("latin-1");
    }
    Error error = options.InvalidValue(
        "encoding",
        fmt::format("DuckDB's CSV reader reads \"utf-8\", \"utf-16\" and \"latin-1\" (ISO-8859-1), not \"{}\"",
                    *encoding));
    if (normalized == "cp1252" || normalized == "windows-1252") {
        error.WithSuggestion("encoding: latin-1 reads cp1252 files except the characters 0x80-0x9F (such as the euro "
                             "sign and curly quotes); convert the file with iconv -f cp1252 -t utf-8 to keep those");
    } else {
        error.WithSuggestion(fmt::format("convert the file to UTF-8 first, e.g. iconv -f {} -t utf-8", *encoding));
    }
    throw error;
}

void AddTypes(SqlArguments& arguments, const FormatOptions& options) {
    if (auto columns = options.TryGetStringMap("columns")) {
        for (auto& [column, type] : *columns) {
            type = DuckDbTypeName(type);
        }
        arguments.Add("columns", SqlStringMap(*columns));
    }
    const config::Json* dtype = options.TryGet("dtype");
    if (dtype == nullptr) {
        return;
    }
    if (dtype->is_string()) {
        // pandas dtype=str: every column is text.
        if (!IsTextDtype(dtype->get<std::string>())) {
            throw options.InvalidValue("dtype",
                                       fmt::format("one dtype for every column must be a text type (str, string, "
                                                   "object), found \"{}\"; give a mapping {{column: type}} instead",
                                                   dtype->get<std::string>()));
        }
        if (!arguments.Has("all_varchar")) {
            arguments.Add("all_varchar", SqlBool(true));
        }
        return;
    }
    auto types = options.TryGetStringMap("dtype");
    for (auto& [column, type] : *types) {
        type = DuckDbTypeName(type);
    }
    arguments.Add("types", SqlStringMap(*types));
}

void AddIgnoreErrors(SqlArguments& arguments, const FormatOptions& options) {
    auto ignore_errors = options.TryGetBool("ignore_errors");
    auto on_bad_lines = options.TryGetString("on_bad_lines");
    if (ignore_errors && on_bad_lines) {
        throw options.InvalidValue("on_bad_lines", "give either ignore_errors or on_bad_lines, not both");
    }
    if (on_bad_lines) {
        std::string value = ToLower(Trim(*on_bad_lines));
        if (value != "skip" && value != "warn" && value != "error") {
            throw options.InvalidValue(
                "on_bad_lines", fmt::format("expected \"error\", \"skip\" or \"warn\", found \"{}\"", *on_bad_lines));
        }
        ignore_errors = value != "error";
    }
    if (ignore_errors) {
        arguments.Add("ignore_errors", SqlBool(*ignore_errors));
    }
}

void AddNullStrings(SqlArguments& arguments, const FormatOptions& options) {
    auto null_strings = options.TryGetStringList("nullstr");
    if (!null_strings) {
        return;
    }
    if (null_strings->size() == 1) {
        arguments.Add("nullstr", engine::QuoteLiteral(null_strings->front()));
        return;
    }
    arguments.Add("nullstr", SqlStringList(*null_strings));
}

class CsvFormat final : public Format {
public:
    std::string_view Name() const override { return "csv"; }
    const OptionCatalog& ReadOptions() const override { return CsvReadCatalog(); }
    const OptionCatalog& WriteOptions() const override { return CsvWriteCatalog(); }

    std::string DirectoryGlob(const FormatOptions& read_options) const override {
        auto codec = TextCompression(read_options, "compression", "none");
        if (codec == "gzip") {
            return "**/*.csv.gz";
        }
        if (codec == "zstd") {
            return "**/*.csv.zst";
        }
        return "**/*.csv";
    }

    std::string
    ScanSql(const std::string& location, const FormatOptions& options, bool directory_dataset) const override {
        return ReadArguments(options, directory_dataset).TableFunctionCall("read_csv", location);
    }

    std::string PinnedScanSql(engine::Connection& connection,
                              const std::string& location,
                              const FormatOptions& options,
                              bool directory_dataset) const override {
        SqlArguments arguments = ReadArguments(options, directory_dataset);
        // read_csv sniffs only the first file of a glob and, with union_by_name, every file: both
        // are left to DuckDB, as is a read whose user turned inference off.
        if (directory_dataset || HasGlob(location) || !options.TryGetBool("auto_detect").value_or(true) ||
            options.TryGetBool("union_by_name").value_or(false)) {
            return arguments.TableFunctionCall("read_csv", location);
        }
        return SniffedArguments(connection, location, arguments).TableFunctionCall("read_csv", location);
    }

    std::vector<std::string> CopyOptions(const FormatOptions& options, const std::string& target) const override {
        RequireUtf8(options);
        SqlArguments arguments;
        arguments.Add("FORMAT", "csv");
        arguments.Add("HEADER", SqlBool(options.TryGetBool("header").value_or(true)));
        AddTextArgument(arguments, options, "delimiter", "DELIMITER");
        AddTextArgument(arguments, options, "quote", "QUOTE");
        AddTextArgument(arguments, options, "escape", "ESCAPE");
        auto codec = TextCompression(options, "compression", "none");
        if (!codec || *codec == "auto") {
            codec = CompressionFromExtension(target).value_or("none");
        }
        arguments.Add("COMPRESSION", engine::QuoteLiteral(*codec));
        AddTextArgument(arguments, options, "dateformat", "DATEFORMAT");
        AddTextArgument(arguments, options, "timestampformat", "TIMESTAMPFORMAT");
        AddTextArgument(arguments, options, "nullstr", "NULLSTR");
        return arguments.CopyOptionList();
    }

    bool SupportsPartitionBy() const override { return true; }

    config::Json ReadBackOptions(const FormatOptions& options) const override {
        config::Json read = config::Json::object();
        read["header"] = options.TryGetBool("header").value_or(true);
        for (const char* name : {"delimiter", "quote", "escape", "dateformat", "timestampformat", "nullstr"}) {
            if (auto value = options.TryGetString(name)) {
                read[name] = *value;
            }
        }
        if (auto codec = TextCompression(options, "compression", "none"); codec && *codec != "auto") {
            read["compression"] = *codec;
        }
        return read;
    }

    bool HoldsNoRows(const std::string& file) const override {
        std::error_code error;
        return std::filesystem::file_size(file, error) == 0 && !error;
    }

    bool InfersTypes() const override { return true; }

    config::Json PinnedReadOptions(const FormatOptions& write_options,
                                   const std::vector<engine::ColumnInfo>& target_columns,
                                   const std::vector<engine::ColumnInfo>& batch_columns) const override {
        config::Json pinned = config::Json::object();
        config::Json types = config::Json::object();
        if (!write_options.TryGetBool("header").value_or(true)) {
            // Without a header the stored columns have no names: they line up with the new rows by position.
            if (target_columns.size() != batch_columns.size()) {
                Error error(ErrorCode::WRITE_FAILED,
                            ErrorSource::USER,
                            fmt::format("the existing csv target has no header and {} columns, but the new rows have "
                                        "{}; rows without a header can only be added column by column",
                                        target_columns.size(),
                                        batch_columns.size()));
                error.WithSuggestion("write with header: true, or select the same columns as the existing file");
                throw error;
            }
            config::Json names = config::Json::array();
            for (const auto& column : batch_columns) {
                names.push_back(column.name);
                types[column.name] = column.type;
            }
            pinned["names"] = names;
            pinned["dtype"] = types;
            return pinned;
        }
        for (const auto& column : target_columns) {
            std::string type = "VARCHAR";
            for (const auto& batch_column : batch_columns) {
                if (batch_column.name == column.name) {
                    type = batch_column.type;
                }
            }
            types[column.name] = type;
        }
        pinned["dtype"] = types;
        return pinned;
    }

private:
    // The read_csv arguments for the user's read options.
    static SqlArguments ReadArguments(const FormatOptions& options, bool directory_dataset) {
        SqlArguments arguments;
        HeaderChoice header = ReadHeader(options);
        if (header.header) {
            arguments.Add("header", SqlBool(*header.header));
        }
        AddTextArgument(arguments, options, "delimiter", "delim");
        AddTextArgument(arguments, options, "quote", "quote");
        AddTextArgument(arguments, options, "escape", "escape");
        if (auto encoding = ReadEncoding(options)) {
            arguments.Add("encoding", engine::QuoteLiteral(*encoding));
        }
        if (auto codec = TextCompression(options, "compression", "none")) {
            arguments.Add("compression", engine::QuoteLiteral(*codec));
        }
        AddTextArgument(arguments, options, "dateformat", "dateformat");
        AddTextArgument(arguments, options, "timestampformat", "timestampformat");
        auto skip = options.TryGetInteger("skip");
        if (skip && *skip < 0) {
            throw options.InvalidValue("skip",
                                       fmt::format("the number of rows to skip cannot be negative ({})", *skip));
        }
        if (skip || header.rows_before_header > 0) {
            arguments.Add("skip", std::to_string(skip.value_or(0) + header.rows_before_header));
        }
        AddNullStrings(arguments, options);
        AddBooleanArguments(arguments, options, {"all_varchar"});
        AddTypes(arguments, options);
        if (auto names = options.TryGetStringList("names")) {
            arguments.Add("names", SqlStringList(*names));
        }
        AddBooleanArguments(arguments, options, {"auto_detect"});
        AddIgnoreErrors(arguments, options);
        AddBooleanArguments(arguments, options, {"union_by_name"});
        AddFilenameArgument(arguments, options);
        AddHiveArguments(arguments, options, directory_dataset);
        AddTextArgument(arguments, options, "comment", "comment");
        AddTextArgument(arguments, options, "decimal", "decimal_separator");
        if (auto sample_size = options.TryGetInteger("sample_size")) {
            arguments.Add("sample_size", std::to_string(*sample_size));
        }
        AddBooleanArguments(arguments, options, {"null_padding", "strict_mode"});
        return arguments;
    }

    // `arguments` with DuckDB's sniffer run once on `location` and its findings (dialect, header,
    // column names and types, date formats) given as arguments with auto_detect off: the options
    // that steer the sniffer are replaced by what it found from them.
    static SqlArguments
    SniffedArguments(engine::Connection& connection, const std::string& location, const SqlArguments& arguments) {
        engine::ResultTable sniffed = connection.Query(
            fmt::format("SELECT Delimiter, Quote, Escape, NewLineDelimiter, Comment, SkipRows, HasHeader, DateFormat, "
                        "TimestampFormat, to_json(Columns) FROM {}",
                        arguments.TableFunctionCall("sniff_csv", location)));
        auto text = [&](size_t column) { return sniffed.Value(0, column).value_or(""); };
        // sniff_csv shows "no quote / escape / comment character" as the text (empty).
        auto character = [&](size_t column) {
            std::string value = text(column);
            return engine::QuoteLiteral(value == "(empty)" ? "" : value);
        };
        SqlArguments pinned = arguments.Without({"header",
                                                 "delim",
                                                 "quote",
                                                 "escape",
                                                 "skip",
                                                 "comment",
                                                 "dateformat",
                                                 "timestampformat",
                                                 "all_varchar",
                                                 "columns",
                                                 "types",
                                                 "names",
                                                 "auto_detect",
                                                 "sample_size"});
        pinned.Add("auto_detect", SqlBool(false));
        pinned.Add("delim", character(0));
        pinned.Add("quote", character(1));
        pinned.Add("escape", character(2));
        pinned.Add("new_line", engine::QuoteLiteral(text(3)));
        pinned.Add("comment", character(4));
        pinned.Add("skip", text(5));
        pinned.Add("header", text(6));
        std::vector<std::pair<std::string, std::string>> columns;
        for (const auto& column : config::Json::parse(text(9))) {
            columns.emplace_back(column.at("name").get<std::string>(), column.at("type").get<std::string>());
        }
        pinned.Add("columns", SqlStringMap(columns));
        if (!text(7).empty()) {
            pinned.Add("dateformat", engine::QuoteLiteral(text(7)));
        }
        if (!text(8).empty()) {
            pinned.Add("timestampformat", engine::QuoteLiteral(text(8)));
        }
        return pinned;
    }
};

} // namespace

std::unique_ptr<Format> MakeCsvFormat() {
    return std::make_unique<CsvFormat>();
}

} // namespace odibi::io
