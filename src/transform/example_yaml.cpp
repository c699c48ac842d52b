// A tiny YAML emitter for example params: enough for maps, lists and scalars, always valid YAML.
#include "example_yaml.hpp"

#include <array>
#include <string_view>

#include "odibi/common/strings.hpp"

namespace odibi::transform {
namespace {

bool IsPlainWord(const std::string& text) {
    constexpr std::array<std::string_view, 10> RESERVED = {
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"};
    if (text.empty()) {
        return false;
    }
    for (size_t index = 0; index < text.size(); ++index) {
        char character = text[index];
        bool letter = (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
        bool digit = character >= '0' && character <= '9';
        if (!(letter || character == '_' || (index > 0 && digit))) {
            return false;
        }
    }
    std::string lowered = ToLower(text);
    for (auto reserved : RESERVED) {
        if (lowered == reserved) {
            return false;
        }
    }
    return true;
}

std::string Scalar(const config::Json& value) {
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        return IsPlainWord(text) ? text : value.dump();
    }
    return value.dump();
}

bool IsFlow(const config::Json& value) {
    if (value.is_object()) {
        return value.empty();
    }
    if (value.is_array()) {
        for (const auto& element : value) {
            if (element.is_object() || element.is_array()) {
                return false;
            }
        }
        return true;
    }
    return true;
}

std::string Flow(const config::Json& value) {
    if (value.is_object()) {
        return "{}";
    }
    if (value.is_array()) {
        std::string text = "[";
        bool first = true;
        for (const auto& element : value) {
            text += (first ? "" : ", ") + Scalar(element);
            first = false;
        }
        return text + "]";
    }
    return Scalar(value);
}

void EmitBlock(const config::Json& value, const std::string& indent, std::string& out);

// Emits `key: value` (or `key:` followed by a nested block) at `indent`.
void EmitEntry(const std::string& key, const config::Json& value, const std::string& indent, std::string& out) {
    out += indent + Scalar(config::Json(key)) + ":";
    if (IsFlow(value)) {
        out += " " + Flow(value) + "\n";
        return;
    }
    out += "\n";
    EmitBlock(value, indent + "  ", out);
}

void EmitBlock(const config::Json& value, const std::string& indent, std::string& out) {
    if (value.is_object()) {
        for (const auto& item : value.items()) {
            EmitEntry(item.key(), item.value(), indent, out);
        }
        return;
    }
    for (const auto& element : value) {
        if (element.is_object() && !element.empty()) {
            bool first = true;
            for (const auto& item : element.items()) {
                std::string entry;
                EmitEntry(item.key(), item.value(), indent + "  ", entry);
                out += first ? indent + "- " + entry.substr(indent.size() + 2) : entry;
                first = false;
            }
        } else if (IsFlow(element)) {
            out += indent + "- " + Flow(element) + "\n";
        } else {
            out += indent + "-\n";
            EmitBlock(element, indent + "  ", out);
        }
    }
}

} // namespace

std::string ExampleStepYaml(const std::string& transformer, const config::Json& params) {
    std::string out = "- function: " + Scalar(config::Json(transformer)) + "\n";
    if (params.is_null() || params.empty()) {
        return out + "  params: {}\n";
    }
    out += "  params:\n";
    EmitBlock(params, "    ", out);
    return out;
}

std::string ExampleNodeYaml(const std::string& pattern, const config::Json& params) {
    std::string out = "transformer: " + Scalar(config::Json(pattern)) + "\nparams:\n";
    EmitBlock(params, "  ", out);
    return out;
}

} // namespace odibi::transform
