// Many writers on one catalog: threads sharing one Catalog, processes each opening the same file, and
// processes advancing high-water marks on each backend (SQLite and PostgreSQL).
#include <cstdio>
#include <thread>

#include "catalog_backends.hpp"
#include "catalog_migrations.hpp"
#include "catalog_test_support.hpp"
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "odibi/state/catalog.hpp"

namespace odibi::state {
namespace {

using testing::RawCatalog;
using testing::ScratchDirectory;

constexpr int WORKERS = 4;
constexpr int WRITES_PER_WORKER = 50;

// Runs `work(index)` in `processes` forked processes that all start at once (they wait until the parent
// closes a pipe), and returns how many of them failed. The parent opens no catalog before forking.
template <typename Work> int RunInProcesses(Work work, int processes = WORKERS) {
    int start_pipe[2];
    if (::pipe(start_pipe) != 0) {
        return processes;
    }
    std::vector<pid_t> children;
    for (int index = 0; index < processes; ++index) {
        pid_t child = ::fork();
        if (child == 0) {
            ::close(start_pipe[1]);
            char byte = 0;
            // Blocks until the parent closes its end: every child then starts together.
            (void)::read(start_pipe[0], &byte, 1);
            int exit_code = 0;
            try {
                work(index);
            } catch (const std::exception& error) {
                std::fprintf(stderr, "worker %d: %s\n", index, error.what());
                exit_code = 1;
            }
            ::_exit(exit_code);
        }
        children.push_back(child);
    }
    ::close(start_pipe[0]);
    ::close(start_pipe[1]);
    int failures = 0;
    for (pid_t child : children) {
        int status = 0;
        if (::waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            ++failures;
        }
    }
    return failures;
}

std::string SharedValue(int worker, int sequence) {
    return nlohmann::json{{"worker", worker}, {"sequence", sequence}}.dump();
}

TEST(CatalogConcurrencyTest, ThreadsShareOneCatalog) {
    ScratchDirectory scratch;
    std::string path = scratch.File("catalog.db");
    auto catalog = OpenSqliteCatalog(path);
    std::vector<std::string> errors(WORKERS);
    std::vector<std::thread> threads;
    for (int worker = 0; worker < WORKERS; ++worker) {
        threads.emplace_back([&, worker]() {
            try {
                std::string run_id = "run-" + std::to_string(worker);
                for (int write = 0; write < WRITES_PER_WORKER; ++write) {
                    NodeRunRecord node_run;
                    node_run.run_id = run_id;
                    node_run.pipeline_name = "bronze";
                    node_run.node_name = "node-" + std::to_string(write);
                    node_run.status = "SUCCESS";
                    node_run.rows_processed = write;
                    catalog->RecordNodeRun(node_run);
                    catalog->SetState(StateEntry{run_id + "-" + std::to_string(write), std::to_string(write), "", ""});
                    catalog->SetState(StateEntry{"shared", SharedValue(worker, write), "", ""});
                    (void)catalog->ListNodeRunsOfRun(run_id);
                }
            } catch (const std::exception& error) {
                errors[worker] = error.what();
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (const auto& error : errors) {
        EXPECT_EQ(error, "");
    }
    for (int worker = 0; worker < WORKERS; ++worker) {
        EXPECT_EQ(catalog->ListNodeRunsOfRun("run-" + std::to_string(worker)).size(),
                  static_cast<size_t>(WRITES_PER_WORKER));
    }
    EXPECT_EQ(catalog->ListState().size(), static_cast<size_t>(WORKERS * WRITES_PER_WORKER + 1));
    EXPECT_EQ(nlohmann::json::parse(catalog->GetState("shared").value)["sequence"], WRITES_PER_WORKER - 1);
    RawCatalog raw(path);
    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_runs"), WORKERS * WRITES_PER_WORKER);
    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_node_runs"), WORKERS * WRITES_PER_WORKER);
}

TEST(CatalogConcurrencyTest, ProcessesOpenAndWriteTheSameFile) {
    ScratchDirectory scratch;
    // A fresh file: the processes also race to create and migrate it.
    std::string path = scratch.File("system/catalog.db");
    int failures = RunInProcesses([&](int worker) {
        auto catalog = OpenSqliteCatalog(path);
        for (int write = 0; write < WRITES_PER_WORKER; ++write) {
            std::string key = "worker-" + std::to_string(worker) + "-" + std::to_string(write);
            catalog->SetState(StateEntry{key, std::to_string(write), "", ""});
            catalog->SetState(StateEntry{"shared", SharedValue(worker, write), "", ""});
            auto read_back = catalog->TryGetState(key);
            if (!read_back || read_back->value != std::to_string(write)) {
                throw std::runtime_error("lost write of " + key);
            }
        }
    });
    EXPECT_EQ(failures, 0);

    auto catalog = OpenSqliteCatalog(path);
    auto entries = catalog->ListState();
    ASSERT_EQ(entries.size(), static_cast<size_t>(WORKERS * WRITES_PER_WORKER + 1));
    for (int worker = 0; worker < WORKERS; ++worker) {
        for (int write = 0; write < WRITES_PER_WORKER; ++write) {
            auto entry = catalog->TryGetState("worker-" + std::to_string(worker) + "-" + std::to_string(write));
            ASSERT_TRUE(entry.has_value());
            EXPECT_EQ(entry->value, std::to_string(write));
        }
    }
    // The shared key holds the last write of whichever process wrote last, whole.
    auto shared = nlohmann::json::parse(catalog->GetState("shared").value);
    EXPECT_EQ(shared["sequence"], WRITES_PER_WORKER - 1);
    EXPECT_GE(shared["worker"].get<int>(), 0);
    EXPECT_LT(shared["worker"].get<int>(), WORKERS);
    RawCatalog raw(path);
    EXPECT_EQ(raw.Int("SELECT count(*) FROM meta_schema_version"), static_cast<int64_t>(CatalogMigrations().size()));
}

TEST(CatalogConcurrencyTest, ProcessesRecordingOneTableGetDistinctSchemaVersions) {
    ScratchDirectory scratch;
    std::string path = scratch.File("catalog.db");
    (void)OpenSqliteCatalog(path);
    constexpr int SCHEMAS_PER_WORKER = 10;
    int failures = RunInProcesses([&](int worker) {
        auto catalog = OpenSqliteCatalog(path);
        for (int change = 0; change < SCHEMAS_PER_WORKER; ++change) {
            SchemaRecord record;
            record.table_path = "silver/customers";
            record.schema_hash = "hash-" + std::to_string(worker) + "-" + std::to_string(change);
            record.columns = {{"id", "BIGINT"}, {"column_" + std::to_string(worker), "VARCHAR"}};
            (void)catalog->RecordSchema(record);
        }
    });
    EXPECT_EQ(failures, 0);

    RawCatalog raw(path);
    // Every hash is new, so every record is a version; versions 1..N never repeat or skip.
    int64_t rows = raw.Int("SELECT count(*) FROM meta_schemas");
    EXPECT_EQ(rows, WORKERS * SCHEMAS_PER_WORKER);
    EXPECT_EQ(raw.Int("SELECT min(schema_version) FROM meta_schemas"), 1);
    EXPECT_EQ(raw.Int("SELECT max(schema_version) FROM meta_schemas"), rows);
    EXPECT_EQ(raw.Int("SELECT count(DISTINCT schema_version) FROM meta_schemas"), rows);
}

// Eight processes advance high-water marks at once, on each backend: every process its own key, and all
// of them one shared key with max semantics. No advance may fail, none may be lost (each process reads
// its own value back from every advance), the shared key never goes back, and it ends at the largest
// value any process wrote.
class HighWaterMarkConcurrencyTest : public ::testing::TestWithParam<testing::Backend> {};

TEST_P(HighWaterMarkConcurrencyTest, EightProcessesAdvanceWithoutLosingAnUpdate) {
    constexpr int PROCESSES = 8;
    constexpr int UPDATES = 200;
    auto backend = testing::MakeBackend(GetParam());
    // The store is created by the processes themselves: they also race to create and migrate it.
    int failures = RunInProcesses(
        [&](int worker) {
            auto catalog = backend->Open();
            std::string own_key = "orders_" + std::to_string(worker) + "_hwm";
            int64_t last_shared = 0;
            for (int update = 1; update <= UPDATES; ++update) {
                auto own = catalog->AdvanceState(StateEntry{own_key, std::to_string(update), "", ""});
                if (own.value != std::to_string(update)) {
                    throw std::runtime_error(own_key + " lost update " + std::to_string(update) + ": holds " +
                                             own.value);
                }
                // Interleaved values: process w writes update * PROCESSES + w.
                int64_t value = static_cast<int64_t>(update) * PROCESSES + worker;
                auto shared = catalog->AdvanceState(StateEntry{"shared_hwm", std::to_string(value), "", ""});
                int64_t stored = std::stoll(shared.value);
                if (stored < value || stored < last_shared) {
                    throw std::runtime_error("shared_hwm went back: " + shared.value + " after writing " +
                                             std::to_string(value));
                }
                last_shared = stored;
            }
        },
        PROCESSES);
    EXPECT_EQ(failures, 0);

    auto catalog = backend->Open();
    EXPECT_EQ(catalog->ListState().size(), static_cast<size_t>(PROCESSES + 1));
    for (int worker = 0; worker < PROCESSES; ++worker) {
        EXPECT_EQ(catalog->GetState("orders_" + std::to_string(worker) + "_hwm").value, std::to_string(UPDATES));
    }
    EXPECT_EQ(catalog->GetState("shared_hwm").value, std::to_string(UPDATES * PROCESSES + PROCESSES - 1));
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         HighWaterMarkConcurrencyTest,
                         ::testing::Values(testing::Backend::SQLITE, testing::Backend::POSTGRES),
                         testing::BackendName);

} // namespace
} // namespace odibi::state
