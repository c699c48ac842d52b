// Built-in transformers: each compiles its params into a SELECT over the node's current input.
#pragma once

#include <string>
#include <vector>

#include "odibi/common/error.hpp"
#include "odibi/config/project.hpp"
#include "odibi/engine/database.hpp"

namespace odibi::transform {

struct ParamSpec {
    std::string name;
    std::string type; ///< "string", "list[string]", "map[string,string]", "int", "bool", ...
    bool required = false;
    std::string default_value; ///< as text, empty when none
    std::string description;
};

struct TransformerInfo {
    std::string name;
    std::string category; ///< "row/column", "relational", "advanced"
    std::string description;
    std::vector<ParamSpec> params;
    std::string example_yaml; ///< a runnable `transform.steps` entry
};

/// What a transformer compiles against.
struct TransformInput {
    std::string relation;         ///< quoted name of the view holding the current input (`df`)
    engine::Connection& connection; ///< for Describe (e.g. which columns to prefix); never for bulk data
};

class Transformer {
public:
    virtual ~Transformer() = default;
    [[nodiscard]] virtual const TransformerInfo& Info() const = 0;
    /// A SELECT statement over input.relation (and other datasets by node name). Throws
    /// INVALID_TRANSFORMER_PARAMS for params that are well-formed but unusable.
    [[nodiscard]] virtual std::string CompileSql(const config::Json& params, const TransformInput& input) const = 0;
};

/// The visible list of built-in transformers (builtin_transformers.cpp).
class TransformerRegistry {
public:
    [[nodiscard]] static const TransformerRegistry& Builtins();

    [[nodiscard]] const Transformer* TryGet(const std::string& name) const;
    /// Throws UNKNOWN_TRANSFORMER with did-you-mean, or NOT_SUPPORTED_YET for names Odibi has
    /// that odibi does not yet build (patterns, domain transformers).
    [[nodiscard]] const Transformer& Get(const std::string& name) const;
    [[nodiscard]] std::vector<std::string> Names() const;
    /// Names of Odibi transformers and patterns that odibi recognises but does not build yet.
    [[nodiscard]] static const std::vector<std::string>& PlannedNames();

    void Register(std::unique_ptr<Transformer> transformer);

private:
    std::vector<std::unique_ptr<Transformer>> transformers_;
};

/// Checks params against the spec: missing required params and unknown params (with did-you-mean).
/// `config_path` is the params' dotted path; locations come from `locations`.
[[nodiscard]] DiagnosticList ValidateParams(const Transformer& transformer,
                                            const config::Json& params,
                                            const std::string& config_path,
                                            const config::LocationIndex& locations);

} // namespace odibi::transform
