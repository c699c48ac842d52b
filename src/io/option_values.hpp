// Option values rendered as DuckDB arguments: named argument lists, literals, types, codecs.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format_options.hpp"

namespace odibi::io {

/// Named arguments of a DuckDB table function or COPY statement, kept in the order added.
class SqlArguments {
public:
    /// `sql_value` must already be SQL text (a quoted literal, a number, true/false, a list...).
    void Add(std::string name, std::string sql_value);
    [[nodiscard]] bool Has(std::string_view name) const;
    /// These arguments without the ones named in `names`.
    [[nodiscard]] SqlArguments Without(std::initializer_list<std::string_view> names) const;
    /// `read_csv('/x.csv', header = true)`: the call of `function` on `path` with these arguments.
    [[nodiscard]] std::string TableFunctionCall(std::string_view function, const std::string& path) const;
    /// `FORMAT csv, HEADER true`: the option list of COPY ... TO.
    [[nodiscard]] std::vector<std::string> CopyOptionList() const;

private:
    std::vector<std::pair<std::string, std::string>> arguments_;
};

[[nodiscard]] std::string SqlBool(bool value);
/// ['a', 'b'] with every item quoted as a literal.
[[nodiscard]] std::string SqlStringList(const std::vector<std::string>& items);
/// {'a': 'INTEGER', 'b': 'VARCHAR'} with keys and values quoted as literals.
[[nodiscard]] std::string SqlStringMap(const std::vector<std::pair<std::string, std::string>>& items);

/// The DuckDB type for a pandas/numpy dtype name ("str" -> VARCHAR, "int64" -> BIGINT, "float" ->
/// DOUBLE, "datetime64[ns]" -> TIMESTAMP...). Anything else is taken as a DuckDB type name.
[[nodiscard]] std::string DuckDbTypeName(std::string_view type);
/// True for the pandas dtypes that mean "text" (str, string, object, category).
[[nodiscard]] bool IsTextDtype(std::string_view type);

/// The compression codec of option `name` for a text format (csv, json), as DuckDB spells it:
/// gzip, zstd, auto, or `none_spelling` ("none" for csv, "uncompressed" for json).
[[nodiscard]] std::optional<std::string>
TextCompression(const FormatOptions& options, std::string_view name, std::string_view none_spelling);
/// The codec DuckDB infers from a file name ("x.csv.gz" -> gzip, "x.json.zst" -> zstd).
[[nodiscard]] std::optional<std::string> CompressionFromExtension(const std::string& path);

/// Adds `hive_partitioning = true` when the scan is over a directory dataset and the user did not
/// choose, and the user's hive_partitioning / hive_types otherwise.
void AddHiveArguments(SqlArguments& arguments, const FormatOptions& options, bool directory_dataset);
/// Adds the boolean options named in `names` (canonical == DuckDB name) that are set.
void AddBooleanArguments(SqlArguments& arguments, const FormatOptions& options, const std::vector<std::string>& names);
/// Adds option `name` as the quoted string argument `duckdb_name` when it is set.
void AddTextArgument(SqlArguments& arguments,
                     const FormatOptions& options,
                     const std::string& name,
                     const std::string& duckdb_name);
/// Adds `filename`: true/false, or the name of the column that receives each row's file.
void AddFilenameArgument(SqlArguments& arguments, const FormatOptions& options);
/// Checks `encoding` for readers that only read UTF-8 (json, and every writer).
void RequireUtf8(const FormatOptions& options);

} // namespace odibi::io
