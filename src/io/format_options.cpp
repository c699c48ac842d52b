// Validation and typed access for format options, with "Did you mean ...?" for unknown names.
#include "format_options.hpp"

#include <limits>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::io {
namespace {

std::string JsonTypeName(const config::Json& value) {
    if (value.is_null()) {
        return "null";
    }
    if (value.is_boolean()) {
        return "a boolean";
    }
    if (value.is_number()) {
        return "a number";
    }
    if (value.is_string()) {
        return "a string";
    }
    if (value.is_array()) {
        return "a list";
    }
    return "a mapping";
}

SourceLocation OptionLocation(const OptionScope& scope, std::string_view key) {
    SourceLocation location;
    location.path = scope.config_path.empty() ? std::string(key) : fmt::format("{}.{}", scope.config_path, key);
    return location;
}

} // namespace

std::vector<std::string> OptionCatalog::AllNames() const {
    std::vector<std::string> names;
    for (const auto& option : options) {
        names.push_back(option.name);
        names.insert(names.end(), option.aliases.begin(), option.aliases.end());
    }
    names.insert(names.end(), ignored.begin(), ignored.end());
    return names;
}

const OptionSpec* OptionCatalog::TryFind(std::string_view key) const {
    for (const auto& option : options) {
        if (option.name == key) {
            return &option;
        }
        for (const auto& alias : option.aliases) {
            if (alias == key) {
                return &option;
            }
        }
    }
    std::string lowered = ToLower(key);
    for (const auto& option : options) {
        if (ToLower(option.name) == lowered) {
            return &option;
        }
        for (const auto& alias : option.aliases) {
            if (ToLower(alias) == lowered) {
                return &option;
            }
        }
    }
    return nullptr;
}

bool OptionCatalog::IsIgnored(std::string_view key) const {
    std::string lowered = ToLower(key);
    for (const auto& name : ignored) {
        if (ToLower(name) == lowered) {
            return true;
        }
    }
    return false;
}

FormatOptions FormatOptions::Parse(const config::Json& options, const OptionCatalog& catalog, OptionScope scope) {
    FormatOptions parsed;
    parsed.scope_ = std::move(scope);
    if (options.is_null()) {
        return parsed;
    }
    if (!options.is_object()) {
        Error error(ErrorCode::INVALID_FORMAT_OPTION,
                    ErrorSource::USER,
                    fmt::format("{} options of format {} must be a mapping of option: value, not {}",
                                parsed.scope_.direction,
                                parsed.scope_.format,
                                JsonTypeName(options)));
        error.WithLocation(OptionLocation(parsed.scope_, ""));
        throw error;
    }
    for (const auto& [key, value] : options.items()) {
        const OptionSpec* spec = catalog.TryFind(key);
        if (spec == nullptr) {
            if (catalog.IsIgnored(key)) {
                parsed.ignored_.push_back(key);
                continue;
            }
            std::vector<std::string> names = catalog.AllNames();
            std::string message = fmt::format(
                "unknown {} option \"{}\" for format {}", parsed.scope_.direction, key, parsed.scope_.format);
            std::string hint = DidYouMean(key, names);
            if (!hint.empty()) {
                message += ". " + hint;
            }
            Error error(ErrorCode::INVALID_FORMAT_OPTION, ErrorSource::USER, std::move(message));
            error.WithLocation(OptionLocation(parsed.scope_, key));
            auto closest = ClosestMatch(key, names);
            if (closest) {
                error.WithSuggestion(fmt::format("rename \"{}\" to \"{}\"", key, *closest));
            }
            std::vector<std::string> canonical;
            for (const auto& option : catalog.options) {
                canonical.push_back(option.name);
            }
            error.WithSuggestion(fmt::format(
                "{} options of format {}: {}", parsed.scope_.direction, parsed.scope_.format, Join(canonical, ", ")));
            throw error;
        }
        if (const Entry* existing = parsed.TryFindEntry(spec->name)) {
            Error error(ErrorCode::INVALID_FORMAT_OPTION,
                        ErrorSource::USER,
                        fmt::format("{} option \"{}\" is given twice for format {}: as \"{}\" and as \"{}\"",
                                    parsed.scope_.direction,
                                    spec->name,
                                    parsed.scope_.format,
                                    existing->written,
                                    key));
            error.WithLocation(OptionLocation(parsed.scope_, key));
            error.WithSuggestion(fmt::format("keep only one of \"{}\" and \"{}\"", existing->written, key));
            throw error;
        }
        parsed.entries_.push_back(Entry{spec->name, key, value});
    }
    return parsed;
}

