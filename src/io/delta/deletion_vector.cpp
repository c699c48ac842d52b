// Deletion vectors read natively: descriptor -> bytes (DV file or inline Z85) -> RoaringBitmapArray -> rows.
#include "deletion_vector.hpp"

#include <array>
#include <bit>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <utility>

#include "actions.hpp"
#include <fmt/format.h>

#include "odibi/common/error.hpp"

namespace odibi::io::delta {
namespace {

constexpr std::string_view Z85_ALPHABET =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
constexpr size_t Z85_BLOCK_CHARS = 5;
constexpr size_t Z85_BLOCK_BYTES = 4;
constexpr uint64_t Z85_BASE = 85;
constexpr int8_t Z85_INVALID = -1;

constexpr uint32_t PORTABLE_MAGIC = 1681511377;
constexpr uint32_t NATIVE_MAGIC = 1681511376;
// The 32-bit Roaring cookies (RoaringFormatSpec): with a run-container bitset, or without one.
constexpr uint32_t SERIAL_COOKIE = 12347;
constexpr uint32_t SERIAL_COOKIE_NO_RUN = 12346;
constexpr uint32_t COOKIE_MASK = 0xFFFF;
constexpr int COOKIE_SIZE_SHIFT = 16;
// With the run cookie, the per-container offset header is only written from this many containers on.
constexpr uint32_t NO_OFFSET_THRESHOLD = 4;
constexpr uint32_t MAX_CONTAINERS = 1U << 16U;
constexpr uint32_t MAX_ARRAY_CARDINALITY = 4096;
constexpr uint32_t CONTAINER_VALUES = 1U << 16U;
constexpr size_t BITMAP_WORDS = CONTAINER_VALUES / 64;
constexpr int KEY_SHIFT = 16;
constexpr int HIGH_SHIFT = 32;
constexpr uint32_t LOW_MASK = 0xFFFF;
constexpr uint32_t BYTE_MASK = 0xFF;
constexpr int BYTE_BITS = 8;
// Delta requires the most significant bit of every 32-bit bucket key to be 0 (Java reads it signed).
constexpr uint64_t MAX_BUCKET_KEY = std::numeric_limits<int32_t>::max();

constexpr size_t UUID_Z85_CHARS = 20;
constexpr size_t UUID_BYTES = 16;
constexpr uint8_t DV_FILE_FORMAT_VERSION = 1;
constexpr size_t SIZE_FIELD_BYTES = 4;
constexpr size_t CHECKSUM_BYTES = 4;

constexpr uint32_t CRC32_POLYNOMIAL = 0xEDB88320; // reflected IEEE 802.3, as java.util.zip.CRC32
constexpr size_t CRC32_TABLE_SIZE = 256;

constexpr std::array<uint32_t, CRC32_TABLE_SIZE> MakeCrc32Table() {
    std::array<uint32_t, CRC32_TABLE_SIZE> table{};
    for (uint32_t index = 0; index < CRC32_TABLE_SIZE; ++index) {
        uint32_t value = index;
        for (int bit = 0; bit < BYTE_BITS; ++bit) {
            value = (value & 1U) != 0 ? (value >> 1U) ^ CRC32_POLYNOMIAL : value >> 1U;
        }
        table[index] = value;
    }
    return table;
}

constexpr std::array<uint32_t, CRC32_TABLE_SIZE> CRC32_TABLE = MakeCrc32Table();

uint32_t Crc32(std::string_view data) {
    uint32_t crc = 0xFFFFFFFF;
    for (char byte : data) {
        crc = CRC32_TABLE[(crc ^ static_cast<uint8_t>(byte)) & BYTE_MASK] ^ (crc >> static_cast<uint32_t>(BYTE_BITS));
    }
    return ~crc;
}

constexpr std::array<int8_t, CRC32_TABLE_SIZE> MakeZ85DecodeTable() {
    std::array<int8_t, CRC32_TABLE_SIZE> table{};
    table.fill(Z85_INVALID);
    for (size_t digit = 0; digit < Z85_ALPHABET.size(); ++digit) {
        table[static_cast<uint8_t>(Z85_ALPHABET[digit])] = static_cast<int8_t>(digit);
    }
    return table;
}

constexpr std::array<int8_t, CRC32_TABLE_SIZE> Z85_DECODE_TABLE = MakeZ85DecodeTable();

// For a feature the protocol allows but this reader cannot decode.
Error Unsupported(const std::string& file, const std::string& problem) {
    Error error(ErrorCode::DELTA_FEATURE_UNSUPPORTED, ErrorSource::EXTERNAL, fmt::format("{}: {}", file, problem));
    error.WithContext("file", file);
    error.WithSuggestion("rewrite the table without deletion vectors (REORG TABLE ... APPLY (PURGE) in Spark), or "
                         "read it with a Delta engine that supports this");
    return error;
}

// Misuse of the writer-side helpers by odibi's own code.
Error InvalidArgument(const std::string& problem) {
    return Error(ErrorCode::INTERNAL, ErrorSource::INTERNAL, problem);
}

std::string DecodeZ85From(std::string_view text, const std::string& origin) {
    if (text.size() % Z85_BLOCK_CHARS != 0) {
        throw LogInvalid(
            origin, fmt::format("Z85 text of {} characters is not a multiple of {}", text.size(), Z85_BLOCK_CHARS));
    }
    std::string bytes;
    bytes.reserve(text.size() / Z85_BLOCK_CHARS * Z85_BLOCK_BYTES);
    for (size_t block = 0; block < text.size(); block += Z85_BLOCK_CHARS) {
        uint64_t value = 0;
        for (size_t index = block; index < block + Z85_BLOCK_CHARS; ++index) {
            int8_t digit = Z85_DECODE_TABLE[static_cast<uint8_t>(text[index])];
            if (digit == Z85_INVALID) {
                throw LogInvalid(origin,
                                 fmt::format("character {} of the Z85 text is not in the Z85 alphabet", index + 1));
            }
            value = value * Z85_BASE + static_cast<uint64_t>(digit);
        }
        if (value > std::numeric_limits<uint32_t>::max()) {
            throw LogInvalid(origin, fmt::format("Z85 block at character {} does not fit in 4 bytes", block + 1));
        }
        for (int shift = HIGH_SHIFT - BYTE_BITS; shift >= 0; shift -= BYTE_BITS) {
            bytes += static_cast<char>((value >> static_cast<uint64_t>(shift)) & BYTE_MASK);
        }
    }
    return bytes;
}

// Bounds-checked reads over untrusted bytes: every read names what it wanted when the data ends early.
class ByteReader {
public:
    ByteReader(std::string_view bytes, const std::string& origin) : bytes_(bytes), origin_(origin) {}

