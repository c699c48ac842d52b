// The one error type of odibi: a numbered code, a source, a phase, a location and suggestions.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace odibi {

/// Numbered error codes; docs/errors.md lists every one with its cause and fix. Ranges:
/// 1xx config, 2xx graph/plan, 3xx execution, 4xx io, 5xx state/catalog, 6xx quality,
/// 7xx observe, 8xx cli/usage, 9xx internal.
enum class ErrorCode : uint16_t {
    // config (1xx)
    CONFIG_FILE_NOT_FOUND = 100,
    YAML_PARSE_ERROR = 101,
    UNKNOWN_KEY = 102,
    MISSING_KEY = 103,
    INVALID_VALUE = 104,
    INVALID_TYPE = 105,
    MISSING_ENVIRONMENT_VARIABLE = 106,
    NOT_SUPPORTED_YET = 107,
    IMPORT_ERROR = 108,
    RECIPE_ERROR = 109,
    UNKNOWN_CONNECTION = 110,
    INVALID_NAME = 111,
    DUPLICATE_NAME = 112,
    ENGINE_NOT_SUPPORTED = 113,
    CONFLICTING_KEYS = 114,
    UNKNOWN_ENVIRONMENT = 115,
    UNKNOWN_VARIABLE = 116,
    DUPLICATE_KEY = 117,
    SETTING_IGNORED = 118,
    // config: add new codes above this line
    // graph and plan (2xx)
    DEPENDENCY_CYCLE = 200,
    UNKNOWN_DEPENDENCY = 201,
    UNRESOLVED_REFERENCE = 202,
    SELECTION_NOT_FOUND = 203,
    UNKNOWN_TRANSFORMER = 204,
    INVALID_TRANSFORMER_PARAMS = 205,
    NO_PIPELINES = 206,
    UNKNOWN_NODE = 207,
    // graph: add new codes above this line
    // execution (3xx)
    SQL_ERROR = 300,
    NODE_FAILED = 301,
    DEPENDENCY_FAILED = 302,
    INTERRUPTED = 303,
    NODE_HAS_NO_INPUT = 304,
    INCREMENTAL_COLUMN_INVALID = 305,
    HIGH_WATER_MARK_INVALID = 306,
    // execution: add new codes above this line
    // io (4xx)
    INPUT_NOT_FOUND = 400,
    READ_FAILED = 401,
    WRITE_FAILED = 402,
    UNKNOWN_FORMAT = 403,
    INVALID_FORMAT_OPTION = 404,
    MISSING_WRITE_KEYS = 405,
    UNKNOWN_WRITE_COLUMN = 406,
    DELTA_FEATURE_UNSUPPORTED = 407,
    DELTA_LOG_INVALID = 408,
    DELTA_COMMIT_CONFLICT = 409,
    DELTA_VERSION_NOT_FOUND = 410,
    // io: add new codes above this line
    // state and catalog (5xx)
    CATALOG_ERROR = 500,
    STATE_NOT_FOUND = 501,
    WRITE_INTENT_NOT_OPEN = 502,
    STATE_STORE_UNAVAILABLE = 503,
    RECOVERY_FAILED = 504,
    // state: add new codes above this line
    // quality (6xx)
    VALIDATION_FAILED = 600,
    CONTRACT_FAILED = 601,
    QUALITY_GATE_FAILED = 602,
    CIRCUIT_BREAKER_TRIPPED = 603,
    QUALITY_CHECK_INVALID = 604,
    // quality: add new codes above this line
    // observe (7xx)
    STORY_NOT_FOUND = 700,
    STORY_WRITE_FAILED = 701,
    STORY_INVALID = 702,
    // observe: add new codes above this line
    // cli and usage (8xx)
    USAGE_ERROR = 800,
    CONFIRMATION_REQUIRED = 801,
    // cli: add new codes above this line
    // internal (9xx)
    INTERNAL = 900,
};

/// Who is responsible: the user (config, data), an external system (disk, server), or odibi itself.
enum class ErrorSource : uint8_t { USER, EXTERNAL, INTERNAL };

/// Where in the configuration an error points: file:line:col plus the dotted path of the key.
struct SourceLocation {
    std::string file;
    int line = 0;     ///< 1-based; 0 when unknown
    int column = 0;   ///< 1-based; 0 when unknown
    std::string path; ///< e.g. "pipelines[0].nodes[2].write.mode"

    [[nodiscard]] bool Empty() const { return file.empty() && path.empty(); }
    /// "odibi.yaml:42:7 pipelines[0].nodes[3].write.mode" (parts that are unknown are left out).
    [[nodiscard]] std::string ToString() const;
};

/// The root exception. Named constructors in the `*Error` structs below keep wording in one place.
class Error : public std::exception {
public:
    Error(ErrorCode code, ErrorSource source, std::string message);

