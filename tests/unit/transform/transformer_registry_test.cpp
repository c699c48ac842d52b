// The registry: names, did-you-mean for unknown names, planned names, and each transformer's info.
#include <algorithm>
#include <set>

#include "builtin_transformer.hpp"
#include "param_types.hpp"
#include "transform_test_support.hpp"
#include <gmock/gmock.h>

namespace odibi::transform::testing {
namespace {

const TransformerRegistry& Registry() {
    return TransformerRegistry::Builtins();
}

TEST(TransformerRegistry, NamesAreSortedAndUnique) {
    auto names = Registry().Names();
    ASSERT_FALSE(names.empty());
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
}

TEST(TransformerRegistry, BuildsTheExpectedSet) {
    const std::vector<std::string> expected = {
        "add_prefix",
        "add_suffix",
        "aggregate",
        "aggregation",
        "apply_mapping",
        "case_when",
        "cast_columns",
        "clean_text",
        "coalesce_columns",
        "concat_columns",
        "convert_timezone",
        "date_add",
        "date_diff",
        "date_dimension",
        "date_trunc",
        "deduplicate",
        "derive_columns",
        "detect_deletes",
        "dict_based_mapping",
        "dimension",
        "distinct",
        "drop_columns",
        "explode_list_column",
        "extract_date_parts",
        "fact",
        "fill_nulls",
        "filter_rows",
        "flatten_struct",
        "generate_numeric_key",
        "generate_surrogate_key",
        "hash_columns",
        "join",
        "limit",
        "merge",
        "normalize_column_names",
        "normalize_json",
        "normalize_schema",
        "parse_json",
        "pivot",
        "regex_replace",
        "rename_columns",
        "replace_values",
        "row_number",
        "sample",
        "scd2",
        "select_columns",
        "sessionize",
        "sort",
        "split_events_by_period",
        "split_part",
        "trim_whitespace",
        "union",
        "unpack_struct",
        "unpivot",
        "validate_and_flag",
        "window_calculation",
    };
    EXPECT_EQ(Registry().Names(), expected);
}

TEST(TransformerRegistry, UnknownNameSuggestsTheClosest) {
    EXPECT_EQ(Registry().TryGet("filter_row"), nullptr);
    try {
        static_cast<void>(Registry().Get("filter_row"));
        FAIL() << "expected UNKNOWN_TRANSFORMER";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::UNKNOWN_TRANSFORMER);
        EXPECT_THAT(error.Message(), ::testing::HasSubstr("\"filter_row\""));
        EXPECT_THAT(error.Suggestions(), ::testing::Contains("Did you mean \"filter_rows\"?"));
    }
}

TEST(TransformerRegistry, UnknownNameWithNothingCloseStillExplains) {
    try {
        static_cast<void>(Registry().Get("zzzzzzzzzzzz"));
        FAIL() << "expected UNKNOWN_TRANSFORMER";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::UNKNOWN_TRANSFORMER);
        ASSERT_EQ(error.Suggestions().size(), 1u);
        EXPECT_THAT(error.Suggestions()[0], ::testing::HasSubstr("odibi list transformers"));
    }
}

TEST(TransformerRegistry, PatternsAreRegisteredWithTheirCategory) {
    for (const std::string name :
         {"scd2", "merge", "dimension", "date_dimension", "fact", "aggregation", "detect_deletes"}) {
        const Transformer* pattern = Registry().TryGet(name);
        ASSERT_NE(pattern, nullptr) << name;
        EXPECT_EQ(pattern->Info().category, "pattern") << name;
    }
    EXPECT_FALSE(Registry().Get("date_dimension").NeedsInput());
    EXPECT_TRUE(Registry().Get("dimension").NeedsInput());
}

TEST(TransformerRegistry, PlannedNameIsNotSupportedYet) {
    for (const std::string name :
         {"unit_convert", "psychrometrics", "detect_sequential_phases", "fluid_properties", "saturation_properties"}) {
        try {
            static_cast<void>(Registry().Get(name));
            ADD_FAILURE() << "expected NOT_SUPPORTED_YET for " << name;
        } catch (const Error& error) {
            EXPECT_EQ(error.Code(), ErrorCode::NOT_SUPPORTED_YET);
            EXPECT_EQ(error.Message(), "not supported yet: transformer " + name);
        }
    }
}

TEST(TransformerRegistry, GeocodeIsRefusedWithItsReason) {
    // Odibi's geocode returns its input unchanged; odibi refuses it instead of silently doing nothing.
    const auto& planned = TransformerRegistry::PlannedNames();
    EXPECT_NE(std::find(planned.begin(), planned.end(), "geocode"), planned.end());
    try {
        static_cast<void>(Registry().Get("geocode"));
        FAIL() << "expected NOT_SUPPORTED_YET";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::NOT_SUPPORTED_YET);
        EXPECT_THAT(error.Message(), ::testing::HasSubstr("stub that returns its input unchanged"));
        EXPECT_THAT(error.Message(), ::testing::HasSubstr("no geocoding service"));
        ASSERT_FALSE(error.Suggestions().empty());
        EXPECT_THAT(error.Suggestions()[0], ::testing::HasSubstr("remove the step"));
    }
}

