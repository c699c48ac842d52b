// odibi_regexp_prefix_match: the pattern is compiled once, at bind time, into a DFA that every
// worker thread reads; each call then walks the bytes of one chunk of strings.
#include "prefix_regex_function.hpp"

#include <memory>
#include <string>

#include "scalar_functions.hpp"

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

void Bind(duckdb_bind_info info) {
    std::optional<std::string> pattern = ConstantText(info, 1);
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
    ScalarFunctionSpec spec;
    spec.name = PREFIX_MATCH_FUNCTION;
    spec.parameters = {DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR};
    spec.bind = Bind;
    spec.function = Execute;
    RegisterScalarFunction(connection, spec);
}

} // namespace odibi::engine