    [[nodiscard]] const char* what() const noexcept override { return full_text_.c_str(); }
    [[nodiscard]] ErrorCode Code() const { return code_; }
    [[nodiscard]] ErrorSource Source() const { return source_; }
    [[nodiscard]] const std::string& Message() const { return message_; }
    [[nodiscard]] const std::string& Phase() const { return phase_; }
    [[nodiscard]] const SourceLocation& Location() const { return location_; }
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& Context() const { return context_; }
    [[nodiscard]] const std::vector<std::string>& Suggestions() const { return suggestions_; }

    Error& WithPhase(std::string phase);
    Error& WithLocation(SourceLocation location);
    /// Adds a structured fact ("node", "orders"); shown in the terminal and the story.
    Error& WithContext(std::string key, std::string value);
    Error& WithSuggestion(std::string suggestion);

    /// "E102" style code string used in output and docs.
    [[nodiscard]] std::string CodeString() const;
    /// Multi-line text for terminals: message, location, context, numbered suggestions.
    [[nodiscard]] std::string Render() const;

private:
    void RefreshText();

    ErrorCode code_;
    ErrorSource source_;
    std::string message_;
    std::string phase_;
    SourceLocation location_;
    std::vector<std::pair<std::string, std::string>> context_;
    std::vector<std::string> suggestions_;
    std::string full_text_;
};

/// "E102".
[[nodiscard]] std::string ErrorCodeString(ErrorCode code);
/// "USER", "EXTERNAL", "INTERNAL".
[[nodiscard]] std::string_view ErrorSourceName(ErrorSource source);

/// A diagnostic is an error or warning that is collected rather than thrown (validation reports).
enum class Severity : uint8_t { ERROR, WARNING, INFO };

struct Diagnostic {
    Severity severity = Severity::ERROR;
    ErrorCode code = ErrorCode::INTERNAL;
    std::string message;
    SourceLocation location;
    std::vector<std::string> suggestions;

    [[nodiscard]] static Diagnostic FromError(const Error& error, Severity severity = Severity::ERROR);
    /// "odibi.yaml:12:5 pipelines[0].nodes[1].write.mode: E104 invalid value ... (fix: ...)"
    [[nodiscard]] std::string Render() const;
};

/// A collection of diagnostics; thrown as one Error when it holds errors.
class DiagnosticList {
public:
    void Add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
    void AddError(const Error& error) { items_.push_back(Diagnostic::FromError(error)); }
    [[nodiscard]] bool HasErrors() const;
    [[nodiscard]] size_t ErrorCount() const;
    [[nodiscard]] const std::vector<Diagnostic>& Items() const { return items_; }
    /// Adds the diagnostics of `other`, except those already reported: same severity, code and
    /// config path (two checks of one problem, e.g. the config loader's and the planner's).
    void Append(const DiagnosticList& other);
    /// Throws an Error (code of the first error) whose message lists every diagnostic.
    void ThrowIfErrors(std::string_view what) const;

private:
    std::vector<Diagnostic> items_;
};

/// Thrown by DiagnosticList::ThrowIfErrors: keeps every diagnostic for JSON output.
class DiagnosticsError : public Error {
public:
    DiagnosticsError(ErrorCode first_code, std::string message, std::vector<Diagnostic> diagnostics);
    [[nodiscard]] const std::vector<Diagnostic>& Diagnostics() const { return diagnostics_; }

private:
    std::vector<Diagnostic> diagnostics_;
};

/// Named constructors for user-facing configuration errors.
struct ConfigError {
    static Error UnknownKey(std::string_view model,
                            std::string_view key,
                            const std::vector<std::string>& allowed,
                            SourceLocation location);
    static Error MissingKey(std::string_view model, std::string_view key, SourceLocation location);
    static Error InvalidEnum(std::string_view key,
                             std::string_view value,
                             const std::vector<std::string>& allowed,
                             SourceLocation location);
    static Error
    InvalidType(std::string_view key, std::string_view expected, std::string_view found, SourceLocation location);
    static Error NotSupportedYet(std::string_view key, std::string_view why, SourceLocation location);
    /// A value of the right type that is not allowed (out of range, malformed); `suggestion` is the fix.
    static Error InvalidValue(std::string message, SourceLocation location, std::string suggestion = "");
    /// A key that is required in this context (beyond what MissingKey's model names).
    static Error Missing(std::string message, SourceLocation location, std::string suggestion = "");
    static Error
    Conflict(std::string_view first, std::string_view second, SourceLocation location, std::string suggestion);
    /// A setting accepted but without effect (a warning).
    static Error Ignored(std::string message, SourceLocation location, std::string suggestion = "");
};

/// Internal invariant violations (bugs in odibi), never user mistakes.
[[nodiscard]] Error InternalError(std::string message);

} // namespace odibi
