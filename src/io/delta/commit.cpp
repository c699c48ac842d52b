// Delta commits (PROTOCOL.md, "Writer Requirements"): data files are moved in from a hidden staging
// directory, then made visible by one commit file created with put-if-absent (link(2) fails when the
// version exists). A commit that lost the race for its version is retried on the next one unless the
// commits in between conflict with it.
#include "commit.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "checkpoint_writer.hpp"
#include "log_listing.hpp"
#include "staged_output.hpp"
#include <fmt/format.h>
#include <unistd.h>

#include "odibi/common/identity.hpp"
#include "odibi/common/strings.hpp"

namespace odibi::io::delta {

namespace {

namespace fs = std::filesystem;

/// How often a commit that lost the race for its version is tried again on the next one.
constexpr int kCommitAttempts = 1000;

Error ConflictError(const fs::path& table, int64_t version, const std::string& why) {
    Error error(ErrorCode::DELTA_COMMIT_CONFLICT,
                ErrorSource::EXTERNAL,
                fmt::format("another writer committed version {} of the Delta table {} while this write ran: {}",
                            version,
                            table.string(),
                            why));
    error.WithContext("table", table.string());
    error.WithSuggestion("nothing was committed by this write; run it again (a node's retry policy does so)");
    return error;
}

Error WriteError(const fs::path& table, std::string message) {
    Error error(ErrorCode::WRITE_FAILED, ErrorSource::EXTERNAL, std::move(message));
    error.WithContext("table", table.string());
    error.WithSuggestion("check that the table directory is writable and has free space");
    return error;
}

bool ChangesData(const Actions& actions) {
    return std::any_of(
               actions.adds.begin(), actions.adds.end(), [](const AddFile& file) { return file.data_change; }) ||
           std::any_of(
               actions.removes.begin(), actions.removes.end(), [](const RemoveFile& file) { return file.data_change; });
}

/// Why `theirs` (committed at `version`) forbids `commit` on top of it; empty when it does not.
std::string ConflictWith(PlannedCommit& commit, const Actions& theirs, int64_t version) {
    bool blind_append = commit.isolation == CommitIsolation::BLIND_APPEND;
    if (commit.creates_table && version == 0) {
        // Both writers created the table: append to theirs when the schemas agree.
        if (!theirs.metadata || !commit.actions.metadata || !blind_append ||
            SerializeSchema(theirs.metadata->schema) != SerializeSchema(commit.actions.metadata->schema) ||
            theirs.metadata->partition_columns != commit.actions.metadata->partition_columns) {
            return "it created the table first, with another schema or mode";
        }
        commit.actions.metadata.reset();
        commit.actions.protocol.reset();
        commit.creates_table = false;
        return "";
    }
    if (theirs.metadata || theirs.protocol) {
        return "it changed the table's schema or protocol";
    }
    if (commit.isolation == CommitIsolation::REARRANGE) {
        std::set<std::string> ours;
        for (const auto& remove : commit.actions.removes) {
            ours.insert(remove.path);
        }
        for (const auto& remove : theirs.removes) {
            if (ours.contains(remove.path)) {
                return fmt::format("it removed the file {}, which this commit rewrites", remove.path);
            }
        }
    } else if (ChangesData(theirs) && !blind_append) {
        return "it changed rows that this write read (overwrite, upsert and append_once need the table "
               "unchanged until they commit)";
    }
    for (const auto& txn : theirs.txns) {
        for (const auto& ours : commit.actions.txns) {
            if (txn.app_id == ours.app_id) {
                return fmt::format("it committed for the same writer \"{}\"", txn.app_id);
            }
        }
    }
    return "";
}

/// Creates `log/<version>.json` holding `text` unless it exists; false when another writer has it.
bool TryCommit(const fs::path& table, const fs::path& log, int64_t version, const std::string& text) {
    fs::path temporary = log / fmt::format(".{}.json.{}.tmp", version, NewUuid());
    {
        std::ofstream stream(temporary, std::ios::binary);
        stream << text;
        stream.flush();
        if (!stream) {
            RemoveQuietly(temporary);
            throw WriteError(table, fmt::format("could not write the commit file {}", temporary.string()));
        }
    }
    SyncPath(temporary, false);
    fs::path target = log / CommitFileName(version);
    // link(2) creates the name only if it does not exist: put-if-absent on a local file system.
    int result = ::link(temporary.c_str(), target.c_str());
    int error_number = errno;
    RemoveQuietly(temporary);
    if (result == 0) {
        SyncPath(log, true);
        return true;
    }
    if (error_number == EEXIST) {
        return false;
    }
    throw WriteError(
        table, fmt::format("could not create the commit file {}: {}", target.string(), std::strerror(error_number)));
}

void MaybeCheckpoint(engine::Connection& connection,
                     const fs::path& table,
                     int64_t version,
                     std::optional<int64_t> interval) {
    if (!interval || version == 0 || version % *interval != 0) {
        return;
    }
    // A checkpoint only speeds up readers: a failure to write one leaves the table correct.
    try {
        WriteCheckpoint(connection, LoadSnapshot(connection, table.string(), {.version = version, .timestamp = {}}));
    } catch (const Error&) {
        return;
    } catch (const std::exception&) {
        return;
    }
}

std::vector<fs::path> MoveFilesIn(const fs::path& table, const fs::path& staged_data, const PlannedCommit& commit) {
    std::vector<fs::path> moved;
    for (const auto& relative : commit.staged_files) {
        fs::path from = staged_data / relative;
        fs::path to = table / relative;
        SyncPath(from, false);
        fs::create_directories(to.parent_path());
        if (::rename(from.c_str(), to.c_str()) != 0) {
            int error_number = errno;
            for (const auto& file : moved) {
                RemoveQuietly(file);
            }
            throw WriteError(table,
                             fmt::format("could not move the data file {} into the Delta table: {}",
                                         to.string(),
                                         std::strerror(error_number)));
        }
        moved.push_back(to);
    }
    return moved;
}

} // namespace

int64_t CommitActions(engine::Connection& connection, const fs::path& table, PlannedCommit& commit) {
    fs::path log = table / "_delta_log";
    fs::create_directories(log);
    int64_t version = commit.read_version + 1;
    for (int attempt = 0; attempt < kCommitAttempts; ++attempt) {
        if (TryCommit(table, log, version, SerializeCommit(commit.actions))) {
            MaybeCheckpoint(connection, table, version, commit.checkpoint_interval);
            return version;
        }
        // Another writer took `version`: see whether this commit can go on top of it.
        LogListing listing = ListLog(table);
        int64_t latest = listing.LatestVersion();
        for (int64_t theirs = version; theirs <= latest; ++theirs) {
            if (!listing.commits.contains(theirs)) {
                continue;
            }
            std::string conflict = ConflictWith(commit, ReadCommitFile(listing.CommitPath(theirs)), theirs);
            if (!conflict.empty()) {
                throw ConflictError(table, version, conflict);
            }
        }
        version = latest + 1;
    }
    throw ConflictError(table, version, fmt::format("{} attempts lost the race", kCommitAttempts));
}

int64_t PublishCommit(engine::Connection& connection,
                      const fs::path& table,
                      const fs::path& staged_data,
                      PlannedCommit& commit) {
    std::vector<fs::path> moved = MoveFilesIn(table, staged_data, commit);
    try {
        return CommitActions(connection, table, commit);
    } catch (...) {
        // Files of a commit that did not happen are not part of the table: take them out again.
        for (const auto& file : moved) {
            RemoveQuietly(file);
        }
        throw;
    }
}

std::vector<std::string> UnsupportedWriterFeatures(const Snapshot& snapshot) {
    static const std::set<std::string> supported = {"appendOnly", "invariants", "timestampNtz"};
    std::vector<std::string> missing;
    if (snapshot.protocol.min_writer_version > 7) {
        missing.push_back(fmt::format("minWriterVersion {}", snapshot.protocol.min_writer_version));
    }
    if (snapshot.protocol.min_writer_version >= 4 && snapshot.protocol.min_writer_version < 7) {
        missing.push_back(fmt::format("minWriterVersion {} (generated columns, change data feed, column "
                                      "mapping)",
                                      snapshot.protocol.min_writer_version));
    }
    for (const auto& feature : snapshot.protocol.writer_features) {
        if (!supported.contains(feature)) {
            missing.push_back(feature);
        }
    }
    auto mapping = snapshot.metadata.configuration.find("delta.columnMapping.mode");
    if (mapping != snapshot.metadata.configuration.end() && mapping->second != "none" &&
        std::find(missing.begin(), missing.end(), "columnMapping") == missing.end()) {
        missing.emplace_back("columnMapping");
    }
    return missing;
}

} // namespace odibi::io::delta