    [[nodiscard]] size_t Remaining() const { return bytes_.size() - position_; }

    std::string_view Take(size_t count, std::string_view what) {
        if (count > Remaining()) {
            throw LogInvalid(
                origin_,
                fmt::format(
                    "the data ends at byte {} but {} needs {} more bytes", bytes_.size(), what, count - Remaining()));
        }
        std::string_view taken = bytes_.substr(position_, count);
        position_ += count;
        return taken;
    }

    uint64_t LittleEndian(size_t width, std::string_view what) {
        std::string_view taken = Take(width, what);
        uint64_t value = 0;
        for (size_t index = width; index > 0; --index) {
            value = (value << static_cast<uint64_t>(BYTE_BITS)) | static_cast<uint8_t>(taken[index - 1]);
        }
        return value;
    }

    uint16_t U16(std::string_view what) { return static_cast<uint16_t>(LittleEndian(sizeof(uint16_t), what)); }
    uint32_t U32(std::string_view what) { return static_cast<uint32_t>(LittleEndian(sizeof(uint32_t), what)); }
    uint64_t U64(std::string_view what) { return LittleEndian(sizeof(uint64_t), what); }

private:
    std::string_view bytes_;
    const std::string& origin_;
    size_t position_ = 0;
};

// Where decoded values go: refuses to grow past `limit` so a small corrupt input cannot claim
// billions of rows (run containers compress 65536 rows into 4 bytes).
struct RowSink {
    std::vector<uint64_t> values;
    std::optional<uint64_t> limit;
    const std::string& origin;

