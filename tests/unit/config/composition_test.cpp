// Imports, --env overrides and recipes: how several YAML pieces become one project.
#include "config_test_support.hpp"
#include "merge.hpp"
#include "yaml_reader.hpp"
#include <gtest/gtest.h>

#include "odibi/config/project.hpp"

namespace odibi::config {
namespace {

using testing::LoadErrors;
using testing::MinimalProject;
using testing::PositionOf;
using testing::RenderAll;
using testing::TempDirectory;
using testing::WithCode;

ConfigValue Parse(const std::string& text) {
    TextPositions positions(text);
    DiagnosticList diagnostics;
    auto file = std::make_shared<const SourceFile>(SourceFile{"/memory.yaml", "memory.yaml"});
    auto value = ParseYaml(text, positions, file, diagnostics);
    EXPECT_TRUE(value.has_value()) << RenderAll(diagnostics.Items());
    return value.value_or(ConfigValue{});
}

TEST(Merge, DocumentMergeAppendsPipelinesAndSemanticListsOnly) {
    ConfigValue base = Parse("pipelines: [a]\nvars: {list: [1, 2], keep: x, nested: {a: 1}}\n"
                             "semantic: {metrics: [m1], other: [o1]}\nproject: base\n");
    MergeDocument(base,
                  Parse("pipelines: [b]\nvars: {list: [3], nested: {b: 2}}\n"
                        "semantic: {metrics: [m2], other: [o2]}\nproject: imported\n"));
    Json merged = ToJson(base);
    EXPECT_EQ(merged["pipelines"], Json::parse(R"(["a","b"])"));
    EXPECT_EQ(merged["vars"]["list"], Json::parse("[3]"));
    EXPECT_EQ(merged["vars"]["keep"], "x");
    EXPECT_EQ(merged["vars"]["nested"], Json::parse(R"({"a":1,"b":2})"));
    EXPECT_EQ(merged["semantic"]["metrics"], Json::parse(R"(["m1","m2"])"));
    EXPECT_EQ(merged["semantic"]["other"], Json::parse(R"(["o2"])"));
    EXPECT_EQ(merged["project"], "imported");
}

TEST(Merge, RecipeMergeLetsTheNodeWinAndReplacesLists) {
    ConfigValue base = Parse("read: {format: csv, options: {header: true, sep: ','}}\ntags: [a, b]\n");
    MergeReplacingLists(base, Parse("read: {options: {sep: ';'}}\ntags: [c]\nname: n\n"));
    Json merged = ToJson(base);
    EXPECT_EQ(merged["read"], Json::parse(R"({"format":"csv","options":{"header":true,"sep":";"}})"));
    EXPECT_EQ(merged["tags"], Json::parse(R"(["c"])"));
    EXPECT_EQ(merged["name"], "n");
}

TEST(Imports, ListsAppendAndLocationsPointIntoTheImportedFile) {
    TempDirectory directory;
    directory.Write("shared/connections.yaml",
                    "connections:\n  archive:\n    type: local\n    base_path: archive\nretry:\n  max_attempts: 5\n");
    std::string silver = "pipelines:\n"
                         "  - pipeline: silver\n"
                         "    nodes:\n"
                         "      - name: clean\n"
                         "        read: {connection: archive, format: csv, path: x.csv}\n"
                         "        transform:\n"
                         "          steps:\n"
                         "            - sql_file: sql/clean.sql\n";
    directory.Write("pipelines/silver.yaml", silver);
    directory.Write("pipelines/sql/clean.sql", "SELECT * FROM df");
    std::string root = MinimalProject("imports:\n  - shared/connections.yaml\n  - pipelines/silver.yaml\n"
                                      "retry:\n  max_attempts: 2\n");
    LoadResult result = LoadProject(directory.Write("odibi.yaml", root));
    const ProjectConfig& project = result.project;
    ASSERT_EQ(project.pipelines.size(), 2u);
    EXPECT_EQ(project.pipelines[0].name, "main");
    EXPECT_EQ(project.pipelines[1].name, "silver");
    EXPECT_EQ(project.retry.max_attempts, 5);
    EXPECT_EQ(project.GetConnection("archive").base_path, (directory.Path() / "archive").string());
    const NodeConfig& clean = project.pipelines[1].nodes[0];
    EXPECT_EQ(clean.source_file, (directory.Path() / "pipelines" / "silver.yaml").string());
    EXPECT_EQ(clean.transform_steps[0].text, (directory.Path() / "pipelines" / "sql" / "clean.sql").string());

    SourceLocation location = project.locations.Find("pipelines[1].nodes[0].name");
    EXPECT_EQ(location.file, (directory.Path() / "pipelines" / "silver.yaml").string());
    auto [line, column] = PositionOf(silver, "name: clean");
    EXPECT_EQ(location.line, line);
    EXPECT_EQ(location.column, column);
    EXPECT_EQ(location.path, "pipelines[1].nodes[0].name");
    EXPECT_EQ(project.locations.Find("retry.max_attempts").file,
              (directory.Path() / "shared" / "connections.yaml").string());
    EXPECT_EQ(project.locations.Find("pipelines[0].nodes[0].name").file, (directory.Path() / "odibi.yaml").string());
}

TEST(Imports, ErrorsInImportedFilesPointIntoThem) {
    TempDirectory directory;
    std::string imported = "pipelines:\n  - pipeline: extra\n    nodes:\n      - name: x\n"
                           "        transform: {steps: [SELECT 1]}\n        on_eror: ignore\n";
    directory.Write("extra.yaml", imported);
    auto errors = LoadErrors(directory.Write("odibi.yaml", MinimalProject("imports: extra.yaml\n")));
    ASSERT_EQ(errors.size(), 1u) << RenderAll(errors);
    EXPECT_EQ(errors[0].location.file, (directory.Path() / "extra.yaml").string());
    EXPECT_EQ(errors[0].location.line, PositionOf(imported, "on_eror").first);
    EXPECT_EQ(errors[0].location.path, "pipelines[1].nodes[0].on_eror");
    EXPECT_NE(errors[0].message.find("Did you mean \"on_error\"?"), std::string::npos);
}

TEST(Imports, CyclesAndMissingFilesAreReported) {
    TempDirectory directory;
    directory.Write("a.yaml", "imports: b.yaml\n");
    directory.Write("b.yaml", "imports: [c.yaml]\n");
    directory.Write("c.yaml", "imports: a.yaml\n");
    std::string root = MinimalProject("imports:\n  - a.yaml\n  - missing.yaml\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", root));
    ASSERT_EQ(errors.size(), 2u) << RenderAll(errors);
    EXPECT_EQ(errors[0].code, ErrorCode::IMPORT_ERROR);
    std::string base = directory.Path().string() + "/";
    EXPECT_NE(errors[0].message.find("import cycle: " + base + "a.yaml -> " + base + "b.yaml -> " + base +
                                     "c.yaml -> " + base + "a.yaml"),
              std::string::npos)
        << errors[0].message;
    EXPECT_EQ(errors[0].location.file, base + "c.yaml");
    EXPECT_EQ(errors[1].code, ErrorCode::IMPORT_ERROR);
    EXPECT_NE(errors[1].message.find("missing.yaml"), std::string::npos);
    EXPECT_EQ(errors[1].location.line, PositionOf(root, "missing.yaml").first);
}

TEST(Environments, BlockThenSiblingFileAreMergedOverTheProject) {
    TempDirectory directory;
    std::string root = MinimalProject("environments:\n"
                                      "  prod:\n"
                                      "    performance: {threads: 8}\n"
                                      "    connections:\n"
                                      "      local: {base_path: /srv/prod}\n"
                                      "    pipelines:\n"
                                      "      - pipeline: prod_only\n"
                                      "        nodes:\n"
                                      "          - name: check\n"
                                      "            transform: {steps: [SELECT 1]}\n"
                                      "  dev:\n"
                                      "    logging: {level: DEBUG}\n");
    std::string path = directory.Write("odibi.yaml", root);
    std::string env_file = "logging:\n  level: ERROR\nperformance:\n  memory_limit: 4GB\n  threads: 6\n";
    directory.Write("env.prod.yaml", env_file);

    LoadResult plain = LoadProject(path);
    EXPECT_FALSE(plain.project.performance.threads.has_value());
    EXPECT_EQ(plain.project.pipelines.size(), 1u);
    EXPECT_EQ(plain.project.environments, (std::vector<std::string>{"prod", "dev"}));

    LoadOptions options;
    options.environment = "prod";
    LoadResult prod = LoadProject(path, options);
    EXPECT_EQ(prod.project.environment, "prod");
    EXPECT_EQ(prod.project.performance.threads, 6);
    EXPECT_EQ(prod.project.performance.memory_limit, "4GB");
    EXPECT_EQ(prod.project.logging.level, "ERROR");
    EXPECT_EQ(prod.project.GetConnection("local").base_path, "/srv/prod");
    ASSERT_EQ(prod.project.pipelines.size(), 2u);
    EXPECT_EQ(prod.project.pipelines[1].name, "prod_only");
    EXPECT_EQ(prod.project.locations.Find("performance.memory_limit").file,
              (directory.Path() / "env.prod.yaml").string());
    EXPECT_EQ(prod.project.locations.Find("performance.memory_limit").line, PositionOf(env_file, "memory_limit").first);

    options.environment = "dev";
    EXPECT_EQ(LoadProject(path, options).project.logging.level, "DEBUG");
}

TEST(Environments, UnknownNamesAndKeysAreErrors) {
    TempDirectory directory;
    std::string root = MinimalProject("environments:\n  prod:\n    project: renamed\n  staging: {}\n");
    std::string path = directory.Write("odibi.yaml", root);
    directory.Write("env.qa.yaml", "logging: {level: WARNING}\n");
    LoadOptions options;
    options.environment = "prdo";
    auto errors = LoadErrors(path, options);
    ASSERT_EQ(errors.size(), 2u) << RenderAll(errors);
    // Sorted by position: the environments: key comes before the key inside it.
    EXPECT_EQ(errors[0].code, ErrorCode::UNKNOWN_ENVIRONMENT);
    EXPECT_NE(errors[0].message.find("Did you mean \"prod\"?"), std::string::npos) << errors[0].message;
    EXPECT_EQ(errors[1].code, ErrorCode::UNKNOWN_KEY);
    EXPECT_EQ(errors[1].location.path, "environments.prod.project");
    EXPECT_NE(RenderAll(errors).find("\"qa\""), std::string::npos);

    // A sibling env.<name>.yaml alone defines the environment.
    std::string valid = directory.Write("odibi.yaml", MinimalProject());
    options.environment = "qa";
    EXPECT_EQ(LoadProject(valid, options).project.logging.level, "WARNING");
}

TEST(Pipelines, RepeatedNamesKeepTheFirstPositionAndTheLastDefinition) {
    TempDirectory directory;
    directory.Write("again.yaml",
                    "pipelines:\n  - pipeline: main\n    description: second\n    nodes:\n"
                    "      - name: only\n        transform: {steps: [SELECT 2]}\n");
    LoadResult result = LoadProject(directory.Write("odibi.yaml", MinimalProject("imports: again.yaml\n")));
    ASSERT_EQ(result.project.pipelines.size(), 1u);
    EXPECT_EQ(result.project.pipelines[0].description, "second");
    auto warnings = WithCode(result.diagnostics.Items(), ErrorCode::DUPLICATE_NAME);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0].severity, Severity::WARNING);
    EXPECT_EQ(warnings[0].location.file, (directory.Path() / "again.yaml").string());
}

