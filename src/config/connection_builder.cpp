// Connection validation (§2): strict models for the built-in types and their auth modes, lax
// handling of custom types, local base paths resolved against the config directory, secrets registered.
#include <algorithm>
#include <regex>

#include "project_builder.hpp"
#include <fmt/format.h>

#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"

namespace odibi::config {
namespace {

struct AuthMode {
    std::string mode;
    std::vector<std::string> required;
    std::vector<std::string> optional;
};

struct ConnectionModel {
    std::string type;
    ConnectionType kind;
    std::string model;
    std::vector<std::string> required;
    std::vector<std::string> optional;
    std::vector<AuthMode> auth_modes; ///< empty: no auth block
};

const std::vector<ConnectionModel>& BuiltinModels() {
    static const std::vector<ConnectionModel> MODELS = {
        {"local", ConnectionType::LOCAL, "LocalConnectionConfig", {}, {"base_path"}, {}},
        {"azure_blob",
         ConnectionType::AZURE_BLOB,
         "AzureBlobConnectionConfig",
         {"account_name", "container"},
         {"auth"},
         {{"account_key", {"account_key"}, {}},
          {"sas", {"sas_token"}, {}},
          {"connection_string", {"connection_string"}, {}},
          {"key_vault", {"key_vault", "secret"}, {}},
          {"aad_msi", {}, {"client_id"}}}},
        {"delta", ConnectionType::DELTA, "DeltaConnectionConfig", {"catalog"}, {"schema", "schema_name", "table"}, {}},
        {"unity_catalog",
         ConnectionType::UNITY_CATALOG,
         "UnityCatalogConnectionConfig",
         {"catalog"},
         {"schema", "create_schema"},
         {}},
        {"sql_server",
         ConnectionType::SQL_SERVER,
         "SQLServerConnectionConfig",
         {"database"},
         {"host", "server", "port", "driver", "auth", "timeout"},
         {{"sql_login", {"username", "password"}, {}},
          {"aad_password", {"tenant_id", "client_id", "client_secret"}, {}},
          {"aad_msi", {}, {"client_id"}},
          {"connection_string", {"connection_string"}, {}}}},
        {"http",
         ConnectionType::HTTP,
         "HTTPConnectionConfig",
         {"base_url"},
         {"headers", "auth"},
         {{"none", {}, {}},
          {"basic", {"username", "password"}, {}},
          {"bearer", {"token"}, {}},
          {"api_key", {"api_key"}, {"header_name", "value_template"}}}},
    };
    return MODELS;
}

const std::vector<std::string> SECRET_KEYS = {
    "password", "account_key", "sas_token", "connection_string", "client_secret", "token", "api_key"};
constexpr int64_t MAXIMUM_PORT = 65535;

bool IsUri(const std::string& text) {
    static const std::regex SCHEME(R"(^[A-Za-z][A-Za-z0-9+.\-]+:/.*)");
    return text.find("://") != std::string::npos || std::regex_match(text, SCHEME);
}

// Registers every secret-looking value under a connection so that no output can show it.
void RegisterSecrets(const ConfigValue& value, bool sensitive_parent) {
    if (value.IsScalar()) {
        if (sensitive_parent) {
            SecretRegistry::Register(value.text);
        }
        return;
    }
    for (const auto& item : value.items) {
        RegisterSecrets(item, sensitive_parent);
    }
    for (const auto& entry : value.entries) {
        std::string lowered = ToLower(entry.key);
        bool sensitive = std::find(SECRET_KEYS.begin(), SECRET_KEYS.end(), lowered) != SECRET_KEYS.end() ||
                         lowered.find("authorization") != std::string::npos ||
                         lowered.find("secret") != std::string::npos;
        RegisterSecrets(entry.value, sensitive_parent || sensitive);
    }
    // An api_key auth block renders its header value from a template; that text is secret too.
    const ConfigValue* key = value.IsMap() ? value.Find("api_key") : nullptr;
    if (key != nullptr && key->IsScalar()) {
        const ConfigValue* rendering = value.Find("value_template");
        std::string rendered_template =
            rendering != nullptr && rendering->IsScalar() ? rendering->text : "Bearer {token}";
        SecretRegistry::Register(ReplaceAll(rendered_template, "{token}", key->text));
    }
}

ConnectionType TypeOf(const std::string& type_name) {
    for (const auto& model : BuiltinModels()) {
        if (model.type == type_name) {
            return model.kind;
        }
    }
    if (type_name == "postgres" || type_name == "postgresql") {
        return ConnectionType::POSTGRES;
    }
    return ConnectionType::CUSTOM;
}

void CheckAuth(SchemaReader& reader, MapReader& connection, const ConnectionModel& model) {
    const ConfigValue* auth = connection.Get("auth");
    if (auth == nullptr) {
        return;
    }
    std::string path = connection.PathOf("auth");
    if (!reader.ExpectMap(*auth, path, "a mapping with mode: and the mode's keys")) {
        return;
    }
    MapReader auth_map(reader, *auth, path);
    std::vector<std::string> modes;
    for (const auto& mode : model.auth_modes) {
        modes.push_back(mode.mode);
    }
    if (!auth_map.Has("mode")) {
        reader.AddError(ConfigError::MissingKey(model.model + " auth", "mode", auth_map.Location())
                            .WithSuggestion(fmt::format("modes: {}", Join(modes, ", "))));
        return;
    }
    auto chosen = auth_map.Choice("mode", modes);
    if (!chosen) {
        return;
    }
    const AuthMode& mode = *std::find_if(model.auth_modes.begin(),
                                         model.auth_modes.end(),
                                         [&](const AuthMode& candidate) { return candidate.mode == *chosen; });
    std::vector<std::string> allowed = {"mode"};
    allowed.insert(allowed.end(), mode.required.begin(), mode.required.end());
    allowed.insert(allowed.end(), mode.optional.begin(), mode.optional.end());
    std::string auth_model = fmt::format("{} auth (mode {})", model.model, mode.mode);
    reader.CheckKeys(*auth, path, auth_model, allowed, Strictness::STRICT);
    for (const auto& key : mode.required) {
        auto text = auth_map.String(key);
        if (!auth_map.Has(key) || (text && text->empty())) {
            reader.AddError(ConfigError::MissingKey(
                auth_model, key, auth_map.Has(key) ? auth_map.KeyLocation(key) : auth_map.Location()));
        }
    }
    for (const auto& key : mode.optional) {
        (void)auth_map.String(key);
    }
}

} // namespace

std::optional<ConnectionConfig> ProjectBuilder::BuildConnection(const std::string& name, const ConfigValue& value) {
    std::string path = ChildPath("connections", name);
    RegisterSecrets(value, false);
    if (!reader_.ExpectMap(value, path, "a connection mapping with type:")) {
        return std::nullopt;
    }
    MapReader map(reader_, value, path);
    ConnectionConfig connection;
    connection.name = name;
    connection.config_path = path;
    connection.fields = ToJson(value);
    auto type_name = map.RequiredString("type", "connection");
    if (!type_name) {
        return std::nullopt;
    }
    connection.type_name = *type_name;
    connection.type = TypeOf(*type_name);
    if (auto mode = map.Choice("validation_mode", {"lazy", "eager"}); !mode && map.Has("validation_mode")) {
        return std::nullopt;
    }
    auto model = std::find_if(BuiltinModels().begin(), BuiltinModels().end(), [&](const ConnectionModel& candidate) {
        return candidate.type == *type_name;
    });
    if (model != BuiltinModels().end()) {
        std::vector<std::string> allowed = {"type", "validation_mode"};
        allowed.insert(allowed.end(), model->required.begin(), model->required.end());
        allowed.insert(allowed.end(), model->optional.begin(), model->optional.end());
        reader_.CheckKeys(value, path, model->model, allowed, Strictness::STRICT);
        for (const auto& key : model->required) {
            if (!map.Has(key)) {
                reader_.AddError(ConfigError::MissingKey(model->model, key, map.Location()));
            } else {
                (void)map.String(key);
            }
        }
        CheckAuth(reader_, map, *model);
    }
    switch (connection.type) {
    case ConnectionType::LOCAL:
        if (auto base = map.String("base_path")) {
            connection.base_path = *base;
        }
        if (!IsUri(connection.base_path)) {
            std::filesystem::path base(connection.base_path);
            std::string resolved = (base.is_absolute() ? base : config_directory_ / base).lexically_normal().string();
            while (resolved.size() > 1 && resolved.back() == '/') {
                resolved.pop_back();
            }
            connection.base_path = resolved;
        }
        break;
    case ConnectionType::DELTA:
        if (!map.Has("schema") && !map.Has("schema_name")) {
            reader_.AddError(ConfigError::MissingKey(model->model, "schema", map.Location()));
        }
        break;
    case ConnectionType::UNITY_CATALOG:
        (void)map.String("schema");
        (void)map.Bool("create_schema");
        break;
    case ConnectionType::SQL_SERVER:
        if (!map.Has("host") && !map.Has("server")) {
            reader_.AddError(ConfigError::MissingKey(model->model, "host", map.Location()));
        }
        (void)map.Integer("port", 1, MAXIMUM_PORT);
        (void)map.String("driver");
        (void)map.Number("timeout", 0.0);
        break;
    case ConnectionType::HTTP:
        (void)map.Mapping("headers");
        break;
    case ConnectionType::AZURE_BLOB:
    case ConnectionType::POSTGRES:
    case ConnectionType::CUSTOM:
        break;
    }
    return connection;
}

} // namespace odibi::config
