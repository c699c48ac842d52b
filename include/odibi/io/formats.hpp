// Reading and writing data in a format (csv, parquet, json): scans are lazy SQL, writes are COPY.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/io/storage.hpp"

namespace odibi::io {

/// Format names this build reads and writes (for did-you-mean and `odibi list`).
[[nodiscard]] std::vector<std::string> SupportedFormats();

/// A DuckDB table expression that scans the source lazily (e.g. `read_csv('/abs/x.csv', header = true)`),
/// with `read.filter` applied as a WHERE clause. Options are validated: unknown ones give
/// INVALID_FORMAT_OPTION with did-you-mean; a missing path gives INPUT_NOT_FOUND naming the path.
[[nodiscard]] std::string BuildScan(const config::ReadConfig& read, const Storage& storage);
/// BuildScan with the reader's inference (a CSV file's dialect, header and column types) run once
/// now on `connection` and written into the expression. A view over a scan binds it again each
/// time a view over the view is created, which for an unpinned CSV repeats the sniffing of the file.
[[nodiscard]] std::string
BuildPinnedScan(const config::ReadConfig& read, const Storage& storage, engine::Connection& connection);

struct WriteRequest {
    const config::WriteConfig& write;
    const Storage& storage;
    std::string source_relation; ///< quoted view/table name holding the rows to write
};

struct WriteOutcome {
    std::string location;       ///< resolved target path
    int64_t rows_written = 0;   ///< rows this write added or changed
    int64_t rows_in_target = 0; ///< rows in the target after the write
    bool target_existed = false;
    std::vector<std::string> sql; ///< statements that ran, for the story
};

/// Writes `source_relation` to the target in DuckDB SQL (never through C++ memory). Every mode is
/// atomic: the new output is staged beside the target and swapped in with a rename, so readers see
/// the old or the new output and a failed write leaves the old one in place.
[[nodiscard]] WriteOutcome Write(engine::Connection& connection, const WriteRequest& request);

/// True if the write target exists (first-run detection).
[[nodiscard]] bool TargetExists(const config::WriteConfig& write, const Storage& storage);

/// A scan of what a write produced (used to read a node's output back, e.g. `$pipeline.node`).
[[nodiscard]] config::ReadConfig ReadBackConfig(const config::WriteConfig& write);

/// Checks a read block without touching any file: option names and values of its format, and a
/// `query` that is a whole SELECT. For `odibi validate`, so that option mistakes surface before
/// anything runs. Blocks whose format this build does not read give no diagnostics here.
/// Locations carry the dotted config path only (callers add file:line:col).
[[nodiscard]] DiagnosticList ValidateRead(const config::ReadConfig& read);

/// Checks a write block without touching any file: writer options, `keys` for upsert/append_once,
/// partition_by support and the write mode.
[[nodiscard]] DiagnosticList ValidateWrite(const config::WriteConfig& write);

} // namespace odibi::io
