// The parsed form of a .test file: an ordered list of records, each remembering its source line.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace odibi::e2e {

// Which captured stream an expectation looks at; OUTPUT means stdout followed by stderr.
enum class Stream { STDOUT, STDERR, OUTPUT };

// How query results are ordered before they are compared with the expected rows.
enum class SortMode { NO_SORT, ROW_SORT, VALUE_SORT };

enum class CompareOp {
    EQUAL,
    NOT_EQUAL,
    LESS,
    LESS_EQUAL,
    GREATER,
    GREATER_EQUAL,
    CONTAINS,
    NOT_CONTAINS,
    EXISTS,
    MISSING
};

// `<pointer> [length] <op> <value>` applied to a JSON document (stdout or a story).
struct JsonCheck {
    std::string pointer;
    bool length = false; // compare the size of the array, object or string instead of the value
    CompareOp op = CompareOp::EQUAL;
    std::string operand; // JSON text for ==, != and the ordering operators; plain text for contains
};

// One line that follows a command and checks its outcome.
struct Expectation {
    enum class Kind { EXIT_CODE, CONTAINS, NOT_CONTAINS, MATCHES, JSON };
    int line = 0;
    Kind kind = Kind::EXIT_CODE;
    Stream stream = Stream::OUTPUT;
    std::optional<int> exit_code; // EXIT_CODE only; nullopt for `exit any`
    std::string text;             // CONTAINS / NOT_CONTAINS / MATCHES
    JsonCheck json;               // JSON only
};

// `odibi ...`, `run ...`, `run-signal ...` or `sh ...`, with the expectations that follow it.
struct CommandRecord {
    enum class Program { ODIBI, SHELL };
    Program program = Program::ODIBI;
    std::string source_text;       // the command line as written, for reports
    std::vector<std::string> args; // ODIBI: the arguments; SHELL: one element, the shell line
    std::optional<std::string> stdin_path;
    std::optional<int> signal_number; // run-signal only
    std::string signal_name;
    std::optional<std::chrono::milliseconds> signal_delay;               // `after 1500ms`
    std::string signal_trigger;                                          // `after "some text"`
    std::optional<std::chrono::milliseconds> signal_delay_after_trigger; // `after "some text" +500ms`
    std::vector<Expectation> expectations;
};

struct CopyRecord {
    std::string source; // relative to the shared directory
    std::string destination;
};

struct WriteFileRecord {
    std::string path;
    std::string content;
};

struct SetEnvRecord {
    std::string name;
    std::string value;
};

struct UnsetEnvRecord {
    std::string name;
};

// `query`, `query-error`, `query-oracle`, `catalog` and `catalog-error`.
struct QueryRecord {
    enum class Database { DUCKDB, SQLITE };
    Database database = Database::DUCKDB;
    std::string sqlite_path; // SQLITE only, relative to the test directory
    SortMode sort_mode = SortMode::NO_SORT;
    std::string sql;
    std::optional<std::string> error_fragment; // set for the -error forms
    std::optional<std::string> oracle_sql;     // query-oracle: the SQL whose result `sql` must equal
    std::vector<std::string> expected_rows;    // tab-separated values per line
    int directive_like_row_line = 0;           // first expected row that reads like a directive (0: none)
};

// `story <dir> <json check>`.
struct StoryRecord {
    std::string directory;
    JsonCheck check;
};

// Checks and actions on files: file-exists, file-not-exists, file-contains, glob-count,
// file-equals, snapshot, unchanged, remove, mkdir.
struct FileRecord {
    enum class Kind { EXISTS, NOT_EXISTS, CONTAINS, GLOB_COUNT, EQUALS, SNAPSHOT, UNCHANGED, REMOVE, MAKE_DIRECTORY };
    Kind kind = Kind::EXISTS;
    std::string path;
    std::string other; // second path (EQUALS), snapshot name, or text (CONTAINS)
    long long count = 0;
};

struct SleepRecord {
    std::chrono::milliseconds duration{0};
};

struct TimeoutRecord {
    std::chrono::seconds duration{0};
};

using RecordBody = std::variant<CommandRecord,
                                CopyRecord,
                                WriteFileRecord,
                                SetEnvRecord,
                                UnsetEnvRecord,
                                QueryRecord,
                                StoryRecord,
                                FileRecord,
                                SleepRecord,
                                TimeoutRecord>;

struct Record {
    int line = 0;
    std::string directive; // the first word, e.g. "query"
    RecordBody body;
};

struct TestCase {
    std::string path;
    std::vector<Record> records;
};

// A malformed .test file; the runner reports it as `file:line: message` and exits 2.
class ParseError : public std::runtime_error {
public:
    ParseError(std::string file, int line, const std::string& message)
        : std::runtime_error(file + ":" + std::to_string(line) + ": " + message), file_(std::move(file)), line_(line) {}

    [[nodiscard]] const std::string& File() const { return file_; }
    [[nodiscard]] int Line() const { return line_; }

private:
    std::string file_;
    int line_;
};

} // namespace odibi::e2e
