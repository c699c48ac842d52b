// Record-by-record execution of a .test file: setup actions, commands with expectations, checks.
#include "test_executor.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include "file_tree.hpp"
#include "json_check.hpp"
#include "query_check.hpp"
#include "shell_words.hpp"
#include "subprocess.hpp"
#include <nlohmann/json.hpp>

#include "odibi/common/strings.hpp"

extern char** environ; // NOLINT(readability-redundant-declaration): POSIX names it without a header

namespace odibi::e2e {

namespace fs = std::filesystem;

namespace {

constexpr std::chrono::seconds DEFAULT_TIME_LIMIT{120};
constexpr size_t HEAD_LINES = 40;
constexpr size_t TAIL_LINES = 20;
constexpr size_t MAX_LINE_WIDTH = 400;

// Shows long output as its head and tail, each line indented and cut to a sane width.
std::string Excerpt(const std::string& text) {
    if (text.empty()) {
        return "    (empty)\n";
    }
    std::vector<std::string> lines = Split(text, '\n');
    if (!lines.empty() && lines.back().empty()) {
        lines.pop_back();
    }
    auto show = [](const std::string& line) {
        std::string shown = line.size() > MAX_LINE_WIDTH ? line.substr(0, MAX_LINE_WIDTH) + " ..." : line;
        return "    | " + shown + "\n";
    };
    std::string excerpt;
    if (lines.size() <= HEAD_LINES + TAIL_LINES) {
        for (const auto& line : lines) {
            excerpt += show(line);
        }
        return excerpt;
    }
    for (size_t index = 0; index < HEAD_LINES; ++index) {
        excerpt += show(lines[index]);
    }
    excerpt += "    | ... " + std::to_string(lines.size() - HEAD_LINES - TAIL_LINES) + " lines omitted ...\n";
    for (size_t index = lines.size() - TAIL_LINES; index < lines.size(); ++index) {
        excerpt += show(lines[index]);
    }
    return excerpt;
}

std::string StreamName(Stream stream) {
    switch (stream) {
    case Stream::STDOUT:
        return "stdout";
    case Stream::STDERR:
        return "stderr";
    case Stream::OUTPUT:
        return "output";
    }
    return "output";
}

std::string OperatorText(const JsonCheck& check) {
    static const std::map<CompareOp, std::string> names = {{CompareOp::EQUAL, "=="},
                                                           {CompareOp::NOT_EQUAL, "!="},
                                                           {CompareOp::LESS, "<"},
                                                           {CompareOp::LESS_EQUAL, "<="},
                                                           {CompareOp::GREATER, ">"},
                                                           {CompareOp::GREATER_EQUAL, ">="},
                                                           {CompareOp::CONTAINS, "contains"},
                                                           {CompareOp::NOT_CONTAINS, "not contains"},
                                                           {CompareOp::EXISTS, "exists"},
                                                           {CompareOp::MISSING, "not exists"}};
    std::string text =
        (check.pointer.empty() ? "(root)" : check.pointer) + (check.length ? " length " : " ") + names.at(check.op);
    return check.operand.empty() ? text : text + " " + check.operand;
}

// The last command that ran, kept so that later failures can show what it printed.
struct LastCommand {
    int line = 0;
    std::string source_text;
    ProcessOutcome outcome;
    bool output_shown = false;
};

class Executor {
public:
    Executor(const TestCase& test_case, const RunnerOptions& options, std::ostream& report)
        : test_case_(test_case), options_(options), report_(report),
          case_directory_(fs::absolute(test_case.path).parent_path().string()) {}

    TestOutcome Run() {
        TestOutcome outcome;
        if (!CreateDirectory()) {
            outcome.failures = 1;
            return outcome;
        }
        outcome.directory = directory_.string();
        InitialiseEnvironment();
        std::error_code error;
        fs::path previous_directory = fs::current_path(error);
        fs::current_path(directory_, error);
        for (const auto& record : test_case_.records) {
            if (options_.verbose) {
                report_ << test_case_.path << ":" << record.line << ": " << record.directive << "\n";
            }
            Execute(record);
            if (options_.stop_on_failure && failures_ > 0) {
                break;
            }
        }
        fs::current_path(previous_directory, error);
        outcome.checks = checks_;
        outcome.failures = failures_;
        outcome.directory_kept = (failures_ > 0 || options_.keep_directory) && !options_.discard_directory;
        if (!outcome.directory_kept) {
            fs::remove_all(directory_, error);
        }
        return outcome;
    }

private:
    bool CreateDirectory() {
        std::string stem = fs::path(test_case_.path).stem().string();
        std::replace_if(
            stem.begin(), stem.end(), [](char character) { return !std::isalnum(character); }, '_');
        std::error_code error;
        fs::path base = fs::temp_directory_path(error);
        if (error) {
            base = "/tmp";
        }
        std::string pattern = (base / ("odibi-e2e-" + stem + "-XXXXXX")).string();
        if (mkdtemp(pattern.data()) == nullptr) {
            report_ << test_case_.path << ": cannot create a temporary directory under " << base << "\n";
            return false;
        }
        directory_ = fs::canonical(pattern, error);
        return !error;
    }

