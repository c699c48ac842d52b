// A postgres connection's fields as a typed endpoint, and libpq's connection arguments for it.
#include "odibi/config/postgres_endpoint.hpp"

#include <fmt/format.h>

#include "odibi/common/log.hpp"

namespace odibi::config {
namespace {

constexpr int64_t MAXIMUM_PORT = 65535;
constexpr double MAXIMUM_TIMEOUT_SECONDS = 3600;
constexpr const char* APPLICATION_NAME = "odibi";

// The first of `keys` present as a non-empty scalar in `object`, as text.
std::optional<std::string> TextField(const Json& object, std::initializer_list<const char*> keys) {
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
std::optional<std::string> Credential(const Json& fields, std::initializer_list<const char*> keys) {
    auto auth = fields.find("auth");
    if (auth != fields.end()) {
        if (auto value = TextField(*auth, keys)) {
            return value;
        }
    }
    return TextField(fields, keys);
}

} // namespace

PostgresEndpoint PostgresEndpointOf(const ConnectionConfig& connection, ErrorCode code, std::string_view role) {
    auto invalid = [&](const std::string& message, const std::string& fix) {
        Error error(code, ErrorSource::USER, fmt::format("connection \"{}\" ({}): {}", connection.name, role, message));
        error.WithLocation(SourceLocation{.file = "", .line = 0, .column = 0, .path = connection.config_path});
        error.WithContext("connection", connection.name);
        error.WithSuggestion(fix);
        return error;
    };
    const auto& fields = connection.fields;
    PostgresEndpoint endpoint;
    endpoint.connection_name = connection.name;
    auto host = TextField(fields, {"host", "server"});
    if (!host) {
        throw invalid("a postgres connection needs host:", "add host: <server name> (or server:)");
    }
    endpoint.host = *host;
    auto database = TextField(fields, {"database", "dbname"});
    if (!database) {
        throw invalid("a postgres connection needs database:", "add database: <database name>");
    }
    endpoint.database = *database;
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
            throw invalid(fmt::format("port \"{}\" is not a TCP port", *port),
                          "set port: to a number from 1 to 65535 (PostgreSQL's default is 5432)");
        }
        endpoint.port = static_cast<int>(number);
    }
    endpoint.user = Credential(fields, {"username", "user"}).value_or("");
    endpoint.password = Credential(fields, {"password"}).value_or("");
    // Registered before it could reach any message; config registers it too, this keeps the rule local.
    SecretRegistry::Register(endpoint.password);
    if (auto sslmode = TextField(fields, {"sslmode"})) {
        endpoint.sslmode = *sslmode;
    }
    auto timeout = fields.is_object() ? fields.find("timeout") : fields.end();
    if (timeout != fields.end() && !timeout->is_null()) {
        if (!timeout->is_number() || timeout->get<double>() <= 0 || timeout->get<double>() > MAXIMUM_TIMEOUT_SECONDS) {
            throw invalid(fmt::format("timeout {} is not a number of seconds", timeout->dump()),
                          "set timeout: to the seconds a connection attempt may take (default 30)");
        }
        // libpq waits whole seconds; a fraction rounds up so that a small timeout never becomes "forever" (0).
        endpoint.connect_timeout = std::chrono::seconds(static_cast<int64_t>(timeout->get<double>() + 0.999));
    }
    return endpoint;
}

PostgresConnectArguments::PostgresConnectArguments(const PostgresEndpoint& endpoint)
    : texts_{std::to_string(endpoint.port), std::to_string(endpoint.connect_timeout.count())} {
    auto add = [this](const char* keyword, const char* value) {
        keywords_.push_back(keyword);
        values_.push_back(value);
    };
    add("host", endpoint.host.c_str());
    add("port", texts_[0].c_str());
    add("dbname", endpoint.database.c_str());
    if (!endpoint.user.empty()) {
        add("user", endpoint.user.c_str());
    }
    if (!endpoint.password.empty()) {
        add("password", endpoint.password.c_str());
    }
    add("sslmode", endpoint.sslmode.c_str());
    add("connect_timeout", texts_[1].c_str());
    add("application_name", APPLICATION_NAME);
    add("client_encoding", "UTF8");
    add(nullptr, nullptr);
}

} // namespace odibi::config
