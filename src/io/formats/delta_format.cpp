// Delta Lake: a table format with its own transaction log (src/io/delta). Reads load a snapshot and
// scan its parquet files; writes stage parquet files and commit them to the log.
#include "format.hpp"

#include "odibi/common/error.hpp"

namespace odibi::io {
namespace {

const OptionCatalog& DeltaReadCatalog() {
    static const OptionCatalog catalog{
        .options = {},
        .ignored = {"storage_options",
                    "without_files",
                    "log_buffer_size",
                    "readChangeFeed",
                    "ignoreDeletes",
                    "ignoreChanges",
                    "skipChangeCommits"},
    };
    return catalog;
}

const OptionCatalog& DeltaWriteCatalog() {
    static const OptionCatalog catalog{
        .options = {},
        .ignored = {"storage_options",
                    "engine",
                    "optimizeWrite",
                    "dataChange",
                    "userMetadata",
                    "max_rows_per_file",
                    "target_file_size"},
    };
    return catalog;
}

class DeltaFormat final : public Format {
public:
    std::string_view Name() const override { return "delta"; }
    const OptionCatalog& ReadOptions() const override { return DeltaReadCatalog(); }
    const OptionCatalog& WriteOptions() const override { return DeltaWriteCatalog(); }
    bool IsTableFormat() const override { return true; }

    std::string DirectoryGlob(const FormatOptions& /*read_options*/) const override { return "_delta_log/*.json"; }

    std::string ScanSql(const std::string& /*location*/,
                        const FormatOptions& /*options*/,
                        bool /*directory_dataset*/) const override {
        throw InternalError("a Delta scan is built from the table's snapshot (delta::ScanSql), not a location");
    }

    std::vector<std::string> CopyOptions(const FormatOptions& /*options*/,
                                         const std::string& /*target*/) const override {
        return {};
    }

    bool SupportsPartitionBy() const override { return true; }

    config::Json ReadBackOptions(const FormatOptions& /*write_options*/) const override {
        return config::Json::object();
    }

    bool HoldsNoRows(const std::string& /*file*/) const override { return false; }

    bool InfersTypes() const override { return false; }

    config::Json PinnedReadOptions(const FormatOptions& /*write_options*/,
                                   const std::vector<engine::ColumnInfo>& /*target_columns*/,
                                   const std::vector<engine::ColumnInfo>& /*batch_columns*/) const override {
        return config::Json::object();
    }
};

} // namespace

std::unique_ptr<Format> MakeDeltaFormat() {
    return std::make_unique<DeltaFormat>();
}

} // namespace odibi::io
