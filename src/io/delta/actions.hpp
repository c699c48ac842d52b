// The actions of one Delta commit (or checkpoint), parsed from and written as JSON lines.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "odibi/io/delta.hpp"

namespace odibi::io::delta {

/// A `txn` action: the last version an application committed (idempotent writes).
struct Txn {
    std::string app_id;
    int64_t version = 0;
    std::optional<int64_t> last_updated;
};

/// Everything one commit file (or a checkpoint) holds. `cdc` actions are skipped: snapshot reads
/// ignore change-data files.
struct Actions {
    std::vector<AddFile> adds;
    std::vector<RemoveFile> removes;
    std::optional<Metadata> metadata;
    std::optional<Protocol> protocol;
    std::vector<Txn> txns;
    std::optional<config::Json> commit_info;
};

/// Parses the JSON lines of a commit file; `file` names it in errors (DELTA_LOG_INVALID).
[[nodiscard]] Actions ParseCommit(std::string_view text, const std::string& file);

/// Reads and parses the commit file `file`; throws DELTA_LOG_INVALID naming it when it cannot be read.
[[nodiscard]] Actions ReadCommitFile(const std::filesystem::path& file);

/// Parses one action object (`{"add": {...}}`, ...) into `actions`; unknown actions are ignored.
void ParseAction(const config::Json& action, Actions& actions, const std::string& file);

/// The `partitionValues` object of an add or remove action: keys to values, JSON null as nullopt.
[[nodiscard]] std::map<std::string, std::optional<std::string>> ParsePartitionValues(const config::Json& values);

/// The JSON lines of a commit: commitInfo, protocol, metaData, txn, remove, add, each on one line.
[[nodiscard]] std::string SerializeCommit(const Actions& actions);

/// Parses a `schemaString` into fields; throws DELTA_LOG_INVALID naming `file` when it is not one.
[[nodiscard]] std::vector<Field> ParseSchema(const std::string& schema_string, const std::string& file);
/// The `schemaString` of `fields`.
[[nodiscard]] std::string SerializeSchema(const std::vector<Field>& fields);

/// Percent-decodes an add/remove path once ("a%20b" -> "a b").
[[nodiscard]] std::string DecodePath(std::string_view path);
/// Percent-encodes a relative path for an add/remove action (RFC 2396: keeps "/" and unreserved).
[[nodiscard]] std::string EncodePath(std::string_view path);

/// The name of commit `version` in `_delta_log` ("00000000000000000007.json").
[[nodiscard]] std::string CommitFileName(int64_t version);

/// Now, in milliseconds since the epoch: the unit of modificationTime, deletionTimestamp and commit times.
[[nodiscard]] int64_t NowMs();

/// The field named `name` (compared case-insensitively, as DuckDB compares column names); nullptr
/// when there is none.
[[nodiscard]] const Field* FindField(const std::vector<Field>& fields, const std::string& name);

/// The error for a log that breaks the protocol, naming the table and the file.
[[nodiscard]] Error LogInvalid(const std::string& file, const std::string& problem);

} // namespace odibi::io::delta
