// Choosing the catalog backend from system.connection, and reading a postgres connection's fields.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "odibi/common/error.hpp"
#include "odibi/common/log.hpp"
#include "odibi/execute/catalog_open.hpp"

namespace odibi::execute {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

config::ConnectionConfig Postgres(config::Json fields) {
    config::ConnectionConfig connection;
    connection.name = "state_db";
    connection.type = config::ConnectionType::POSTGRES;
    connection.type_name = "postgres";
    connection.fields = std::move(fields);
    connection.config_path = "connections.state_db";
    return connection;
}

config::ProjectConfig ProjectWithSystem(const config::ConnectionConfig& connection) {
    config::ProjectConfig project;
    project.connections[connection.name] = connection;
    project.system.connection = connection.name;
    project.system.path = "odibi_system";
    return project;
}

TEST(CatalogOpenTest, ReadsEveryFieldOfAPostgresConnection) {
    auto options =
        PostgresCatalogOptionsFor(Postgres({{"type", "postgres"},
                                            {"host", "db.internal"},
                                            {"port", "6543"},
                                            {"database", "analytics"},
                                            {"auth", {{"username", "odibi"}, {"password", "open-test-secret-1"}}},
                                            {"sslmode", "require"},
                                            {"timeout", 2.5}}),
                                  "odibi_system");
    EXPECT_EQ(options.connection_name, "state_db");
    EXPECT_EQ(options.host, "db.internal");
    EXPECT_EQ(options.port, 6543);
    EXPECT_EQ(options.database, "analytics");
    EXPECT_EQ(options.user, "odibi");
    EXPECT_EQ(options.password, "open-test-secret-1");
    EXPECT_EQ(options.sslmode, "require");
    EXPECT_EQ(options.connect_timeout, std::chrono::seconds(3));
    EXPECT_EQ(options.schema, "odibi_system");
    EXPECT_EQ(SecretRegistry::Redact("open-test-secret-1"), "***");
}

TEST(CatalogOpenTest, AcceptsOdibisAlternativeSpellingsAndDefaults) {
    auto options = PostgresCatalogOptionsFor(Postgres({{"type", "postgresql"},
                                                       {"server", "db"},
                                                       {"dbname", "odibi"},
                                                       {"user", "etl"},
                                                       {"password", "open-test-secret-2"}}),
                                             "_odibi_system");
    EXPECT_EQ(options.host, "db");
    EXPECT_EQ(options.port, 5432);
    EXPECT_EQ(options.database, "odibi");
    EXPECT_EQ(options.user, "etl");
    EXPECT_EQ(options.password, "open-test-secret-2");
    EXPECT_EQ(options.sslmode, "prefer");
    EXPECT_EQ(options.connect_timeout, std::chrono::seconds(30));
}

TEST(CatalogOpenTest, MissingOrInvalidFieldsNameTheConnectionAndTheFix) {
    auto expect_error = [](const config::Json& fields, const std::string& text) {
        try {
            (void)PostgresCatalogOptionsFor(Postgres(fields), "odibi_system");
            ADD_FAILURE() << "expected CATALOG_ERROR for " << fields.dump();
        } catch (const Error& error) {
            EXPECT_EQ(error.Code(), ErrorCode::CATALOG_ERROR);
            EXPECT_EQ(error.Source(), ErrorSource::USER);
            EXPECT_THAT(error.Render(), HasSubstr("\"state_db\""));
            EXPECT_THAT(error.Render(), HasSubstr(text));
            EXPECT_THAT(error.Render(), Not(HasSubstr("open-test-secret-3")));
        }
    };
    expect_error({{"database", "odibi"}, {"password", "open-test-secret-3"}}, "add host:");
    expect_error({{"host", "db"}, {"password", "open-test-secret-3"}}, "add database:");
    expect_error({{"host", "db"}, {"database", "odibi"}, {"port", "fifty"}}, "port \"fifty\" is not a TCP port");
    expect_error({{"host", "db"}, {"database", "odibi"}, {"port", 70000}}, "from 1 to 65535");
    expect_error({{"host", "db"}, {"database", "odibi"}, {"timeout", "soon"}}, "not a number of seconds");
}

TEST(CatalogOpenTest, PicksTheBackendFromTheSystemConnection) {
    auto postgres = ProjectWithSystem(Postgres({{"host", "db"}, {"port", 5433}, {"database", "odibi"}}));
    EXPECT_TRUE(UsesPostgresCatalog(postgres));
    EXPECT_EQ(CatalogLocation(postgres),
              "PostgreSQL catalog of connection \"state_db\" at db:5433/odibi (schema odibi_system)");

    config::ConnectionConfig local;
    local.name = "lake";
    local.type = config::ConnectionType::LOCAL;
    local.base_path = "/srv/lake";
    auto sqlite = ProjectWithSystem(local);
    EXPECT_FALSE(UsesPostgresCatalog(sqlite));
    EXPECT_EQ(CatalogLocation(sqlite), "/srv/lake/odibi_system/catalog.db");
}

} // namespace
} // namespace odibi::execute