    void InitialiseEnvironment() {
        for (char** entry = environ; *entry != nullptr; ++entry) {
            std::string text = *entry;
            size_t equals = text.find('=');
            if (equals == std::string::npos || StartsWith(text, "ODIBI_")) {
                continue;
            }
            environment_[text.substr(0, equals)] = text.substr(equals + 1);
        }
        environment_["NO_COLOR"] = "1";
        environment_["TESTDIR"] = directory_.string();
        environment_["SHARED"] = options_.shared_directory;
        environment_["CASEDIR"] = case_directory_;
        if (!options_.odibi_path.empty()) {
            environment_["ODIBI_BIN"] = options_.odibi_path;
        }
    }

    std::string Expand(std::string text) const {
        text = ReplaceAll(std::move(text), "${TESTDIR}", directory_.string());
        text = ReplaceAll(std::move(text), "${CASEDIR}", case_directory_);
        return ReplaceAll(std::move(text), "${SHARED}", options_.shared_directory);
    }

    fs::path Resolve(const std::string& path) const {
        fs::path expanded = Expand(path);
        return expanded.is_absolute() ? expanded : directory_ / expanded;
    }

    // Records one check; on failure prints its location, what was expected and what happened.
    void Check(int line, bool passed, const std::string& summary, const std::string& detail = "") {
        ++checks_;
        if (passed) {
            return;
        }
        ++failures_;
        report_ << "\n" << test_case_.path << ":" << line << ": FAILED: " << summary << "\n";
        if (!detail.empty()) {
            report_ << "  " << detail << (EndsWith(detail, "\n") ? "" : "\n");
        }
        if (last_command_) {
            ShowLastCommand();
        }
    }

    void ShowLastCommand() {
        LastCommand& last = *last_command_;
        const ProcessOutcome& outcome = last.outcome;
        report_ << "  last command (" << test_case_.path << ":" << last.line << "): " << last.source_text << "\n";
        std::string status = "  exit code: " + std::to_string(outcome.exit_code);
        if (outcome.killed_by_signal) {
            status += " (killed by " + SignalName(*outcome.killed_by_signal) + ")";
        }
        if (outcome.timed_out) {
            status += " (timed out after " + std::to_string(time_limit_.count()) + " s and was killed)";
        }
        if (outcome.signal_sent) {
            status += " (signal sent after " + std::to_string(outcome.signal_sent_after.count()) + " ms)";
        }
        status += ", ran " + std::to_string(outcome.elapsed.count()) + " ms";
        report_ << status << "\n";
        if (!outcome.start_error.empty()) {
            report_ << "  could not start: " << outcome.start_error << "\n";
        }
        if (last.output_shown) {
            report_ << "  (its output is shown above)\n";
            return;
        }
        last.output_shown = true;
        report_ << "  stdout:\n" << Excerpt(outcome.stdout_text) << "  stderr:\n" << Excerpt(outcome.stderr_text);
    }

    void Execute(const Record& record) {
        std::visit([&](const auto& body) { ExecuteBody(record, body); }, record.body);
    }

    void ExecuteBody(const Record& record, const CopyRecord& copy) {
        fs::path source = fs::path(options_.shared_directory) / Expand(copy.source);
        fs::path destination = Resolve(copy.destination);
        std::error_code error;
        if (!fs::exists(source, error)) {
            Check(record.line, false, "copy: " + source.string() + " does not exist");
            return;
        }
        if (fs::is_directory(source, error)) {
            fs::create_directories(destination, error);
            fs::copy(source, destination, fs::copy_options::recursive | fs::copy_options::overwrite_existing, error);
            MakeWritable(destination);
        } else {
            if (fs::is_directory(destination, error) || EndsWith(copy.destination, "/")) {
                destination /= source.filename();
            }
            fs::create_directories(destination.parent_path(), error);
            fs::copy_file(source, destination, fs::copy_options::overwrite_existing, error);
            fs::permissions(destination, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add, error);
        }
        if (error) {
            Check(
                record.line, false, "copy " + source.string() + " -> " + destination.string() + ": " + error.message());
        }
    }

