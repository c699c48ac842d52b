// The Error type's rendering and the named constructors that keep error wording in one place.
#include "odibi/common/error.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi {

std::string SourceLocation::ToString() const {
    std::string text = file;
    if (!file.empty() && line > 0) {
        text += fmt::format(":{}", line);
        if (column > 0) {
            text += fmt::format(":{}", column);
        }
    }
    if (!path.empty()) {
        if (!text.empty()) {
            text += " ";
        }
        text += path;
    }
    return text;
}

Error::Error(ErrorCode code, ErrorSource source, std::string message)
    : code_(code), source_(source), message_(std::move(message)) {
    RefreshText();
}

Error& Error::WithPhase(std::string phase) {
    phase_ = std::move(phase);
    RefreshText();
    return *this;
}

Error& Error::WithLocation(SourceLocation location) {
    location_ = std::move(location);
    RefreshText();
    return *this;
}

Error& Error::WithContext(std::string key, std::string value) {
    context_.emplace_back(std::move(key), std::move(value));
    RefreshText();
    return *this;
}

Error& Error::WithSuggestion(std::string suggestion) {
    if (!suggestion.empty()) {
        suggestions_.push_back(std::move(suggestion));
        RefreshText();
    }
    return *this;
}

std::string Error::CodeString() const {
    return ErrorCodeString(code_);
}

void Error::RefreshText() {
    full_text_ = location_.Empty() ? fmt::format("{}: {}", CodeString(), message_)
                                   : fmt::format("{}: {}: {}", location_.ToString(), CodeString(), message_);
}

std::string Error::Render() const {
    std::string text = fmt::format("error[{}]: {}\n", CodeString(), message_);
    if (!location_.Empty()) {
        text += fmt::format("  at: {}\n", location_.ToString());
    }
    if (!phase_.empty()) {
        text += fmt::format("  phase: {}\n", phase_);
    }
    for (const auto& [key, value] : context_) {
        if (value.find('\n') != std::string::npos) {
            text += fmt::format("  {}:\n", key);
            for (const auto& line : Split(value, '\n')) {
                text += fmt::format("    {}\n", line);
            }
        } else {
            text += fmt::format("  {}: {}\n", key, value);
        }
    }
    if (!suggestions_.empty()) {
        text += "  suggestions:\n";
        for (size_t index = 0; index < suggestions_.size(); ++index) {
            text += fmt::format("    {}. {}\n", index + 1, suggestions_[index]);
        }
    }
    return text;
}

std::string ErrorCodeString(ErrorCode code) {
    return fmt::format("E{:03}", static_cast<int>(code));
}

std::string_view ErrorSourceName(ErrorSource source) {
    switch (source) {
    case ErrorSource::USER:
        return "USER";
    case ErrorSource::EXTERNAL:
        return "EXTERNAL";
    case ErrorSource::INTERNAL:
        return "INTERNAL";
    }
    return "INTERNAL";
}

Diagnostic Diagnostic::FromError(const Error& error, Severity severity) {
    Diagnostic diagnostic;
    diagnostic.severity = severity;
    diagnostic.code = error.Code();
    diagnostic.message = error.Message();
    diagnostic.location = error.Location();
    diagnostic.suggestions = error.Suggestions();
    return diagnostic;
}

std::string Diagnostic::Render() const {
    std::string level = severity == Severity::ERROR ? "error" : severity == Severity::WARNING ? "warning" : "info";
    std::string text;
    if (!location.Empty()) {
        text += location.ToString() + ": ";
    }
    text += fmt::format("{}[{}]: {}", level, ErrorCodeString(code), message);
    for (const auto& suggestion : suggestions) {
        text += fmt::format("\n    fix: {}", suggestion);
    }
    return text;
}

bool DiagnosticList::HasErrors() const {
    return ErrorCount() > 0;
}

size_t DiagnosticList::ErrorCount() const {
    size_t count = 0;
    for (const auto& item : items_) {
        if (item.severity == Severity::ERROR) {
            ++count;
        }
    }
    return count;
}

void DiagnosticList::Append(const DiagnosticList& other) {
    for (const auto& item : other.items_) {
        bool reported =
            !item.location.path.empty() && std::any_of(items_.begin(), items_.end(), [&](const Diagnostic& existing) {
                return existing.severity == item.severity && existing.code == item.code &&
                       existing.location.path == item.location.path;
            });
        if (!reported) {
            items_.push_back(item);
        }
    }
}

void DiagnosticList::ThrowIfErrors(std::string_view what) const {
    if (!HasErrors()) {
        return;
    }
    std::vector<Diagnostic> errors;
    for (const auto& item : items_) {
        if (item.severity == Severity::ERROR) {
            errors.push_back(item);
        }
    }
    std::string message = fmt::format("{} has {} error{}:", what, errors.size(), errors.size() == 1 ? "" : "s");
    for (const auto& error : errors) {
        message += "\n  " + error.Render();
    }
    // Read the first code before the vector is moved: argument evaluation order is unspecified.
    ErrorCode first_code = errors.front().code;
    throw DiagnosticsError(first_code, std::move(message), std::move(errors));
}

