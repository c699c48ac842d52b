// Typed access to a transformer's params after they passed the spec check.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "odibi/common/error.hpp"
#include "odibi/transform/transformer.hpp"

namespace odibi::transform {

/// Reads params by name. The constructor checks them against the spec and throws the first problem
/// (INVALID_TRANSFORMER_PARAMS), so the getters only fail on programming mistakes (a name that the
/// spec does not declare). Absent optional params read as the spec's default; a null value counts
/// as absent.
class ParamReader {
public:
    ParamReader(const TransformerInfo& info, const config::Json& params);

    [[nodiscard]] const std::string& TransformerName() const { return info_.name; }
    /// The value, or nullptr when absent or null.
    [[nodiscard]] const config::Json* TryGet(std::string_view name) const;
    [[nodiscard]] bool Has(std::string_view name) const { return TryGet(name) != nullptr; }
    /// The params as written (where an explicit null means something, e.g. soft_delete_col: null).
    [[nodiscard]] const config::Json& Raw() const { return params_; }

    /// A `string` param: its value, else the spec default ("" when it has none).
    [[nodiscard]] std::string GetString(std::string_view name) const;
    [[nodiscard]] std::optional<std::string> TryGetString(std::string_view name) const;
    /// A `sql` param (string, or number/bool written as SQL), else the spec default.
    [[nodiscard]] std::string GetSql(std::string_view name) const;
    [[nodiscard]] std::optional<std::string> TryGetSql(std::string_view name) const;
    /// An enumerated `string` param, lower-cased (allowed values are matched case-insensitively).
    [[nodiscard]] std::string GetEnum(std::string_view name) const;
    [[nodiscard]] int64_t GetInt(std::string_view name) const;
    [[nodiscard]] std::optional<int64_t> TryGetInt(std::string_view name) const;
    [[nodiscard]] double GetNumber(std::string_view name) const;
    [[nodiscard]] bool GetBool(std::string_view name) const;
    /// A `list[string]` or `string|list[string]` param (a single string is a one-element list);
    /// an absent optional list is empty.
    [[nodiscard]] std::vector<std::string> GetStringList(std::string_view name) const;
    /// GetStringList of a list of column names that must not be empty (INVALID_TRANSFORMER_PARAMS).
    [[nodiscard]] std::vector<std::string> GetColumnList(std::string_view name) const;
    /// Like GetStringList, but nullopt when the param is absent (so "absent" and "[]" differ).
    [[nodiscard]] std::optional<std::vector<std::string>> TryGetStringList(std::string_view name) const;
    /// A `map[string,string]` or `map[string,sql]` param in written order; values as SQL text.
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> GetStringMap(std::string_view name) const;
    /// A map param in written order with its raw values.
    [[nodiscard]] std::vector<std::pair<std::string, config::Json>> GetMap(std::string_view name) const;

    /// INVALID_TRANSFORMER_PARAMS about `param` of this transformer.
    [[nodiscard]] Error Invalid(std::string_view param, std::string message) const;

private:
    [[nodiscard]] const ParamSpec& Spec(std::string_view name) const;
    [[nodiscard]] const std::string& RequiredDefault(std::string_view name) const;

    const TransformerInfo& info_;
    const config::Json& params_;
};

} // namespace odibi::transform
