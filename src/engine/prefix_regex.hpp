// A regular expression compiled to a byte DFA that answers one question quickly: does the text start
// with a match? That is RE2's partial match of ^(?:pattern), the question regex_match checks ask of
// every row. Covers the common part of RE2's syntax; for anything else Compile returns nullopt and
// callers use DuckDB's regexp_matches (RE2), which gives the same answers more slowly.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace odibi::engine {

/// The SQL name of PrefixRegex as a DuckDB scalar function: (text, constant pattern) -> BOOLEAN.
inline constexpr const char* PREFIX_MATCH_FUNCTION = "odibi_regexp_prefix_match";

class PrefixRegex {
public:
    /// The DFA of `pattern` (RE2 syntax), or nullopt when the pattern uses syntax outside the subset
    /// (flags, \b, \p, backreferences, non-ASCII characters in classes, counted repetition over 100,
    /// ...) or when its DFA would need more than a few thousand states. The subset: literals (any
    /// UTF-8), `.`, classes with ASCII members (negated ones match any non-ASCII character), \d \D \w
    /// \W \s \S, groups ((...), (?:...), (?P<name>...)), `|`, `*` `+` `?` `{n}` `{n,}` `{n,m}` (lazy
    /// or not), `^` `$` \A \z, and escaped punctuation, \t \n \r \f \v \a \xHH.
    [[nodiscard]] static std::optional<PrefixRegex> Compile(std::string_view pattern);

    /// True when a prefix of `text` (valid UTF-8, as DuckDB's VARCHAR is) matches the pattern.
    [[nodiscard]] bool MatchesPrefix(std::string_view text) const {
        // States are numbered so that those that settle the answer (a match ends, or none can
        // follow) come first; transitions hold each state's row offset in next_.
        uint32_t offset = start_;
        if (offset < settled_limit_) {
            return (accepts_[offset / class_count_] & ACCEPTS_NOW) != 0;
        }
        for (unsigned char byte : text) {
            offset = next_[offset + byte_class_[byte]];
            if (offset < settled_limit_) {
                return (accepts_[offset / class_count_] & ACCEPTS_NOW) != 0;
            }
        }
        return (accepts_[offset / class_count_] & ACCEPTS_AT_END) != 0;
    }

    static constexpr uint8_t ACCEPTS_NOW = 1;    ///< a match ends here, whatever follows
    static constexpr uint8_t ACCEPTS_AT_END = 2; ///< a match ends here if the text ends here ($)
    static constexpr uint8_t DEAD = 4;           ///< no match can follow

private:
    PrefixRegex() = default;
    /// Settling states first, transitions as offsets (see MatchesPrefix).
    static void Renumber(PrefixRegex& regex);

    std::array<uint8_t, 256> byte_class_{};
    uint32_t class_count_ = 0;
    std::vector<uint32_t> next_;   ///< next_[offset + class]: the next state's offset (state * class_count_)
    std::vector<uint8_t> accepts_; ///< by state
    uint32_t start_ = 0;           ///< an offset
    uint32_t settled_limit_ = 0;   ///< offsets below it are states that settle the answer
};

} // namespace odibi::engine
