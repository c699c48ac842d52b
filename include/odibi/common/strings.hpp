// Small string operations used across layers: case, trimming, splitting, joining, did-you-mean.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace odibi {

[[nodiscard]] std::string ToLower(std::string_view text);
[[nodiscard]] std::string ToUpper(std::string_view text);
[[nodiscard]] std::string Trim(std::string_view text);
[[nodiscard]] bool StartsWith(std::string_view text, std::string_view prefix);
[[nodiscard]] bool EndsWith(std::string_view text, std::string_view suffix);
[[nodiscard]] std::vector<std::string> Split(std::string_view text, char separator);
[[nodiscard]] std::string Join(const std::vector<std::string>& parts, std::string_view separator);
[[nodiscard]] std::string ReplaceAll(std::string text, std::string_view from, std::string_view to);

/// Edit distance counting adjacent transpositions as one edit (case-sensitive).
[[nodiscard]] size_t EditDistance(std::string_view left, std::string_view right);
/// The closest candidate to `input` if it is similar enough to be a plausible typo (ratio >= 0.6,
/// as difflib's cutoff), comparing case-insensitively.
[[nodiscard]] std::optional<std::string> ClosestMatch(std::string_view input,
                                                      const std::vector<std::string>& candidates);
/// `Did you mean "x"?` or an empty string when nothing is close.
[[nodiscard]] std::string DidYouMean(std::string_view input, const std::vector<std::string>& candidates);
/// Quotes each candidate and joins them: "a", "b", "c".
[[nodiscard]] std::string QuotedList(const std::vector<std::string>& items);

} // namespace odibi
