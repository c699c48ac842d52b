// Reads the line-oriented .test format (docs/testing.md) into a TestCase.
#pragma once

#include <string>

#include "test_case.hpp"

namespace odibi::e2e {

// Parses the file at `path`; throws ParseError with the line of the first problem.
[[nodiscard]] TestCase ParseTestFile(const std::string& path);

// Parses `text` as if it were the file `path` (used for error locations only).
[[nodiscard]] TestCase ParseTestText(const std::string& path, const std::string& text);

// Parses `<pointer> [length] <op> [operand]`; throws std::invalid_argument with a readable reason.
[[nodiscard]] JsonCheck ParseJsonCheck(const std::string& text);

} // namespace odibi::e2e
