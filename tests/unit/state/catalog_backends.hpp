// The catalog backends the behaviour tests run against: each test gets a fresh SQLite file or a fresh
// PostgreSQL schema, and raw SQL access to it for checks the Catalog interface does not expose.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "catalog_test_support.hpp"
#include "postgres/postgres_connection.hpp"
#include "postgres_test_server.hpp"
#include <gtest/gtest.h>

#include "odibi/state/catalog.hpp"

namespace odibi::state::testing {

enum class Backend { SQLITE, POSTGRES };

/// "Sqlite" / "Postgres": the suffix of parameterised test names (ctest runs the Postgres ones together).
inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::SQLITE ? "Sqlite" : "Postgres";
}

/// How gtest prints a parameter in test listings.
inline void PrintTo(Backend backend, std::ostream* stream) {
    *stream << (backend == Backend::SQLITE ? "Sqlite" : "Postgres");
}

/// One test's catalog store.
class CatalogBackend {
public:
    virtual ~CatalogBackend() = default;
    /// Opens (creating and migrating) the store; every call opens a new connection to the same store.
    [[nodiscard]] virtual std::unique_ptr<Catalog> Open() = 0;
    /// The first column of the first row of `sql` on a separate connection; -1 / "<no row>" without a row.
    [[nodiscard]] virtual int64_t Int(const std::string& sql) = 0;
    [[nodiscard]] virtual std::string Text(const std::string& sql) = 0;
    virtual void Execute(const std::string& sql) = 0;
};

class SqliteBackend final : public CatalogBackend {
public:
    SqliteBackend() : path_(scratch_.File("system/catalog.db")) {}

    [[nodiscard]] const std::string& Path() const { return path_; }
    std::unique_ptr<Catalog> Open() override { return OpenSqliteCatalog(path_); }
    int64_t Int(const std::string& sql) override { return Raw().Int(sql); }
    std::string Text(const std::string& sql) override { return Raw().Text(sql); }
    void Execute(const std::string& sql) override { Raw().Execute(sql); }

private:
    RawCatalog& Raw() {
        if (!raw_) {
            raw_.emplace(path_);
        }
        return *raw_;
    }

    ScratchDirectory scratch_;
    std::string path_;
    std::optional<RawCatalog> raw_;
};

class PostgresBackend final : public CatalogBackend {
public:
    PostgresBackend()
        : server_(PostgresTestServer::Instance()), options_(server_.OptionsFor(PostgresTestServer::UniqueSchema("t"))) {
    }

    [[nodiscard]] const PostgresCatalogOptions& Options() const { return options_; }
    [[nodiscard]] PostgresTestServer& Server() { return server_; }
    std::unique_ptr<Catalog> Open() override { return OpenPostgresCatalog(options_); }
    int64_t Int(const std::string& sql) override {
        auto result = Raw().Execute(sql, "test query");
        return result.Rows() > 0 ? result.Int64(0, 0) : -1;
    }
    std::string Text(const std::string& sql) override {
        auto result = Raw().Execute(sql, "test query");
        return result.Rows() > 0 ? result.Text(0, 0) : std::string("<no row>");
    }
    void Execute(const std::string& sql) override { (void)Raw().Execute(sql, "test statement"); }

private:
    PostgresConnection& Raw() {
        if (!raw_) {
            raw_ = std::make_unique<PostgresConnection>(options_);
        }
        raw_->EnsureConnected("test query");
        return *raw_;
    }

    PostgresTestServer& server_;
    PostgresCatalogOptions options_;
    std::unique_ptr<PostgresConnection> raw_;
};

inline std::unique_ptr<CatalogBackend> MakeBackend(Backend backend) {
    if (backend == Backend::SQLITE) {
        return std::make_unique<SqliteBackend>();
    }
    return std::make_unique<PostgresBackend>();
}

} // namespace odibi::state::testing