    static void MakeWritable(const fs::path& root) {
        std::error_code error;
        fs::permissions(root, fs::perms::owner_all, fs::perm_options::add, error);
        for (auto it = fs::recursive_directory_iterator(root, error); it != fs::recursive_directory_iterator();
             it.increment(error)) {
            auto added =
                it->is_directory(error) ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write;
            fs::permissions(it->path(), added, fs::perm_options::add, error);
        }
    }

    void ExecuteBody(const Record& record, const WriteFileRecord& file) {
        fs::path path = Resolve(file.path);
        std::error_code error;
        fs::create_directories(path.parent_path(), error);
        std::ofstream stream(path, std::ios::binary | std::ios::trunc);
        stream << Expand(file.content);
        stream.close();
        if (!stream) {
            Check(record.line, false, "file: cannot write " + path.string());
        }
    }

    void ExecuteBody(const Record& /*record*/, const SetEnvRecord& set) { environment_[set.name] = Expand(set.value); }

    void ExecuteBody(const Record& /*record*/, const UnsetEnvRecord& unset) { environment_.erase(unset.name); }

    void ExecuteBody(const Record& /*record*/, const SleepRecord& sleep) {
        std::this_thread::sleep_for(sleep.duration);
    }

    void ExecuteBody(const Record& /*record*/, const TimeoutRecord& timeout) { time_limit_ = timeout.duration; }

    void ExecuteBody(const Record& record, const CommandRecord& command) {
        ProcessSpec spec;
        if (command.program == CommandRecord::Program::SHELL) {
            spec.argv = {"/bin/sh", "-c", Expand(command.args.front())};
        } else {
            if (options_.odibi_path.empty()) {
                Check(record.line, false, "no odibi binary: pass --odibi PATH to the runner");
                return;
            }
            spec.argv.push_back(options_.odibi_path);
            for (const auto& argument : command.args) {
                spec.argv.push_back(Expand(argument));
            }
        }
        for (const auto& [name, value] : environment_) {
            spec.environment.push_back(name + "=" + value);
        }
        spec.working_directory = directory_.string();
        if (command.stdin_path) {
            spec.stdin_path = Resolve(*command.stdin_path).string();
        }
        spec.time_limit = time_limit_;
        if (command.signal_number) {
            spec.signal_plan = SignalPlan{*command.signal_number,
                                          command.signal_delay,
                                          Expand(command.signal_trigger),
                                          command.signal_delay_after_trigger.value_or(std::chrono::milliseconds(0))};
        }
        last_command_ = LastCommand{record.line, Expand(command.source_text), RunProcess(spec), false};
        const ProcessOutcome& outcome = last_command_->outcome;

        if (!outcome.start_error.empty()) {
            Check(record.line, false, "the command could not start");
            return;
        }
        if (outcome.timed_out) {
            Check(record.line,
                  false,
                  "the command did not finish within " + std::to_string(time_limit_.count()) +
                      " s (raise it with a `timeout <seconds>` line)");
            return;
        }
        if (command.signal_number && !outcome.signal_sent) {
            std::string trigger = command.signal_delay ? std::to_string(command.signal_delay->count()) + " ms"
                                                       : "'" + Expand(command.signal_trigger) + "' appeared";
            Check(record.line,
                  false,
                  "the command ended before " + command.signal_name + " could be sent (waiting until " + trigger + ")");
        }
        bool has_exit_expectation =
            std::any_of(command.expectations.begin(), command.expectations.end(), [](const Expectation& expectation) {
                return expectation.kind == Expectation::Kind::EXIT_CODE;
            });
        if (!has_exit_expectation) {
            Check(record.line,
                  outcome.exit_code == 0,
                  "expected exit code 0 (no `exit` line follows the command), got " +
                      std::to_string(outcome.exit_code));
        }
        for (const auto& expectation : command.expectations) {
            CheckExpectation(expectation, outcome);
        }
    }

