// Identifiers and content hashes: run ids, config hashes, schema hashes.
#pragma once

#include <string>
#include <string_view>

namespace odibi {

/// A random RFC 4122 version-4 UUID in lowercase text form.
[[nodiscard]] std::string NewUuid();
/// Lowercase hex SHA-256 of the bytes.
[[nodiscard]] std::string Sha256Hex(std::string_view bytes);
/// Lowercase hex MD5 of the bytes (Odibi's config version hashes use MD5).
[[nodiscard]] std::string Md5Hex(std::string_view bytes);

} // namespace odibi