std::string RecipeProject(const std::string& recipes, const std::string& node) {
    return "project: recipes\n"
           "connections:\n  local: {type: local}\n"
           "story: {connection: local, path: stories}\n"
           "system: {connection: local}\n" +
           recipes + "pipelines:\n  - pipeline: main\n    nodes:\n" + node;
}

const std::string RECIPES = "recipes:\n"
                            "  base_csv:\n"
                            "    description: read a CSV\n"
                            "    required_vars: [file]\n"
                            "    optional_vars: {header: true}\n"
                            "    template:\n"
                            "      read:\n"
                            "        connection: local\n"
                            "        format: csv\n"
                            "        path: ${recipe.file}\n"
                            "        options: {header: \"${recipe.header}\", sep: ','}\n"
                            "      tags: [bronze]\n"
                            "  csv_to_parquet:\n"
                            "    extends: base_csv\n"
                            "    required_vars: [target]\n"
                            "    template:\n"
                            "      write:\n"
                            "        connection: local\n"
                            "        format: parquet\n"
                            "        path: \"out/${recipe.target}\"\n";

TEST(Recipes, ExtendsVariablesAndNodeKeysWin) {
    TempDirectory directory;
    std::string text = RecipeProject(RECIPES,
                                     "      - name: customers\n"
                                     "        recipe: csv_to_parquet\n"
                                     "        recipe_vars: {file: customers.csv, target: customers}\n"
                                     "        tags: [override]\n"
                                     "        read: {options: {sep: ';'}}\n");
    LoadResult result = LoadProject(directory.Write("odibi.yaml", text));
    const NodeConfig& node = result.project.pipelines[0].nodes[0];
    ASSERT_TRUE(node.read.has_value());
    EXPECT_EQ(node.read->path, "customers.csv");
    EXPECT_EQ(node.read->options["header"], true);
    EXPECT_EQ(node.read->options["sep"], ";");
    ASSERT_TRUE(node.write.has_value());
    EXPECT_EQ(node.write->path, "out/customers");
    EXPECT_EQ(node.tags, std::vector<std::string>{"override"});
    // Template keys keep the place they were written: the recipe definition.
    EXPECT_EQ(result.project.locations.Find("pipelines[0].nodes[0].write.format").line,
              PositionOf(text, "format: parquet").first);
}

