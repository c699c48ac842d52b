// Deletion vectors (PROTOCOL.md, "Deletion Vectors" and "Deletion Vector Format"): descriptors resolved
// to DV files or inline text, Z85, the RoaringBitmapArray serialisation and the DV file checksums.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "odibi/io/delta.hpp"

namespace odibi::io::delta {

/// 0-based row indexes, ascending, that `dv` deletes from a data file of the table at `table_root`.
/// Storage type "u" resolves against `table_root`, "p" must be a local absolute path or `file:` URI,
/// "i" is decoded from the descriptor itself. Throws DELTA_LOG_INVALID naming the DV file (or the
/// descriptor) for damaged data: a missing file, a bad size, checksum or cardinality.
[[nodiscard]] std::vector<uint64_t> ReadDeletedRows(const DeletionVector& dv, const std::string& table_root);

/// The file that `dv` is stored in ("u": `deletion_vector_<uuid>.bin` under `table_root`, "p": its
/// absolute path); nullopt for an inline ("i") vector. Throws DELTA_LOG_INVALID for a bad descriptor.
[[nodiscard]] std::optional<std::string> DeletionVectorPath(const DeletionVector& dv, const std::string& table_root);

/// Z85 (ZeroMQ RFC 32) decoding; throws on a length that is not a multiple of 5 or a bad character.
[[nodiscard]] std::string DecodeZ85(std::string_view text);
/// Z85 encoding of `bytes`, whose length must be a multiple of 4; for tests and writers.
[[nodiscard]] std::string EncodeZ85(std::string_view bytes);

/// The "RoaringBitmapArray" serialisation Delta uses (magic number 1681511377, little-endian), with
/// the standard portable 32-bit Roaring format inside (array, bitmap and run containers, with and
/// without the run-container cookie). Returns the set values ascending. The older "native" layout
/// (magic 1681511376) that Delta readers also accept is decoded too. `origin` names the data in errors.
[[nodiscard]] std::vector<uint64_t> DecodeRoaringArray(std::string_view bytes, const std::string& origin);

/// The inverse, for tests and a future writer: array containers, or bitmap containers when a
/// container holds more than 4096 values. `sorted_values` must be strictly ascending and below 2^63.
[[nodiscard]] std::string EncodeRoaringArray(const std::vector<uint64_t>& sorted_values);

} // namespace odibi::io::delta
