// JSON pointer resolution with array selectors, and the comparison operators of .test files.
#include "json_check.hpp"

#include <charconv>
#include <optional>

#include "odibi/common/strings.hpp"

namespace odibi::e2e {

namespace {

std::string Unescape(std::string segment) {
    segment = ReplaceAll(std::move(segment), "~1", "/");
    return ReplaceAll(std::move(segment), "~0", "~");
}

std::string MemberText(const nlohmann::json& value) {
    return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string KeysOf(const nlohmann::json& object) {
    std::vector<std::string> keys;
    for (const auto& item : object.items()) {
        keys.push_back(item.key());
    }
    return keys.empty() ? "(none)" : Join(keys, ", ");
}

// Walks the pointer; on failure `problem` says which segment could not be followed.
const nlohmann::json* Resolve(const nlohmann::json& document, const std::string& pointer, std::string& problem) {
    const nlohmann::json* current = &document;
    if (pointer.empty()) {
        return current;
    }
    std::string walked;
    for (const auto& raw : Split(std::string_view(pointer).substr(1), '/')) {
        std::string segment = Unescape(raw);
        if (current->is_array()) {
            if (segment.size() > 2 && segment.front() == '[' && segment.back() == ']') {
                std::string selector = segment.substr(1, segment.size() - 2);
                size_t equals = selector.find('=');
                if (equals == std::string::npos) {
                    problem = "selector " + segment + " at " + (walked.empty() ? "/" : walked) +
                              " needs the form [key=value]";
                    return nullptr;
                }
                std::string key = selector.substr(0, equals);
                std::string wanted = selector.substr(equals + 1);
                const nlohmann::json* match = nullptr;
                for (const auto& element : *current) {
                    if (element.is_object() && element.contains(key) && MemberText(element.at(key)) == wanted) {
                        match = &element;
                        break;
                    }
                }
                if (match == nullptr) {
                    std::vector<std::string> present;
                    for (const auto& element : *current) {
                        if (element.is_object() && element.contains(key)) {
                            present.push_back(MemberText(element.at(key)));
                        }
                    }
                    problem = "no element of " + (walked.empty() ? "/" : walked) + " has " + key + " == " + wanted +
                              " (present: " + (present.empty() ? "none" : Join(present, ", ")) + ")";
                    return nullptr;
                }
                current = match;
                walked += "/" + segment;
                continue;
            }
            size_t index = 0;
            auto [end, error] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
            if (error != std::errc() || end != segment.data() + segment.size()) {
                problem = (walked.empty() ? "/" : walked) + " is an array: use an index or [key=value], not '" +
                          segment + "'";
                return nullptr;
            }
            if (index >= current->size()) {
                problem = "index " + segment + " is out of range: " + (walked.empty() ? "/" : walked) + " has " +
                          std::to_string(current->size()) + " elements";
                return nullptr;
            }
            current = &(*current)[index];
        } else if (current->is_object()) {
            auto found = current->find(segment);
            if (found == current->end()) {
                problem = "no key '" + segment + "' in " + (walked.empty() ? "/" : walked) +
                          " (keys: " + KeysOf(*current) + ")";
                return nullptr;
            }
            current = &*found;
        } else {
            problem = (walked.empty() ? "/" : walked) + " is " + ShortJson(*current, 80) + ", not an object or array";
            return nullptr;
        }
        walked += "/" + segment;
    }
    return current;
}

bool ElementContains(const nlohmann::json& element, const std::string& text) {
    return MemberText(element).find(text) != std::string::npos;
}

bool Contains(const nlohmann::json& value, const std::string& text) {
    if (value.is_array()) {
        for (const auto& element : value) {
            if (ElementContains(element, text)) {
                return true;
            }
        }
        return false;
    }
    return ElementContains(value, text);
}

std::optional<int> Order(const nlohmann::json& actual, const nlohmann::json& expected) {
    if (actual.is_number() && expected.is_number()) {
        double left = actual.get<double>();
        double right = expected.get<double>();
        return left < right ? -1 : (left > right ? 1 : 0);
    }
    if (actual.is_string() && expected.is_string()) {
        int compared = actual.get<std::string>().compare(expected.get<std::string>());
        return compared < 0 ? -1 : (compared > 0 ? 1 : 0);
    }
    return std::nullopt;
}

} // namespace

std::string ShortJson(const nlohmann::json& value, size_t limit) {
    std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (text.size() > limit) {
        text = text.substr(0, limit) + "... (" + std::to_string(text.size()) + " characters)";
    }
    return text;
}

CheckOutcome EvaluateJsonCheck(const nlohmann::json& document, const JsonCheck& check) {
    std::string problem;
    const nlohmann::json* found = Resolve(document, check.pointer, problem);
    if (check.op == CompareOp::MISSING) {
        return {found == nullptr, found == nullptr ? "" : "it exists: " + ShortJson(*found)};
    }
    if (found == nullptr) {
        return {false, problem};
    }
    if (check.op == CompareOp::EXISTS) {
        return {true, ""};
    }
    if (check.op == CompareOp::CONTAINS || check.op == CompareOp::NOT_CONTAINS) {
        bool contains = Contains(*found, check.operand);
        bool wanted = check.op == CompareOp::CONTAINS;
        return {contains == wanted, "actual: " + ShortJson(*found, 2000)};
    }
    nlohmann::json actual = *found;
    if (check.length) {
        if (!found->is_array() && !found->is_object() && !found->is_string()) {
            return {false, "length needs an array, object or string; actual: " + ShortJson(*found)};
        }
        actual = found->is_string() ? found->get<std::string>().size() : found->size();
    }
    nlohmann::json expected = nlohmann::json::parse(check.operand);
    std::string detail = "actual: " + ShortJson(actual, 2000);
    if (check.op == CompareOp::EQUAL) {
        return {actual == expected, detail};
    }
    if (check.op == CompareOp::NOT_EQUAL) {
        return {actual != expected, detail};
    }
    auto order = Order(actual, expected);
    if (!order) {
        return {false, "cannot order " + ShortJson(actual) + " against " + ShortJson(expected)};
    }
    switch (check.op) {
    case CompareOp::LESS:
        return {*order < 0, detail};
    case CompareOp::LESS_EQUAL:
        return {*order <= 0, detail};
    case CompareOp::GREATER:
        return {*order > 0, detail};
    case CompareOp::GREATER_EQUAL:
        return {*order >= 0, detail};
    default:
        return {false, "unsupported operator"};
    }
}

} // namespace odibi::e2e
