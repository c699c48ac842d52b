// Data skipping over min/max statistics: a filter's simple conjuncts rewritten over per-file bounds, run in DuckDB.
#include "data_skipping.hpp"

#include <map>
#include <optional>

#include "file_bounds.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::io::delta {

namespace {

using config::Json;
using engine::QuoteLiteral;

constexpr const char* SELECT_PREFIX = "SELECT ";

/// What a literal compares as: DuckDB casts a column only to a wider type of its own family, so the
/// bounds of a file order its values as the row filter does.
enum class LiteralFamily : uint8_t {
    NULL_VALUE,     ///< NULL: compares to nothing
    UNTYPED_STRING, ///< 'text': DuckDB casts it to the column's type
    TYPED_STRING,   ///< CAST(... AS VARCHAR)
    NUMBER,
    TEMPORAL, ///< CAST(... AS DATE | TIMESTAMP), DATE '...', TIMESTAMP '...'
};

enum class TestKind : uint8_t { COMPARE, BETWEEN, IN, IS_NULL, IS_NOT_NULL };

/// One conjunct that statistics can decide: `column <op> literal`, BETWEEN, IN or a null test.
struct ColumnTest {
    TestKind kind = TestKind::COMPARE;
    std::vector<std::string> column; ///< as the filter names it
    std::string op;                  ///< COMPARE: with the column on the left
    std::vector<const Json*> literals;
};

std::string Text(const Json& node, const char* key) {
    auto found = node.find(key);
    return found != node.end() && found->is_string() ? found->get<std::string>() : "";
}

const Json* Child(const Json& node, const char* key) {
    auto found = node.find(key);
    return found != node.end() && found->is_object() ? &*found : nullptr;
}

std::optional<std::vector<std::string>> ColumnNames(const Json* node) {
    if (node == nullptr || Text(*node, "class") != "COLUMN_REF") {
        return std::nullopt;
    }
    auto names = node->find("column_names");
    if (names == node->end() || !names->is_array() || names->empty()) {
        return std::nullopt;
    }
    std::vector<std::string> column;
    for (const auto& name : *names) {
        if (!name.is_string()) {
            return std::nullopt;
        }
        column.push_back(name.get<std::string>());
    }
    return column;
}

std::optional<LiteralFamily> FamilyOf(const Json* node) {
    if (node == nullptr) {
        return std::nullopt;
    }
    std::string node_class = Text(*node, "class");
    if (node_class == "CONSTANT") {
        const Json* value = Child(*node, "value");
        if (value == nullptr) {
            return std::nullopt;
        }
        if (value->value("is_null", false)) {
            return LiteralFamily::NULL_VALUE;
        }
        const Json* type = Child(*value, "type");
        std::string id = type == nullptr ? "" : Text(*type, "id");
        if (id == "VARCHAR") {
            return LiteralFamily::UNTYPED_STRING;
        }
        if (engine::IsNumericType(id)) {
            return LiteralFamily::NUMBER;
        }
        return std::nullopt;
    }
    if (node_class == "CAST") {
        const Json* type = Child(*node, "cast_type");
        std::string id = type == nullptr ? "" : Text(*type, "id");
        if (!FamilyOf(Child(*node, "child"))) {
            return std::nullopt;
        }
        if (id == "VARCHAR") {
            return LiteralFamily::TYPED_STRING;
        }
        if (engine::IsNumericType(id)) {
            return LiteralFamily::NUMBER;
        }
        if (id == "DATE" || id == "TIMESTAMP") {
            return LiteralFamily::TEMPORAL;
        }
    }
    return std::nullopt;
}

/// The type a literal has before DuckDB unifies it with others: IN compares all its values in one type.
Json LiteralType(const Json& node) {
    if (Text(node, "class") == "CAST") {
        return node.value("cast_type", Json());
    }
    const Json* value = Child(node, "value");
    return value == nullptr ? Json() : value->value("type", Json());
}

bool Compatible(BoundKind kind, LiteralFamily family) {
    switch (family) {
    case LiteralFamily::NULL_VALUE:
        return kind != BoundKind::NULLS;
    case LiteralFamily::UNTYPED_STRING:
        return kind != BoundKind::NULLS;
    case LiteralFamily::TYPED_STRING:
        return kind == BoundKind::STRING;
    case LiteralFamily::NUMBER:
        return kind == BoundKind::NUMBER || kind == BoundKind::FLOATING;
    case LiteralFamily::TEMPORAL:
        return kind == BoundKind::DATE || kind == BoundKind::TIMESTAMP;
    }
    return false;
}

const std::map<std::string, std::pair<std::string, std::string>>& ComparisonOperators() {
    // The operator with the column on the left, and with the literal on the left.
    static const std::map<std::string, std::pair<std::string, std::string>> operators = {
        {"COMPARE_EQUAL", {"=", "="}},
        {"COMPARE_NOTEQUAL", {"<>", "<>"}},
        {"COMPARE_LESSTHAN", {"<", ">"}},
        {"COMPARE_GREATERTHAN", {">", "<"}},
        {"COMPARE_LESSTHANOREQUALTO", {"<=", ">="}},
        {"COMPARE_GREATERTHANOREQUALTO", {">=", "<="}},
    };
    return operators;
}

std::optional<ColumnTest> ComparisonTest(const Json& node) {
    auto op = ComparisonOperators().find(Text(node, "type"));
    if (op == ComparisonOperators().end()) {
        return std::nullopt;
    }
    const Json* left = Child(node, "left");
    const Json* right = Child(node, "right");
    ColumnTest test;
    if (auto column = ColumnNames(left); column && FamilyOf(right)) {
        test.column = *column;
        test.op = op->second.first;
        test.literals = {right};
        return test;
    }
    if (auto column = ColumnNames(right); column && FamilyOf(left)) {
        test.column = *column;
        test.op = op->second.second;
        test.literals = {left};
        return test;
    }
    return std::nullopt;
}

std::optional<ColumnTest> OperatorTest(const Json& node) {
    std::string type = Text(node, "type");
    auto children = node.find("children");
    if (children == node.end() || !children->is_array() || children->empty()) {
        return std::nullopt;
    }
    auto column = ColumnNames(&children->front());
    if (!column) {
        return std::nullopt;
    }
    ColumnTest test;
    test.column = *column;
    if ((type == "OPERATOR_IS_NULL" || type == "OPERATOR_IS_NOT_NULL") && children->size() == 1) {
        test.kind = type == "OPERATOR_IS_NULL" ? TestKind::IS_NULL : TestKind::IS_NOT_NULL;
        return test;
    }
    if (type != "COMPARE_IN" || children->size() < 2) {
        return std::nullopt;
    }
    test.kind = TestKind::IN;
    for (size_t index = 1; index < children->size(); ++index) {
        const Json& literal = (*children)[index];
        auto family = FamilyOf(&literal);
        // A NULL in the list changes the type DuckDB compares in; such lists are left to the row filter.
        if (!family || *family == LiteralFamily::NULL_VALUE) {
            return std::nullopt;
        }
        test.literals.push_back(&literal);
    }
    return test;
}

std::optional<ColumnTest> TestOf(const Json& node) {
    std::string node_class = Text(node, "class");
    if (node_class == "COMPARISON") {
        return ComparisonTest(node);
    }
    if (node_class == "BETWEEN" && Text(node, "type") == "COMPARE_BETWEEN") {
        auto column = ColumnNames(Child(node, "input"));
        const Json* lower = Child(node, "lower");
        const Json* upper = Child(node, "upper");
        if (!column || !FamilyOf(lower) || !FamilyOf(upper)) {
            return std::nullopt;
        }
        return ColumnTest{TestKind::BETWEEN, *column, "", {lower, upper}};
    }
    if (node_class == "OPERATOR") {
        return OperatorTest(node);
    }
    return std::nullopt;
}

void CollectConjuncts(const Json& node, std::vector<const Json*>& conjuncts) {
    if (Text(node, "class") == "CONJUNCTION" && Text(node, "type") == "CONJUNCTION_AND") {
        auto children = node.find("children");
        if (children != node.end() && children->is_array()) {
            for (const auto& child : *children) {
                CollectConjuncts(child, conjuncts);
            }
            return;
        }
    }
    conjuncts.push_back(&node);
}

/// Whether statistics of a column of `kind` can decide `test`.
bool Decidable(const ColumnTest& test, BoundKind kind) {
    if (test.kind == TestKind::IS_NULL || test.kind == TestKind::IS_NOT_NULL) {
        return true;
    }
    for (const Json* literal : test.literals) {
        if (!Compatible(kind, *FamilyOf(literal))) {
            return false;
        }
    }
    if (test.kind == TestKind::IN && (kind == BoundKind::NUMBER || kind == BoundKind::FLOATING)) {
        // Numbers of different types in one list make DuckDB compare all of them in their common type.
        for (const Json* literal : test.literals) {
            if (LiteralType(*literal) != LiteralType(*test.literals.front())) {
                return false;
            }
        }
    }
    return true;
}

/// The SQL text of literal expressions, rendered by DuckDB from their parsed form (json_deserialize_sql of
/// `SELECT <literal>`), so that they keep exactly the type and value the filter gives them; nullopt when
/// DuckDB renders something else than the one-item SELECT asked for.
std::optional<std::vector<std::string>>
RenderLiterals(engine::Connection& connection, const Json& select_template, const std::vector<const Json*>& literals) {
    std::vector<std::string> calls;
    calls.reserve(literals.size());
    for (const Json* literal : literals) {
        Json statement = select_template;
        statement["statements"][0]["node"]["select_list"] = Json::array({*literal});
        calls.push_back(fmt::format("json_deserialize_sql({})", QuoteLiteral(statement.dump())));
    }
    engine::ResultTable rendered = connection.Query("SELECT " + Join(calls, ", "));
    std::vector<std::string> texts;
    for (size_t index = 0; index < literals.size(); ++index) {
        std::string text = rendered.Value(0, index).value_or("");
        if (!StartsWith(text, SELECT_PREFIX)) {
            return std::nullopt;
        }
        texts.push_back("(" + text.substr(std::string_view(SELECT_PREFIX).size()) + ")");
    }
    return texts;
}

/// The condition over a file's bounds under which the file may hold a row passing `test`; unknown
/// bounds (NULL) keep the file.
std::string MayMatch(const ColumnTest& test, size_t column, const std::vector<std::string>& literals) {
    std::string min = MinBoundColumn(column);
    std::string max = MaxBoundColumn(column);
    std::string not_all_null = fmt::format("NOT coalesce({}, false)", AllNullColumn(column));
    auto within = [&](const std::string& literal) {
        return fmt::format("coalesce({} <= {}, true) AND coalesce({} >= {}, true)", min, literal, max, literal);
    };
    switch (test.kind) {
    case TestKind::IS_NULL:
        return fmt::format("coalesce({}, true)", SomeNullColumn(column));
    case TestKind::IS_NOT_NULL:
        return not_all_null;
    case TestKind::BETWEEN:
        return fmt::format("{} AND coalesce({} >= {}, true) AND coalesce({} <= {}, true)",
                           not_all_null,
                           max,
                           literals[0],
                           min,
                           literals[1]);
    case TestKind::IN: {
        std::vector<std::string> alternatives;
        for (const auto& literal : literals) {
            alternatives.push_back("(" + within(literal) + ")");
        }
        return fmt::format("{} AND ({})", not_all_null, Join(alternatives, " OR "));
    }
    case TestKind::COMPARE:
        break;
    }
    const std::string& literal = literals.front();
    if (test.op == "=") {
        return not_all_null + " AND " + within(literal);
    }
    if (test.op == "<>") {
        // Null rows never pass `<>`: only a file whose values all equal the literal is ruled out.
        return fmt::format("{} AND NOT coalesce({} = {} AND {} = {}, false)", not_all_null, min, literal, max, literal);
    }
    const std::string& bound = test.op == "<" || test.op == "<=" ? min : max;
    return fmt::format("{} AND coalesce({} {} {}, true)", not_all_null, bound, test.op, literal);
}

/// The parsed statement `SELECT 1 WHERE <filter>` and `SELECT 1` (the template literals are rendered in).
std::optional<std::pair<Json, Json>> ParseFilter(engine::Connection& connection, const std::string& filter_sql) {
    engine::ResultTable parsed = connection.Query(fmt::format("SELECT json_serialize_sql({}), json_serialize_sql({})",
                                                              QuoteLiteral("SELECT 1 WHERE " + filter_sql),
                                                              QuoteLiteral("SELECT 1")));
    Json filter = Json::parse(parsed.Value(0, 0).value_or("null"), nullptr, false);
    Json select = Json::parse(parsed.Value(0, 1).value_or("null"), nullptr, false);
    auto single_select = [](const Json& document) {
        return document.is_object() && !document.value("error", true) && document.contains("statements") &&
               document["statements"].is_array() && document["statements"].size() == 1 &&
               document["statements"][0].contains("node") &&
               Text(document["statements"][0]["node"], "type") == "SELECT_NODE";
    };
    if (!single_select(filter) || !single_select(select) || !filter["statements"][0]["node"].contains("where_clause") ||
        !filter["statements"][0]["node"]["where_clause"].is_object()) {
        return std::nullopt;
    }
    return std::make_pair(std::move(filter), std::move(select));
}

} // namespace

