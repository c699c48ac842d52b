// Registration of odibi's scalar functions and constant folding of their arguments at bind.
#include "scalar_functions.hpp"

#include "odibi/common/error.hpp"

namespace odibi::engine {

namespace {

// Folds argument `index` and hands the value to `read` when it is a constant that is not NULL.
template <typename Read>
auto FoldConstant(duckdb_bind_info info, idx_t index, Read read) -> std::optional<decltype(read(nullptr))> {
    duckdb_expression argument = duckdb_scalar_function_bind_get_argument(info, index);
    std::optional<decltype(read(nullptr))> result;
    if (duckdb_expression_is_foldable(argument)) {
        duckdb_client_context context = nullptr;
        duckdb_scalar_function_get_client_context(info, &context);
        duckdb_value value = nullptr;
        duckdb_error_data error = duckdb_expression_fold(context, argument, &value);
        if (!duckdb_error_data_has_error(error) && value != nullptr && !duckdb_is_null_value(value)) {
            result = read(value);
        }
        if (value != nullptr) {
            duckdb_destroy_value(&value);
        }
        duckdb_destroy_error_data(&error);
        duckdb_destroy_client_context(&context);
    }
    duckdb_destroy_expression(&argument);
    return result;
}

} // namespace

std::optional<std::string> ConstantText(duckdb_bind_info info, idx_t index) {
    return FoldConstant(info, index, [](duckdb_value value) {
        char* chars = duckdb_get_varchar(value);
        std::string text(chars);
        duckdb_free(chars);
        return text;
    });
}

std::optional<int64_t> ConstantInteger(duckdb_bind_info info, idx_t index) {
    return FoldConstant(info, index, [](duckdb_value value) { return duckdb_get_int64(value); });
}

void RegisterScalarFunction(duckdb_connection connection, const ScalarFunctionSpec& spec) {
    duckdb_scalar_function function = duckdb_create_scalar_function();
    duckdb_scalar_function_set_name(function, spec.name);
    auto with_type = [](duckdb_type id, auto use) {
        duckdb_logical_type type = duckdb_create_logical_type(id);
        use(type);
        duckdb_destroy_logical_type(&type);
    };
    for (duckdb_type parameter : spec.parameters) {
        with_type(parameter, [&](duckdb_logical_type type) { duckdb_scalar_function_add_parameter(function, type); });
    }
    if (spec.varargs) {
        with_type(*spec.varargs, [&](duckdb_logical_type type) { duckdb_scalar_function_set_varargs(function, type); });
    }
    with_type(spec.result, [&](duckdb_logical_type type) { duckdb_scalar_function_set_return_type(function, type); });
    if (spec.sees_nulls) {
        duckdb_scalar_function_set_special_handling(function);
    }
    if (spec.has_side_effects) {
        duckdb_scalar_function_set_volatile(function);
    }
    duckdb_scalar_function_set_bind(function, spec.bind);
    duckdb_scalar_function_set_function(function, spec.function);
    duckdb_state state = duckdb_register_scalar_function(connection, function);
    duckdb_destroy_scalar_function(&function);
    if (state == DuckDBError) {
        throw InternalError(std::string("could not register the DuckDB function ") + spec.name);
    }
}

} // namespace odibi::engine
