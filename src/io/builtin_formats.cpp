// The one list of built-in formats, and format lookup by name with helpful errors.
#include "format.hpp"
#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::io {
namespace {

// Format names of Odibi's YAML (`format:` of read and write) that this build does not read or write.
const std::vector<std::string>& FormatsNotBuiltYet() {
    static const std::vector<std::string> names = {
        "sql", "api", "excel", "avro", "cloudFiles", "sql_server", "azure_sql", "simulation"};
    return names;
}

std::vector<std::unique_ptr<Format>> MakeBuiltinFormats() {
    std::vector<std::unique_ptr<Format>> formats;
    formats.push_back(MakeCsvFormat());
    formats.push_back(MakeParquetFormat());
    formats.push_back(MakeJsonFormat());
    formats.push_back(MakeDeltaFormat());
    return formats;
}

} // namespace

const std::vector<std::unique_ptr<Format>>& BuiltinFormats() {
    static const std::vector<std::unique_ptr<Format>> formats = MakeBuiltinFormats();
    return formats;
}

const Format* TryGetFormat(std::string_view name) {
    std::string lowered = ToLower(Trim(name));
    for (const auto& format : BuiltinFormats()) {
        if (format->Name() == lowered) {
            return format.get();
        }
    }
    return nullptr;
}

const Format& GetFormat(std::string_view name, const SourceLocation& location) {
    if (const Format* format = TryGetFormat(name)) {
        return *format;
    }
    std::vector<std::string> built;
    for (const auto& format : BuiltinFormats()) {
        built.emplace_back(format->Name());
    }
    std::string lowered = ToLower(Trim(name));
    for (const auto& later : FormatsNotBuiltYet()) {
        if (ToLower(later) == lowered) {
            Error error(ErrorCode::NOT_SUPPORTED_YET,
                        ErrorSource::USER,
                        fmt::format("format \"{}\" is not supported by this build of odibi yet; it reads and writes {}",
                                    name,
                                    QuotedList(built)));
            error.WithLocation(location);
            error.WithSuggestion(fmt::format("use one of {} for files", QuotedList(built)));
            throw error;
        }
    }
    std::vector<std::string> candidates = built;
    candidates.insert(candidates.end(), FormatsNotBuiltYet().begin(), FormatsNotBuiltYet().end());
    std::string message = fmt::format("unknown format \"{}\"; this build reads and writes {}", name, QuotedList(built));
    std::string hint = DidYouMean(name, candidates);
    if (!hint.empty()) {
        message += ". " + hint;
    }
    Error error(ErrorCode::UNKNOWN_FORMAT, ErrorSource::USER, std::move(message));
    error.WithLocation(location);
    auto closest = ClosestMatch(name, candidates);
    if (closest) {
        error.WithSuggestion(fmt::format("use format: {}", *closest));
    }
    throw error;
}

FormatOptions ParseWriteOptions(const Format& format, const config::WriteConfig& write) {
    OptionCatalog catalog = format.WriteOptions();
    catalog.options.push_back({"keys", {}});
    return FormatOptions::Parse(
        write.options, catalog, OptionScope{std::string(format.Name()), "write", write.config_path + ".options"});
}

FormatOptions ParseReadOptions(const Format& format, const config::Json& options, const std::string& config_path) {
    OptionCatalog catalog = format.ReadOptions();
    catalog.options.push_back({"filter", {}});
    catalog.options.push_back({"query", {}});
    return FormatOptions::Parse(
        options, catalog, OptionScope{std::string(format.Name()), "read", config_path + ".options"});
}

} // namespace odibi::io
