// odibi_e2e: runs declarative .test files against the odibi binary (format: docs/testing.md).
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "test_executor.hpp"
#include "test_parser.hpp"
#include <unistd.h>

namespace {

constexpr int EXIT_PASSED = 0;
constexpr int EXIT_FAILED = 1;
constexpr int EXIT_USAGE = 2;

void PrintUsage(std::ostream& stream) {
    stream << "usage: odibi_e2e [--odibi PATH] [--shared DIR] [--keep|--discard] [--verbose] [--stop-on-failure] "
              "FILE.test...\n"
              "  --odibi PATH         the odibi binary that `odibi ...` lines run\n"
              "  --shared DIR         the shared directory that `copy` reads from (${SHARED})\n"
              "  --keep               keep each test directory, even when the test passes\n"
              "  --discard            remove each test directory, even when a check failed\n"
              "  --verbose            print each record as it runs\n"
              "  --stop-on-failure    stop a file at its first failed check\n"
              "exit status: 0 all passed, 1 a check failed, 2 usage or .test syntax error\n";
}

// An absolute path for `program`: relative paths against the current directory, bare names
// through PATH (like a shell), so that it still resolves once commands run in a test directory.
std::string ResolveProgram(const std::string& program) {
    if (program.find('/') != std::string::npos) {
        return std::filesystem::absolute(program).lexically_normal().string();
    }
    const char* path = std::getenv("PATH");
    std::string directories = path == nullptr ? "" : path;
    size_t start = 0;
    while (start <= directories.size()) {
        size_t end = directories.find(':', start);
        std::string directory = directories.substr(start, end == std::string::npos ? std::string::npos : end - start);
        std::filesystem::path candidate = std::filesystem::path(directory.empty() ? "." : directory) / program;
        if (access(candidate.c_str(), X_OK) == 0) {
            return std::filesystem::absolute(candidate).lexically_normal().string();
        }
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return program;
}

} // namespace

int main(int argc, char** argv) {
    odibi::e2e::RunnerOptions options;
    std::vector<std::string> files;
    std::vector<std::string> arguments(argv + 1, argv + argc);
    for (size_t index = 0; index < arguments.size(); ++index) {
        const std::string& argument = arguments[index];
        auto value = [&]() -> std::string {
            if (index + 1 >= arguments.size()) {
                std::cerr << "odibi_e2e: " << argument << " needs a value\n";
                PrintUsage(std::cerr);
                std::exit(EXIT_USAGE);
            }
            return arguments[++index];
        };
        if (argument == "--odibi") {
            options.odibi_path = value();
        } else if (argument == "--shared") {
            options.shared_directory = value();
        } else if (argument == "--keep") {
            options.keep_directory = true;
        } else if (argument == "--discard") {
            options.discard_directory = true;
        } else if (argument == "--verbose") {
            options.verbose = true;
        } else if (argument == "--stop-on-failure") {
            options.stop_on_failure = true;
        } else if (argument == "--help" || argument == "-h") {
            PrintUsage(std::cout);
            return EXIT_PASSED;
        } else if (!argument.empty() && argument.front() == '-') {
            std::cerr << "odibi_e2e: unknown option " << argument << "\n";
            PrintUsage(std::cerr);
            return EXIT_USAGE;
        } else {
            files.push_back(argument);
        }
    }
    if (files.empty()) {
        PrintUsage(std::cerr);
        return EXIT_USAGE;
    }
    // Commands run inside the test directory, so paths given relative to here must be made absolute.
    if (!options.odibi_path.empty()) {
        options.odibi_path = ResolveProgram(options.odibi_path);
    }
    if (!options.shared_directory.empty()) {
        options.shared_directory = std::filesystem::absolute(options.shared_directory).lexically_normal().string();
    }

    // Every file is parsed before anything runs, so a syntax error never leaves half a run behind.
    std::vector<odibi::e2e::TestCase> test_cases;
    for (const auto& file : files) {
        try {
            test_cases.push_back(odibi::e2e::ParseTestFile(file));
        } catch (const odibi::e2e::ParseError& error) {
            std::cerr << error.what() << " (parse error)\n";
            return EXIT_USAGE;
        }
    }

    int exit_status = EXIT_PASSED;
    for (const auto& test_case : test_cases) {
        auto outcome = odibi::e2e::ExecuteTestCase(test_case, options, std::cout);
        if (outcome.failures > 0) {
            exit_status = EXIT_FAILED;
            std::cout << "\n"
                      << test_case.path << ": " << outcome.failures << " of " << outcome.checks << " checks failed\n";
        } else {
            std::cout << test_case.path << ": " << outcome.checks << " checks passed\n";
        }
        if (outcome.directory_kept && !outcome.directory.empty()) {
            std::cout << "test directory kept: " << outcome.directory << "\n";
        }
    }
    return exit_status;
}
