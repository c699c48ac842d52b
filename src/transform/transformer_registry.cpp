// TransformerRegistry: lookup by name with did-you-mean, and the Odibi names planned but not built.
#include <algorithm>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/transform/transformer.hpp"

namespace odibi::transform {

const ParamSpec* TransformerInfo::TryGetParam(const std::string& param_name) const {
    for (const auto& param : params) {
        if (param.name == param_name) {
            return &param;
        }
    }
    return nullptr;
}

std::vector<std::string> TransformerInfo::ParamNames() const {
    std::vector<std::string> names;
    names.reserve(params.size());
    for (const auto& param : params) {
        names.push_back(param.name);
    }
    return names;
}

const TransformerRegistry& TransformerRegistry::Builtins() {
    static const TransformerRegistry registry = [] {
        TransformerRegistry builtins;
        RegisterBuiltinTransformers(builtins);
        RegisterBuiltinPatterns(builtins);
        return builtins;
    }();
    return registry;
}

const Transformer* TransformerRegistry::TryGet(const std::string& name) const {
    for (const auto& transformer : transformers_) {
        if (transformer->Info().name == name) {
            return transformer.get();
        }
    }
    return nullptr;
}

const Transformer& TransformerRegistry::Get(const std::string& name) const {
    if (const Transformer* transformer = TryGet(name)) {
        return *transformer;
    }
    const auto& planned = PlannedNames();
    if (name == "geocode") {
        // Odibi's geocode returns its input unchanged; odibi has no geocoding service, and a step that
        // silently does nothing would hide that (docs/compat.md).
        Error error(ErrorCode::NOT_SUPPORTED_YET,
                    ErrorSource::USER,
                    "not supported yet: transformer geocode (Odibi's geocode is a stub that returns its input "
                    "unchanged, and odibi has no geocoding service)");
        error.WithContext("transformer", name);
        error.WithSuggestion("remove the step, or join coordinates from a geocoded reference dataset (join or "
                             "apply_mapping)");
        throw error;
    }
    if (std::find(planned.begin(), planned.end(), name) != planned.end()) {
        Error error(ErrorCode::NOT_SUPPORTED_YET, ErrorSource::USER, "not supported yet: transformer " + name);
        error.WithContext("transformer", name);
        error.WithSuggestion("express the step as SQL (a `sql:` step) until odibi builds it");
        throw error;
    }
    auto names = Names();
    Error error(ErrorCode::UNKNOWN_TRANSFORMER, ErrorSource::USER, fmt::format("unknown transformer \"{}\"", name));
    error.WithContext("transformer", name);
    error.WithSuggestion(DidYouMean(name, names));
    error.WithSuggestion("`odibi list transformers` lists every built-in transformer");
    throw error;
}

std::vector<std::string> TransformerRegistry::Names() const {
    std::vector<std::string> names;
    names.reserve(transformers_.size());
    for (const auto& transformer : transformers_) {
        names.push_back(transformer->Info().name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

const std::vector<std::string>& TransformerRegistry::PlannedNames() {
    static const std::vector<std::string> planned = [] {
        std::vector<std::string> names = {
            // Odibi's geocode is a stub that returns its input unchanged: refused with that reason (Get)
            "geocode",
            // domain transformers
            "detect_sequential_phases",
            "fluid_properties",
            "psychrometrics",
            "saturation_properties",
            "unit_convert",
        };
        std::sort(names.begin(), names.end());
        return names;
    }();
    return planned;
}

void TransformerRegistry::Register(std::unique_ptr<Transformer> transformer) {
    if (!transformer) {
        throw InternalError("cannot register a null transformer");
    }
    if (TryGet(transformer->Info().name) != nullptr) {
        throw InternalError(fmt::format("transformer \"{}\" is registered twice", transformer->Info().name));
    }
    transformers_.push_back(std::move(transformer));
}

} // namespace odibi::transform
