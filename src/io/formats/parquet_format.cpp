// Parquet: read_parquet for scans, COPY (FORMAT parquet) for writes; types live in the files.
#include <filesystem>

#include "format.hpp"
#include "option_values.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::io {
namespace {

const OptionCatalog& ParquetReadCatalog() {
    static const OptionCatalog catalog{
        .options =
            {
                {"columns", {}},
                {"union_by_name", {"mergeSchema"}},
                {"filename", {}},
                {"hive_partitioning", {}},
                {"hive_types", {}},
                {"binary_as_string", {}},
            },
        .ignored = {"engine",
                    "use_nullable_dtypes",
                    "dtype_backend",
                    "storage_options",
                    "filesystem",
                    "mode",
                    "badRecordsPath",
                    "datetimeRebaseMode",
                    "int96RebaseMode",
                    "recursiveFileLookup"},
    };
    return catalog;
}

const OptionCatalog& ParquetWriteCatalog() {
    static const OptionCatalog catalog{
        .options =
            {
                {"compression", {"codec"}},
                {"compression_level", {}},
                {"row_group_size", {}},
            },
        .ignored = {"index", "engine", "storage_options"},
    };
    return catalog;
}

std::string ParquetCompression(const FormatOptions& options) {
    const config::Json* raw = options.TryGet("compression");
    if (raw == nullptr) {
        return "snappy";
    }
    if (raw->is_null()) {
        return "uncompressed";
    }
    std::string codec = ToLower(Trim(options.TryGetString("compression").value_or("")));
    if (codec == "none" || codec.empty()) {
        return "uncompressed";
    }
    std::vector<std::string> valid = {"snappy", "gzip", "zstd", "lz4", "lz4_raw", "brotli", "uncompressed"};
    for (const auto& name : valid) {
        if (codec == name) {
            return codec;
        }
    }
    std::string message =
        fmt::format("unknown parquet compression \"{}\"; valid values are {}", codec, QuotedList(valid));
    std::string hint = DidYouMean(codec, valid);
    if (!hint.empty()) {
        message += ". " + hint;
    }
    throw options.InvalidValue("compression", message);
}

class ParquetFormat final : public Format {
public:
    std::string_view Name() const override { return "parquet"; }
    const OptionCatalog& ReadOptions() const override { return ParquetReadCatalog(); }
    const OptionCatalog& WriteOptions() const override { return ParquetWriteCatalog(); }

    std::string DirectoryGlob(const FormatOptions& /*read_options*/) const override { return "**/*.parquet"; }

    std::string
    ScanSql(const std::string& location, const FormatOptions& options, bool directory_dataset) const override {
        SqlArguments arguments;
        AddBooleanArguments(arguments, options, {"union_by_name"});
        AddFilenameArgument(arguments, options);
        AddHiveArguments(arguments, options, directory_dataset);
        AddBooleanArguments(arguments, options, {"binary_as_string"});
        std::string scan = arguments.TableFunctionCall("read_parquet", location);
        auto columns = options.TryGetStringList("columns");
        if (!columns) {
            return scan;
        }
        if (columns->empty()) {
            throw options.InvalidValue("columns", "the list of columns to read is empty");
        }
        // pandas' columns=[...] reads only those columns; parquet is columnar, so the projection is free.
        return fmt::format("(SELECT {} FROM {})", engine::QuoteIdentifierList(*columns), scan);
    }

    std::vector<std::string> CopyOptions(const FormatOptions& options, const std::string& /*target*/) const override {
        SqlArguments arguments;
        arguments.Add("FORMAT", "parquet");
        arguments.Add("COMPRESSION", engine::QuoteLiteral(ParquetCompression(options)));
        if (auto level = options.TryGetInteger("compression_level")) {
            arguments.Add("COMPRESSION_LEVEL", std::to_string(*level));
        }
        if (auto rows = options.TryGetInteger("row_group_size")) {
            if (*rows <= 0) {
                throw options.InvalidValue("row_group_size",
                                           fmt::format("a row group holds at least one row, found {}", *rows));
            }
            arguments.Add("ROW_GROUP_SIZE", std::to_string(*rows));
        }
        return arguments.CopyOptionList();
    }

    bool SupportsPartitionBy() const override { return true; }

    config::Json ReadBackOptions(const FormatOptions& /*write_options*/) const override {
        return config::Json::object();
    }

    bool HoldsNoRows(const std::string& file) const override {
        std::error_code error;
        return std::filesystem::file_size(file, error) == 0 && !error;
    }

    bool InfersTypes() const override { return false; }

    config::Json PinnedReadOptions(const FormatOptions& /*write_options*/,
                                   const std::vector<engine::ColumnInfo>& /*target_columns*/,
                                   const std::vector<engine::ColumnInfo>& /*batch_columns*/) const override {
        return config::Json::object();
    }
};

} // namespace

std::unique_ptr<Format> MakeParquetFormat() {
    return std::make_unique<ParquetFormat>();
}

} // namespace odibi::io
