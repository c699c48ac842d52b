// Snapshot reconstruction (PROTOCOL.md, "Action Reconciliation"): the newest complete checkpoint at
// or before the version asked for, then the JSON commits after it, in order.
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "actions.hpp"
#include "checkpoint_reader.hpp"
#include "log_listing.hpp"
#include <fmt/format.h>

#include "odibi/common/clock.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/io/delta.hpp"

namespace odibi::io::delta {

namespace {

namespace fs = std::filesystem;

/// Reader features this reader implements; a table that needs any other one is refused.
const std::set<std::string>& SupportedReaderFeatures() {
    static const std::set<std::string> features = {"columnMapping",
                                                   "deletionVectors",
                                                   "timestampNtz",
                                                   "vacuumProtocolCheck",
                                                   "typeWidening-preview",
                                                   "typeWidening"};
    return features;
}

Error FeatureUnsupported(const std::string& table, const std::string& feature, const std::string& detail) {
    Error error(ErrorCode::DELTA_FEATURE_UNSUPPORTED,
                ErrorSource::USER,
                fmt::format("the Delta table {} needs the reader feature \"{}\", which this build of odibi does not "
                            "support{}",
                            table,
                            feature,
                            detail.empty() ? "" : " (" + detail + ")"));
    error.WithContext("table", table);
    error.WithSuggestion("rewrite the table without the feature (e.g. with Spark), or read it with a tool that "
                         "supports it; see docs/delta.md for what odibi reads");
    return error;
}

void RequireReadable(const Protocol& protocol, const std::string& table) {
    if (protocol.min_reader_version > 3) {
        throw FeatureUnsupported(table, fmt::format("minReaderVersion {}", protocol.min_reader_version), "");
    }
    if (protocol.min_reader_version == 3) {
        for (const auto& feature : protocol.reader_features) {
            if (!SupportedReaderFeatures().contains(feature)) {
                throw FeatureUnsupported(table, feature, "");
            }
        }
    }
}

/// The (path, deletion-vector id) identity of a file in the snapshot.
std::string FileKey(const std::string& path, const std::optional<DeletionVector>& dv) {
    return dv ? path + '\n' + dv->UniqueId() : path;
}

class Replay {
public:
    explicit Replay(std::string table) : table_(std::move(table)) {}

    void Apply(Actions actions) {
        if (actions.protocol) {
            protocol_ = std::move(actions.protocol);
        }
        if (actions.metadata) {
            metadata_ = std::move(actions.metadata);
        }
        for (auto& txn : actions.txns) {
            txns_[txn.app_id] = txn.version;
        }
        for (auto& remove : actions.removes) {
            files_.erase(FileKey(remove.path, remove.deletion_vector));
            std::string path = remove.path;
            tombstones_[path] = std::move(remove);
        }
        for (auto& add : actions.adds) {
            tombstones_.erase(add.path);
            std::string key = FileKey(add.path, add.deletion_vector);
            files_[key] = std::move(add);
        }
    }

    Snapshot Finish(int64_t version, const std::string& last_file) {
        if (!protocol_) {
            throw LogInvalid(last_file, fmt::format("no protocol action up to version {}", version));
        }
        if (!metadata_) {
            throw LogInvalid(last_file, fmt::format("no metaData action up to version {}", version));
        }
        RequireReadable(*protocol_, table_);
        Snapshot snapshot;
        snapshot.table_root = table_;
        snapshot.version = version;
        snapshot.protocol = std::move(*protocol_);
        snapshot.metadata = std::move(*metadata_);
        for (auto& [key, file] : files_) {
            snapshot.files.push_back(std::move(file));
        }
        std::stable_sort(snapshot.files.begin(), snapshot.files.end(), [](const AddFile& a, const AddFile& b) {
            return a.path < b.path;
        });
        for (auto& [path, remove] : tombstones_) {
            snapshot.tombstones.push_back(std::move(remove));
        }
        snapshot.app_txns = std::move(txns_);
        return snapshot;
    }

private:
    std::string table_;
    std::optional<Protocol> protocol_;
    std::optional<Metadata> metadata_;
    std::map<std::string, AddFile> files_;
    std::map<std::string, RemoveFile> tombstones_;
    std::map<std::string, int64_t> txns_;
};

/// The commit time of a commit file: inCommitTimestamp, else commitInfo.timestamp, else the file's time.
int64_t CommitTimestamp(const fs::path& file, const Actions& actions) {
    if (actions.commit_info) {
        for (const char* key : {"inCommitTimestamp", "timestamp"}) {
            auto found = actions.commit_info->find(key);
            if (found != actions.commit_info->end() && found->is_number_integer()) {
                return found->get<int64_t>();
            }
        }
    }
    std::error_code error;
    auto time = fs::last_write_time(file, error);
    if (error) {
        return 0;
    }
    auto system = std::chrono::file_clock::to_sys(time);
    return std::chrono::duration_cast<std::chrono::milliseconds>(system.time_since_epoch()).count();
}

Error VersionNotFound(const std::string& table, const std::string& problem, const std::string& available) {
    Error error(ErrorCode::DELTA_VERSION_NOT_FOUND, ErrorSource::USER, fmt::format("{}: {}", table, problem));
    error.WithContext("table", table);
    error.WithSuggestion(
        fmt::format("ask for {} in read.time_travel, or remove time_travel to read the latest version", available));
    return error;
}

int64_t ParseTimestampMs(engine::Connection& connection, const std::string& table, const std::string& text) {
    // Text with a zone (Z, +02:00) is an instant; without one it is UTC wall-clock time.
    std::string literal = engine::QuoteLiteral(text);
    std::string sql = fmt::format(
        "SELECT coalesce(epoch_ms(TRY_CAST({0} AS TIMESTAMP)), epoch_ms(TRY_CAST({0} AS TIMESTAMPTZ)))", literal);
    auto value = connection.Query(sql).Scalar();
    if (!value) {
        Error error(ErrorCode::INVALID_VALUE,
                    ErrorSource::USER,
                    fmt::format("read.time_travel.as_of_timestamp \"{}\" is not a date or timestamp", text));
        error.WithContext("table", table);
        error.WithSuggestion("write it as 2024-01-31, 2024-01-31 12:00:00 or 2024-01-31T12:00:00Z");
        throw error;
    }
    return std::stoll(*value);
}

std::string FormatMs(int64_t ms) {
    return FormatUtc(TimePoint(std::chrono::milliseconds(ms)), "%Y-%m-%d %H:%M:%S");
}

class SnapshotLoader {
public:
    SnapshotLoader(engine::Connection& connection, const std::string& directory)
        : connection_(connection), table_(fs::absolute(directory).lexically_normal().string()),
          listing_(ListLog(table_)) {
        if (listing_.LatestVersion() < 0) {
            Error error(ErrorCode::INPUT_NOT_FOUND,
                        ErrorSource::USER,
                        fmt::format("{} is not a Delta table: it has no _delta_log with a commit", table_));
            error.WithContext("table", table_);
            error.WithSuggestion("check the path, or read the files with format: parquet if it is a plain folder");
            throw error;
        }
    }