    void CheckCapacity(uint64_t more) const {
        if (limit.has_value() && values.size() + more > *limit) {
            throw LogInvalid(
                origin,
                fmt::format("the bitmap holds more than the {} rows the descriptor's cardinality allows", *limit));
        }
    }
};

struct ContainerHeader {
    uint16_t key = 0;
    uint32_t cardinality = 0;
    bool is_run = false;
};

void DecodeRunContainer(ByteReader& reader, uint64_t base, const ContainerHeader& header, RowSink& sink) {
    uint16_t run_count = reader.U16("a run container's run count");
    std::string_view runs = reader.Take(size_t{run_count} * 2 * sizeof(uint16_t), "a run container's runs");
    ByteReader run_reader(runs, sink.origin);
    uint64_t emitted = 0;
    std::optional<uint32_t> previous_end;
    for (uint16_t run = 0; run < run_count; ++run) {
        uint32_t start = run_reader.U16("a run start");
        uint32_t end = start + run_reader.U16("a run length");
        if (end >= CONTAINER_VALUES || (previous_end.has_value() && start <= *previous_end)) {
            throw LogInvalid(
                sink.origin,
                fmt::format("run container {} has a run [{}, {}] that overflows or overlaps", header.key, start, end));
        }
        emitted += end - start + 1;
        if (emitted > header.cardinality) {
            break;
        }
        sink.CheckCapacity(end - start + 1);
        for (uint32_t value = start; value <= end; ++value) {
            sink.values.push_back(base | value);
        }
        previous_end = end;
    }
    if (emitted != header.cardinality) {
        throw LogInvalid(sink.origin,
                         fmt::format("run container {} holds {} or more values, its header says {}",
                                     header.key,
                                     emitted,
                                     header.cardinality));
    }
}

void DecodeArrayContainer(ByteReader& reader, uint64_t base, const ContainerHeader& header, RowSink& sink) {
    sink.CheckCapacity(header.cardinality);
    std::optional<uint16_t> previous;
    for (uint32_t index = 0; index < header.cardinality; ++index) {
        uint16_t value = reader.U16("an array container's values");
        if (previous.has_value() && value <= *previous) {
            throw LogInvalid(sink.origin, fmt::format("array container {} is not strictly ascending", header.key));
        }
        sink.values.push_back(base | value);
        previous = value;
    }
}

void DecodeBitmapContainer(ByteReader& reader, uint64_t base, const ContainerHeader& header, RowSink& sink) {
    sink.CheckCapacity(header.cardinality);
    std::string_view words = reader.Take(BITMAP_WORDS * sizeof(uint64_t), "a bitmap container");
    ByteReader word_reader(words, sink.origin);
    uint32_t count = 0;
    for (size_t word_index = 0; word_index < BITMAP_WORDS; ++word_index) {
        uint64_t word = word_reader.U64("a bitmap word");
        count += static_cast<uint32_t>(std::popcount(word));
        if (count > header.cardinality) {
            break;
        }
        while (word != 0) {
            auto bit = static_cast<uint64_t>(std::countr_zero(word));
            sink.values.push_back(base | (word_index * 64 + bit));
            word &= word - 1;
        }
    }
    if (count != header.cardinality) {
        throw LogInvalid(sink.origin,
                         fmt::format("bitmap container {} has {} or more bits set, its header says {}",
                                     header.key,
                                     count,
                                     header.cardinality));
    }
}

// One standard 32-bit Roaring bitmap; its values get `high_key` as their upper 32 bits.
void DecodeRoaring32(ByteReader& reader, uint64_t high_key, RowSink& sink) {
    uint32_t cookie = reader.U32("the Roaring cookie");
    bool has_runs = (cookie & COOKIE_MASK) == SERIAL_COOKIE;
    uint32_t container_count = 0;
    std::string_view run_flags;
    if (has_runs) {
        container_count = (cookie >> static_cast<uint32_t>(COOKIE_SIZE_SHIFT)) + 1;
        run_flags = reader.Take((container_count + BYTE_BITS - 1) / BYTE_BITS, "the run-container bitset");
    } else if (cookie == SERIAL_COOKIE_NO_RUN) {
        container_count = reader.U32("the container count");
    } else {
        throw LogInvalid(sink.origin, fmt::format("{} is not a Roaring bitmap cookie (12346 or 12347)", cookie));
    }
    if (container_count > MAX_CONTAINERS) {
        throw LogInvalid(sink.origin, fmt::format("a Roaring bitmap claims {} containers", container_count));
    }
    std::string_view header_bytes =
        reader.Take(size_t{container_count} * 2 * sizeof(uint16_t), "the container headers");
    ByteReader header_reader(header_bytes, sink.origin);
    std::vector<ContainerHeader> headers(container_count);
    for (uint32_t index = 0; index < container_count; ++index) {
        headers[index].key = header_reader.U16("a container key");
        headers[index].cardinality = uint32_t{header_reader.U16("a container cardinality")} + 1;
        headers[index].is_run =
            has_runs && ((static_cast<uint8_t>(run_flags[index / BYTE_BITS]) >> (index % BYTE_BITS)) & 1U) != 0;
        if (index > 0 && headers[index].key <= headers[index - 1].key) {
            throw LogInvalid(sink.origin, "the container keys of a Roaring bitmap are not strictly ascending");
        }
    }
    if (!has_runs || container_count >= NO_OFFSET_THRESHOLD) {
        // Containers follow one another, so the offsets add nothing when reading front to back.
        static_cast<void>(reader.Take(size_t{container_count} * sizeof(uint32_t), "the container offsets"));
    }
    for (const ContainerHeader& header : headers) {
        uint64_t base = (high_key << static_cast<uint64_t>(HIGH_SHIFT)) |
                        (uint64_t{header.key} << static_cast<uint64_t>(KEY_SHIFT));
        if (header.is_run) {
            DecodeRunContainer(reader, base, header, sink);
        } else if (header.cardinality <= MAX_ARRAY_CARDINALITY) {
            DecodeArrayContainer(reader, base, header, sink);
        } else {
            DecodeBitmapContainer(reader, base, header, sink);
        }
    }
}

std::vector<uint64_t>
DecodeRoaringArrayLimited(std::string_view bytes, const std::string& origin, std::optional<uint64_t> limit) {
    ByteReader reader(bytes, origin);
    RowSink sink{{}, limit, origin};
    uint32_t magic = reader.U32("the RoaringBitmapArray magic number");
    if (magic == PORTABLE_MAGIC) {
        uint64_t bucket_count = reader.U64("the bucket count");
        std::optional<uint64_t> previous_key;
        // Each bucket takes at least 8 bytes, so a damaged count ends in a clear "data ends" error.
        for (uint64_t bucket = 0; bucket < bucket_count; ++bucket) {
            uint64_t key = reader.U32("a bucket key");
            if (key > MAX_BUCKET_KEY || (previous_key.has_value() && key <= *previous_key)) {
                throw LogInvalid(origin, fmt::format("bucket key {} is negative as a Java int or not ascending", key));
            }
            DecodeRoaring32(reader, key, sink);
            previous_key = key;
        }
        return std::move(sink.values);
    }
    if (magic == NATIVE_MAGIC) {
        uint32_t bitmap_count = reader.U32("the bitmap count");
        if (bitmap_count > MAX_BUCKET_KEY) {
            throw LogInvalid(origin, fmt::format("the bitmap count {} is negative as a Java int", bitmap_count));
        }
        for (uint64_t key = 0; key < bitmap_count; ++key) {
            uint32_t size = reader.U32("a bitmap size");
            ByteReader bitmap_reader(reader.Take(size, "a bitmap"), origin);
            DecodeRoaring32(bitmap_reader, key, sink);
        }
        return std::move(sink.values);
    }
    throw LogInvalid(origin,
                     fmt::format("magic number {} is not a RoaringBitmapArray ({} expected)", magic, PORTABLE_MAGIC));
}

void AppendLittleEndian(std::string& out, uint64_t value, size_t width) {
    for (size_t index = 0; index < width; ++index) {
        out += static_cast<char>((value >> (index * BYTE_BITS)) & BYTE_MASK);
    }
}

// One 32-bit Roaring bitmap (no-run cookie) of the low 32 bits of `values`.
void AppendRoaring32(std::string& out, const std::vector<uint64_t>& values, size_t begin, size_t end) {
    std::vector<std::pair<size_t, size_t>> containers; // [begin, end) of each 16-bit key
    for (size_t index = begin; index < end;) {
        size_t stop = index;
        uint64_t key = (values[index] >> static_cast<uint64_t>(KEY_SHIFT)) & LOW_MASK;
        while (stop < end && ((values[stop] >> static_cast<uint64_t>(KEY_SHIFT)) & LOW_MASK) == key) {
            ++stop;
        }
        containers.emplace_back(index, stop);
        index = stop;
    }
    size_t start = out.size();
    AppendLittleEndian(out, SERIAL_COOKIE_NO_RUN, sizeof(uint32_t));
    AppendLittleEndian(out, containers.size(), sizeof(uint32_t));
    for (const auto& [first, last] : containers) {
        AppendLittleEndian(out, (values[first] >> static_cast<uint64_t>(KEY_SHIFT)) & LOW_MASK, sizeof(uint16_t));
        AppendLittleEndian(out, last - first - 1, sizeof(uint16_t));
    }
    size_t offset = out.size() - start + containers.size() * sizeof(uint32_t);
    for (const auto& [first, last] : containers) {
        AppendLittleEndian(out, offset, sizeof(uint32_t));
        size_t cardinality = last - first;
        offset +=
            cardinality <= MAX_ARRAY_CARDINALITY ? cardinality * sizeof(uint16_t) : BITMAP_WORDS * sizeof(uint64_t);
    }
    for (const auto& [first, last] : containers) {
        if (last - first <= MAX_ARRAY_CARDINALITY) {
            for (size_t index = first; index < last; ++index) {
                AppendLittleEndian(out, values[index] & LOW_MASK, sizeof(uint16_t));
            }
            continue;
        }
        std::array<uint64_t, BITMAP_WORDS> words{};
        for (size_t index = first; index < last; ++index) {
            uint64_t low = values[index] & LOW_MASK;
            words[low / 64] |= uint64_t{1} << (low % 64);
        }
        for (uint64_t word : words) {
            AppendLittleEndian(out, word, sizeof(uint64_t));
        }
    }
}

uint32_t BigEndian32(std::string_view bytes) {
    uint32_t value = 0;
    for (char byte : bytes) {
        value = (value << static_cast<uint32_t>(BYTE_BITS)) | static_cast<uint8_t>(byte);
    }
    return value;
}

std::string UuidText(std::string_view bytes) {
    std::string text;
    for (size_t index = 0; index < bytes.size(); ++index) {
        if (index == 4 || index == 6 || index == 8 || index == 10) {
            text += '-';
        }
        text += fmt::format("{:02x}", static_cast<uint8_t>(bytes[index]));
    }
    return text;
}

// The local file a "u" or "p" descriptor points at.
std::string DeletionVectorFile(const DeletionVector& dv, const std::string& table_root, const std::string& origin) {
    const std::string& text = dv.path_or_inline_dv;
    if (dv.storage_type == "u") {
        if (text.size() < UUID_Z85_CHARS) {
            throw LogInvalid(origin,
                             fmt::format("pathOrInlineDv is shorter than the {}-character Z85 UUID", UUID_Z85_CHARS));
        }
        std::string prefix = text.substr(0, text.size() - UUID_Z85_CHARS);
        std::string uuid = DecodeZ85From(std::string_view(text).substr(prefix.size()), origin);
        std::filesystem::path file(table_root);
        if (!prefix.empty()) {
            file /= prefix;
        }
        file /= fmt::format("deletion_vector_{}.bin", UuidText(uuid));
        return file.string();
    }
    // "p": the same format as an add action's path, so a percent-encoded URI or an absolute path.
    std::string path = DecodePath(text);
    constexpr std::string_view FILE_SCHEME = "file:";
    constexpr std::string_view LOCALHOST = "//localhost/";
    if (path.starts_with(FILE_SCHEME)) {
        path.erase(0, FILE_SCHEME.size());
        if (path.starts_with(LOCALHOST)) {
            path.erase(0, LOCALHOST.size() - 1);
        } else if (path.starts_with("///")) {
            path.erase(0, 2);
        } else if (path.starts_with("//")) {
            throw Unsupported(origin, fmt::format("deletion vector file \"{}\" is on another host", text));
        }
    } else if (path.find("://") != std::string::npos) {
        throw Unsupported(origin,
                          fmt::format("deletion vector file \"{}\" is not on the local file system; odibi reads "
                                      "deletion vectors from local paths and file: URIs only",
                                      text));
    }
    if (!path.starts_with('/')) {
        throw LogInvalid(origin, fmt::format("a \"p\" deletion vector path must be absolute, not \"{}\"", text));
    }
    return path;
}

// The bitmap bytes of one DV in a DV file, after checking the format version, the size and the CRC-32.
// Only the DV's own range is read: one file may hold the DVs of many data files.
std::string ReadDeletionVectorFile(const std::string& file, const DeletionVector& dv) {
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in) {
        throw LogInvalid(file, "the deletion vector file is missing or cannot be read");
    }
    std::streamoff file_size = in.tellg();
    char version = 0;
    if (file_size <= 0 || !in.seekg(0).get(version)) {
        throw LogInvalid(file, "the deletion vector file is empty or cannot be read");
    }
    if (static_cast<uint8_t>(version) != DV_FILE_FORMAT_VERSION) {
        throw Unsupported(file,
                          fmt::format("deletion vector file format version {}; odibi reads version {}",
                                      static_cast<uint8_t>(version),
                                      DV_FILE_FORMAT_VERSION));
    }
    int64_t offset = dv.offset.value_or(0);
    if (offset < 0) {
        throw LogInvalid(file, fmt::format("the deletion vector offset {} is negative", offset));
    }
    uint64_t length = SIZE_FIELD_BYTES + static_cast<uint64_t>(dv.size_in_bytes) + CHECKSUM_BYTES;
    uint64_t end = static_cast<uint64_t>(offset) + length;
    if (end > static_cast<uint64_t>(file_size)) {
        throw LogInvalid(file,
                         fmt::format("the deletion vector at offset {} with {} bytes ends at byte {}, after the end "
                                     "of the {}-byte file",
                                     offset,
                                     dv.size_in_bytes,
                                     end,
                                     file_size));
    }
    std::string range(static_cast<size_t>(length), '\0');
    if (!in.seekg(offset).read(range.data(), static_cast<std::streamsize>(length))) {
        throw LogInvalid(file, fmt::format("the deletion vector at offset {} cannot be read", offset));
    }
    std::string_view view(range);
    uint32_t stored_size = BigEndian32(view.substr(0, SIZE_FIELD_BYTES));
    if (stored_size != static_cast<uint32_t>(dv.size_in_bytes)) {
        throw LogInvalid(file,
                         fmt::format("the deletion vector at offset {} has {} bytes, the descriptor says {}",
                                     offset,
                                     stored_size,
                                     dv.size_in_bytes));
    }
    std::string data(view.substr(SIZE_FIELD_BYTES, stored_size));
    uint32_t stored_checksum = BigEndian32(view.substr(SIZE_FIELD_BYTES + stored_size, CHECKSUM_BYTES));
    uint32_t checksum = Crc32(data);
    if (checksum != stored_checksum) {
        throw LogInvalid(file,
                         fmt::format("the deletion vector at offset {} fails its CRC-32 check (stored {:08x}, "
                                     "computed {:08x})",
                                     offset,
                                     stored_checksum,
                                     checksum));
    }
    return data;
}

} // namespace

