// The loader's YAML tree: lookups, typed scalar resolution, JSON conversion and location recording.
#include "config_value.hpp"

#include <charconv>
#include <limits>
#include <regex>

#include <fmt/format.h>

namespace odibi::config {

ConfigValue ConfigValue::MakeNull(SourceMark mark) {
    ConfigValue value;
    value.kind = ValueKind::NULL_VALUE;
    value.mark = std::move(mark);
    return value;
}

ConfigValue ConfigValue::MakeScalar(std::string text, bool quoted, SourceMark mark) {
    ConfigValue value;
    value.kind = ValueKind::SCALAR;
    value.text = std::move(text);
    value.quoted = quoted;
    value.mark = std::move(mark);
    return value;
}

ConfigValue ConfigValue::MakeSequence(SourceMark mark) {
    ConfigValue value;
    value.kind = ValueKind::SEQUENCE;
    value.mark = std::move(mark);
    return value;
}

ConfigValue ConfigValue::MakeMap(SourceMark mark) {
    ConfigValue value;
    value.kind = ValueKind::MAP;
    value.mark = std::move(mark);
    return value;
}

const ConfigValue* ConfigValue::Find(std::string_view key) const {
    const ConfigEntry* entry = FindEntry(key);
    return entry == nullptr ? nullptr : &entry->value;
}

ConfigValue* ConfigValue::Find(std::string_view key) {
    ConfigEntry* entry = FindEntry(key);
    return entry == nullptr ? nullptr : &entry->value;
}

const ConfigEntry* ConfigValue::FindEntry(std::string_view key) const {
    for (const auto& entry : entries) {
        if (entry.key == key) {
            return &entry;
        }
    }
    return nullptr;
}

ConfigEntry* ConfigValue::FindEntry(std::string_view key) {
    for (auto& entry : entries) {
        if (entry.key == key) {
            return &entry;
        }
    }
    return nullptr;
}

void ConfigValue::Set(std::string key, ConfigValue value, SourceMark key_mark) {
    ConfigEntry* existing = FindEntry(key);
    if (existing != nullptr) {
        existing->value = std::move(value);
        existing->key_mark = std::move(key_mark);
        return;
    }
    entries.push_back(ConfigEntry{std::move(key), std::move(key_mark), std::move(value)});
}

std::unique_ptr<ConfigEntry> ConfigValue::Remove(std::string_view key) {
    for (auto it = entries.begin(); it != entries.end(); ++it) {
        if (it->key == key) {
            auto removed = std::make_unique<ConfigEntry>(std::move(*it));
            entries.erase(it);
            return removed;
        }
    }
    return nullptr;
}

std::string ConfigValue::Describe() const {
    switch (kind) {
    case ValueKind::NULL_VALUE:
        return "null";
    case ValueKind::SEQUENCE:
        return "a list";
    case ValueKind::MAP:
        return "a mapping";
    case ValueKind::SCALAR:
        break;
    }
    if (quoted) {
        return fmt::format("the string \"{}\"", text);
    }
    Json resolved = ResolvePlainScalar(text);
    if (resolved.is_boolean()) {
        return fmt::format("the boolean {}", text);
    }
    if (resolved.is_number()) {
        return fmt::format("the number {}", text);
    }
    if (resolved.is_null()) {
        return "null";
    }
    return fmt::format("the string \"{}\"", text);
}

namespace {

bool IsBooleanText(const std::string& text, bool& value) {
    static const std::vector<std::string> TRUE_WORDS = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
    static const std::vector<std::string> FALSE_WORDS = {
        "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
    for (const auto& word : TRUE_WORDS) {
        if (text == word) {
            value = true;
            return true;
        }
    }
    for (const auto& word : FALSE_WORDS) {
        if (text == word) {
            value = false;
            return true;
        }
    }
    return false;
}

std::optional<Json> ParseInteger(const std::string& text) {
    static const std::regex DECIMAL(R"([-+]?(0|[1-9][0-9_]*))");
    static const std::regex HEXADECIMAL(R"([-+]?0x[0-9a-fA-F_]+)");
    static const std::regex BINARY(R"([-+]?0b[01_]+)");
    static const std::regex OCTAL(R"([-+]?0o[0-7_]+)");
    int base = 0;
    size_t prefix = 0;
    if (std::regex_match(text, DECIMAL)) {
        base = 10;
    } else if (std::regex_match(text, HEXADECIMAL)) {
        base = 16;
        prefix = 2;
    } else if (std::regex_match(text, BINARY)) {
        base = 2;
        prefix = 2;
    } else if (std::regex_match(text, OCTAL)) {
        base = 8;
        prefix = 2;
    } else {
        return std::nullopt;
    }
    bool negative = text[0] == '-';
    size_t start = (text[0] == '-' || text[0] == '+') ? 1 : 0;
    std::string digits;
    for (size_t index = start + prefix; index < text.size(); ++index) {
        if (text[index] != '_') {
            digits += text[index];
        }
    }
    if (negative) {
        digits.insert(digits.begin(), '-');
    }
    int64_t number = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number, base);
    if (error != std::errc() || end != digits.data() + digits.size()) {
        return std::nullopt; // out of range: stays a string
    }
    return Json(number);
}

std::optional<Json> ParseFloat(const std::string& text) {
    static const std::regex DOTTED(R"([-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?)");
    static const std::regex EXPONENT(R"([-+]?[0-9][0-9_]*[eE][-+]?[0-9]+)");
    static const std::regex INFINITE(R"([-+]?\.(inf|Inf|INF))");
    static const std::regex NOT_A_NUMBER(R"(\.(nan|NaN|NAN))");
    if (std::regex_match(text, INFINITE)) {
        return Json(text[0] == '-' ? -std::numeric_limits<double>::infinity()
                                   : std::numeric_limits<double>::infinity());
    }
    if (std::regex_match(text, NOT_A_NUMBER)) {
        return Json(std::numeric_limits<double>::quiet_NaN());
    }
    bool dotted = std::regex_match(text, DOTTED);
    if (!dotted && !std::regex_match(text, EXPONENT)) {
        return std::nullopt;
    }
    std::string digits;
    bool has_digit = false;
    for (char character : text) {
        if (character != '_') {
            digits += character;
        }
        if (character >= '0' && character <= '9') {
            has_digit = true;
        }
    }
    if (!has_digit) {
        return std::nullopt; // "." or "-." are strings
    }
    try {
        size_t used = 0;
        double number = std::stod(digits, &used);
        if (used != digits.size()) {
            return std::nullopt;
        }
        return Json(number);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

} // namespace

Json ResolvePlainScalar(const std::string& text) {
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
        return Json(nullptr);
    }
    bool boolean = false;
    if (IsBooleanText(text, boolean)) {
        return Json(boolean);
    }
    if (auto integer = ParseInteger(text)) {
        return *integer;
    }
    if (auto number = ParseFloat(text)) {
        return *number;
    }
    return Json(text);
}

Json ToJson(const ConfigValue& value) {
    switch (value.kind) {
    case ValueKind::NULL_VALUE:
        return Json(nullptr);
    case ValueKind::SCALAR:
        return value.quoted ? Json(value.text) : ResolvePlainScalar(value.text);
    case ValueKind::SEQUENCE: {
        Json list = Json::array();
        for (const auto& item : value.items) {
            list.push_back(ToJson(item));
        }
        return list;
    }
    case ValueKind::MAP: {
        Json object = Json::object();
        for (const auto& entry : value.entries) {
            object[entry.key] = ToJson(entry.value);
        }
        return object;
    }
    }
    return Json(nullptr);
}

std::string EmbeddedText(const ConfigValue& value) {
    switch (value.kind) {
    case ValueKind::NULL_VALUE:
        return "";
    case ValueKind::SCALAR:
        return value.text;
    case ValueKind::SEQUENCE:
    case ValueKind::MAP:
        return ToJson(value).dump();
    }
    return "";
}

SourceLocation MakeLocation(const SourceMark& mark, std::string path) {
    SourceLocation location;
    if (mark.file) {
        location.file = mark.file->display_path;
    }
    location.line = mark.line;
    location.column = mark.column;
    location.path = std::move(path);
    return location;
}

std::string ChildPath(const std::string& parent, std::string_view key) {
    if (parent.empty()) {
        return std::string(key);
    }
    return parent + "." + std::string(key);
}

std::string ItemPath(const std::string& parent, size_t index) {
    return fmt::format("{}[{}]", parent, index);
}

namespace {

void RecordChildren(const ConfigValue& value, const std::string& path, LocationIndex& index) {
    if (value.IsMap()) {
        for (const auto& entry : value.entries) {
            std::string child = ChildPath(path, entry.key);
            index.Set(child, MakeLocation(entry.key_mark, child));
            RecordChildren(entry.value, child, index);
        }
    } else if (value.IsSequence()) {
        for (size_t position = 0; position < value.items.size(); ++position) {
            std::string child = ItemPath(path, position);
            index.Set(child, MakeLocation(value.items[position].mark, child));
            RecordChildren(value.items[position], child, index);
        }
    }
}

} // namespace

void RecordLocations(const ConfigValue& root, LocationIndex& index) {
    index.Set("", MakeLocation(root.mark, ""));
    RecordChildren(root, "", index);
}

} // namespace odibi::config
