// Redaction and UTF-8-aware truncation of text written to the catalog.
#include "catalog_text.hpp"

#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"

namespace odibi::state {
namespace {

constexpr unsigned char CONTINUATION_MASK = 0xC0;
constexpr unsigned char CONTINUATION_BITS = 0x80;

bool IsContinuationByte(char byte) {
    return (static_cast<unsigned char>(byte) & CONTINUATION_MASK) == CONTINUATION_BITS;
}

} // namespace

std::string TruncateCharacters(std::string_view text, size_t max_characters) {
    size_t characters = 0;
    for (size_t index = 0; index < text.size(); ++index) {
        if (IsContinuationByte(text[index])) {
            continue;
        }
        if (characters == max_characters) {
            return std::string(text.substr(0, index));
        }
        ++characters;
    }
    return std::string(text);
}

std::string RedactForCatalog(std::string_view text, size_t max_characters) {
    return TruncateCharacters(SecretRegistry::Redact(text), max_characters);
}

std::string NormalizeStatus(std::string_view status) {
    return ToUpper(Trim(status));
}

} // namespace odibi::state
