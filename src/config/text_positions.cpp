// Offset mapping between substituted and original YAML text, and UTF-8 aware line:column.
#include "text_positions.hpp"

#include <algorithm>

namespace odibi::config {

TextPositions::TextPositions(std::string original) : original_(std::move(original)) {
    line_starts_.push_back(0);
    for (size_t index = 0; index < original_.size(); ++index) {
        if (original_[index] == '\n') {
            line_starts_.push_back(index + 1);
        }
    }
}

void TextPositions::AddReplacement(size_t output_offset,
                                   size_t output_length,
                                   size_t original_offset,
                                   size_t original_length) {
    replacements_.push_back(Replacement{output_offset, output_length, original_offset, original_length});
}

size_t TextPositions::OriginalOffset(size_t output_offset) const {
    // Text between replacements is unchanged, so it is shifted by the accumulated length change.
    long long shift = 0;
    for (const auto& replacement : replacements_) {
        if (output_offset < replacement.output_offset) {
            break;
        }
        if (output_offset < replacement.output_offset + replacement.output_length) {
            return replacement.original_offset;
        }
        shift = static_cast<long long>(replacement.original_offset + replacement.original_length) -
                static_cast<long long>(replacement.output_offset + replacement.output_length);
    }
    long long original = static_cast<long long>(output_offset) + shift;
    return static_cast<size_t>(std::clamp<long long>(original, 0, static_cast<long long>(original_.size())));
}

std::pair<int, int> TextPositions::LineColumn(size_t original_offset) const {
    original_offset = std::min(original_offset, original_.size());
    auto next_line = std::upper_bound(line_starts_.begin(), line_starts_.end(), original_offset);
    size_t line_index = static_cast<size_t>(next_line - line_starts_.begin()) - 1;
    size_t line_start = line_starts_[line_index];
    int column = 1;
    for (size_t index = line_start; index < original_offset; ++index) {
        // Count characters, not bytes: UTF-8 continuation bytes (10xxxxxx) do not start one.
        if ((static_cast<unsigned char>(original_[index]) & 0xC0U) != 0x80U) {
            ++column;
        }
    }
    return {static_cast<int>(line_index) + 1, column};
}

std::pair<int, int> TextPositions::OutputLineColumn(size_t output_offset) const {
    return LineColumn(OriginalOffset(output_offset));
}

} // namespace odibi::config
