// Built-in transformers: each compiles its params into a SELECT over the node's current input.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::transform {

/// One parameter of a transformer, as `odibi explain <name>` shows it and ValidateParams checks it.
///
/// `type` is a small type language: `string`, `int`, `number`, `bool`, `sql` (a SQL expression: a
/// string, or a number or bool written as its SQL text), `scalar` (string, number or bool), `null`,
/// `object`, `list[T]`, `map[string,T]` and alternatives `A|B` (e.g. `string|list[string]`).
struct ParamSpec {
    std::string name;
    std::string type; ///< "string", "list[string]", "map[string,string]", "int", "bool", ...
    bool required = false;
    std::string default_value; ///< as text, empty when none
    std::string description;
    /// For enumerated params: the accepted values (compared case-insensitively). For a list param,
    /// every element must be one of them. Empty when any value of `type` is accepted.
    std::vector<std::string> allowed_values;
};

struct TransformerInfo {
    std::string name;
    std::string category; ///< "row/column", "relational", "advanced"
    std::string description;
    std::vector<ParamSpec> params;
    std::string example_yaml; ///< a runnable `transform.steps` entry

    /// The spec of `name`, or nullptr when the transformer has no such param.
    [[nodiscard]] const ParamSpec* TryGetParam(const std::string& param_name) const;
    /// The names of all params, in spec order.
    [[nodiscard]] std::vector<std::string> ParamNames() const;
};

/// What a transformer compiles against.
struct TransformInput {
    /// Quoted name of the view holding the current input (`df`); empty for a pattern that generates
    /// its rows (NeedsInput() is false).
    std::string relation;
    engine::Connection& connection; ///< for Describe (e.g. which columns to prefix); never for bulk data
    /// Patterns with a target (TargetOf): the quoted view of the target's rows, or nullopt when the
    /// target does not exist yet (a first run).
    std::optional<std::string> target = std::nullopt;
    /// Patterns that compare their input with an earlier state (BaselineOf): the quoted view of it, or
    /// nullopt when there is none yet (a first run).
    std::optional<std::string> baseline = std::nullopt;
    /// The run's load time as a SQL expression of type TIMESTAMP (UTC): every row a pattern stamps in
    /// one run (load_timestamp, valid_from, audit columns) carries the same value.
    std::string load_time = "CAST(get_current_timestamp() AT TIME ZONE 'UTC' AS TIMESTAMP)";
};

/// How a pattern that writes its own target (merge, scd2) puts its output there when the node has
/// no `write:` block.
struct TargetWrite {
    config::WriteMode mode = config::WriteMode::OVERWRITE;
    std::vector<std::string> keys; ///< for upsert, append_once and delete_match
    /// upsert: the output's boolean column whose true rows delete their key instead (merge's
    /// delete_condition); the executor drops it from the node's output after the write.
    std::optional<std::string> delete_flag_column;
};

/// Where a pattern's target is, as its params say. The executor resolves it: without `connection`,
/// `silver.dim_customer` is path `dim_customer` of connection `silver` when such a connection exists,
/// and otherwise a path of the node's write connection.
struct TargetReference {
    std::optional<std::string> connection; ///< an explicit `connection` param
    std::string path;                      ///< the `target` (or `path`) param as written
    std::string param;                     ///< the param the path came from ("target", "path")
};

/// Where a pattern's target is, as its params say (see TargetReference), when the pattern sets rows
/// aside there (fact's orphan quarantine): the executor appends `select`'s rows to it before the
/// node's own write.
struct RejectedRows {
    TargetReference destination;
    std::optional<std::string> format; ///< else by the path's extension, as for targets
    std::string select;                ///< a SELECT over the views of the TransformInput
    std::string description;           ///< "orphan rows", for the story
};

/// The earlier state a pattern compares its input with (detect_deletes), which the executor loads as
/// TransformInput.baseline. Exactly one of `table` and `database_connection` is meaningful.
struct BaselineReference {
    /// snapshot_diff: the Delta table whose previous snapshot is the baseline; without `table` the node's
    /// Delta write target, else its Delta input.
    std::optional<TargetReference> table;
    /// sql_compare: a database connection and the query whose rows are the baseline.
    std::optional<std::string> database_connection;
    std::string query;
    std::string param; ///< the param that names it, for locations
};

