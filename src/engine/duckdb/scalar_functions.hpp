// What odibi's DuckDB scalar functions share: registration and reading constant arguments at bind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <duckdb.h>

namespace odibi::engine {

struct ScalarFunctionSpec {
    const char* name = nullptr;
    std::vector<duckdb_type> parameters; ///< fixed parameters
    std::optional<duckdb_type> varargs;  ///< any number of arguments of this type, instead
    duckdb_type result = DUCKDB_TYPE_BOOLEAN;
    bool sees_nulls = false;       ///< NULL arguments reach the function (else NULL in, NULL out)
    bool has_side_effects = false; ///< volatile: DuckDB runs it once per row, never folds it
    duckdb_scalar_function_bind_t bind = nullptr;
    duckdb_scalar_function_t function = nullptr;
};

/// Registers the function in the database of `connection`; throws INTERNAL when DuckDB refuses.
void RegisterScalarFunction(duckdb_connection connection, const ScalarFunctionSpec& spec);

/// Argument `index` of the function being bound, when it is a constant that is not NULL.
[[nodiscard]] std::optional<std::string> ConstantText(duckdb_bind_info info, idx_t index);
[[nodiscard]] std::optional<int64_t> ConstantInteger(duckdb_bind_info info, idx_t index);

} // namespace odibi::engine
