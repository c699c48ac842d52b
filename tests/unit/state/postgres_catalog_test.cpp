// What only the PostgreSQL catalog has: a schema in a shared database, migrations under an advisory lock,
// connection errors that name the server but never the password, and recovery from a lost connection.
#include <sstream>
#include <string>
#include <vector>

#include "catalog_backends.hpp"
#include "catalog_migrations.hpp"
#include "postgres/postgres_connection.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "odibi/common/error.hpp"
#include "odibi/common/log.hpp"
#include "odibi/state/catalog.hpp"

namespace odibi::state {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::PostgresBackend;
using testing::PostgresTestServer;

constexpr int OPENING_PROCESSES = 8;

int64_t MigrationCount() {
    return static_cast<int64_t>(CatalogMigrations().size());
}

TEST(PostgresCatalogTest, CreatesTheSchemaAndRecordsEveryMigration) {
    PostgresBackend backend;
    auto catalog = backend.Open();
    EXPECT_EQ(
        backend.Int("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = '" + backend.Options().schema + "'"),
        1);
    EXPECT_EQ(backend.Int("SELECT count(*) FROM meta_schema_version"), MigrationCount());
    EXPECT_EQ(backend.Int("SELECT max(version) FROM meta_schema_version"), MigrationCount());
    for (const char* table : {"meta_pipeline_runs",
                              "meta_runs",
                              "meta_node_runs",
                              "meta_failures",
                              "meta_outputs",
                              "meta_state",
                              "meta_schemas",
                              "meta_tables",
                              "meta_write_intents",
                              "meta_quality"}) {
        EXPECT_EQ(backend.Int("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = '" +
                              backend.Options().schema + "' AND tablename = '" + table + "'"),
                  1)
            << table;
    }
    // Opening again applies nothing.
    (void)backend.Open();
    EXPECT_EQ(backend.Int("SELECT count(*) FROM meta_schema_version"), MigrationCount());
}

// The DDL is shared: every table has the same columns, in the same order, on both backends.
TEST(PostgresCatalogTest, TablesHaveTheColumnsOfTheSqliteCatalog) {
    PostgresBackend postgres;
    testing::SqliteBackend sqlite;
    (void)postgres.Open();
    (void)sqlite.Open();
    std::string tables = sqlite.Text("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = "
                                     "'table' ORDER BY name)");
    EXPECT_EQ(postgres.Text("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_catalog.pg_tables WHERE "
                            "schemaname = '" +
                            postgres.Options().schema + "'"),
              tables);
    std::stringstream names(tables);
    std::string table;
    while (std::getline(names, table, ',')) {
        EXPECT_EQ(postgres.Text("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
                                "information_schema.columns WHERE table_schema = '" +
                                postgres.Options().schema + "' AND table_name = '" + table + "'"),
                  sqlite.Text("SELECT group_concat(name, ',') FROM pragma_table_info('" + table + "')"))
            << table;
    }
}

TEST(PostgresCatalogTest, SchemasOfOneDatabaseAreSeparateCatalogs) {
    PostgresBackend first;
    PostgresBackend second;
    auto first_catalog = first.Open();
    auto second_catalog = second.Open();
    first_catalog->SetState(StateEntry{"orders_hwm", "1", "", ""});
    second_catalog->SetState(StateEntry{"orders_hwm", "2", "", ""});
    EXPECT_EQ(first_catalog->GetState("orders_hwm").value, "1");
    EXPECT_EQ(second_catalog->GetState("orders_hwm").value, "2");
}

TEST(PostgresCatalogTest, ValuesTravelAsParametersNeverAsSqlText) {
    PostgresBackend backend;
    auto catalog = backend.Open();
    std::string key = "o'brien\"; DROP TABLE meta_state; --";
    catalog->SetState(StateEntry{key, "\"it's $1 and ?\"", "", ""});
    EXPECT_EQ(catalog->GetState(key).value, "\"it's $1 and ?\"");
    EXPECT_EQ(backend.Int("SELECT count(*) FROM meta_state"), 1);
}

TEST(PostgresCatalogTest, ConcurrentFirstOpensMigrateOnce) {
    PostgresBackend backend;
    // Start the server before forking, so the children only race to create and migrate the schema.
    (void)backend.Server().Port();
    std::vector<pid_t> children;
    int start_pipe[2];
    ASSERT_EQ(::pipe(start_pipe), 0);
    for (int index = 0; index < OPENING_PROCESSES; ++index) {
        pid_t child = ::fork();
        if (child == 0) {
            ::close(start_pipe[1]);
            char byte = 0;
            (void)::read(start_pipe[0], &byte, 1);
            int exit_code = 0;
            try {
                auto catalog = backend.Open();
                catalog->SetState(StateEntry{"opened-" + std::to_string(index), "1", "", ""});
            } catch (const std::exception& error) {
                std::fprintf(stderr, "process %d: %s\n", index, error.what());
                exit_code = 1;
            }
            ::_exit(exit_code);
        }
        children.push_back(child);
    }
    ::close(start_pipe[0]);
    ::close(start_pipe[1]);
    for (pid_t child : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    EXPECT_EQ(backend.Int("SELECT count(*) FROM meta_schema_version"), MigrationCount());
    EXPECT_EQ(backend.Int("SELECT count(*) FROM meta_state"), OPENING_PROCESSES);
}

TEST(PostgresCatalogTest, RefusesACatalogOfANewerOdibi) {
    PostgresBackend backend;
    (void)backend.Open();
    backend.Execute("INSERT INTO meta_schema_version (version, description, applied_at) VALUES (999, 'future', "
                    "'2030-01-01T00:00:00.000Z')");
    try {
        (void)backend.Open();
        FAIL() << "expected CATALOG_ERROR";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::CATALOG_ERROR);
        EXPECT_THAT(error.Message(), HasSubstr("schema version 999"));
        EXPECT_THAT(error.Message(), HasSubstr(backend.Options().schema));
    }
}

TEST(PostgresCatalogTest, WrongPasswordNamesTheConnectionButNeverThePassword) {
    PostgresBackend backend;
    auto options = backend.Options();
    options.password = "wrong-password-Kd93";
    try {
        (void)OpenPostgresCatalog(options);
        FAIL() << "expected STATE_STORE_UNAVAILABLE";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::STATE_STORE_UNAVAILABLE);
        std::string text = error.Render();
        EXPECT_THAT(text, HasSubstr("\"state_db\""));
        EXPECT_THAT(text, HasSubstr("127.0.0.1:" + std::to_string(backend.Server().Port())));
        EXPECT_THAT(text, HasSubstr("password authentication failed"));
        EXPECT_THAT(text, HasSubstr("check the user and password"));
        EXPECT_THAT(text, Not(HasSubstr("wrong-password-Kd93")));
    }
    // Registered as a secret by the open: no later log line or catalog row can show it either.
    EXPECT_EQ(SecretRegistry::Redact("pw=wrong-password-Kd93"), "pw=***");
}

