// Evaluates a JsonCheck (pointer, optional length, operator, operand) against a JSON document.
#pragma once

#include <string>

#include "test_case.hpp"
#include <nlohmann/json.hpp>

namespace odibi::e2e {

struct CheckOutcome {
    bool passed = false;
    std::string detail; // what was found, for the failure report
};

// Resolves `check.pointer` in `document` (RFC 6901, plus `[key=value]` segments that pick the first
// array element whose member `key` equals `value`) and applies the operator.
[[nodiscard]] CheckOutcome EvaluateJsonCheck(const nlohmann::json& document, const JsonCheck& check);

// The JSON text of `value`, cut to `limit` characters.
[[nodiscard]] std::string ShortJson(const nlohmann::json& value, size_t limit = 400);

} // namespace odibi::e2e
