// Picks the catalog backend from system.connection and turns a postgres connection's fields into the
// options of the PostgreSQL catalog.
#include "odibi/execute/catalog_open.hpp"

#include <fmt/format.h>

#include "odibi/common/log.hpp"
#include "odibi/execute/runner.hpp"

namespace odibi::execute {
namespace {

constexpr int64_t MAXIMUM_PORT = 65535;
constexpr double MAXIMUM_TIMEOUT_SECONDS = 3600;

Error InvalidField(const config::ConnectionConfig& connection, const std::string& message, const std::string& fix) {
    Error error(ErrorCode::CATALOG_ERROR,
                ErrorSource::USER,
                fmt::format("connection \"{}\" (system.connection): {}", connection.name, message));
    error.WithPhase("catalog");
    error.WithLocation(SourceLocation{.file = "", .line = 0, .column = 0, .path = connection.config_path});
    error.WithContext("connection", connection.name);
    error.WithSuggestion(fix);
    return error;
}

// The first of `keys` present as a non-empty scalar in `object`, as text.
std::optional<std::string> TextField(const config::Json& object, std::initializer_list<const char*> keys) {
    if (!object.is_object()) {
        return std::nullopt;
    }
    for (const char* key : keys) {
        auto found = object.find(key);
        if (found == object.end() || found->is_null()) {
            continue;
        }
        if (found->is_string()) {
            if (!found->get<std::string>().empty()) {
                return found->get<std::string>();
            }
            continue;
        }
        if (found->is_primitive()) {
            return found->dump();
        }
    }
    return std::nullopt;
}

// A credential from the auth block (auth.username / auth.password) or, as Odibi also accepts, the top level.
std::optional<std::string> Credential(const config::Json& fields, std::initializer_list<const char*> keys) {
    auto auth = fields.find("auth");
    if (auth != fields.end()) {
        if (auto value = TextField(*auth, keys)) {
            return value;
        }
    }
    return TextField(fields, keys);
}

} // namespace

bool UsesPostgresCatalog(const config::ProjectConfig& project) {
    const auto* connection = project.TryGetConnection(project.system.connection);
    return connection != nullptr && connection->type == config::ConnectionType::POSTGRES;
}

state::PostgresCatalogOptions PostgresCatalogOptionsFor(const config::ConnectionConfig& connection,
                                                        const std::string& schema) {
    const auto& fields = connection.fields;
    state::PostgresCatalogOptions options;
    options.connection_name = connection.name;
    options.schema = schema;
    auto host = TextField(fields, {"host", "server"});
    if (!host) {
        throw InvalidField(connection, "a postgres connection needs host:", "add host: <server name> (or server:)");
    }
    options.host = *host;
    auto database = TextField(fields, {"database", "dbname"});
    if (!database) {
        throw InvalidField(connection, "a postgres connection needs database:", "add database: <database name>");
    }
    options.database = *database;
    if (auto port = TextField(fields, {"port"})) {
        int64_t number = 0;
        try {
            size_t used = 0;
            number = std::stoll(*port, &used);
            if (used != port->size()) {
                number = 0;
            }
        } catch (const std::exception&) {
            number = 0;
        }
        if (number < 1 || number > MAXIMUM_PORT) {
            throw InvalidField(connection,
                               fmt::format("port \"{}\" is not a TCP port", *port),
                               "set port: to a number from 1 to 65535 (PostgreSQL's default is 5432)");
        }
        options.port = static_cast<int>(number);
    }
    options.user = Credential(fields, {"username", "user"}).value_or("");
    options.password = Credential(fields, {"password"}).value_or("");
    // Registered before it could reach any message; config registers it too, this keeps the rule local.
    SecretRegistry::Register(options.password);
    if (auto sslmode = TextField(fields, {"sslmode"})) {
        options.sslmode = *sslmode;
    }
    auto timeout = fields.is_object() ? fields.find("timeout") : fields.end();
    if (timeout != fields.end() && !timeout->is_null()) {
        if (!timeout->is_number() || timeout->get<double>() <= 0 || timeout->get<double>() > MAXIMUM_TIMEOUT_SECONDS) {
            throw InvalidField(connection,
                               fmt::format("timeout {} is not a number of seconds", timeout->dump()),
                               "set timeout: to the seconds a connection attempt may take (default 30)");
        }
        // libpq waits whole seconds; a fraction rounds up so that a small timeout never becomes "forever" (0).
        options.connect_timeout = std::chrono::seconds(static_cast<int64_t>(timeout->get<double>() + 0.999));
    }
    return options;
}

std::string CatalogLocation(const config::ProjectConfig& project) {
    if (!UsesPostgresCatalog(project)) {
        return CatalogPath(project);
    }
    const auto& connection = project.GetConnection(project.system.connection);
    auto host = TextField(connection.fields, {"host", "server"}).value_or("?");
    auto port = TextField(connection.fields, {"port"}).value_or("5432");
    auto database = TextField(connection.fields, {"database", "dbname"}).value_or("?");
    return fmt::format("PostgreSQL catalog of connection \"{}\" at {}:{}/{} (schema {})",
                       connection.name,
                       host,
                       port,
                       database,
                       project.system.path);
}

std::unique_ptr<state::Catalog> OpenCatalog(const config::ProjectConfig& project) {
    if (UsesPostgresCatalog(project)) {
        return state::OpenPostgresCatalog(
            PostgresCatalogOptionsFor(project.GetConnection(project.system.connection), project.system.path));
    }
    return state::OpenSqliteCatalog(CatalogPath(project));
}

} // namespace odibi::execute
