// The module-private interface of a file format, and the registry of the formats this build has.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "format_options.hpp"

#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::io {

/// One file format: how DuckDB scans it, how COPY writes it, and how a written target reads back.
/// Implementations live one per file in formats/ and are listed in builtin_formats.cpp.
class Format {
public:
    virtual ~Format() = default;

    [[nodiscard]] virtual std::string_view Name() const = 0;
    [[nodiscard]] virtual const OptionCatalog& ReadOptions() const = 0;
    [[nodiscard]] virtual const OptionCatalog& WriteOptions() const = 0;
    /// True for a table format with its own transaction log (Delta): reads load a snapshot and writes
    /// commit to the log, instead of scanning and replacing files.
    [[nodiscard]] virtual bool IsTableFormat() const { return false; }

    /// Glob of the data files inside a directory dataset, relative to it ("**/*.parquet").
    [[nodiscard]] virtual std::string DirectoryGlob(const FormatOptions& read_options) const = 0;
    /// A lazy table expression over `location` (a file, or a glob). `directory_dataset` is true when
    /// the user named a directory, whose files `location` now globs (hive partitioning defaults on).
    [[nodiscard]] virtual std::string
    ScanSql(const std::string& location, const FormatOptions& read_options, bool directory_dataset) const = 0;
    /// ScanSql with what the reader infers (dialect, column types) inferred once now, through
    /// `connection`, and written into the expression: every bind of a view over a scan repeats the
    /// inference, and a pipeline binds each scan once per step. Formats that infer nothing costly,
    /// and scans whose inference cannot be fixed up front (globs), return ScanSql.
    [[nodiscard]] virtual std::string PinnedScanSql(engine::Connection& connection,
                                                    const std::string& location,
                                                    const FormatOptions& read_options,
                                                    bool directory_dataset) const {
        static_cast<void>(connection);
        return ScanSql(location, read_options, directory_dataset);
    }

    /// The options of `COPY ... TO` (FORMAT first, PARTITION_BY excluded). `target` is the final
    /// path; when no compression is set, its extension chooses one (output is staged under another name).
    [[nodiscard]] virtual std::vector<std::string> CopyOptions(const FormatOptions& write_options,
                                                               const std::string& target) const = 0;
    [[nodiscard]] virtual bool SupportsPartitionBy() const = 0;
    /// Read options (canonical names of ReadOptions()) that read back what a write produced.
    [[nodiscard]] virtual config::Json ReadBackOptions(const FormatOptions& write_options) const = 0;

    /// True when an existing file of this format holds no rows and no schema DuckDB could read back
    /// (an empty file, or an empty JSON array); writes then treat the target as absent.
    [[nodiscard]] virtual bool HoldsNoRows(const std::string& file) const = 0;
    /// True for text formats, whose readers infer column types from values.
    [[nodiscard]] virtual bool InfersTypes() const = 0;
    /// Read options that pin the column types of an existing target before it is rewritten, so that
    /// values survive unchanged (inference could turn "001" into 1). `target_columns` are the columns
    /// stored in the files (hive partition columns excluded), `batch_columns` those of the new rows.
    [[nodiscard]] virtual config::Json
    PinnedReadOptions(const FormatOptions& write_options,
                      const std::vector<engine::ColumnInfo>& target_columns,
                      const std::vector<engine::ColumnInfo>& batch_columns) const = 0;
};

/// The formats this build reads and writes, in the order `odibi list` shows them.
[[nodiscard]] const std::vector<std::unique_ptr<Format>>& BuiltinFormats();
/// The format named `name` (case-insensitive); nullptr when this build has none by that name.
[[nodiscard]] const Format* TryGetFormat(std::string_view name);
/// The format named `name`; throws NOT_SUPPORTED_YET for formats of Odibi's YAML that this build
/// lacks (delta, sql, ...) and UNKNOWN_FORMAT with "Did you mean ...?" for anything else.
[[nodiscard]] const Format& GetFormat(std::string_view name, const SourceLocation& location);

/// The write options of `write`, validated against `format`; `keys` (upsert, append_once) is
/// accepted for every format.
[[nodiscard]] FormatOptions ParseWriteOptions(const Format& format, const config::WriteConfig& write);
/// `options` validated as read options of `format`; `filter` and `query` are accepted for every
/// format (Odibi moves read.filter / read.query into the options). `config_path` names the read block.
[[nodiscard]] FormatOptions
ParseReadOptions(const Format& format, const config::Json& options, const std::string& config_path);

// Factories of the built-in formats, one per file under formats/.
[[nodiscard]] std::unique_ptr<Format> MakeCsvFormat();
[[nodiscard]] std::unique_ptr<Format> MakeParquetFormat();
[[nodiscard]] std::unique_ptr<Format> MakeJsonFormat();
[[nodiscard]] std::unique_ptr<Format> MakeDeltaFormat();

} // namespace odibi::io
