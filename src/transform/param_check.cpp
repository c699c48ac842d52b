// Spec checks for transformer params: the wording of every param error lives here.
#include "param_check.hpp"

#include "param_types.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::transform {
namespace {

bool IsAllowedValue(const std::string& value, const std::vector<std::string>& allowed) {
    std::string lowered = ToLower(value);
    for (const auto& candidate : allowed) {
        if (ToLower(candidate) == lowered) {
            return true;
        }
    }
    return false;
}

// Values of an enumerated param that are not allowed (each element for a list param).
std::vector<std::string> DisallowedValues(const config::Json& value, const ParamSpec& spec) {
    std::vector<std::string> disallowed;
    auto check = [&](const config::Json& element) {
        if (element.is_string() && !IsAllowedValue(element.get<std::string>(), spec.allowed_values)) {
            disallowed.push_back(element.get<std::string>());
        }
    };
    if (value.is_array()) {
        for (const auto& element : value) {
            check(element);
        }
    } else {
        check(value);
    }
    return disallowed;
}

std::string ParamSummary(const ParamSpec& spec) {
    std::string summary = fmt::format("\"{}\" ({})", spec.name, spec.type);
    if (!spec.description.empty()) {
        summary += ": " + spec.description;
    }
    return summary;
}

} // namespace

std::vector<ParamProblem> CheckParamsAgainstSpec(const TransformerInfo& info, const config::Json& params) {
    std::vector<ParamProblem> problems;
    if (!params.is_null() && !params.is_object()) {
        problems.push_back({"",
                            fmt::format("params of transformer \"{}\" must be a map of param names to values, found {}",
                                        info.name,
                                        JsonKindName(params)),
                            {fmt::format("valid params: {}", QuotedList(info.ParamNames()))}});
        return problems;
    }
    for (const auto& spec : info.params) {
        bool present = params.is_object() && params.contains(spec.name);
        const config::Json* value = present ? &params.at(spec.name) : nullptr;
        if (value == nullptr || (value->is_null() && !spec.required)) {
            if (spec.required) {
                problems.push_back(
                    {spec.name,
                     fmt::format("missing required param \"{}\" of transformer \"{}\"", spec.name, info.name),
                     {fmt::format("add {}", ParamSummary(spec))}});
            }
            continue;
        }
        if (!MatchesParamType(*value, spec.type)) {
            problems.push_back({spec.name,
                                fmt::format("param \"{}\" of transformer \"{}\" must be {}, found {}",
                                            spec.name,
                                            info.name,
                                            spec.type,
                                            JsonKindName(*value)),
                                {fmt::format("write {}", ParamSummary(spec))}});
            continue;
        }
        if (spec.allowed_values.empty()) {
            continue;
        }
        for (const auto& bad_value : DisallowedValues(*value, spec)) {
            ParamProblem problem{
                spec.name,
                fmt::format(
                    "invalid value \"{}\" for param \"{}\" of transformer \"{}\"", bad_value, spec.name, info.name),
                {}};
            std::string hint = DidYouMean(bad_value, spec.allowed_values);
            if (!hint.empty()) {
                problem.suggestions.push_back(hint);
            }
            problem.suggestions.push_back(fmt::format("valid values: {}", QuotedList(spec.allowed_values)));
            problems.push_back(std::move(problem));
        }
    }
    if (params.is_object()) {
        std::vector<std::string> names = info.ParamNames();
        for (const auto& item : params.items()) {
            if (info.TryGetParam(item.key()) != nullptr) {
                continue;
            }
            ParamProblem problem{
                item.key(), fmt::format("unknown param \"{}\" of transformer \"{}\"", item.key(), info.name), {}};
            std::string hint = DidYouMean(item.key(), names);
            if (!hint.empty()) {
                problem.suggestions.push_back(hint);
            }
            problem.suggestions.push_back(names.empty() ? std::string("this transformer takes no params")
                                                        : fmt::format("valid params: {}", QuotedList(names)));
            problems.push_back(std::move(problem));
        }
    }
    return problems;
}

Error InvalidParamsError(std::string_view transformer, std::string_view param, std::string message) {
    Error error(ErrorCode::INVALID_TRANSFORMER_PARAMS, ErrorSource::USER, std::move(message));
    error.WithContext("transformer", std::string(transformer));
    if (!param.empty()) {
        error.WithContext("param", std::string(param));
    }
    return error;
}

Error InvalidParamsError(std::string_view transformer, const ParamProblem& problem) {
    Error error = InvalidParamsError(transformer, problem.param, problem.message);
    for (const auto& suggestion : problem.suggestions) {
        error.WithSuggestion(suggestion);
    }
    return error;
}

} // namespace odibi::transform
