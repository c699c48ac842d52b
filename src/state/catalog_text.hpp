// How text is made fit for the catalog: secrets redacted, then cut to a limit in UTF-8 characters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace odibi::state {

/// The first `max_characters` UTF-8 characters of `text`; never splits a multi-byte character.
[[nodiscard]] std::string TruncateCharacters(std::string_view text, size_t max_characters);

/// Redacts registered secrets, then truncates. Redacting first means a cut never exposes part of a
/// secret that the whole-secret match would have caught.
[[nodiscard]] std::string RedactForCatalog(std::string_view text, size_t max_characters);

/// The status as stored: upper case, so filters match whatever case a caller used.
[[nodiscard]] std::string NormalizeStatus(std::string_view status);

} // namespace odibi::state
