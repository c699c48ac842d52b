// Connections to storage: resolve a configured connection + relative path to a location DuckDB reads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "odibi/config/project.hpp"

namespace odibi::io {

/// One configured storage connection (local now; azure_blob and others plug in here later).
class Storage {
public:
    virtual ~Storage() = default;
    [[nodiscard]] virtual const std::string& Name() const = 0;
    /// Absolute path or URI for `relative`; absolute paths and URIs (abfss://, s3://...) pass through.
    [[nodiscard]] virtual std::string Resolve(const std::string& relative) const = 0;
    /// True if the file, directory or any glob match exists.
    [[nodiscard]] virtual bool Exists(const std::string& resolved) const = 0;
    /// True if `resolved` is a directory (a dataset of many files, e.g. a hive-partitioned write).
    [[nodiscard]] virtual bool IsDirectory(const std::string& resolved) const {
        static_cast<void>(resolved);
        return false;
    }
    /// Names of the entries of a directory, sorted; empty when it cannot be listed. Used for
    /// "Did you mean ...?" hints when an input is missing.
    [[nodiscard]] virtual std::vector<std::string> ListDirectory(const std::string& resolved_directory) const {
        static_cast<void>(resolved_directory);
        return {};
    }
    /// True if writes can publish through a local rename (the atomic-write protocol needs it).
    [[nodiscard]] virtual bool IsLocalFileSystem() const { return false; }
};

/// True if `path` contains a glob character (`*`, `?` or `[`).
[[nodiscard]] bool HasGlob(const std::string& path);

/// True if `path` is a URI (`abfss://...`, `s3://...`, `dbfs:/...`) rather than a file-system path.
[[nodiscard]] bool IsUri(const std::string& path);

/// Builds the storage for a connection. Types that later work will build give NOT_SUPPORTED_YET,
/// naming the connection and its type.
[[nodiscard]] std::unique_ptr<Storage> OpenStorage(const config::ConnectionConfig& connection);

} // namespace odibi::io