    Snapshot Load(const VersionSpec& at) {
        int64_t latest = listing_.LatestVersion();
        int64_t version = latest;
        if (at.version) {
            version = *at.version;
            if (version < 0 || version > latest) {
                throw VersionNotFound(table_,
                                      fmt::format("version {} does not exist (the latest is {})", version, latest),
                                      fmt::format("a version from {} to {}", OldestReconstructable(), latest));
            }
        } else if (at.timestamp) {
            version = VersionAt(ParseTimestampMs(connection_, table_, *at.timestamp), *at.timestamp);
        }
        return Build(version);
    }

private:
    /// The oldest version that a checkpoint or the commits from 0 can rebuild.
    int64_t OldestReconstructable() const {
        if (listing_.commits.contains(0)) {
            return 0;
        }
        return listing_.checkpoints.empty() ? listing_.LatestVersion() : listing_.checkpoints.begin()->first;
    }

    int64_t VersionAt(int64_t target_ms, const std::string& text) {
        // The last commit whose time is at or before the target (binary search: commit times grow).
        std::vector<int64_t> versions;
        for (int64_t version : listing_.commits) {
            if (version >= OldestReconstructable()) {
                versions.push_back(version);
            }
        }
        size_t low = 0;
        size_t high = versions.size();
        while (low < high) {
            size_t middle = (low + high) / 2;
            if (TimestampOf(versions[middle]) <= target_ms) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        if (low == 0) {
            std::string earliest = versions.empty() ? "a later time" : FormatMs(TimestampOf(versions.front())) + " UTC";
            throw VersionNotFound(table_,
                                  fmt::format("no version was committed at or before {}", text),
                                  fmt::format("a time at or after {}", earliest));
        }
        return versions[low - 1];
    }

    int64_t TimestampOf(int64_t version) {
        fs::path file = listing_.CommitPath(version);
        return CommitTimestamp(file, ReadCommitFile(file));
    }

    Snapshot Build(int64_t version) {
        Replay replay(table_);
        int64_t next = 0;
        std::optional<int64_t> checkpoint_used;
        auto checkpoint = listing_.checkpoints.upper_bound(version);
        if (checkpoint != listing_.checkpoints.begin()) {
            --checkpoint;
            replay.Apply(ReadCheckpoint(connection_, checkpoint->second));
            checkpoint_used = checkpoint->first;
            next = checkpoint->first + 1;
        } else if (!listing_.v2_checkpoints.empty() && !listing_.commits.contains(0)) {
            throw FeatureUnsupported(table_, "v2Checkpoint", "its log starts with a UUID-named checkpoint");
        }
        std::string last_file = checkpoint_used ? listing_.checkpoints.at(*checkpoint_used).front().string() : "";
        int64_t timestamp_ms = 0;
        for (int64_t commit = next; commit <= version; ++commit) {
            fs::path file = listing_.CommitPath(commit);
            if (!listing_.commits.contains(commit)) {
                throw LogInvalid(file.string(),
                                 fmt::format("commit {} is missing, so version {} cannot be rebuilt", commit, version));
            }
            Actions actions = ReadCommitFile(file);
            timestamp_ms = CommitTimestamp(file, actions);
            replay.Apply(std::move(actions));
            last_file = file.string();
        }
        Snapshot snapshot = replay.Finish(version, last_file);
        snapshot.checkpoint_used = checkpoint_used;
        snapshot.timestamp_ms = next <= version                      ? timestamp_ms
                                : listing_.commits.contains(version) ? TimestampOf(version)
                                                                     : 0;
        return snapshot;
    }

    engine::Connection& connection_;
    std::string table_;
    LogListing listing_;
};

} // namespace

bool IsDeltaTable(const std::string& directory) {
    return ListLog(directory).LatestVersion() >= 0;
}

Snapshot LoadSnapshot(engine::Connection& connection, const std::string& directory, const VersionSpec& at) {
    return SnapshotLoader(connection, directory).Load(at);
}

} // namespace odibi::io::delta
