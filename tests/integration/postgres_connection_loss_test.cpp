// The PostgreSQL state store goes away while a run is in flight: the run is paused at a step of the
// commit protocol (ODIBI_PAUSE_AT), the server is stopped, the run goes on and must report the lost
// connection without publishing a write it cannot account for; once the server is back, a re-run
// recovers to exactly the rows and high-water mark of clean runs.
#include <string>

#include "exactly_once_support.hpp"
#include "postgres_test_server.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace odibi::integration {
namespace {

using state::testing::POSTGRES_TEST_DATABASE;
using state::testing::POSTGRES_TEST_HOST;
using state::testing::POSTGRES_TEST_PASSWORD;
using state::testing::PostgresTestServer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Moves the project's system catalog from its local SQLite file into `schema` of the test server.
void UsePostgresCatalog(const ExactlyOnceProject& project,
                        const PostgresTestServer& server,
                        const std::string& schema) {
    fs::path config = project.Directory() / "odibi.yaml";
    std::string text = ReadFile(config);
    const std::string LOCAL_SYSTEM = "system:\n  connection: out\n  path: _system\n";
    size_t at = text.find(LOCAL_SYSTEM);
    ASSERT_NE(at, std::string::npos) << text;
    text.replace(at, LOCAL_SYSTEM.size(), fmt::format("system:\n  connection: state_db\n  path: {}\n", schema));
    const std::string CONNECTIONS = "connections:\n";
    text.replace(text.find(CONNECTIONS),
                 CONNECTIONS.size(),
                 fmt::format("connections:\n  state_db:\n    type: postgres\n    host: {}\n    port: {}\n"
                             "    database: {}\n    timeout: 5\n    auth:\n      username: postgres\n"
                             "      password: ${{PG_PASSWORD}}\n",
                             POSTGRES_TEST_HOST,
                             server.Port(),
                             POSTGRES_TEST_DATABASE));
    WriteFile(config, text);
}

std::map<std::string, std::string> RunEnvironment() {
    return {{"PG_PASSWORD", POSTGRES_TEST_PASSWORD}, {"ODIBI_RETRY_BASE_SECONDS", "0"}};
}

// What the catalog in `schema` holds after the runs, read through odibi's own PostgreSQL catalog.
struct CatalogView {
    std::vector<std::string> state_values;
    std::vector<std::string> run_statuses; ///< oldest first
    size_t open_intents = 0;
};

CatalogView ReadCatalog(const PostgresTestServer& server, const std::string& schema) {
    auto catalog = state::OpenPostgresCatalog(server.OptionsFor(schema));
    CatalogView view;
    for (const auto& entry : catalog->ListState()) {
        view.state_values.push_back(entry.value);
    }
    state::RunQuery query;
    query.limit = 0;
    auto runs = catalog->ListPipelineRuns(query);
    std::sort(runs.begin(), runs.end(), [](const auto& left, const auto& right) {
        return left.run_start_at < right.run_start_at;
    });
    for (const auto& run : runs) {
        view.run_statuses.push_back(run.status);
    }
    view.open_intents = catalog->ListWriteIntents().size();
    return view;
}

struct LossCase {
    std::string point;
    bool published; ///< the data write was in place before the connection was lost
};

class PostgresConnectionLossTest : public ::testing::TestWithParam<LossCase> {};

TEST_P(PostgresConnectionLossTest, RunFailsClearlyAndReRunRecoversExactlyOnce) {
    const LossCase& loss = GetParam();
    PostgresTestServer& server = PostgresTestServer::Instance();
    server.Start();
    std::string schema = PostgresTestServer::UniqueSchema("loss_" + loss.point);
    ExactlyOnceProject project("pg_loss_" + loss.point, "append", Layout::PARQUET_FILE);
    UsePostgresCatalog(project, server, schema);
    project.SetSource(1);
    ProcessOutcome first = RunOdibi(project.Directory(), RunEnvironment());
    ASSERT_EQ(first.exit_code, 0) << first.output;

    project.SetSource(2);
    std::map<std::string, std::string> environment = RunEnvironment();
    environment["ODIBI_PAUSE_AT"] = loss.point;
    OdibiProcess run(project.Directory(), environment);
    ASSERT_TRUE(run.WaitUntilPaused()) << "the run ended before reaching " << loss.point;
    server.Stop();
    run.Continue();
    ProcessOutcome lost = run.Wait();

    // The node fails with the lost connection named (and the run is not retried into duplicates).
    EXPECT_EQ(lost.exit_code, 1) << lost.output;
    EXPECT_THAT(lost.output, HasSubstr("E503"));
    EXPECT_THAT(lost.output, HasSubstr("lost the connection to the PostgreSQL catalog of connection \"state_db\""));
    EXPECT_THAT(lost.output, HasSubstr("✗ orders"));
    EXPECT_THAT(lost.output, Not(HasSubstr(POSTGRES_TEST_PASSWORD)));
    EXPECT_THAT(project.LeftoverSiblings(), IsEmpty());
    if (loss.published) {
        // The data is in place; its state could not be committed, and recovery will do it.
        EXPECT_THAT(lost.output, HasSubstr("wrote its data but could not commit its state"));
        EXPECT_EQ(project.TargetRows(), ExpectedRows("append", false));
    } else {
        // The intent could not be recorded: nothing was published.
        EXPECT_THAT(lost.output, HasSubstr("write intent could not be recorded"));
        EXPECT_THAT(lost.output, Not(HasSubstr("rows written")));
        EXPECT_EQ(project.TargetRows(), ExpectedAfterFirstRun("append"));
    }

    server.Start();
    ProcessOutcome rerun = RunOdibi(project.Directory(), RunEnvironment());

    ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_EQ(project.TargetRows(), ExpectedRows("append", loss.published));
    CatalogView catalog = ReadCatalog(server, schema);
    EXPECT_THAT(catalog.state_values, ElementsAre(LastSeqState()));
    EXPECT_EQ(catalog.open_intents, 0U);
    // The run that lost its catalog could not finalise its record: the re-run found its owner gone.
    EXPECT_THAT(catalog.run_statuses, ElementsAre("SUCCESS", "ABANDONED", "SUCCESS"));
    EXPECT_THAT(rerun.output, HasSubstr("ABANDONED"));
}

INSTANTIATE_TEST_SUITE_P(CommitSteps,
                         PostgresConnectionLossTest,
                         ::testing::Values(LossCase{"after_stage", false},
                                           LossCase{"after_intent", true},
                                           LossCase{"after_publish", true}),
                         [](const ::testing::TestParamInfo<LossCase>& info) { return info.param.point; });

} // namespace
} // namespace odibi::integration
