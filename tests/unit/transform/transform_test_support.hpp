// Test support for transformers: a DuckDB database, compiling steps as the executor does, and
// comparing their results with a hand-written SQL oracle over the same input.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/transform/transformer.hpp"

namespace odibi::transform::testing {

using Json = config::Json;
using Row = std::vector<std::optional<std::string>>;
using Rows = std::vector<Row>;

/// Shorthand for a non-NULL cell and a NULL cell in expected rows.
inline std::optional<std::string> V(std::string text) {
    return std::optional<std::string>(std::move(text));
}
inline const std::optional<std::string> NULL_VALUE = std::nullopt;

class TransformTest : public ::testing::Test {
protected:
    TransformTest() : database_(engine::OpenDuckDb({})), connection_(database_->Connect()) {}

    void Sql(const std::string& sql) { connection_->Execute(sql); }

    /// The SQL of transformer `name` over the relation `df`.
    std::string Compile(const std::string& name, const Json& params, const std::string& relation = "df") {
        const Transformer& transformer = TransformerRegistry::Builtins().Get(name);
        TransformInput input{engine::QuoteIdentifier(relation), *connection_};
        return transformer.CompileSql(params, input);
    }

    /// Runs a step as the executor does: its SQL becomes a view, which is then read.
    engine::ResultTable Run(const std::string& name, const Json& params, const std::string& relation = "df") {
        std::string sql = Compile(name, params, relation);
        std::string view = "step_" + std::to_string(++step_count_);
        connection_->Execute("CREATE VIEW " + engine::QuoteIdentifier(view) + " AS " + sql);
        return connection_->Query("SELECT * FROM " + engine::QuoteIdentifier(view));
    }

    engine::ResultTable Query(const std::string& sql) { return connection_->Query(sql); }

    /// The step's result has the oracle's columns (names and types) and the same rows; `ordered`
    /// compares row order too, otherwise rows are compared as multisets.
    void ExpectMatchesOracle(const std::string& name,
                             const Json& params,
                             const std::string& oracle_sql,
                             bool ordered = false) {
        SCOPED_TRACE("transformer " + name + " params " + params.dump());
        auto actual = Run(name, params);
        auto expected = Query(oracle_sql);
        ExpectSameColumns(actual, expected);
        EXPECT_EQ(RowsOf(actual, ordered), RowsOf(expected, ordered)) << "compiled SQL: " << Compile(name, params);
    }

    static void ExpectSameColumns(const engine::ResultTable& actual, const engine::ResultTable& expected) {
        ASSERT_EQ(ColumnNames(actual), ColumnNames(expected));
        for (size_t index = 0; index < actual.ColumnCount(); ++index) {
            EXPECT_EQ(actual.Columns()[index].type, expected.Columns()[index].type)
                << "column " << actual.Columns()[index].name;
        }
    }

    static std::vector<std::string> ColumnNames(const engine::ResultTable& table) {
        std::vector<std::string> names;
        for (const auto& column : table.Columns()) {
            names.push_back(column.name);
        }
        return names;
    }

    static Rows RowsOf(const engine::ResultTable& table, bool ordered = false) {
        Rows rows = table.Rows();
        if (!ordered) {
            std::sort(rows.begin(), rows.end());
        }
        return rows;
    }

    /// The error CompileSql (or the step's view) throws; fails the test when nothing is thrown.
    Error CompileError(const std::string& name, const Json& params, const std::string& relation = "df") {
        try {
            static_cast<void>(Run(name, params, relation));
        } catch (const Error& error) {
            return error;
        }
        ADD_FAILURE() << "expected an error from " << name << " with " << params.dump();
        return Error(ErrorCode::INTERNAL, ErrorSource::INTERNAL, "no error");
    }

    static bool Contains(const std::string& text, const std::string& fragment) {
        return text.find(fragment) != std::string::npos;
    }

    static std::string AllSuggestions(const Error& error) {
        std::string text;
        for (const auto& suggestion : error.Suggestions()) {
            text += suggestion + "\n";
        }
        return text;
    }

private:
    std::unique_ptr<engine::Database> database_;
    std::unique_ptr<engine::Connection> connection_;
    int step_count_ = 0;
};

} // namespace odibi::transform::testing
