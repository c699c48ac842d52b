// String helpers shared by every layer, including the edit-distance "did you mean" suggestions.
#include "odibi/common/strings.hpp"

#include <algorithm>
#include <cctype>

namespace odibi {

std::string ToLower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(), [](unsigned char c) { return std::tolower(c); });
    return result;
}

std::string ToUpper(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(), [](unsigned char c) { return std::toupper(c); });
    return result;
}

std::string Trim(std::string_view text) {
    size_t begin = 0;
    size_t end = text.size();
    while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) {
        ++begin;
    }
    while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) {
        --end;
    }
    return std::string(text.substr(begin, end - begin));
}

bool StartsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::vector<std::string> Split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        size_t position = text.find(separator, start);
        if (position == std::string_view::npos) {
            parts.emplace_back(text.substr(start));
            return parts;
        }
        parts.emplace_back(text.substr(start, position - start));
        start = position + 1;
    }
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string result;
    for (size_t index = 0; index < parts.size(); ++index) {
        if (index > 0) {
            result += separator;
        }
        result += parts[index];
    }
    return result;
}

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
    if (from.empty()) {
        return text;
    }
    size_t position = 0;
    while ((position = text.find(from, position)) != std::string::npos) {
        text.replace(position, from.size(), to);
        position += to.size();
    }
    return text;
}

size_t EditDistance(std::string_view left, std::string_view right) {
    // Optimal string alignment distance: insertions, deletions, substitutions and adjacent
    // transpositions ("mdoe" -> "mode") each cost one, as typos usually do.
    std::vector<std::vector<size_t>> distance(left.size() + 1, std::vector<size_t>(right.size() + 1));
    for (size_t i = 0; i <= left.size(); ++i) {
        distance[i][0] = i;
    }
    for (size_t j = 0; j <= right.size(); ++j) {
        distance[0][j] = j;
    }
    for (size_t i = 1; i <= left.size(); ++i) {
        for (size_t j = 1; j <= right.size(); ++j) {
            size_t cost = left[i - 1] == right[j - 1] ? 0 : 1;
            distance[i][j] = std::min({distance[i - 1][j] + 1, distance[i][j - 1] + 1, distance[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && left[i - 1] == right[j - 2] && left[i - 2] == right[j - 1]) {
                distance[i][j] = std::min(distance[i][j], distance[i - 2][j - 2] + 1);
            }
        }
    }
    return distance[left.size()][right.size()];
}

std::optional<std::string> ClosestMatch(std::string_view input, const std::vector<std::string>& candidates) {
    // Similarity ratio as difflib computes it for typos: 1 - distance / max length, cutoff 0.6.
    constexpr double CUTOFF = 0.6;
    std::string lowered = ToLower(input);
    std::optional<std::string> best;
    double best_ratio = 0.0;
    for (const auto& candidate : candidates) {
        std::string lowered_candidate = ToLower(candidate);
        size_t longest = std::max(lowered.size(), lowered_candidate.size());
        if (longest == 0) {
            continue;
        }
        double ratio =
            1.0 - static_cast<double>(EditDistance(lowered, lowered_candidate)) / static_cast<double>(longest);
        if (ratio >= CUTOFF && ratio > best_ratio) {
            best_ratio = ratio;
            best = candidate;
        }
    }
    return best;
}

std::string DidYouMean(std::string_view input, const std::vector<std::string>& candidates) {
    auto closest = ClosestMatch(input, candidates);
    if (!closest) {
        return "";
    }
    return "Did you mean \"" + *closest + "\"?";
}

std::string QuotedList(const std::vector<std::string>& items) {
    std::string result;
    for (size_t index = 0; index < items.size(); ++index) {
        if (index > 0) {
            result += ", ";
        }
        result += "\"" + items[index] + "\"";
    }
    return result;
}

} // namespace odibi