TEST(Recipes, MissingVariablesCyclesAndUnknownNamesAreReported) {
    TempDirectory directory;
    std::string recipes = RECIPES + "  loop_a:\n    extends: loop_b\n  loop_b:\n    extends: loop_a\n"
                                    "  named:\n    template: {name: fixed}\n";
    std::string text = RecipeProject(recipes,
                                     "      - name: one\n        recipe: csv_to_parquet\n"
                                     "        recipe_vars: {file: a.csv}\n"
                                     "      - name: two\n        recipe: loop_a\n"
                                     "      - name: three\n        recipe: csv_to_parqet\n"
                                     "      - name: four\n        recipe: silver_clean\n"
                                     "      - name: five\n        recipe: named\n");
    auto errors = LoadErrors(directory.Write("odibi.yaml", text));
    ASSERT_EQ(errors.size(), 5u) << RenderAll(errors);
    auto find = [&](const std::string& fragment) -> const Diagnostic* {
        for (const auto& error : errors) {
            if (error.message.find(fragment) != std::string::npos) {
                return &error;
            }
        }
        ADD_FAILURE() << "no error mentions " << fragment << "\n" << RenderAll(errors);
        return nullptr;
    };
    if (const Diagnostic* missing = find("needs the variable \"target\"")) {
        EXPECT_EQ(missing->code, ErrorCode::RECIPE_ERROR);
        EXPECT_EQ(missing->location.line, PositionOf(text, "recipe: csv_to_parquet").first);
        EXPECT_EQ(missing->location.path, "pipelines[0].nodes[0].recipe");
    }
    if (const Diagnostic* cycle = find("recipe extends cycle: loop_a -> loop_b -> loop_a")) {
        EXPECT_EQ(cycle->location.line, PositionOf(text, "extends: loop_a").first);
    }
    if (const Diagnostic* unknown = find("unknown recipe \"csv_to_parqet\"")) {
        EXPECT_NE(unknown->message.find("Did you mean \"csv_to_parquet\"?"), std::string::npos);
    }
    if (const Diagnostic* builtin = find("recipe: silver_clean")) {
        EXPECT_EQ(builtin->code, ErrorCode::NOT_SUPPORTED_YET);
    }
    if (const Diagnostic* named = find("may not set \"name\"")) {
        EXPECT_EQ(named->location.line, PositionOf(text, "{name: fixed}").first);
    }
}

} // namespace
} // namespace odibi::config