std::vector<const AddFile*> SkipFilesByStatistics(engine::Connection& connection,
                                                  const Snapshot& snapshot,
                                                  const std::vector<const AddFile*>& files,
                                                  const std::string& filter_sql) {
    if (files.empty()) {
        return files;
    }
    try {
        auto parsed = ParseFilter(connection, filter_sql);
        if (!parsed) {
            return files;
        }
        std::vector<const Json*> conjuncts;
        CollectConjuncts(parsed->first["statements"][0]["node"]["where_clause"], conjuncts);

        std::vector<BoundedColumn> columns;
        std::map<std::vector<std::string>, size_t> column_indexes;
        std::vector<std::pair<ColumnTest, size_t>> tests;
        std::vector<const Json*> literals;
        for (const Json* conjunct : conjuncts) {
            std::optional<ColumnTest> test = TestOf(*conjunct);
            if (!test) {
                continue;
            }
            std::optional<BoundedColumn> column = TryGetBoundedColumn(snapshot.metadata, test->column);
            if (!column || !Decidable(*test, column->kind)) {
                continue;
            }
            auto [found, added] = column_indexes.emplace(column->physical_path, columns.size());
            if (added) {
                columns.push_back(std::move(*column));
            }
            literals.insert(literals.end(), test->literals.begin(), test->literals.end());
            tests.emplace_back(std::move(*test), found->second);
        }
        if (tests.empty()) {
            return files;
        }

        std::optional<std::vector<std::string>> rendered = std::vector<std::string>{};
        if (!literals.empty()) {
            rendered = RenderLiterals(connection, parsed->second, literals);
        }
        if (!rendered) {
            return files;
        }
        std::vector<std::string> conditions;
        size_t next_literal = 0;
        for (const auto& [test, column] : tests) {
            auto first = rendered->begin() + static_cast<std::ptrdiff_t>(next_literal);
            std::vector<std::string> own(first, first + static_cast<std::ptrdiff_t>(test.literals.size()));
            next_literal += test.literals.size();
            conditions.push_back("(" + MayMatch(test, column, own) + ")");
        }
        engine::ResultTable kept = connection.Query(fmt::format("SELECT {} FROM {} WHERE {} ORDER BY 1",
                                                                BOUNDED_FILE_COLUMN,
                                                                FileBoundsSql(snapshot, files, columns),
                                                                Join(conditions, " AND ")));
        std::vector<const AddFile*> remaining;
        remaining.reserve(kept.RowCount());
        for (size_t row = 0; row < kept.RowCount(); ++row) {
            remaining.push_back(files.at(std::stoul(kept.Value(row, 0).value_or("0"))));
        }
        return remaining;
    } catch (const Error&) {
        // A filter DuckDB cannot parse or compare this way is left to the row filter: every file is read.
        return files;
    } catch (const Json::exception&) {
        return files;
    }
}

} // namespace odibi::io::delta
