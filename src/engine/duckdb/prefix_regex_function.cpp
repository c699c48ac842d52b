// odibi_regexp_prefix_match: the pattern is compiled once, at bind time, into a DFA that every
// worker thread reads; each call then walks the bytes of one chunk of strings.
#include "prefix_regex_function.hpp"

#include <memory>
#include <string>

#include "odibi/common/error.hpp"

namespace odibi::engine {

namespace {

// The bind data: a shared, read-only DFA (DuckDB copies bind data with the expression).
struct BoundPattern {
    std::shared_ptr<const PrefixRegex> regex;
};

void DestroyBound(void* data) {
    delete static_cast<BoundPattern*>(data);
}

void* CopyBound(void* data) {
    return new BoundPattern(*static_cast<BoundPattern*>(data));
}

// The pattern argument as text, when it is a constant; nullopt otherwise.
std::optional<std::string> ConstantPattern(duckdb_bind_info info) {
    duckdb_expression argument = duckdb_scalar_function_bind_get_argument(info, 1);
    std::optional<std::string> text;
    if (duckdb_expression_is_foldable(argument)) {
        duckdb_client_context context = nullptr;
        duckdb_scalar_function_get_client_context(info, &context);
        duckdb_value value = nullptr;
        duckdb_error_data error = duckdb_expression_fold(context, argument, &value);
        if (!duckdb_error_data_has_error(error) && value != nullptr && !duckdb_is_null_value(value)) {
            char* chars = duckdb_get_varchar(value);
            text = std::string(chars);
            duckdb_free(chars);
        }
        if (value != nullptr) {
            duckdb_destroy_value(&value);
        }
        duckdb_destroy_error_data(&error);
        duckdb_destroy_client_context(&context);
    }
    duckdb_destroy_expression(&argument);
    return text;
}

void Bind(duckdb_bind_info info) {
    std::optional<std::string> pattern = ConstantPattern(info);
    if (!pattern) {
        duckdb_scalar_function_bind_set_error(info, "odibi_regexp_prefix_match: the pattern must be a constant");
        return;
    }
    std::optional<PrefixRegex> regex = PrefixRegex::Compile(*pattern);
    if (!regex) {
        duckdb_scalar_function_bind_set_error(
            info, "odibi_regexp_prefix_match: the pattern uses syntax the DFA does not cover; use regexp_matches");
        return;
    }
    auto* bound = new BoundPattern{std::make_shared<const PrefixRegex>(std::move(*regex))};
    duckdb_scalar_function_set_bind_data(info, bound, DestroyBound);
    duckdb_scalar_function_set_bind_data_copy(info, CopyBound);
}

// A VARCHAR's bytes, read from duckdb_string_t as DuckDB lays it out (inlined up to 12 bytes),
// without a call into the library per row.
std::string_view Text(const duckdb_string_t& value) {
    uint32_t length = value.value.inlined.length;
    return {length <= 12 ? value.value.inlined.inlined : value.value.pointer.ptr, length};
}

void Execute(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
    const auto& regex = *static_cast<const BoundPattern*>(duckdb_scalar_function_get_bind_data(info))->regex;
    idx_t rows = duckdb_data_chunk_get_size(input);
    duckdb_vector texts = duckdb_data_chunk_get_vector(input, 0);
    const auto* values = static_cast<const duckdb_string_t*>(duckdb_vector_get_data(texts));
    const uint64_t* validity = duckdb_vector_get_validity(texts);
    auto* results = static_cast<bool*>(duckdb_vector_get_data(output));
    if (validity != nullptr) {
        duckdb_vector_ensure_validity_writable(output);
        uint64_t* result_validity = duckdb_vector_get_validity(output);
        for (idx_t word = 0; word < (rows + 63) / 64; ++word) {
            result_validity[word] = validity[word];
        }
    }
    for (idx_t row = 0; row < rows; ++row) {
        bool valid = validity == nullptr || ((validity[row / 64] >> (row % 64)) & 1U) != 0;
        results[row] = valid && regex.MatchesPrefix(Text(values[row]));
    }
}

} // namespace

void RegisterPrefixMatchFunction(duckdb_connection connection) {
    duckdb_scalar_function function = duckdb_create_scalar_function();
    duckdb_scalar_function_set_name(function, PREFIX_MATCH_FUNCTION);
    duckdb_logical_type varchar = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
    duckdb_logical_type boolean = duckdb_create_logical_type(DUCKDB_TYPE_BOOLEAN);
    duckdb_scalar_function_add_parameter(function, varchar);
    duckdb_scalar_function_add_parameter(function, varchar);
    duckdb_scalar_function_set_return_type(function, boolean);
    duckdb_scalar_function_set_bind(function, Bind);
    duckdb_scalar_function_set_function(function, Execute);
    duckdb_state state = duckdb_register_scalar_function(connection, function);
    duckdb_destroy_logical_type(&varchar);
    duckdb_destroy_logical_type(&boolean);
    duckdb_destroy_scalar_function(&function);
    if (state == DuckDBError) {
        throw InternalError("could not register the DuckDB function odibi_regexp_prefix_match");
    }
}

} // namespace odibi::engine