DiagnosticsError::DiagnosticsError(ErrorCode first_code, std::string message, std::vector<Diagnostic> diagnostics)
    : Error(first_code, ErrorSource::USER, std::move(message)), diagnostics_(std::move(diagnostics)) {}

Error ConfigError::UnknownKey(std::string_view model,
                              std::string_view key,
                              const std::vector<std::string>& allowed,
                              SourceLocation location) {
    Error error(ErrorCode::UNKNOWN_KEY,
                ErrorSource::USER,
                fmt::format("unknown key \"{}\" in {}. {}", key, model, DidYouMean(key, allowed)));
    error.WithLocation(std::move(location));
    auto closest = ClosestMatch(key, allowed);
    if (closest) {
        error.WithSuggestion(fmt::format("rename \"{}\" to \"{}\"", key, *closest));
    }
    error.WithSuggestion(fmt::format("allowed keys for {}: {}", model, Join(allowed, ", ")));
    return error;
}

Error ConfigError::MissingKey(std::string_view model, std::string_view key, SourceLocation location) {
    Error error(ErrorCode::MISSING_KEY, ErrorSource::USER, fmt::format("{} requires the key \"{}\"", model, key));
    error.WithLocation(std::move(location));
    error.WithSuggestion(fmt::format("add \"{}:\" to this {}", key, model));
    return error;
}

Error ConfigError::InvalidEnum(std::string_view key,
                               std::string_view value,
                               const std::vector<std::string>& allowed,
                               SourceLocation location) {
    std::string message =
        fmt::format("invalid value \"{}\" for \"{}\"; valid values are {}", value, key, QuotedList(allowed));
    std::string hint = DidYouMean(value, allowed);
    if (!hint.empty()) {
        message += ". " + hint;
    }
    Error error(ErrorCode::INVALID_VALUE, ErrorSource::USER, std::move(message));
    error.WithLocation(std::move(location));
    auto closest = ClosestMatch(value, allowed);
    error.WithSuggestion(closest ? fmt::format("use {}: {}", key, *closest)
                                 : fmt::format("use one of {}", QuotedList(allowed)));
    return error;
}

Error ConfigError::InvalidType(std::string_view key,
                               std::string_view expected,
                               std::string_view found,
                               SourceLocation location) {
    Error error(
        ErrorCode::INVALID_TYPE, ErrorSource::USER, fmt::format("\"{}\" must be {}, found {}", key, expected, found));
    error.WithLocation(std::move(location));
    error.WithSuggestion(fmt::format("write \"{}\" as {}", key, expected));
    return error;
}

namespace {

Error UserConfigError(ErrorCode code, std::string message, SourceLocation location, std::string suggestion) {
    Error error(code, ErrorSource::USER, std::move(message));
    error.WithLocation(std::move(location));
    if (!suggestion.empty()) {
        error.WithSuggestion(std::move(suggestion));
    }
    return error;
}

} // namespace

Error ConfigError::InvalidValue(std::string message, SourceLocation location, std::string suggestion) {
    return UserConfigError(ErrorCode::INVALID_VALUE, std::move(message), std::move(location), std::move(suggestion));
}

Error ConfigError::Missing(std::string message, SourceLocation location, std::string suggestion) {
    return UserConfigError(ErrorCode::MISSING_KEY, std::move(message), std::move(location), std::move(suggestion));
}

Error ConfigError::Conflict(std::string_view first,
                            std::string_view second,
                            SourceLocation location,
                            std::string suggestion) {
    return UserConfigError(ErrorCode::CONFLICTING_KEYS,
                           fmt::format("\"{}\" and \"{}\" cannot be used together", first, second),
                           std::move(location),
                           std::move(suggestion));
}

Error ConfigError::Ignored(std::string message, SourceLocation location, std::string suggestion) {
    return UserConfigError(ErrorCode::SETTING_IGNORED, std::move(message), std::move(location), std::move(suggestion));
}

Error ConfigError::NotSupportedYet(std::string_view key, std::string_view why, SourceLocation location) {
    Error error(
        ErrorCode::NOT_SUPPORTED_YET,
        ErrorSource::USER,
        fmt::format(
            "not supported yet: {}{}{}", key, why.empty() ? "" : " (", why.empty() ? "" : fmt::format("{})", why)));
    error.WithLocation(std::move(location));
    error.WithSuggestion(fmt::format("remove \"{}\" from this configuration until odibi supports it", key));
    return error;
}

Error InternalError(std::string message) {
    return Error(ErrorCode::INTERNAL, ErrorSource::INTERNAL, std::move(message));
}

} // namespace odibi