    void CheckExpectation(const Expectation& expectation, const ProcessOutcome& outcome) {
        std::string text = expectation.stream == Stream::STDOUT   ? outcome.stdout_text
                           : expectation.stream == Stream::STDERR ? outcome.stderr_text
                                                                  : outcome.stdout_text + outcome.stderr_text;
        std::string stream = StreamName(expectation.stream);
        std::string wanted = Expand(expectation.text);
        switch (expectation.kind) {
        case Expectation::Kind::EXIT_CODE:
            if (expectation.exit_code) {
                Check(expectation.line,
                      outcome.exit_code == *expectation.exit_code,
                      "expected exit code " + std::to_string(*expectation.exit_code) + ", got " +
                          std::to_string(outcome.exit_code));
            }
            return;
        case Expectation::Kind::CONTAINS:
            Check(expectation.line, text.find(wanted) != std::string::npos, stream + " does not contain: " + wanted);
            return;
        case Expectation::Kind::NOT_CONTAINS:
            Check(expectation.line, text.find(wanted) == std::string::npos, stream + " contains: " + wanted);
            return;
        case Expectation::Kind::MATCHES:
            Check(expectation.line,
                  std::regex_search(text, std::regex(wanted, std::regex::ECMAScript | std::regex::multiline)),
                  stream + " does not match: " + wanted);
            return;
        case Expectation::Kind::JSON: {
            JsonCheck check = expectation.json;
            check.operand = Expand(check.operand);
            nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
            if (document.is_discarded()) {
                Check(expectation.line, false, stream + " is not a JSON document");
                return;
            }
            auto result = EvaluateJsonCheck(document, check);
            Check(expectation.line, result.passed, stream + " json " + OperatorText(check), result.detail);
            return;
        }
        }
    }

    void ExecuteBody(const Record& record, const QueryRecord& query) {
        std::string sql = Expand(query.sql);
        bool on_catalog = query.database == QueryRecord::Database::SQLITE;
        QueryResult result = on_catalog ? RunSqliteQuery(Resolve(query.sqlite_path), sql) : RunDuckDbQuery(sql);
        std::string where = on_catalog ? "catalog " + Resolve(query.sqlite_path).string() : "DuckDB";
        std::string shown_sql = "SQL (" + where + "):\n" + Excerpt(sql);
        if (query.error_fragment) {
            std::string fragment = Expand(*query.error_fragment);
            if (!result.error) {
                Check(record.line,
                      false,
                      "the query succeeded but an error containing '" + fragment + "' was expected",
                      shown_sql);
                return;
            }
            Check(record.line,
                  result.error->find(fragment) != std::string::npos,
                  "the query failed, but without '" + fragment + "'",
                  shown_sql + "  error: " + *result.error);
            return;
        }
        if (result.error) {
            Check(record.line, false, "the query failed: " + *result.error, shown_sql);
            return;
        }
        if (query.oracle_sql) {
            std::string oracle_sql = Expand(*query.oracle_sql);
            QueryResult oracle = RunDuckDbQuery(oracle_sql);
            std::string shown_oracle = "  oracle SQL:\n" + Excerpt(oracle_sql);
            if (oracle.error) {
                Check(record.line, false, "the oracle query failed: " + *oracle.error, shown_sql + shown_oracle);
                return;
            }
            auto comparison = CompareWithOracle(result, oracle, query.sort_mode);
            Check(record.line,
                  comparison.passed,
                  "the query and its oracle differ",
                  shown_sql + shown_oracle + "  " + comparison.detail);
            return;
        }
        std::vector<std::string> expected;
        expected.reserve(query.expected_rows.size());
        for (const auto& row : query.expected_rows) {
            expected.push_back(Expand(row));
        }
        auto comparison = CompareRows(result, expected, query.sort_mode);
        if (!comparison.passed && query.directive_like_row_line > 0) {
            comparison.detail += "  hint: expected rows end at a blank line; line " +
                                 std::to_string(query.directive_like_row_line) +
                                 " looks like a directive that was read as a row\n";
        }
        Check(record.line, comparison.passed, "the query returned other rows", shown_sql + "  " + comparison.detail);
    }

