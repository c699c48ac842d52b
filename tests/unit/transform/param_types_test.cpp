// The param type language and the JSON-to-SQL conversions.
#include "param_types.hpp"
#include <gtest/gtest.h>

namespace odibi::transform {
namespace {

using Json = config::Json;

TEST(ParamTypes, Scalars) {
    EXPECT_TRUE(MatchesParamType(Json("x"), "string"));
    EXPECT_FALSE(MatchesParamType(Json(1), "string"));
    EXPECT_TRUE(MatchesParamType(Json(3), "int"));
    EXPECT_TRUE(MatchesParamType(Json("42"), "int"));
    EXPECT_TRUE(MatchesParamType(Json(2.0), "int"));
    EXPECT_FALSE(MatchesParamType(Json(2.5), "int"));
    EXPECT_FALSE(MatchesParamType(Json("4x"), "int"));
    EXPECT_TRUE(MatchesParamType(Json(2.5), "number"));
    EXPECT_TRUE(MatchesParamType(Json("0.25"), "number"));
    EXPECT_TRUE(MatchesParamType(Json(true), "bool"));
    EXPECT_TRUE(MatchesParamType(Json("False"), "bool"));
    EXPECT_FALSE(MatchesParamType(Json(1), "bool"));
    EXPECT_TRUE(MatchesParamType(Json(1), "sql"));
    EXPECT_FALSE(MatchesParamType(Json(nullptr), "sql"));
    EXPECT_TRUE(MatchesParamType(Json(nullptr), "null"));
    EXPECT_FALSE(MatchesParamType(Json("x"), "no_such_type"));
}

TEST(ParamTypes, ListsMapsAndAlternatives) {
    EXPECT_TRUE(MatchesParamType(Json::array({"a", "b"}), "list[string]"));
    EXPECT_FALSE(MatchesParamType(Json::array({"a", 1}), "list[string]"));
    EXPECT_TRUE(MatchesParamType(Json::array(), "list[string]"));
    EXPECT_TRUE(MatchesParamType(Json("a"), "string|list[string]"));
    EXPECT_TRUE(MatchesParamType(Json::array({"a"}), "string|list[string]"));
    EXPECT_FALSE(MatchesParamType(Json(1), "string|list[string]"));
    EXPECT_TRUE(MatchesParamType(Json{{"a", "x"}, {"b", nullptr}}, "map[string,string|null]"));
    EXPECT_FALSE(MatchesParamType(Json{{"a", 1}}, "map[string,string|null]"));
    EXPECT_TRUE(MatchesParamType(Json::array({Json{{"condition", "x"}, {"value", 1}}}), "list[map[string,sql]]"));
    EXPECT_FALSE(MatchesParamType(Json::array({Json{{"condition", Json::array()}}}), "list[map[string,sql]]"));
    EXPECT_FALSE(MatchesParamType(Json::array({"a"}), "map[string,string]"));
}

TEST(ParamTypes, SqlTextAndLiterals) {
    EXPECT_EQ(JsonToSqlLiteral(Json("O'Brien")), "'O''Brien'");
    EXPECT_EQ(JsonToSqlLiteral(Json(true)), "TRUE");
    EXPECT_EQ(JsonToSqlLiteral(Json(nullptr)), "NULL");
    EXPECT_EQ(JsonToSqlLiteral(Json(1.5)), "1.5");
    EXPECT_EQ(JsonToSqlText(Json("amount > 0")), "amount > 0");
    EXPECT_EQ(JsonToSqlText(Json(false)), "FALSE");
    EXPECT_EQ(JsonToText(Json(7)), "7");
    EXPECT_EQ(JsonKindName(Json::array()), "list");
    EXPECT_EQ(JsonKindName(Json::object()), "map");
}

} // namespace
} // namespace odibi::transform