std::string DecodeZ85(std::string_view text) {
    return DecodeZ85From(text, "Z85 text");
}

std::string EncodeZ85(std::string_view bytes) {
    if (bytes.size() % Z85_BLOCK_BYTES != 0) {
        throw InvalidArgument(
            fmt::format("Z85 encodes a multiple of {} bytes, not {} bytes", Z85_BLOCK_BYTES, bytes.size()));
    }
    std::string text;
    text.reserve(bytes.size() / Z85_BLOCK_BYTES * Z85_BLOCK_CHARS);
    for (size_t block = 0; block < bytes.size(); block += Z85_BLOCK_BYTES) {
        uint64_t value = BigEndian32(bytes.substr(block, Z85_BLOCK_BYTES));
        std::array<char, Z85_BLOCK_CHARS> digits{};
        for (size_t index = Z85_BLOCK_CHARS; index > 0; --index) {
            digits[index - 1] = Z85_ALPHABET[value % Z85_BASE];
            value /= Z85_BASE;
        }
        text.append(digits.data(), digits.size());
    }
    return text;
}

std::vector<uint64_t> DecodeRoaringArray(std::string_view bytes, const std::string& origin) {
    return DecodeRoaringArrayLimited(bytes, origin, std::nullopt);
}

std::string EncodeRoaringArray(const std::vector<uint64_t>& sorted_values) {
    for (size_t index = 0; index < sorted_values.size(); ++index) {
        if ((sorted_values[index] >> static_cast<uint64_t>(HIGH_SHIFT)) > MAX_BUCKET_KEY) {
            throw InvalidArgument(fmt::format("row index {} is 2^63 or more", sorted_values[index]));
        }
        if (index > 0 && sorted_values[index] <= sorted_values[index - 1]) {
            throw InvalidArgument("EncodeRoaringArray needs strictly ascending values");
        }
    }
    std::string out;
    AppendLittleEndian(out, PORTABLE_MAGIC, sizeof(uint32_t));
    std::vector<std::pair<size_t, size_t>> buckets; // [begin, end) of each 32-bit high key
    for (size_t index = 0; index < sorted_values.size();) {
        size_t stop = index;
        uint64_t high = sorted_values[index] >> static_cast<uint64_t>(HIGH_SHIFT);
        while (stop < sorted_values.size() && (sorted_values[stop] >> static_cast<uint64_t>(HIGH_SHIFT)) == high) {
            ++stop;
        }
        buckets.emplace_back(index, stop);
        index = stop;
    }
    AppendLittleEndian(out, buckets.size(), sizeof(uint64_t));
    for (const auto& [first, last] : buckets) {
        AppendLittleEndian(out, sorted_values[first] >> static_cast<uint64_t>(HIGH_SHIFT), sizeof(uint32_t));
        AppendRoaring32(out, sorted_values, first, last);
    }
    return out;
}

