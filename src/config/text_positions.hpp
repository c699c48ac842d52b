// Maps byte offsets of substituted YAML text back to line:column of the file as the user wrote it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace odibi::config {

/// Environment substitution changes the text before it is parsed; this keeps positions exact.
class TextPositions {
public:
    explicit TextPositions(std::string original);

    /// Records that `output_length` bytes at `output_offset` of the new text replaced
    /// `original_length` bytes at `original_offset`. Calls come in increasing offset order.
    void AddReplacement(size_t output_offset, size_t output_length, size_t original_offset, size_t original_length);
    /// The offset in the original text of an offset in the substituted text (a position inside a
    /// replacement maps to the start of the placeholder).
    [[nodiscard]] size_t OriginalOffset(size_t output_offset) const;
    /// 1-based line and column (in characters) of an original offset.
    [[nodiscard]] std::pair<int, int> LineColumn(size_t original_offset) const;
    /// LineColumn(OriginalOffset(output_offset)).
    [[nodiscard]] std::pair<int, int> OutputLineColumn(size_t output_offset) const;

private:
    struct Replacement {
        size_t output_offset;
        size_t output_length;
        size_t original_offset;
        size_t original_length;
    };

    std::string original_;
    std::vector<size_t> line_starts_;
    std::vector<Replacement> replacements_;
};

} // namespace odibi::config
