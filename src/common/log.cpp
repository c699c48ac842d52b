// The process-wide log sink and the registry of secrets that are redacted from all output.
#include "odibi/common/log.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>

#include "odibi/common/strings.hpp"

namespace odibi {
namespace {

constexpr size_t MINIMUM_SECRET_LENGTH = 4;

std::mutex sink_mutex; // guards sink()
Log::Sink& CurrentSink() {
    static Log::Sink sink;
    return sink;
}
std::atomic<LogLevel> current_level{LogLevel::INFO};

std::mutex secrets_mutex; // guards Secrets()
std::set<std::string, std::greater<>>& Secrets() {
    // Longest first (std::greater on strings is not length order, so Redact sorts).
    static std::set<std::string, std::greater<>> secrets;
    return secrets;
}

} // namespace

std::string_view LogLevelName(LogLevel level) {
    switch (level) {
    case LogLevel::DEBUG:
        return "DEBUG";
    case LogLevel::INFO:
        return "INFO";
    case LogLevel::WARNING:
        return "WARNING";
    case LogLevel::ERROR:
        return "ERROR";
    }
    return "INFO";
}

void Log::SetSink(Sink sink) {
    std::lock_guard lock(sink_mutex);
    CurrentSink() = std::move(sink);
}

void Log::SetLevel(LogLevel level) {
    current_level = level;
}

LogLevel Log::Level() {
    return current_level;
}

void Log::Write(LogLevel level, std::string_view message) {
    if (level < current_level.load()) {
        return;
    }
    std::string redacted = SecretRegistry::Redact(message);
    std::lock_guard lock(sink_mutex);
    if (CurrentSink()) {
        CurrentSink()(level, redacted);
    }
}

void SecretRegistry::Register(std::string_view secret) {
    if (secret.size() < MINIMUM_SECRET_LENGTH) {
        return;
    }
    std::lock_guard lock(secrets_mutex);
    Secrets().emplace(secret);
}

std::string SecretRegistry::Redact(std::string_view text) {
    std::vector<std::string> secrets;
    {
        std::lock_guard lock(secrets_mutex);
        secrets.assign(Secrets().begin(), Secrets().end());
    }
    // Longer secrets first so that a secret containing another is replaced whole.
    std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    std::string result(text);
    for (const auto& secret : secrets) {
        result = ReplaceAll(std::move(result), secret, "***");
    }
    return result;
}

} // namespace odibi