TEST(TransformerRegistry, PlannedNamesAreSortedAndDisjointFromBuiltNames) {
    const auto& planned = TransformerRegistry::PlannedNames();
    EXPECT_TRUE(std::is_sorted(planned.begin(), planned.end()));
    for (const auto& name : planned) {
        EXPECT_EQ(Registry().TryGet(name), nullptr) << name;
    }
    // Odibi registers 59 transformers and 6 patterns, 4 of which (dimension, date_dimension, fact,
    // aggregation) are not also transformer names; each name is either built or planned.
    constexpr size_t ODIBI_TRANSFORMERS_AND_PATTERNS = 59 + 4;
    // cross_check is neither: the config layer types it as a check node (NodeConfig::cross_check).
    EXPECT_EQ(std::find(planned.begin(), planned.end(), "cross_check"), planned.end());
    std::set<std::string> all(planned.begin(), planned.end());
    all.insert("cross_check");
    auto names = Registry().Names();
    all.insert(names.begin(), names.end());
    EXPECT_EQ(all.size(), ODIBI_TRANSFORMERS_AND_PATTERNS);
}

TEST(TransformerRegistry, RegisteringANameTwiceIsAnInternalError) {
    TransformerRegistry registry;
    registry.Register(MakeFilterRowsTransformer());
    try {
        registry.Register(MakeFilterRowsTransformer());
        FAIL() << "expected INTERNAL";
    } catch (const Error& error) {
        EXPECT_EQ(error.Code(), ErrorCode::INTERNAL);
    }
    EXPECT_EQ(registry.Names(), std::vector<std::string>{"filter_rows"});
}

TEST(TransformerRegistry, EveryInfoIsComplete) {
    const std::set<std::string> categories = {"row/column", "relational", "advanced", "pattern"};
    for (const auto& name : Registry().Names()) {
        SCOPED_TRACE(name);
        const TransformerInfo& info = Registry().Get(name).Info();
        EXPECT_EQ(info.name, name);
        EXPECT_TRUE(categories.count(info.category) == 1) << info.category;
        EXPECT_FALSE(info.description.empty());
        std::string example_start =
            info.category == "pattern" ? "transformer: " + name + "\nparams:\n" : "- function: " + name + "\n  params:";
        EXPECT_TRUE(info.example_yaml.rfind(example_start, 0) == 0) << info.example_yaml;
        std::set<std::string> param_names;
        for (const auto& param : info.params) {
            EXPECT_TRUE(param_names.insert(param.name).second) << "duplicate param " << param.name;
            EXPECT_FALSE(param.type.empty());
            EXPECT_FALSE(param.description.empty()) << param.name;
            EXPECT_FALSE(param.required && !param.default_value.empty()) << param.name << " is required with a default";
            for (const auto& allowed : param.allowed_values) {
                bool valid =
                    MatchesParamType(Json(allowed), param.type) || MatchesParamType(Json::array({allowed}), param.type);
                EXPECT_TRUE(valid) << param.name << ": " << allowed;
            }
            // Scalar defaults are valid values of their param.
            if (!param.default_value.empty() && param.default_value.front() != '[' &&
                param.default_value.front() != '{' && param.type != "string|list[string]") {
                EXPECT_TRUE(MatchesParamType(Json(param.default_value), param.type))
                    << param.name << " default " << param.default_value;
            }
        }
        const auto* builtin = dynamic_cast<const BuiltinTransformer*>(&Registry().Get(name));
        ASSERT_NE(builtin, nullptr);
        EXPECT_NO_THROW(builtin->CheckParams(builtin->ExampleParams()));
    }
}

TEST(TransformerRegistry, ExampleYamlIsRenderedFromTheExampleParams) {
    EXPECT_EQ(Registry().Get("filter_rows").Info().example_yaml,
              "- function: filter_rows\n"
              "  params:\n"
              "    condition: \"amount > 0 AND status = 'active'\"\n");
    EXPECT_EQ(Registry().Get("case_when").Info().example_yaml,
              "- function: case_when\n"
              "  params:\n"
              "    cases:\n"
              "      - condition: \"amount >= 100\"\n"
              "        value: \"'large'\"\n"
              "      - condition: \"amount >= 10\"\n"
              "        value: \"'medium'\"\n"
              "    default: \"'small'\"\n"
              "    output_col: size\n");
    EXPECT_EQ(Registry().Get("replace_values").Info().example_yaml,
              "- function: replace_values\n"
              "  params:\n"
              "    columns: [status]\n"
              "    mapping:\n"
              "      \"N/A\": null\n"
              "      done: shipped\n");
}

} // namespace
} // namespace odibi::transform::testing
