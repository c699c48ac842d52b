// What the warehouse patterns share: nested param objects, audit columns, targets, row order.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "../builtin_transformer.hpp"

namespace odibi::transform {

/// A param that holds a map of settings (`audit`, `incremental`, an entry of `dimensions`): its
/// keys are checked against `allowed` (unknown ones get "Did you mean"), and values are read by key.
class ParamObject {
public:
    /// `param` names the object in messages ("audit", "dimensions[1]"); `value` may be null (absent).
    ParamObject(const ParamReader& params, std::string param, const config::Json* value);

    /// Throws INVALID_TRANSFORMER_PARAMS for a key outside `allowed`, or for a value that is not a map.
    void CheckKeys(const std::vector<std::string>& allowed) const;
    [[nodiscard]] bool Has(std::string_view key) const;
    [[nodiscard]] std::optional<std::string> TryGetString(std::string_view key) const;
    [[nodiscard]] std::string GetString(std::string_view key) const;
    [[nodiscard]] bool GetBool(std::string_view key, bool default_value) const;
    [[nodiscard]] Error Invalid(std::string_view key, std::string message) const;

private:
    const ParamReader& params_;
    std::string param_;
    const config::Json* value_;
};

/// The `audit` columns a pattern appends: `load_timestamp` (the run's load time) when
/// audit.load_timestamp is true (default: `load_timestamp_default`), and `source_system` (a literal)
/// when audit.source_system is set. Each entry is a `<sql> AS <name>` select item.
struct AuditColumns {
    std::vector<std::string> names;
    std::vector<std::string> select_items;
};
[[nodiscard]] AuditColumns
AuditColumnsOf(const ParamReader& params, const TransformInput& input, bool load_timestamp_default);
/// The audit param's spec, shared by the patterns that take one.
[[nodiscard]] ParamSpec AuditParam(bool load_timestamp_default);
/// Checks the keys of the audit param.
void CheckAuditParam(const ParamReader& params);

/// Checks that a pattern that writes its target names it once: `target`, or `connection` + `path`.
void CheckTargetParams(const ParamReader& params);

/// A string param of the raw params, trimmed; nullopt when absent, not a string, or empty. For the
/// executor hooks (TargetOf, BaselineOf, WritesTarget), which run before the params are checked.
[[nodiscard]] std::optional<std::string> TextParam(const config::Json& params, const char* name);

/// The pattern's target from a `target` param, or from `connection` + `path`.
[[nodiscard]] std::optional<TargetReference> TargetReferenceOf(const config::Json& params);

/// The columns of the existing target (empty when there is none).
[[nodiscard]] RelationColumns TargetColumns(const TransformInput& input);

/// The factories of the built-in patterns, one per file under patterns/.
std::unique_ptr<Transformer> MakeDateDimensionPattern();
std::unique_ptr<Transformer> MakeDimensionPattern();
std::unique_ptr<Transformer> MakeFactPattern();
std::unique_ptr<Transformer> MakeAggregationPattern();
std::unique_ptr<Transformer> MakeScd2Pattern();
std::unique_ptr<Transformer> MakeMergePattern();
std::unique_ptr<Transformer> MakeDetectDeletesPattern();

} // namespace odibi::transform