std::vector<uint64_t> ReadDeletedRows(const DeletionVector& dv, const std::string& table_root) {
    std::string origin = fmt::format("deletion vector {}", dv.UniqueId());
    if (dv.storage_type != "u" && dv.storage_type != "i" && dv.storage_type != "p") {
        throw Unsupported(
            origin, fmt::format("deletion vector storage type \"{}\" is unknown (valid: u, i, p)", dv.storage_type));
    }
    if (dv.cardinality < 0 || dv.size_in_bytes < 0) {
        throw LogInvalid(origin,
                         fmt::format("negative cardinality {} or sizeInBytes {}", dv.cardinality, dv.size_in_bytes));
    }
    if (dv.cardinality == 0) {
        return {};
    }
    std::string bytes;
    if (dv.storage_type == "i") {
        // Inline bytes are zero-padded to a multiple of 4 before encoding; sizeInBytes is the unpadded size.
        bytes = DecodeZ85From(dv.path_or_inline_dv, origin);
        if (bytes.size() < static_cast<size_t>(dv.size_in_bytes)) {
            throw LogInvalid(origin,
                             fmt::format("the inline deletion vector has {} bytes, the descriptor says {}",
                                         bytes.size(),
                                         dv.size_in_bytes));
        }
        bytes.resize(static_cast<size_t>(dv.size_in_bytes));
    } else {
        origin = DeletionVectorFile(dv, table_root, origin);
        bytes = ReadDeletionVectorFile(origin, dv);
    }
    auto expected = static_cast<uint64_t>(dv.cardinality);
    std::vector<uint64_t> rows = DecodeRoaringArrayLimited(bytes, origin, expected);
    if (rows.size() != expected) {
        throw LogInvalid(origin,
                         fmt::format("the deletion vector holds {} rows, the descriptor's cardinality is {}",
                                     rows.size(),
                                     expected));
    }
    return rows;
}

std::optional<std::string> DeletionVectorPath(const DeletionVector& dv, const std::string& table_root) {
    if (dv.storage_type == "i") {
        return std::nullopt;
    }
    return DeletionVectorFile(dv, table_root, "deletion vector " + dv.UniqueId());
}

} // namespace odibi::io::delta