class Transformer {
public:
    virtual ~Transformer() = default;
    [[nodiscard]] virtual const TransformerInfo& Info() const = 0;
    /// A SELECT statement over input.relation (and other datasets by node name). Throws
    /// INVALID_TRANSFORMER_PARAMS for params that are well-formed but unusable.
    [[nodiscard]] virtual std::string CompileSql(const config::Json& params, const TransformInput& input) const = 0;
    /// Checks that need no data and go beyond the spec (e.g. `join` needs `on` unless `how: cross`).
    /// Called by ValidateParams once the params match the spec. Throws INVALID_TRANSFORMER_PARAMS;
    /// the error's "param" context entry names the offending param.
    virtual void CheckParams(const config::Json& params) const { static_cast<void>(params); }

    /// False for a pattern that generates its rows (date_dimension): it runs without a `df`.
    [[nodiscard]] virtual bool NeedsInput() const { return true; }
    /// Patterns that read their existing target (dimension, aggregation, scd2, merge): where it is,
    /// from the params (`target`, or `connection` + `path`). Nullopt when there is none (e.g. a
    /// dimension without `target` treats every run as the first).
    [[nodiscard]] virtual std::optional<TargetReference> TargetOf(const config::Json& params) const {
        static_cast<void>(params);
        return std::nullopt;
    }
    /// Patterns that write their target themselves (merge, scd2): the write that puts the output
    /// there. Nullopt for everything else, and for a pattern whose output needs no write (merge
    /// delete_match on a missing target, `has_target` false).
    [[nodiscard]] virtual std::optional<TargetWrite> WritesTarget(const config::Json& params, bool has_target) const {
        static_cast<void>(params);
        static_cast<void>(has_target);
        return std::nullopt;
    }
    /// Patterns that set rows aside (fact with orphan_handling: quarantine): where, and which rows.
    [[nodiscard]] virtual std::optional<RejectedRows> RejectedRowsOf(const config::Json& params,
                                                                     const TransformInput& input) const {
        static_cast<void>(params);
        static_cast<void>(input);
        return std::nullopt;
    }
    /// Patterns that compare their input with an earlier state (detect_deletes): which state.
    [[nodiscard]] virtual std::optional<BaselineReference> BaselineOf(const config::Json& params) const {
        static_cast<void>(params);
        return std::nullopt;
    }
    /// A query over the views of `input` that returns one row with one VARCHAR: a warning for the run
    /// (detect_deletes over its threshold with on_threshold_breach: warn), or NULL. Nullopt: none.
    [[nodiscard]] virtual std::optional<std::string> WarningSql(const config::Json& params,
                                                                const TransformInput& input) const {
        static_cast<void>(params);
        static_cast<void>(input);
        return std::nullopt;
    }
};

/// The visible list of built-in transformers (builtin_transformers.cpp).
class TransformerRegistry {
public:
    [[nodiscard]] static const TransformerRegistry& Builtins();

    [[nodiscard]] const Transformer* TryGet(const std::string& name) const;
    /// Throws UNKNOWN_TRANSFORMER with did-you-mean, or NOT_SUPPORTED_YET for names Odibi has
    /// that odibi does not yet build (patterns, domain transformers).
    [[nodiscard]] const Transformer& Get(const std::string& name) const;
    /// Names of the registered transformers, sorted.
    [[nodiscard]] std::vector<std::string> Names() const;
    /// Names of Odibi transformers and patterns that odibi recognises but does not build yet.
    [[nodiscard]] static const std::vector<std::string>& PlannedNames();

    /// Adds a transformer; throws INTERNAL when its name is already registered.
    void Register(std::unique_ptr<Transformer> transformer);

private:
    std::vector<std::unique_ptr<Transformer>> transformers_;
};

/// Adds every built-in transformer to `registry` (the one visible list: builtin_transformers.cpp).
void RegisterBuiltinTransformers(TransformerRegistry& registry);
/// Adds the warehouse patterns (dimension, date_dimension, fact, aggregation, scd2, merge) to
/// `registry` (patterns/builtin_patterns.cpp); their category is "pattern".
void RegisterBuiltinPatterns(TransformerRegistry& registry);

/// Checks params against the spec: missing required params and unknown params (with did-you-mean),
/// JSON types, enumerated values, then the transformer's own CheckParams.
/// `config_path` is the params' dotted path; locations come from `locations`.
[[nodiscard]] DiagnosticList ValidateParams(const Transformer& transformer,
                                            const config::Json& params,
                                            const std::string& config_path,
                                            const config::LocationIndex& locations);

} // namespace odibi::transform