const FormatOptions::Entry* FormatOptions::TryFindEntry(std::string_view name) const {
    for (const auto& entry : entries_) {
        if (entry.canonical == name) {
            return &entry;
        }
    }
    return nullptr;
}

const config::Json* FormatOptions::TryGet(std::string_view name) const {
    const Entry* entry = TryFindEntry(name);
    return entry == nullptr ? nullptr : &entry->value;
}

std::string FormatOptions::Written(std::string_view name) const {
    const Entry* entry = TryFindEntry(name);
    return entry == nullptr ? std::string(name) : entry->written;
}

Error FormatOptions::InvalidValue(std::string_view name, std::string_view why) const {
    std::string written = Written(name);
    Error error(
        ErrorCode::INVALID_FORMAT_OPTION,
        ErrorSource::USER,
        fmt::format("invalid {} option \"{}\" for format {}: {}", scope_.direction, written, scope_.format, why));
    error.WithLocation(OptionLocation(scope_, written));
    return error;
}

std::optional<bool> FormatOptions::TryGetBool(std::string_view name) const {
    const config::Json* value = TryGet(name);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_boolean()) {
        return value->get<bool>();
    }
    if (value->is_string()) {
        std::string text = ToLower(Trim(value->get<std::string>()));
        if (text == "true") {
            return true;
        }
        if (text == "false") {
            return false;
        }
    }
    throw InvalidValue(name, fmt::format("expected true or false, found {} ({})", JsonTypeName(*value), value->dump()));
}

std::optional<std::string> FormatOptions::TryGetString(std::string_view name) const {
    const config::Json* value = TryGet(name);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_string()) {
        return value->get<std::string>();
    }
    throw InvalidValue(name, fmt::format("expected a string, found {} ({})", JsonTypeName(*value), value->dump()));
}

std::optional<int64_t> FormatOptions::TryGetInteger(std::string_view name) const {
    const config::Json* value = TryGet(name);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_number_integer()) {
        return value->get<int64_t>();
    }
    if (value->is_string()) {
        std::string text = Trim(value->get<std::string>());
        bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (digits && text.size() < std::numeric_limits<int64_t>::digits10) {
            return std::stoll(text);
        }
    }
    throw InvalidValue(name,
                       fmt::format("expected a whole number, found {} ({})", JsonTypeName(*value), value->dump()));
}

std::optional<std::vector<std::string>> FormatOptions::TryGetStringList(std::string_view name) const {
    const config::Json* value = TryGet(name);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_string()) {
        return std::vector<std::string>{value->get<std::string>()};
    }
    if (value->is_array()) {
        std::vector<std::string> items;
        for (const auto& item : *value) {
            if (!item.is_string()) {
                throw InvalidValue(name,
                                   fmt::format("expected a list of strings, found an item that is {} ({})",
                                               JsonTypeName(item),
                                               item.dump()));
            }
            items.push_back(item.get<std::string>());
        }
        return items;
    }
    throw InvalidValue(
        name,
        fmt::format("expected a string or a list of strings, found {} ({})", JsonTypeName(*value), value->dump()));
}

std::optional<std::vector<std::pair<std::string, std::string>>>
FormatOptions::TryGetStringMap(std::string_view name) const {
    const config::Json* value = TryGet(name);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_object()) {
        throw InvalidValue(name,
                           fmt::format("expected a mapping such as {{column: type}}, found {} ({})",
                                       JsonTypeName(*value),
                                       value->dump()));
    }
    std::vector<std::pair<std::string, std::string>> items;
    for (const auto& [key, item] : value->items()) {
        if (!item.is_string()) {
            throw InvalidValue(
                name,
                fmt::format(
                    "the value of \"{}\" must be a string, found {} ({})", key, JsonTypeName(item), item.dump()));
        }
        items.emplace_back(key, item.get<std::string>());
    }
    return items;
}

} // namespace odibi::io
