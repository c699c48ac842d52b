// Executes a parsed .test file in a fresh temporary directory and reports failed checks.
#pragma once

#include <ostream>
#include <string>

#include "test_case.hpp"

namespace odibi::e2e {

struct RunnerOptions {
    std::string odibi_path;         // the binary that `odibi` / `run` commands start
    std::string shared_directory;   // root for `copy` sources and ${SHARED}
    bool keep_directory = false;    // keep the test directory even when everything passed
    bool discard_directory = false; // remove the test directory even when a check failed
    bool verbose = false;           // print each record as it runs
    bool stop_on_failure = false;   // stop at the first failed check
};

struct TestOutcome {
    int checks = 0;
    int failures = 0;
    std::string directory;
    bool directory_kept = false;
};

// Runs every record in order; failures are written to `report` and execution goes on (unless
// `stop_on_failure`). The directory is removed when nothing failed and keeping was not asked for.
[[nodiscard]] TestOutcome
ExecuteTestCase(const TestCase& test_case, const RunnerOptions& options, std::ostream& report);

} // namespace odibi::e2e
