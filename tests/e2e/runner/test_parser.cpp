// Parser for .test files: directives, command expectations, file bodies and query blocks.
#include "test_parser.hpp"

#include <algorithm>
#include <charconv>
#include <csignal>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "shell_words.hpp"
#include <nlohmann/json.hpp>

#include "odibi/common/strings.hpp"

namespace odibi::e2e {

namespace {

constexpr std::string_view BLOCK_END = "----";

const std::vector<std::string>& KnownDirectives() {
    static const std::vector<std::string> directives = {
        "copy",          "file",     "env",         "unsetenv",        "odibi",         "run",
        "run-signal",    "sh",       "query",       "query-error",     "query-oracle",  "catalog",
        "catalog-error", "story",    "file-exists", "file-not-exists", "file-contains", "glob-count",
        "file-equals",   "snapshot", "unchanged",   "remove",          "mkdir",         "sleep",
        "timeout",       "exit",     "stdout",      "stderr",          "output"};
    return directives;
}

bool Contains(const std::vector<std::string>& items, const std::string& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

bool IsExpectationDirective(std::string_view directive) {
    return directive == "exit" || directive == "stdout" || directive == "stderr" || directive == "output";
}

// Splits "word rest of line" into the first word and the remainder with surrounding blanks removed.
std::pair<std::string, std::string> SplitFirstWord(std::string_view text) {
    std::string trimmed = Trim(text);
    size_t blank = trimmed.find_first_of(" \t");
    if (blank == std::string::npos) {
        return {trimmed, ""};
    }
    return {trimmed.substr(0, blank), Trim(std::string_view(trimmed).substr(blank))};
}

std::optional<long long> ParseInteger(std::string_view text) {
    long long value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

// "1500ms" -> 1500, "2s" -> 2000, "250" -> 250 when `bare_is_milliseconds`.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text, bool bare_is_milliseconds) {
    static const std::regex pattern(R"(^([0-9]+)(ms|s)?$)");
    std::match_results<std::string_view::const_iterator> match;
    if (!std::regex_match(text.begin(), text.end(), match, pattern)) {
        return std::nullopt;
    }
    auto amount = ParseInteger(std::string_view(&*match[1].first, static_cast<size_t>(match[1].length())));
    if (!amount) {
        return std::nullopt;
    }
    std::string unit = match[2].str();
    if (unit == "s" || (unit.empty() && !bare_is_milliseconds)) {
        return std::chrono::milliseconds(*amount * 1000);
    }
    return std::chrono::milliseconds(*amount);
}

std::optional<int> SignalNumber(std::string_view name) {
    std::string upper = ToUpper(name);
    if (StartsWith(upper, "SIG")) {
        upper = upper.substr(3);
    }
    static const std::vector<std::pair<std::string, int>> signals = {{"INT", SIGINT},
                                                                     {"TERM", SIGTERM},
                                                                     {"HUP", SIGHUP},
                                                                     {"KILL", SIGKILL},
                                                                     {"QUIT", SIGQUIT},
                                                                     {"USR1", SIGUSR1},
                                                                     {"USR2", SIGUSR2}};
    for (const auto& [signal_name, number] : signals) {
        if (signal_name == upper) {
            return number;
        }
    }
    return std::nullopt;
}

std::optional<SortMode> ParseSortMode(std::string_view text) {
    if (text == "nosort") {
        return SortMode::NO_SORT;
    }
    if (text == "rowsort") {
        return SortMode::ROW_SORT;
    }
    if (text == "valuesort") {
        return SortMode::VALUE_SORT;
    }
    return std::nullopt;
}

bool IsValidEnvironmentName(std::string_view name) {
    static const std::regex pattern("^[A-Za-z_][A-Za-z0-9_]*$");
    return std::regex_match(name.begin(), name.end(), pattern);
}

class Parser {
public:
    Parser(std::string path, const std::string& text) : path_(std::move(path)) {
        std::string line;
        std::istringstream stream(text);
        while (std::getline(stream, line)) {
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            lines_.push_back(line);
        }
    }

    TestCase Parse() {
        TestCase test_case;
        test_case.path = path_;
        bool command_open = false;
        while (index_ < lines_.size()) {
            int line_number = static_cast<int>(index_) + 1;
            std::string trimmed = Trim(lines_[index_]);
            if (trimmed.empty() || trimmed.front() == '#') {
                ++index_;
                continue;
            }
            auto [directive, rest] = SplitFirstWord(trimmed);
            ++index_;
            if (IsExpectationDirective(directive)) {
                if (!command_open) {
                    Fail(line_number,
                         "'" + directive +
                             "' checks the outcome of a command and must follow odibi, run, run-signal "
                             "or sh (only blank and # lines may come between)");
                }
                auto& command = std::get<CommandRecord>(test_case.records.back().body);
                command.expectations.push_back(ParseExpectation(line_number, directive, rest));
                continue;
            }
            Record record;
            record.line = line_number;
            record.directive = directive;
            record.body = ParseRecordBody(line_number, directive, rest);
            CheckSnapshotName(line_number, record.body);
            command_open = std::holds_alternative<CommandRecord>(record.body);
            test_case.records.push_back(std::move(record));
        }
        return test_case;
    }

private:
    [[noreturn]] void Fail(int line, const std::string& message) const { throw ParseError(path_, line, message); }

    // `unchanged` may only name a snapshot taken on an earlier line.
    void CheckSnapshotName(int line, const RecordBody& body) {
        const auto* file = std::get_if<FileRecord>(&body);
        if (file == nullptr) {
            return;
        }
        if (file->kind == FileRecord::Kind::SNAPSHOT) {
            snapshot_names_.insert(file->other);
        } else if (file->kind == FileRecord::Kind::UNCHANGED && !snapshot_names_.contains(file->other)) {
            Fail(line, "'unchanged' names the snapshot '" + file->other + "', but no earlier 'snapshot' line takes it");
        }
    }

    std::vector<std::string> Words(int line, std::string_view text) const {
        try {
            std::vector<std::string> words;
            for (auto& word : SplitShellWords(text)) {
                words.push_back(std::move(word.text));
            }
            return words;
        } catch (const std::invalid_argument& error) {
            Fail(line, error.what());
        }
    }

    std::vector<std::string> ExactWords(
        int line, std::string_view directive, std::string_view text, size_t count, std::string_view usage) const {
        auto words = Words(line, text);
        if (words.size() != count) {
            Fail(line, "usage: " + std::string(directive) + " " + std::string(usage));
        }
        return words;
    }

    RecordBody ParseRecordBody(int line, const std::string& directive, const std::string& rest) {
        if (directive == "odibi" || directive == "run") {
            return ParseOdibiCommand(line, directive, rest);
        }
        if (directive == "run-signal") {
            return ParseSignalCommand(line, rest);
        }
        if (directive == "sh") {
            if (rest.empty()) {
                Fail(line, "usage: sh <shell command line>");
            }
            CommandRecord command;
            command.program = CommandRecord::Program::SHELL;
            command.source_text = "sh " + rest;
            command.args = {rest};
            return command;
        }
        if (directive == "copy") {
            auto words = ExactWords(line, directive, rest, 2, "<shared-relative-path> <destination>");
            return CopyRecord{words[0], words[1]};
        }
        if (directive == "file") {
            return ParseFileBlock(line, rest);
        }
        if (directive == "env") {
            size_t equals = rest.find('=');
            if (equals == std::string::npos || !IsValidEnvironmentName(rest.substr(0, equals))) {
                Fail(line, "usage: env NAME=value (NAME made of letters, digits and _)");
            }
            return SetEnvRecord{rest.substr(0, equals), rest.substr(equals + 1)};
        }
        if (directive == "unsetenv") {
            auto words = ExactWords(line, directive, rest, 1, "NAME");
            if (!IsValidEnvironmentName(words[0])) {
                Fail(line, "invalid environment variable name '" + words[0] + "'");
            }
            return UnsetEnvRecord{words[0]};
        }
        if (directive == "query" || directive == "query-error" || directive == "catalog" ||
            directive == "catalog-error") {
            return ParseQuery(line, directive, rest);
        }
        if (directive == "query-oracle") {
            return ParseOracleQuery(line, directive, rest);
        }
        if (directive == "story") {
            return ParseStory(line, rest);
        }
        if (directive == "sleep" || directive == "timeout") {
            return ParseTiming(line, directive, rest);
        }
        return ParseFileCheck(line, directive, rest);
    }

    CommandRecord ParseOdibiCommand(int line, const std::string& directive, const std::string& rest) {
        CommandRecord command;
        command.source_text = directive + (rest.empty() ? "" : " " + rest);
        std::vector<ShellWord> words;
        try {
            words = SplitShellWords(rest);
        } catch (const std::invalid_argument& error) {
            Fail(line, error.what());
        }
        AssignArguments(line, words, command);
        return command;
    }

    void AssignArguments(int line, const std::vector<ShellWord>& words, CommandRecord& command) const {
        for (size_t index = 0; index < words.size(); ++index) {
            if (!words[index].quoted && words[index].text == "<") {
                if (index + 2 != words.size()) {
                    Fail(line, "'<' must be followed by exactly one path, at the end of the command");
                }
                command.stdin_path = words[index + 1].text;
                return;
            }
            command.args.push_back(words[index].text);
        }
    }

    CommandRecord ParseSignalCommand(int line, const std::string& rest) {
        std::vector<ShellWord> words;
        try {
            words = SplitShellWords(rest);
        } catch (const std::invalid_argument& error) {
            Fail(line, error.what());
        }
        if (words.size() < 3 || words[1].text != "after") {
            Fail(line, "usage: run-signal <SIGNAL> after <N ms|N s|text [+N ms]> <odibi arguments...>");
        }
        CommandRecord command;
        command.source_text = "run-signal " + rest;
        auto number = SignalNumber(words[0].text);
        if (!number) {
            Fail(line,
                 "unknown signal '" + words[0].text +
                     "' (use SIGINT, SIGTERM, SIGHUP, SIGKILL, SIGQUIT, SIGUSR1, SIGUSR2)");
        }
        command.signal_number = number;
        command.signal_name = words[0].text;
        auto delay = words[2].quoted ? std::nullopt : ParseDuration(words[2].text, false);
        if (delay && !EndsWith(words[2].text, "s")) {
            Fail(line, "give the delay a unit (e.g. " + words[2].text + "ms), or quote it to wait for that text");
        }
        if (delay) {
            command.signal_delay = delay;
        } else {
            if (words[2].text.empty()) {
                Fail(line, "run-signal needs a non-empty trigger text or a delay such as 1500ms");
            }
            command.signal_trigger = words[2].text;
        }
        size_t first_argument = 3;
        if (words.size() > 3 && !words[3].quoted && StartsWith(words[3].text, "+")) {
            auto extra = ParseDuration(std::string_view(words[3].text).substr(1), false);
            if (!extra || !EndsWith(words[3].text, "s") || command.signal_delay) {
                Fail(line, "'" + words[3].text + "': a wait after the trigger text looks like +500ms or +2s");
            }
            command.signal_delay_after_trigger = extra;
            first_argument = 4;
        }
        AssignArguments(line, std::vector<ShellWord>(words.begin() + first_argument, words.end()), command);
        return command;
    }

    WriteFileRecord ParseFileBlock(int line, const std::string& rest) {
        auto words = ExactWords(line, "file", rest, 1, "<relative-path>, then the content, then a line ----");
        std::string content;
        while (index_ < lines_.size()) {
            const std::string& body_line = lines_[index_];
            ++index_;
            if (body_line == BLOCK_END) {
                return WriteFileRecord{words[0], content};
            }
            content += body_line;
            content += '\n';
        }
        Fail(line, "the content of 'file " + words[0] + "' is not closed by a line ----");
    }

    QueryRecord ParseQuery(int line, const std::string& directive, const std::string& rest) {
        QueryRecord query;
        bool expects_error = EndsWith(directive, "-error");
        std::string arguments = rest;
        if (StartsWith(directive, "catalog")) {
            query.database = QueryRecord::Database::SQLITE;
            auto [path, remainder] = SplitFirstWord(rest);
            if (path.empty()) {
                Fail(line,
                     "usage: " + directive + " <catalog.db path> " +
                         (expects_error ? "<error fragment>" : "<sort mode>"));
            }
            query.sqlite_path = path;
            arguments = remainder;
        }
        if (expects_error) {
            if (arguments.empty()) {
                Fail(line, directive + " needs the error text to expect, e.g. " + directive + " Catalog Error");
            }
            query.error_fragment = arguments;
        } else {
            auto sort_mode = ParseSortMode(arguments);
            if (!sort_mode) {
                Fail(line,
                     "'" + directive + "' needs a sort mode: nosort, rowsort or valuesort (got '" + arguments + "')");
            }
            query.sort_mode = *sort_mode;
        }
        bool saw_separator = false;
        while (index_ < lines_.size()) {
            const std::string& sql_line = lines_[index_];
            if (Trim(sql_line).empty()) {
                break;
            }
            ++index_;
            if (sql_line == BLOCK_END) {
                saw_separator = true;
                break;
            }
            query.sql += sql_line;
            query.sql += '\n';
        }
        if (Trim(query.sql).empty()) {
            Fail(line, "'" + directive + "' has no SQL on the lines that follow it");
        }
        if (expects_error) {
            if (saw_separator) {
                Fail(line, "'" + directive + "' takes no expected rows: end its SQL with a blank line, not ----");
            }
            return query;
        }
        if (!saw_separator) {
            Fail(line, "'" + directive + "': the SQL must be followed by a line ---- and the expected rows");
        }
        while (index_ < lines_.size() && !Trim(lines_[index_]).empty()) {
            const std::string& row = lines_[index_];
            // Rows end only at a blank line; a directive right after them is read as a row. Keep its
            // line so that a failed comparison can point at the missing blank line.
            bool looks_like_directive =
                row.find('\t') == std::string::npos && Contains(KnownDirectives(), SplitFirstWord(row).first);
            if (looks_like_directive && query.directive_like_row_line == 0) {
                query.directive_like_row_line = static_cast<int>(index_) + 1;
            }
            query.expected_rows.push_back(row);
            ++index_;
        }
        return query;
    }

    // `query-oracle <sort mode>`, the SQL under test, `----`, then the oracle SQL up to a blank line.
    QueryRecord ParseOracleQuery(int line, const std::string& directive, const std::string& rest) {
        QueryRecord query;
        auto sort_mode = ParseSortMode(rest);
        if (!sort_mode) {
            Fail(line, "'" + directive + "' needs a sort mode: nosort, rowsort or valuesort (got '" + rest + "')");
        }
        query.sort_mode = *sort_mode;
        bool saw_separator = false;
        while (index_ < lines_.size() && !Trim(lines_[index_]).empty()) {
            const std::string& sql_line = lines_[index_++];
            if (sql_line == BLOCK_END) {
                saw_separator = true;
                break;
            }
            query.sql += sql_line + '\n';
        }
        if (Trim(query.sql).empty()) {
            Fail(line, "'" + directive + "' has no SQL on the lines that follow it");
        }
        if (!saw_separator) {
            Fail(line, "'" + directive + "': the SQL must be followed by a line ---- and the oracle SQL");
        }
        std::string oracle;
        while (index_ < lines_.size() && !Trim(lines_[index_]).empty()) {
            oracle += lines_[index_++] + '\n';
        }
        if (Trim(oracle).empty()) {
            Fail(line, "'" + directive + "' has no oracle SQL after its ---- line");
        }
        query.oracle_sql = oracle;
        return query;
    }

    StoryRecord ParseStory(int line, const std::string& rest) {
        auto [directory, check_text] = SplitFirstWord(rest);
        if (directory.empty() || check_text.empty()) {
            Fail(line, "usage: story <story dir> <json-pointer> [length] <op> <value>");
        }
        try {
            return StoryRecord{directory, ParseJsonCheck(check_text)};
        } catch (const std::invalid_argument& error) {
            Fail(line, error.what());
        }
    }

    RecordBody ParseTiming(int line, const std::string& directive, const std::string& rest) {
        bool is_sleep = directive == "sleep";
        auto duration = ParseDuration(rest, is_sleep);
        if (!duration) {
            Fail(line,
                 is_sleep ? "usage: sleep <milliseconds> (e.g. 200, 200ms or 2s)"
                          : "usage: timeout <seconds> (e.g. 120 or 120s)");
        }
        if (is_sleep) {
            return SleepRecord{*duration};
        }
        if (duration->count() <= 0) {
            Fail(line, "timeout must be positive");
        }
        return TimeoutRecord{std::chrono::duration_cast<std::chrono::seconds>(*duration)};
    }

    FileRecord ParseFileCheck(int line, const std::string& directive, const std::string& rest) {
        FileRecord record;
        if (directive == "file-exists" || directive == "file-not-exists" || directive == "remove" ||
            directive == "mkdir") {
            auto words = ExactWords(line, directive, rest, 1, "<path>");
            record.path = words[0];
            record.kind = directive == "file-exists"       ? FileRecord::Kind::EXISTS
                          : directive == "file-not-exists" ? FileRecord::Kind::NOT_EXISTS
                          : directive == "remove"          ? FileRecord::Kind::REMOVE
                                                           : FileRecord::Kind::MAKE_DIRECTORY;
            return record;
        }
        if (directive == "file-contains") {
            auto [path, text] = SplitFirstWord(rest);
            if (path.empty() || text.empty()) {
                Fail(line, "usage: file-contains <path> <text>");
            }
            record.kind = FileRecord::Kind::CONTAINS;
            record.path = path;
            record.other = text;
            return record;
        }
        if (directive == "glob-count") {
            auto words = ExactWords(line, directive, rest, 2, "<pattern> <count>");
            auto count = ParseInteger(words[1]);
            if (!count || *count < 0) {
                Fail(line, "glob-count needs a non-negative count, got '" + words[1] + "'");
            }
            record.kind = FileRecord::Kind::GLOB_COUNT;
            record.path = words[0];
            record.count = *count;
            return record;
        }
        if (directive == "file-equals" || directive == "snapshot" || directive == "unchanged") {
            auto words = ExactWords(line,
                                    directive,
                                    rest,
                                    2,
                                    directive == "file-equals" ? "<path> <other path>" : "<path> <snapshot name>");
            record.kind = directive == "file-equals" ? FileRecord::Kind::EQUALS
                          : directive == "snapshot"  ? FileRecord::Kind::SNAPSHOT
                                                     : FileRecord::Kind::UNCHANGED;
            record.path = words[0];
            record.other = words[1];
            return record;
        }
        std::string message = "unknown directive '" + directive + "'";
        std::string hint = DidYouMean(directive, KnownDirectives());
        if (!hint.empty()) {
            message += ". " + hint;
        }
        Fail(line, message);
    }

    Expectation ParseExpectation(int line, const std::string& directive, const std::string& rest) {
        Expectation expectation;
        expectation.line = line;
        if (directive == "exit") {
            expectation.kind = Expectation::Kind::EXIT_CODE;
            if (rest == "any") {
                return expectation;
            }
            auto code = ParseInteger(rest);
            if (!code || *code < 0 || *code > 255) {
                Fail(line, "usage: exit <code 0-255> | exit any");
            }
            expectation.exit_code = static_cast<int>(*code);
            return expectation;
        }
        expectation.stream = directive == "stdout"   ? Stream::STDOUT
                             : directive == "stderr" ? Stream::STDERR
                                                     : Stream::OUTPUT;
        auto [verb, text] = SplitFirstWord(rest);
        if (verb == "not") {
            auto [second, remainder] = SplitFirstWord(text);
            if (second != "contains") {
                Fail(line, "usage: " + directive + " not contains <text>");
            }
            verb = "not-contains";
            text = remainder;
        }
        if (verb == "json") {
            expectation.kind = Expectation::Kind::JSON;
            try {
                expectation.json = ParseJsonCheck(text);
            } catch (const std::invalid_argument& error) {
                Fail(line, error.what());
            }
            return expectation;
        }
        if (text.empty()) {
            Fail(line,
                 "usage: " + directive + " contains|not contains|matches <text> or " + directive +
                     " json <pointer> <op> <value>");
        }
        expectation.text = text;
        if (verb == "contains") {
            expectation.kind = Expectation::Kind::CONTAINS;
        } else if (verb == "not-contains") {
            expectation.kind = Expectation::Kind::NOT_CONTAINS;
        } else if (verb == "matches") {
            expectation.kind = Expectation::Kind::MATCHES;
            try {
                std::regex check(text);
            } catch (const std::regex_error& error) {
                Fail(line, "invalid regular expression '" + text + "': " + error.what());
            }
        } else {
            Fail(line,
                 "unknown check '" + verb + "' after " + directive + " (use contains, not contains, matches or json)");
        }
        return expectation;
    }

    std::string path_;
    std::vector<std::string> lines_;
    std::set<std::string> snapshot_names_;
    size_t index_ = 0;
};

} // namespace

JsonCheck ParseJsonCheck(const std::string& text) {
    JsonCheck check;
    std::string rest;
    if (!text.empty() && (text.front() == '"' || text.front() == '\'')) {
        char quote = text.front();
        size_t close = text.find(quote, 1);
        if (close == std::string::npos) {
            throw std::invalid_argument("unterminated quoted JSON pointer");
        }
        check.pointer = text.substr(1, close - 1);
        rest = Trim(std::string_view(text).substr(close + 1));
    } else {
        auto [pointer, remainder] = SplitFirstWord(text);
        check.pointer = pointer;
        rest = remainder;
    }
    if (!check.pointer.empty() && check.pointer.front() != '/') {
        throw std::invalid_argument("a JSON pointer starts with / (e.g. /nodes/0/status), got '" + check.pointer + "'");
    }
    auto [first, after_first] = SplitFirstWord(rest);
    if (first == "length") {
        check.length = true;
        std::tie(first, after_first) = SplitFirstWord(after_first);
    }
    if (first == "not") {
        auto [second, remainder] = SplitFirstWord(after_first);
        if (second == "contains") {
            first = "not-contains";
        } else if (second == "exists") {
            first = "not-exists";
        } else {
            throw std::invalid_argument("expected 'not contains' or 'not exists'");
        }
        after_first = remainder;
    }
    static const std::vector<std::pair<std::string, CompareOp>> operators = {{"==", CompareOp::EQUAL},
                                                                             {"!=", CompareOp::NOT_EQUAL},
                                                                             {"<", CompareOp::LESS},
                                                                             {"<=", CompareOp::LESS_EQUAL},
                                                                             {">", CompareOp::GREATER},
                                                                             {">=", CompareOp::GREATER_EQUAL},
                                                                             {"contains", CompareOp::CONTAINS},
                                                                             {"not-contains", CompareOp::NOT_CONTAINS},
                                                                             {"exists", CompareOp::EXISTS},
                                                                             {"not-exists", CompareOp::MISSING}};
    bool found = false;
    for (const auto& [name, op] : operators) {
        if (name == first) {
            check.op = op;
            found = true;
        }
    }
    if (!found) {
        throw std::invalid_argument("expected an operator (==, !=, <, <=, >, >=, contains, not contains, exists, "
                                    "not exists) after the pointer, got '" +
                                    first + "'");
    }
    check.operand = after_first;
    bool takes_operand = check.op != CompareOp::EXISTS && check.op != CompareOp::MISSING;
    if (!takes_operand) {
        if (!check.operand.empty() || check.length) {
            throw std::invalid_argument("'exists' takes no value and no 'length'");
        }
        return check;
    }
    if (check.operand.empty()) {
        throw std::invalid_argument("the comparison needs a value after '" + first + "'");
    }
    if (check.op == CompareOp::CONTAINS || check.op == CompareOp::NOT_CONTAINS) {
        if (check.length) {
            throw std::invalid_argument("'length' compares sizes: use ==, !=, <, <=, > or >=");
        }
        return check;
    }
    if (check.length && !ParseInteger(check.operand)) {
        throw std::invalid_argument("'length' compares with an integer, got '" + check.operand + "'");
    }
    if (!nlohmann::json::accept(check.operand)) {
        throw std::invalid_argument("the value '" + check.operand +
                                    "' is not JSON (quote strings: \"success\"; numbers, true, false, null as is)");
    }
    return check;
}

TestCase ParseTestText(const std::string& path, const std::string& text) {
    return Parser(path, text).Parse();
}

TestCase ParseTestFile(const std::string& path) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        throw ParseError(path, 0, "cannot open the test file");
    }
    std::ostringstream content;
    content << stream.rdbuf();
    return ParseTestText(path, content.str());
}

} // namespace odibi::e2e