    void ExecuteBody(const Record& record, const StoryRecord& story) {
        fs::path directory = Resolve(story.directory);
        std::error_code error;
        std::optional<fs::path> newest;
        fs::file_time_type newest_time;
        if (fs::is_directory(directory, error)) {
            for (auto it = fs::recursive_directory_iterator(directory, error); it != fs::recursive_directory_iterator();
                 it.increment(error)) {
                std::string name = it->path().filename().string();
                if (!it->is_regular_file(error) || !StartsWith(name, "run_") || !EndsWith(name, ".json")) {
                    continue;
                }
                auto time = it->last_write_time(error);
                if (!newest || time > newest_time || (time == newest_time && it->path() > *newest)) {
                    newest = it->path();
                    newest_time = time;
                }
            }
        }
        JsonCheck check = story.check;
        check.operand = Expand(check.operand);
        std::string summary = "story " + story.directory + " " + OperatorText(check);
        if (!newest) {
            Check(record.line,
                  false,
                  summary,
                  "no run_*.json under " + directory.string() + "; it holds:\n" + DescribeDirectory(directory));
            return;
        }
        nlohmann::json document = nlohmann::json::parse(ReadFileBytes(*newest).value_or(""), nullptr, false);
        if (document.is_discarded()) {
            Check(record.line, false, summary, newest->string() + " is not valid JSON");
            return;
        }
        auto result = EvaluateJsonCheck(document, check);
        Check(record.line, result.passed, summary, "story file " + newest->string() + "\n  " + result.detail);
    }

    void ExecuteBody(const Record& record, const FileRecord& file) {
        fs::path path = Resolve(file.path);
        std::error_code error;
        switch (file.kind) {
        case FileRecord::Kind::EXISTS:
            Check(record.line,
                  fs::exists(path, error),
                  file.path + " does not exist",
                  "its directory holds:\n" + DescribeDirectory(path.parent_path()));
            return;
        case FileRecord::Kind::NOT_EXISTS:
            Check(record.line, !fs::exists(path, error), file.path + " exists");
            return;
        case FileRecord::Kind::CONTAINS: {
            auto content = ReadFileBytes(path);
            std::string wanted = Expand(file.other);
            if (!content || fs::is_directory(path, error)) {
                Check(record.line, false, file.path + " cannot be read");
                return;
            }
            Check(record.line,
                  content->find(wanted) != std::string::npos,
                  file.path + " does not contain: " + wanted,
                  "content:\n" + Excerpt(*content));
            return;
        }
        case FileRecord::Kind::GLOB_COUNT: {
            auto matches = GlobFiles(directory_, Expand(file.path));
            std::string listing;
            for (const auto& match : matches) {
                listing += "    " + match + "\n";
            }
            Check(record.line,
                  static_cast<long long>(matches.size()) == file.count,
                  "glob " + file.path + " matched " + std::to_string(matches.size()) + " paths, expected " +
                      std::to_string(file.count),
                  listing.empty() ? "" : "matches:\n" + listing);
            return;
        }
        case FileRecord::Kind::EQUALS: {
            fs::path other = Resolve(file.other);
            auto difference = DescribeDifference(TakeSnapshot(path), TakeSnapshot(other));
            bool both_exist = fs::exists(path, error) && fs::exists(other, error);
            Check(record.line,
                  both_exist && !difference,
                  file.path + " and " + file.other + " differ",
                  both_exist ? "from the first to the second: " + difference.value_or("")
                             : std::string("one of them does not exist"));
            return;
        }
        case FileRecord::Kind::SNAPSHOT:
            snapshots_[file.other] = TakeSnapshot(path);
            return;
        case FileRecord::Kind::UNCHANGED: {
            auto found = snapshots_.find(file.other);
            if (found == snapshots_.end()) {
                Check(record.line, false, "no snapshot named '" + file.other + "' was taken before this line");
                return;
            }
            auto difference = DescribeDifference(found->second, TakeSnapshot(path));
            Check(record.line,
                  !difference,
                  file.path + " changed since snapshot '" + file.other + "'",
                  difference.value_or(""));
            return;
        }
        case FileRecord::Kind::REMOVE:
            fs::remove_all(path, error);
            return;
        case FileRecord::Kind::MAKE_DIRECTORY:
            fs::create_directories(path, error);
            return;
        }
    }

    const TestCase& test_case_;
    const RunnerOptions& options_;
    std::ostream& report_;
    /// The directory of the .test file (made absolute before any change of directory): support scripts
    /// live beside the cases, in tests/e2e/support.
    std::string case_directory_;
    fs::path directory_;
    std::map<std::string, std::string> environment_;
    std::map<std::string, TreeSnapshot> snapshots_;
    std::chrono::seconds time_limit_ = DEFAULT_TIME_LIMIT;
    std::optional<LastCommand> last_command_;
    int checks_ = 0;
    int failures_ = 0;
};

} // namespace

TestOutcome ExecuteTestCase(const TestCase& test_case, const RunnerOptions& options, std::ostream& report) {
    return Executor(test_case, options, report).Run();
}

} // namespace odibi::e2e
