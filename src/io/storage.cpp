// Opening a configured connection as Storage, and the path classifications every storage shares.
#include "odibi/io/storage.hpp"

#include <cctype>

#include "storage/local_storage.hpp"
#include <fmt/format.h>

#include "odibi/common/error.hpp"

namespace odibi::io {
namespace {

// The connection type as written, or its canonical name when the config left type_name empty.
std::string TypeText(const config::ConnectionConfig& connection) {
    if (!connection.type_name.empty()) {
        return connection.type_name;
    }
    switch (connection.type) {
    case config::ConnectionType::LOCAL:
        return "local";
    case config::ConnectionType::AZURE_BLOB:
        return "azure_blob";
    case config::ConnectionType::DELTA:
        return "delta";
    case config::ConnectionType::UNITY_CATALOG:
        return "unity_catalog";
    case config::ConnectionType::SQL_SERVER:
        return "sql_server";
    case config::ConnectionType::HTTP:
        return "http";
    case config::ConnectionType::POSTGRES:
        return "postgres";
    case config::ConnectionType::CUSTOM:
        return "custom";
    }
    return "custom";
}

} // namespace

bool HasGlob(const std::string& path) {
    return path.find_first_of("*?[") != std::string::npos;
}

bool IsUri(const std::string& path) {
    if (path.find("://") != std::string::npos) {
        return true;
    }
    // "dbfs:/x" style: a scheme of two or more characters (so a Windows drive "C:/" is not a URI).
    size_t colon = path.find(':');
    if (colon == std::string::npos || colon < 2 || colon + 1 >= path.size() || path[colon + 1] != '/') {
        return false;
    }
    if (std::isalpha(static_cast<unsigned char>(path[0])) == 0) {
        return false;
    }
    for (size_t index = 1; index < colon; ++index) {
        char character = path[index];
        if (std::isalnum(static_cast<unsigned char>(character)) == 0 && character != '+' && character != '-' &&
            character != '.') {
            return false;
        }
    }
    return true;
}

std::unique_ptr<Storage> OpenStorage(const config::ConnectionConfig& connection) {
    if (connection.type == config::ConnectionType::LOCAL) {
        return MakeLocalStorage(connection);
    }
    std::string type = TypeText(connection);
    Error error(ErrorCode::NOT_SUPPORTED_YET,
                ErrorSource::USER,
                fmt::format("connection \"{}\" has type \"{}\", which this build of odibi cannot read or write yet",
                            connection.name,
                            type));
    error.WithLocation(SourceLocation{.file = "", .line = 0, .column = 0, .path = connection.config_path});
    error.WithContext("connection", connection.name);
    error.WithContext("type", type);
    error.WithSuggestion("use a \"type: local\" connection (base_path: ...) for files on this machine");
    throw error;
}

} // namespace odibi::io
