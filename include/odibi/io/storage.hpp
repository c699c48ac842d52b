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
};

/// Builds the storage for a connection. Types that later work will build give NOT_SUPPORTED_YET,
/// naming the connection and its type.
[[nodiscard]] std::unique_ptr<Storage> OpenStorage(const config::ConnectionConfig& connection);

} // namespace odibi::io