TEST(PostgresCatalogTest, UnreachableServerSaysWhereAndHowToFix) {
    auto options = PostgresTestServer::Instance().OptionsFor("unreachable");
    // Port 1 on loopback: nothing listens there.
    options.port = 1;
    try {
        (void)OpenPostgresCatalog(options);
        FAIL() << "expected STATE_STORE_UNAVAILABLE";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::STATE_STORE_UNAVAILABLE);
        EXPECT_EQ(error.Source(), ErrorSource::EXTERNAL);
        std::string text = error.Render();
        EXPECT_THAT(text,
                    HasSubstr("cannot connect to the PostgreSQL catalog of connection \"state_db\" at "
                              "127.0.0.1:1"));
        EXPECT_THAT(text, HasSubstr("start the PostgreSQL server at 127.0.0.1:1"));
        EXPECT_THAT(text, Not(HasSubstr(testing::POSTGRES_TEST_PASSWORD)));
    }
}

TEST(PostgresCatalogTest, MissingHostOrDatabaseIsAUserError) {
    PostgresCatalogOptions options;
    options.connection_name = "warehouse";
    options.database = "odibi";
    try {
        (void)OpenPostgresCatalog(options);
        FAIL() << "expected CATALOG_ERROR";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::CATALOG_ERROR);
        EXPECT_EQ(error.Source(), ErrorSource::USER);
        EXPECT_THAT(error.Message(), HasSubstr("\"warehouse\""));
        EXPECT_THAT(error.Message(), HasSubstr("no host"));
    }
}

// The server goes away under an open catalog: the call that needs it fails with a clear error and
// commits nothing; once the server is back the same catalog reconnects, and so does a new one.
TEST(PostgresCatalogTest, LostConnectionFailsTheCallAndTheNextCallReconnects) {
    PostgresBackend backend;
    auto catalog = backend.Open();
    catalog->SetState(StateEntry{"orders_hwm", "10", "", ""});

    backend.Server().Stop();
    try {
        (void)catalog->AdvanceState(StateEntry{"orders_hwm", "20", "", ""});
        FAIL() << "expected STATE_STORE_UNAVAILABLE";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::STATE_STORE_UNAVAILABLE);
        std::string text = error.Render();
        EXPECT_THAT(text, HasSubstr("\"state_db\""));
        EXPECT_THAT(text, HasSubstr("127.0.0.1:" + std::to_string(backend.Server().Port())));
        EXPECT_THAT(text, HasSubstr("advance state"));
        EXPECT_THAT(text, HasSubstr("run again"));
        EXPECT_THAT(text, Not(HasSubstr(testing::POSTGRES_TEST_PASSWORD)));
    }
    // While the server is down every call keeps failing the same way, without hanging.
    EXPECT_THROW((void)catalog->TryGetState("orders_hwm"), Error);

    backend.Server().Start();
    EXPECT_EQ(catalog->GetState("orders_hwm").value, "10");
    EXPECT_EQ(catalog->AdvanceState(StateEntry{"orders_hwm", "20", "", ""}).value, "20");
    auto reopened = backend.Open();
    EXPECT_EQ(reopened->GetState("orders_hwm").value, "20");
}

TEST(PostgresPlaceholdersTest, NumbersQuestionMarksOutsideQuotes) {
    EXPECT_EQ(NumberPlaceholders("SELECT a FROM t WHERE b = ? AND c = '?' AND \"d?\" = ?"),
              "SELECT a FROM t WHERE b = $1 AND c = '?' AND \"d?\" = $2");
    EXPECT_EQ(NumberPlaceholders("INSERT INTO t (a, b) VALUES (?, ?)"), "INSERT INTO t (a, b) VALUES ($1, $2)");
}

} // namespace
} // namespace odibi::state
