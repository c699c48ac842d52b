// The log sink: library code reports through it and never prints; the CLI decides where lines go.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace odibi {

enum class LogLevel : uint8_t { DEBUG, INFO, WARNING, ERROR };

[[nodiscard]] std::string_view LogLevelName(LogLevel level);

/// A process-wide sink. Every message passes through SecretRegistry redaction before it is delivered.
class Log {
public:
    using Sink = std::function<void(LogLevel, std::string_view)>;

    /// Installs the sink (the CLI's terminal writer, a test collector). Thread-safe.
    static void SetSink(Sink sink);
    static void SetLevel(LogLevel level);
    [[nodiscard]] static LogLevel Level();

    static void Write(LogLevel level, std::string_view message);
    static void Debug(std::string_view message) { Write(LogLevel::DEBUG, message); }
    static void Info(std::string_view message) { Write(LogLevel::INFO, message); }
    static void Warning(std::string_view message) { Write(LogLevel::WARNING, message); }
    static void Error(std::string_view message) { Write(LogLevel::ERROR, message); }
};

/// Secrets known to this process (passwords, keys, tokens). Everything odibi writes out (logs,
/// errors shown to users, stories, catalog rows) goes through Redact first.
class SecretRegistry {
public:
    /// Registers a secret value; values shorter than 4 characters are ignored (too many false hits).
    static void Register(std::string_view secret);
    /// Replaces each registered secret in `text` with "***".
    [[nodiscard]] static std::string Redact(std::string_view text);
};

} // namespace odibi
