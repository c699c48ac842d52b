// Strict validation: unknown keys, types, enums, names, required and conflicting keys, features not
// built yet, engines, lax models, connections and secrets, all with file:line:col and dotted paths.
#include "config_test_support.hpp"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "odibi/common/log.hpp"
#include "odibi/config/project.hpp"

namespace odibi::config {
namespace {

using testing::LoadErrors;
using testing::MinimalProject;
using testing::PositionOf;
using testing::RenderAll;
using testing::TempDirectory;
using testing::WithCode;

std::string Replace(std::string text, const std::string& from, const std::string& to) {
    size_t position = text.find(from);
    EXPECT_NE(position, std::string::npos) << from;
    if (position != std::string::npos) {
        text.replace(position, from.size(), to);
    }
    return text;
}

// The minimal project with the `write:` block of its node replaced.
std::string WithWrite(const std::string& write_block) {
    return Replace(MinimalProject(),
                   "        write:\n          connection: local\n          format: parquet\n          path: out\n",
                   write_block);
}

TEST(Validation, MinimalProjectLoadsWithDefaults) {
    TempDirectory directory;
    LoadResult result = LoadProject(directory.Write("odibi.yaml", MinimalProject()));
    const ProjectConfig& project = result.project;
    EXPECT_EQ(project.version, "1.0.0");
    EXPECT_EQ(project.system.path, "_odibi_system");
    EXPECT_EQ(project.story.max_sample_rows, 10);
    EXPECT_EQ(project.retry.max_attempts, 3);
    EXPECT_TRUE(project.retry.enabled);
    EXPECT_EQ(project.logging.level, "INFO");
    EXPECT_EQ(project.pipelines[0].auto_cache_threshold, 3);
    EXPECT_EQ(project.pipelines[0].nodes[0].on_error, ErrorStrategy::FAIL_LATER);
    EXPECT_EQ(project.config_dir, directory.Path().string());
    EXPECT_EQ(project.GetConnection("local").base_path, (directory.Path() / "data").string());
}

TEST(Validation, UnknownKeySuggestsTheClosestKeyAtItsExactPosition) {
    TempDirectory directory;
    std::string text = WithWrite("        write:\n          connection: local\n          format: parquet\n"
                                 "          path: out\n          mdoe: append\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ASSERT_EQ(errors.size(), 1u) << RenderAll(errors);
    EXPECT_EQ(errors[0].code, ErrorCode::UNKNOWN_KEY);
    EXPECT_NE(errors[0].message.find("Did you mean \"mode\"?"), std::string::npos) << errors[0].message;
    EXPECT_NE(errors[0].message.find("WriteConfig"), std::string::npos);
    auto [line, column] = PositionOf(text, "mdoe");
    EXPECT_EQ(errors[0].location.line, line);
    EXPECT_EQ(errors[0].location.column, column);
    EXPECT_EQ(errors[0].location.path, "pipelines[0].nodes[0].write.mdoe");
    EXPECT_EQ(errors[0].location.file, (directory.Path() / "odibi.yaml").string());
    ASSERT_FALSE(errors[0].suggestions.empty());
    EXPECT_NE(testing::RenderAll(errors).find("allowed keys for WriteConfig"), std::string::npos);
}

TEST(Validation, EveryErrorOfTheFileIsCollectedInOneThrow) {
    TempDirectory directory;
    std::string text = MinimalProject();
    text = Replace(text, "  connection: local\n  path: stories\n", "  connection: lokal\n  path: stories\n");
    text =
        Replace(text, "      - name: load\n", "      - name: load\n        on_error: explode\n        colour: red\n");
    text = Replace(text, "          path: out\n", "          path: out\n          mode: apend\n");
    std::string path = directory.Write("odibi.yaml", text);
    try {
        (void)LoadProject(path);
        FAIL() << "expected a DiagnosticsError";
    } catch (const DiagnosticsError& error) {
        const auto& errors = error.Diagnostics();
        ASSERT_EQ(errors.size(), 4u) << error.what();
        EXPECT_EQ(WithCode(errors, ErrorCode::UNKNOWN_CONNECTION).size(), 1u);
        EXPECT_EQ(WithCode(errors, ErrorCode::UNKNOWN_KEY).size(), 1u);
        EXPECT_EQ(WithCode(errors, ErrorCode::INVALID_VALUE).size(), 2u);
        std::string what = error.what();
        EXPECT_NE(what.find("has 4 errors"), std::string::npos) << what;
        EXPECT_NE(what.find("Did you mean \"local\"?"), std::string::npos) << what;
        EXPECT_NE(what.find("Did you mean \"append\"?"), std::string::npos) << what;
        auto unknown_connection = WithCode(errors, ErrorCode::UNKNOWN_CONNECTION)[0];
        EXPECT_EQ(unknown_connection.location.line, PositionOf(text, "lokal").first);
        EXPECT_EQ(unknown_connection.location.path, "story.connection");
        EXPECT_NE(RenderAll({unknown_connection}).find("available connections: local"), std::string::npos);
    }
}

TEST(Validation, InvalidTypesNameTheExpectedType) {
    TempDirectory directory;
    std::string text =
        Replace(MinimalProject(),
                "      - name: load\n",
                "      - name: load\n        enabled: maybe\n        tags: nightly\n        cache: [1]\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    auto type_errors = WithCode(errors, ErrorCode::INVALID_TYPE);
    ASSERT_EQ(type_errors.size(), 3u) << RenderAll(errors);
    EXPECT_EQ(type_errors[0].location.path, "pipelines[0].nodes[0].enabled");
    EXPECT_NE(type_errors[0].message.find("true or false"), std::string::npos);
    EXPECT_EQ(type_errors[1].location.path, "pipelines[0].nodes[0].tags");
    EXPECT_NE(type_errors[1].message.find("a list of strings"), std::string::npos);
    EXPECT_EQ(type_errors[2].location.line, PositionOf(text, "[1]").first);
}

TEST(Validation, NamesMustBeIdentifiersAndUniqueWithinAPipeline) {
    TempDirectory directory;
    std::string text = Replace(MinimalProject(), "  - pipeline: main\n", "  - pipeline: my-pipeline\n");
    text = Replace(text,
                   "      - name: load\n",
                   "      - name: 2nd node\n        transform:\n          steps: [SELECT 1]\n"
                   "      - name: load\n        transform:\n          steps: [SELECT 1]\n"
                   "      - name: load\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    auto invalid = WithCode(errors, ErrorCode::INVALID_NAME);
    ASSERT_EQ(invalid.size(), 2u) << RenderAll(errors);
    EXPECT_NE(RenderAll(invalid).find("use pipeline: my_pipeline"), std::string::npos) << RenderAll(invalid);
    EXPECT_NE(RenderAll(invalid).find("use name: _2nd_node"), std::string::npos) << RenderAll(invalid);
    auto duplicates = WithCode(errors, ErrorCode::DUPLICATE_NAME);
    ASSERT_EQ(duplicates.size(), 1u) << RenderAll(errors);
    EXPECT_EQ(duplicates[0].location.path, "pipelines[0].nodes[2].name");
    EXPECT_EQ(duplicates[0].location.line, PositionOf(text, "- name: load", 1).first);
}

TEST(Validation, RejectedNodeKeysAndAlertingGetHints) {
    TempDirectory directory;
    std::string text = Replace(MinimalProject("alerting:\n  - type: slack\n"),
                               "      - name: load\n",
                               "      - name: load\n        source: customers.csv\n        sql: SELECT 1\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ASSERT_EQ(errors.size(), 3u) << RenderAll(errors);
    std::string rendered = RenderAll(errors);
    EXPECT_NE(rendered.find("the key is \"alerts\""), std::string::npos) << rendered;
    EXPECT_NE(rendered.find("use read:"), std::string::npos) << rendered;
    EXPECT_NE(rendered.find("read.query"), std::string::npos) << rendered;
}

TEST(Validation, ConflictingAndMissingKeys) {
    TempDirectory directory;
    std::string text = Replace(
        MinimalProject(), "          path: input.csv\n", "          path: input.csv\n          table: customers\n");
    text = Replace(text,
                   "        write:\n",
                   "        transform:\n          steps:\n            - sql: SELECT 1\n"
                   "              function: filter_rows\n            - params: {}\n"
                   "        write:\n");
    text = Replace(text, "          path: out\n", "");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    auto conflicts = WithCode(errors, ErrorCode::CONFLICTING_KEYS);
    ASSERT_EQ(conflicts.size(), 2u) << RenderAll(errors);
    EXPECT_EQ(conflicts[0].location.path, "pipelines[0].nodes[0].read.path");
    EXPECT_EQ(conflicts[1].location.path, "pipelines[0].nodes[0].transform.steps[0].function");
    auto missing = WithCode(errors, ErrorCode::MISSING_KEY);
    ASSERT_EQ(missing.size(), 2u) << RenderAll(errors);
    EXPECT_NE(missing[0].message.find("exactly one of sql, sql_file, function or operation"), std::string::npos);
    EXPECT_NE(missing[1].message.find("exactly one of table or path"), std::string::npos);
}

TEST(Validation, UpsertWithoutKeysPointsAtWriteOptions) {
    TempDirectory directory;
    std::string text = WithWrite("        write:\n          connection: local\n          format: parquet\n"
                                 "          path: out\n          mode: upsert\n          keys: [id]\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ASSERT_EQ(errors.size(), 2u) << RenderAll(errors);
    auto missing = WithCode(errors, ErrorCode::MISSING_WRITE_KEYS);
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_EQ(missing[0].location.path, "pipelines[0].nodes[0].write.options");
    EXPECT_NE(missing[0].message.find("options.keys"), std::string::npos);
    EXPECT_EQ(WithCode(errors, ErrorCode::UNKNOWN_KEY).size(), 1u); // write.keys is not a key

    TempDirectory good;
    LoadResult result =
        LoadProject(good.Write("odibi.yaml",
                               WithWrite("        write:\n          connection: local\n          format: parquet\n"
                                         "          path: out\n          mode: append_once\n          options:\n"
                                         "            keys: [id]\n")));
    EXPECT_EQ(result.project.pipelines[0].nodes[0].write->mode, WriteMode::APPEND_ONCE);
    EXPECT_EQ(result.project.pipelines[0].nodes[0].write->options["keys"][0], "id");
}

TEST(Validation, NodeNeedsWorkAndTransformerNeedsParams) {
    TempDirectory directory;
    std::string text = Replace(MinimalProject(),
                               "      - name: load\n",
                               "      - name: idle\n        description: nothing\n"
                               "      - name: dates\n        transformer: date_dimension\n"
                               "      - name: load\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    auto missing = WithCode(errors, ErrorCode::MISSING_KEY);
    ASSERT_EQ(missing.size(), 2u) << RenderAll(errors);
    EXPECT_NE(missing[0].message.find("node \"idle\" has nothing to do"), std::string::npos);
    EXPECT_NE(missing[1].message.find("transformer \"date_dimension\" needs params"), std::string::npos);
    EXPECT_EQ(missing[1].location.line, PositionOf(text, "transformer:").first);
}

TEST(Validation, FeaturesNotBuiltYetAreErrorsAtTheirLines) {
    TempDirectory directory;
    std::string text =
        Replace(MinimalProject(), "      - name: load\n", "      - name: load\n        materialized: view\n");
    text = Replace(text,
                   "          path: out\n",
                   "          path: out\n          merge_schema: false\n"
                   "          register_table: sales\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    auto unsupported = WithCode(errors, ErrorCode::NOT_SUPPORTED_YET);
    ASSERT_EQ(errors.size(), unsupported.size()) << RenderAll(errors);
    ASSERT_EQ(unsupported.size(), 2u) << RenderAll(errors);
    for (const auto& [fragment, needle] : std::vector<std::pair<std::string, std::string>>{
             {"materialized: view", "materialized:"}, {"write.register_table", "register_table:"}}) {
        bool found = false;
        for (const auto& error : unsupported) {
            if (error.message.find(fragment) != std::string::npos) {
                found = true;
                auto [line, column] = PositionOf(text, needle);
                EXPECT_EQ(error.location.line, line) << fragment;
                EXPECT_EQ(error.location.column, column) << fragment;
            }
        }
        EXPECT_TRUE(found) << fragment << "\n" << RenderAll(errors);
    }
}

TEST(Validation, RecognisedKeysThatDoNotAskForTheFeatureAreKept) {
    TempDirectory directory;
    std::string text = WithWrite("        write:\n          connection: local\n          format: parquet\n"
                                 "          path: out\n          merge_schema: false\n          auto_optimize: false\n"
                                 "          skip_hash_columns: [id]\n");
    text =
        Replace(text, "      - name: load\n", "      - name: load\n        contracts: []\n        streaming: false\n");
    LoadResult result = LoadProject(directory.Write("odibi.yaml", text));
    const WriteConfig& write = *result.project.pipelines[0].nodes[0].write;
    EXPECT_FALSE(write.merge_schema);
    EXPECT_EQ(write.skip_hash_columns, std::vector<std::string>{"id"});
}

TEST(Validation, DeltaSettingsOnFileFormatsAreErrorsAtTheirLines) {
    TempDirectory directory;
    std::string text = Replace(MinimalProject(),
                               "          path: out\n",
                               "          path: out\n          merge_schema: true\n          zorder_by: [id]\n");
    text = Replace(text,
                   "          path: input.csv\n",
                   "          path: input.csv\n          time_travel:\n            as_of_version: 1\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ASSERT_EQ(errors.size(), 3u) << RenderAll(errors);
    EXPECT_EQ(errors[0].code, ErrorCode::INVALID_VALUE);
    EXPECT_NE(errors[0].message.find("format csv has no versions"), std::string::npos) << errors[0].message;
    EXPECT_NE(errors[2].message.find("write.zorder_by is a Delta table setting"), std::string::npos);
    EXPECT_EQ(errors[0].location.line, PositionOf(text, "time_travel:").first);
    EXPECT_NE(errors[1].message.find("write.merge_schema is a Delta table setting"), std::string::npos);
    EXPECT_EQ(errors[1].location.line, PositionOf(text, "merge_schema:").first);
}

TEST(Validation, TimeTravelNamesAVersionOrATime) {
    TempDirectory directory;
    std::string text = Replace(MinimalProject(), "          format: csv\n", "          format: delta\n");
    text = Replace(text,
                   "          path: input.csv\n",
                   "          path: input.csv\n          time_travel:\n            as_of_version: 1\n"
                   "            as_of_timestamp: \"2024-01-01\"\n            as_of: 2\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ASSERT_EQ(errors.size(), 2u) << RenderAll(errors);
    EXPECT_NE(RenderAll(errors).find("as_of"), std::string::npos);
    EXPECT_NE(RenderAll(errors).find("not both"), std::string::npos) << RenderAll(errors);
}

TEST(Validation, FormatsAreCheckedAgainstTheLanguageAndThisBuild) {
    TempDirectory directory;
    std::string text = Replace(MinimalProject(), "          format: csv\n", "          format: cvs\n");
    text = Replace(text, "          format: parquet\n", "          format: avro\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ASSERT_EQ(errors.size(), 2u) << RenderAll(errors);
    EXPECT_EQ(errors[0].code, ErrorCode::INVALID_VALUE);
    EXPECT_NE(errors[0].message.find("Did you mean \"csv\"?"), std::string::npos) << errors[0].message;
    EXPECT_EQ(errors[1].code, ErrorCode::NOT_SUPPORTED_YET);
    EXPECT_NE(errors[1].message.find("format: avro"), std::string::npos);
}

TEST(Validation, SparkEngineNeedsTheDuckdbOverride) {
    TempDirectory directory;
    std::string text = MinimalProject("engine: spark\n");
    std::string path = directory.Write("odibi.yaml", text);
    auto errors = LoadErrors(path);
    ASSERT_EQ(errors.size(), 1u) << RenderAll(errors);
    EXPECT_EQ(errors[0].code, ErrorCode::ENGINE_NOT_SUPPORTED);
    EXPECT_EQ(errors[0].location.line, PositionOf(text, "spark").first);
    EXPECT_NE(RenderAll(errors).find("--engine duckdb"), std::string::npos);

    LoadOptions options;
    options.engine_override = "duckdb";
    LoadResult result = LoadProject(path, options);
    EXPECT_EQ(result.project.engine, EngineKind::SPARK);
    ASSERT_EQ(result.diagnostics.Items().size(), 1u);
    EXPECT_EQ(result.diagnostics.Items()[0].severity, Severity::INFO);

    options.engine_override = "polars";
    auto override_errors = LoadErrors(path, options);
    ASSERT_EQ(override_errors.size(), 1u);
    EXPECT_EQ(override_errors[0].code, ErrorCode::ENGINE_NOT_SUPPORTED);
}

TEST(Validation, PandasAndPolarsRunOnDuckdbWithOneNote) {
    TempDirectory directory;
    LoadResult result = LoadProject(directory.Write("odibi.yaml", MinimalProject("engine: polars\n")));
    EXPECT_EQ(result.project.engine, EngineKind::POLARS);
    ASSERT_EQ(result.diagnostics.Items().size(), 1u);
    EXPECT_EQ(result.diagnostics.Items()[0].severity, Severity::INFO);
    EXPECT_NE(result.diagnostics.Items()[0].message.find("runs on DuckDB"), std::string::npos);

    TempDirectory native;
    LoadResult duckdb = LoadProject(native.Write("odibi.yaml", MinimalProject("engine: duckdb\n")));
    EXPECT_EQ(duckdb.project.engine, EngineKind::DUCKDB);
    EXPECT_TRUE(duckdb.diagnostics.Items().empty());
}

TEST(Validation, LaxModelsWarnAboutUnknownKeysInsteadOfFailing) {
    TempDirectory directory;
    std::string text = MinimalProject("retry:\n  max_attemps: 5\n  backoff: linear\nlogging:\n  level: debug\n");
    LoadResult result = LoadProject(directory.Write("odibi.yaml", text));
    EXPECT_EQ(result.project.retry.max_attempts, 3);
    EXPECT_EQ(result.project.retry.backoff, BackoffKind::LINEAR);
    EXPECT_EQ(result.project.logging.level, "DEBUG");
    ASSERT_EQ(result.diagnostics.Items().size(), 1u);
    const Diagnostic& warning = result.diagnostics.Items()[0];
    EXPECT_EQ(warning.severity, Severity::WARNING);
    EXPECT_EQ(warning.code, ErrorCode::UNKNOWN_KEY);
    EXPECT_NE(warning.message.find("Did you mean \"max_attempts\"?"), std::string::npos) << warning.message;
    EXPECT_EQ(warning.location.path, "retry.max_attemps");
    EXPECT_EQ(warning.location.line, PositionOf(text, "max_attemps").first);
}

TEST(Validation, RetryAttemptsAreBoundedAndBaseSecondsComeFromTheEnvironment) {
    TempDirectory directory;
    auto errors = LoadErrors(directory.Write("odibi.yaml", MinimalProject("retry:\n  max_attempts: 11\n")));
    ASSERT_EQ(errors.size(), 1u) << RenderAll(errors);
    EXPECT_NE(errors[0].message.find("between 1 and 10"), std::string::npos);

    ::setenv("ODIBI_RETRY_BASE_SECONDS", "0", 1);
    LoadResult result = LoadProject(directory.Write("odibi.yaml", MinimalProject()));
    EXPECT_EQ(result.project.retry.base_seconds, 0.0);
    ::setenv("ODIBI_RETRY_BASE_SECONDS", "soon", 1);
    auto bad = LoadErrors(directory.Write("odibi.yaml", MinimalProject()));
    ::setenv("ODIBI_RETRY_BASE_SECONDS", "", 1);
    LoadResult empty = LoadProject(directory.Write("odibi.yaml", MinimalProject()));
    ::unsetenv("ODIBI_RETRY_BASE_SECONDS");
    ASSERT_EQ(bad.size(), 1u);
    EXPECT_NE(bad[0].message.find("ODIBI_RETRY_BASE_SECONDS"), std::string::npos);
    // The problem is in the environment, not at a line of the YAML.
    EXPECT_EQ(bad[0].location.line, 0);
    EXPECT_EQ(bad[0].location.path, "environment variable ODIBI_RETRY_BASE_SECONDS");
    EXPECT_EQ(empty.project.retry.base_seconds, RetryConfig{}.base_seconds);
}

TEST(Validation, PerformanceKeysForDuckdbAndNotesForOthers) {
    TempDirectory directory;
    LoadResult result = LoadProject(
        directory.Write("odibi.yaml",
                        MinimalProject("performance:\n  memory_limit: 2GB\n  threads: 2\n  temp_directory: tmp/spill\n"
                                       "  use_arrow: true\n  skip_catalog_writes: true\n")));
    const PerformanceConfig& performance = result.project.performance;
    EXPECT_EQ(performance.memory_limit, "2GB");
    EXPECT_EQ(performance.threads, 2);
    EXPECT_EQ(performance.temp_directory, (directory.Path() / "tmp" / "spill").string());
    EXPECT_TRUE(performance.skip_catalog_writes);
    ASSERT_EQ(result.diagnostics.Items().size(), 1u);
    EXPECT_EQ(result.diagnostics.Items()[0].severity, Severity::INFO);
    EXPECT_NE(result.diagnostics.Items()[0].message.find("use_arrow has no effect on DuckDB"), std::string::npos);

    auto errors =
        LoadErrors(directory.Write("odibi.yaml", MinimalProject("performance:\n  memory_limit: lots\n  threads: 0\n")));
    ASSERT_EQ(errors.size(), 2u) << RenderAll(errors);
    EXPECT_NE(errors[0].message.find("not a memory size"), std::string::npos);
    EXPECT_NE(errors[1].message.find("at least 1"), std::string::npos);
}

TEST(Validation, ConnectionsAreStrictForBuiltInTypesAndUsedOnlyIfLocal) {
    TempDirectory directory;
    std::string connections = "  lake:\n    type: azure_blob\n    account_name: acct\n    container: raw\n"
                              "    auth:\n      mode: account_key\n      account_key: s3cr3t-key-value\n"
                              "  warehouse:\n    type: postgres\n    host: db\n    password: pg-pass-value\n"
                              "    anything_goes: true\n";
    std::string text = Replace(MinimalProject(), "connections:\n", "connections:\n" + connections);
    LoadResult result = LoadProject(directory.Write("odibi.yaml", text));
    EXPECT_EQ(result.project.GetConnection("lake").type, ConnectionType::AZURE_BLOB);
    EXPECT_EQ(result.project.GetConnection("warehouse").type, ConnectionType::POSTGRES);
    EXPECT_EQ(result.project.GetConnection("warehouse").fields["anything_goes"], true);
    EXPECT_EQ(SecretRegistry::Redact("key=s3cr3t-key-value pg-pass-value"), "key=*** ***");
    EXPECT_THROW((void)result.project.GetConnection("lakes"), Error);
    try {
        (void)result.project.GetConnection("lakes");
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::UNKNOWN_CONNECTION);
        EXPECT_NE(std::string(error.what()).find("Did you mean \"lake\"?"), std::string::npos);
    }

    std::string bad = Replace(text, "      account_key: s3cr3t-key-value\n", "      acount_key: s3cr3t-key-value\n");
    bad = Replace(bad,
                  "          connection: local\n          format: csv\n",
                  "          connection: lake\n          format: csv\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", bad));
    ASSERT_EQ(errors.size(), 3u) << RenderAll(errors);
    auto unknown = WithCode(errors, ErrorCode::UNKNOWN_KEY); // acount_key, with did-you-mean
    ASSERT_EQ(unknown.size(), 1u);
    EXPECT_NE(unknown[0].message.find("Did you mean \"account_key\"?"), std::string::npos);
    EXPECT_EQ(WithCode(errors, ErrorCode::MISSING_KEY).size(), 1u); // account_key itself
    auto unsupported = WithCode(errors, ErrorCode::NOT_SUPPORTED_YET);
    ASSERT_EQ(unsupported.size(), 1u);
    EXPECT_NE(unsupported[0].message.find("connection type: azure_blob"), std::string::npos);
    EXPECT_EQ(RenderAll(errors).find("s3cr3t-key-value"), std::string::npos);
}

TEST(Validation, SystemCatalogMayNotLiveOnSqlServer) {
    TempDirectory directory;
    std::string text = Replace(MinimalProject(),
                               "connections:\n",
                               "connections:\n  mssql:\n    type: sql_server\n    host: h\n    database: d\n");
    text = Replace(text, "system:\n  connection: local\n", "system:\n  connection: mssql\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ASSERT_EQ(errors.size(), 1u) << RenderAll(errors);
    EXPECT_NE(RenderAll(errors).find("sync_to"), std::string::npos);
}

TEST(Validation, InputsReferencesFillDependsOnWithinThePipeline) {
    TempDirectory directory;
    std::string text = Replace(MinimalProject(),
                               "      - name: load\n",
                               "      - name: joined\n        inputs:\n          orders: $main.load\n"
                               "          customers: $other.customers\n          extra:\n"
                               "            connection: local\n            format: json\n            path: x.json\n"
                               "        transform:\n          steps:\n            - SELECT * FROM orders\n"
                               "      - name: load\n");
    LoadResult result = LoadProject(directory.Write("odibi.yaml", text));
    const NodeConfig& node = result.project.pipelines[0].nodes[0];
    ASSERT_EQ(node.inputs.size(), 3u);
    EXPECT_EQ(node.inputs[0].reference_pipeline, "main");
    EXPECT_EQ(node.inputs[0].reference_node, "load");
    EXPECT_EQ(node.inputs[1].reference_pipeline, "other");
    ASSERT_TRUE(node.inputs[2].read.has_value());
    EXPECT_EQ(node.inputs[2].read->format, "json");
    EXPECT_EQ(node.depends_on, std::vector<std::string>{"load"});
    ASSERT_EQ(node.transform_steps.size(), 1u);
    EXPECT_EQ(node.transform_steps[0].kind, StepKind::SQL);
}

TEST(Validation, StepFilesResolveAgainstTheDefiningFileAndMustExist) {
    TempDirectory directory;
    directory.Write("sql/clean.sql", "SELECT * FROM df");
    directory.Write("docs/load.md", "# Load\nReads the input.");
    std::string text = Replace(MinimalProject(),
                               "      - name: load\n",
                               "      - name: load\n        explanation_file: docs/load.md\n        transform:\n"
                               "          steps:\n            - sql_file: sql/clean.sql\n"
                               "            - function: filter_rows\n              params: {condition: id > 0}\n"
                               "            - operation: drop_duplicates\n");
    LoadResult result = LoadProject(directory.Write("odibi.yaml", text));
    const NodeConfig& node = result.project.pipelines[0].nodes[0];
    ASSERT_EQ(node.transform_steps.size(), 3u);
    EXPECT_EQ(node.transform_steps[0].kind, StepKind::SQL_FILE);
    EXPECT_EQ(node.transform_steps[0].text, (directory.Path() / "sql" / "clean.sql").string());
    EXPECT_EQ(node.transform_steps[1].kind, StepKind::FUNCTION);
    EXPECT_EQ(node.transform_steps[1].params["condition"], "id > 0");
    EXPECT_EQ(node.transform_steps[2].kind, StepKind::OPERATION);
    EXPECT_EQ(node.transform_steps[2].config_path, "pipelines[0].nodes[0].transform.steps[2]");
    EXPECT_EQ(node.explanation, "# Load\nReads the input.");

    std::string missing = Replace(text, "sql/clean.sql", "sql/missing.sql");
    auto errors = LoadErrors(directory.Write("odibi.yaml", missing));
    ASSERT_EQ(errors.size(), 1u) << RenderAll(errors);
    EXPECT_EQ(errors[0].code, ErrorCode::CONFIG_FILE_NOT_FOUND);
    EXPECT_NE(errors[0].message.find((directory.Path() / "sql" / "missing.sql").string()), std::string::npos);
    EXPECT_EQ(errors[0].location.line, PositionOf(missing, "sql/missing.sql").first);
}

TEST(Validation, PatternParamsMergeOverNodeParams) {
    TempDirectory directory;
    std::string text = Replace(MinimalProject(),
                               "      - name: load\n",
                               "      - name: load\n        params:\n          keep: 1\n          scd_type: 2\n"
                               "        pattern:\n          type: dimension\n          params:\n"
                               "            scd_type: 1\n            natural_key: id\n");
    LoadResult result = LoadProject(directory.Write("odibi.yaml", text));
    const NodeConfig& node = result.project.pipelines[0].nodes[0];
    EXPECT_EQ(node.transformer, "dimension");
    EXPECT_EQ(node.params["keep"], 1);
    EXPECT_EQ(node.params["scd_type"], 1);
    EXPECT_EQ(node.params["natural_key"], "id");
}

TEST(Validation, YamlSyntaxErrorsCarryTheirPosition) {
    TempDirectory directory;
    std::string text = "project: demo\nconnections:\n  local: {type: local\nstory: x\n";
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ASSERT_EQ(errors.size(), 1u) << RenderAll(errors);
    EXPECT_EQ(errors[0].code, ErrorCode::YAML_PARSE_ERROR);
    EXPECT_GT(errors[0].location.line, 2);
    EXPECT_GT(errors[0].location.column, 0);

    auto missing = LoadErrors((directory.Path() / "absent.yaml").string());
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_EQ(missing[0].code, ErrorCode::CONFIG_FILE_NOT_FOUND);
}

TEST(Validation, RequiredTopLevelKeysAreReported) {
    TempDirectory directory;
    auto errors = LoadErrors(directory.Write("odibi.yaml", "project: empty\n"));
    ASSERT_EQ(WithCode(errors, ErrorCode::MISSING_KEY).size(), 4u) << RenderAll(errors);
    EXPECT_NE(RenderAll(errors).find("\"connections\""), std::string::npos);
    EXPECT_NE(RenderAll(errors).find("\"pipelines\""), std::string::npos);
}

TEST(Validation, ProjectLevelFeaturesNotBuiltYetNameTheirKeys) {
    TempDirectory directory;
    std::string text = MinimalProject("alerts:\n  - type: slack\n    url: https://hooks.example/x\n"
                                      "lineage:\n  url: http://marquez:5000\nsemantic:\n  metrics: [revenue]\n");
    text = Replace(
        text, "system:\n  connection: local\n", "system:\n  connection: local\n  sync_to:\n    connection: local\n");
    text = Replace(text, "  path: stories\n", "  path: stories\n  docs:\n    enabled: true\n");
    text = Replace(text, "          path: input.csv\n", "          path: input.csv\n          query: amount > 0\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ASSERT_EQ(WithCode(errors, ErrorCode::NOT_SUPPORTED_YET).size(), errors.size()) << RenderAll(errors);
    std::string rendered = RenderAll(errors);
    for (const std::string key : {"not supported yet: alerts",
                                  "not supported yet: lineage",
                                  "not supported yet: semantic",
                                  "not supported yet: system.sync_to",
                                  "not supported yet: story.docs",
                                  "not supported yet: read.query on format: csv"}) {
        EXPECT_NE(rendered.find(key), std::string::npos) << key << "\n" << rendered;
    }
    EXPECT_EQ(errors.size(), 6u) << rendered;
    // Reported in file order.
    for (size_t index = 1; index < errors.size(); ++index) {
        EXPECT_LE(errors[index - 1].location.line, errors[index].location.line) << rendered;
    }
}

TEST(Validation, CatalogRetentionAndOptimizeAreRead) {
    TempDirectory directory;
    std::string defaults = Replace(MinimalProject(),
                                   "system:\n  connection: local\n",
                                   "system:\n  connection: local\n  retention_days: {failures: 30}\n"
                                   "  optimize_catalog: true\n");
    const SystemConfig& system = LoadProject(directory.Write("odibi.yaml", defaults)).project.system;
    ASSERT_TRUE(system.retention_days.has_value());
    EXPECT_EQ(system.retention_days->failures, 30);
    // Keys left out keep Odibi's defaults; odibi's own `runs` has none (runs are kept).
    EXPECT_EQ(system.retention_days->observability_errors, 90);
    EXPECT_EQ(system.retention_days->daily_stats, 365);
    EXPECT_FALSE(system.retention_days->runs.has_value());
    EXPECT_TRUE(system.optimize_catalog);

    std::string every_key = Replace(MinimalProject(),
                                    "system:\n  connection: local\n",
                                    "system:\n  connection: local\n  retention_days:\n    runs: 7\n    failures: 8\n"
                                    "    observability_errors: 9\n    daily_stats: 10\n");
    const SystemConfig& full = LoadProject(directory.Write("odibi.yaml", every_key)).project.system;
    ASSERT_TRUE(full.retention_days.has_value());
    EXPECT_EQ(full.retention_days->runs, 7);
    EXPECT_EQ(full.retention_days->failures, 8);
    EXPECT_EQ(full.retention_days->observability_errors, 9);
    EXPECT_EQ(full.retention_days->daily_stats, 10);
    EXPECT_FALSE(full.optimize_catalog);

    // Not written (or null): every row of history is kept.
    const SystemConfig& unset = LoadProject(directory.Write("odibi.yaml", MinimalProject())).project.system;
    EXPECT_FALSE(unset.retention_days.has_value());
    EXPECT_FALSE(unset.optimize_catalog);
    std::string null_block = Replace(
        MinimalProject(), "system:\n  connection: local\n", "system:\n  connection: local\n  retention_days:\n");
    EXPECT_FALSE(LoadProject(directory.Write("odibi.yaml", null_block)).project.system.retention_days.has_value());
}

TEST(Validation, CatalogRetentionKeysAndDaysAreChecked) {
    TempDirectory directory;
    std::string text = Replace(MinimalProject(),
                               "system:\n  connection: local\n",
                               "system:\n  connection: local\n  retention_days:\n    failure: 30\n    runs: 0\n"
                               "    observability_errors: soon\n    daily_stats:\n  optimize_catalog: maybe\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    std::string rendered = RenderAll(errors);
    ASSERT_EQ(errors.size(), 5u) << rendered;

    auto unknown = WithCode(errors, ErrorCode::UNKNOWN_KEY);
    ASSERT_EQ(unknown.size(), 1u) << rendered;
    EXPECT_THAT(unknown[0].message, ::testing::HasSubstr("Did you mean \"failures\"?"));
    EXPECT_EQ(unknown[0].location.path, "system.retention_days.failure");
    EXPECT_EQ(unknown[0].location.line, PositionOf(text, "failure:").first);

    auto invalid = WithCode(errors, ErrorCode::INVALID_VALUE);
    ASSERT_EQ(invalid.size(), 2u) << rendered;
    EXPECT_EQ(invalid[0].location.path, "system.retention_days.runs");
    EXPECT_THAT(invalid[0].message, ::testing::HasSubstr("between 1 and 36500, found 0"));
    EXPECT_EQ(invalid[1].location.path, "system.retention_days.daily_stats");
    EXPECT_THAT(invalid[1].message, ::testing::HasSubstr("is null"));

    auto types = WithCode(errors, ErrorCode::INVALID_TYPE);
    ASSERT_EQ(types.size(), 2u) << rendered;
    EXPECT_EQ(types[0].location.path, "system.retention_days.observability_errors");
    EXPECT_EQ(types[1].location.path, "system.optimize_catalog");

    // A bare number is not Odibi's shape: the fix shows the mapping.
    std::string scalar = Replace(
        MinimalProject(), "system:\n  connection: local\n", "system:\n  connection: local\n  retention_days: 30\n");
    auto scalar_errors = LoadErrors(directory.Write("odibi.yaml", scalar));
    ASSERT_EQ(scalar_errors.size(), 1u) << RenderAll(scalar_errors);
    EXPECT_EQ(scalar_errors[0].code, ErrorCode::INVALID_VALUE);
    EXPECT_EQ(scalar_errors[0].location.path, "system.retention_days");
    EXPECT_THAT(RenderAll(scalar_errors), ::testing::HasSubstr("retention_days: {runs: 90, failures: 90"));
}

TEST(Validation, CollectingLoadReturnsErrorsWithThePartialProject) {
    TempDirectory directory;
    std::string text = Replace(MinimalProject(),
                               "      - name: load\n",
                               "      - name: load\n        depends_on: [nowhere]\n        colour: red\n");
    CollectedLoad collected = LoadProjectCollecting(directory.Write("odibi.yaml", text));
    EXPECT_TRUE(collected.validated);
    EXPECT_EQ(collected.diagnostics.ErrorCount(), 1u);
    ASSERT_EQ(collected.project.pipelines.size(), 1u);
    EXPECT_EQ(collected.project.pipelines[0].nodes[0].depends_on, std::vector<std::string>{"nowhere"});
    EXPECT_EQ(collected.project.locations.Find("pipelines[0].nodes[0].depends_on").line,
              PositionOf(text, "depends_on").first);

    CollectedLoad broken = LoadProjectCollecting(directory.Write("odibi.yaml", "project: [\n"));
    EXPECT_FALSE(broken.validated);
    EXPECT_EQ(broken.diagnostics.Items()[0].code, ErrorCode::YAML_PARSE_ERROR);
}

} // namespace
} // namespace odibi::config
