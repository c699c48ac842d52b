// Deletion vectors: Z85, the RoaringBitmapArray format, DV files and inline DVs, against real Delta tables.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "delta/actions.hpp"
#include "delta/deletion_vector.hpp"
#include <gtest/gtest.h>

#include "odibi/common/error.hpp"
#include "odibi/common/identity.hpp"
#include "odibi/config/project.hpp"

namespace odibi::io::delta {
namespace {

namespace fs = std::filesystem;

const std::string DELTA_DATA = ODIBI_SHARED_DIR "/testdata/delta";
const std::string SMALL_TABLE = DELTA_DATA + "/table-with-dv-small";
const std::string SMALL_DV_FILE = "deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin";
const std::string SMALL_DATA_FILE = "part-00000-fae5310a-a37d-4e51-827b-c3d5516560ca-c000.snappy.parquet";
constexpr uint64_t TWO_TO_32 = uint64_t{1} << 32U;

std::string ReadFile(const fs::path& path) {
    std::ifstream stream(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

void WriteFile(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream stream(path, std::ios::binary);
    stream << content;
}

// The deletion vector of `data_file` after replaying every JSON commit of the table in order.
std::optional<DeletionVector> ReplayDeletionVector(const std::string& table, const std::string& data_file) {
    std::optional<DeletionVector> current;
    for (int64_t version = 0;; ++version) {
        fs::path commit = fs::path(table) / "_delta_log" / CommitFileName(version);
        if (!fs::exists(commit)) {
            break;
        }
        Actions actions = ParseCommit(ReadFile(commit), commit.string());
        for (const auto& remove : actions.removes) {
            if (remove.path == data_file) {
                current.reset();
            }
        }
        for (const auto& add : actions.adds) {
            if (add.path == data_file) {
                current = add.deletion_vector;
            }
        }
    }
    return current;
}

// Runs `action` and returns the odibi::Error it throws (an INTERNAL one if it throws nothing).
template <typename Action> Error Thrown(Action&& action) {
    try {
        action();
    } catch (const Error& error) {
        return error;
    }
    return Error(ErrorCode::INTERNAL, ErrorSource::INTERNAL, "nothing was thrown");
}

std::vector<uint64_t> Range(uint64_t first, uint64_t count, uint64_t step = 1) {
    std::vector<uint64_t> values;
    for (uint64_t index = 0; index < count; ++index) {
        values.push_back(first + index * step);
    }
    return values;
}

void AppendLittleEndian(std::string& out, uint64_t value, size_t width) {
    for (size_t index = 0; index < width; ++index) {
        out += static_cast<char>((value >> (index * 8)) & 0xFFU);
    }
}

DeletionVector Inline(const std::vector<uint64_t>& values) {
    std::string bytes = EncodeRoaringArray(values);
    DeletionVector dv;
    dv.storage_type = "i";
    dv.size_in_bytes = static_cast<int32_t>(bytes.size());
    dv.cardinality = static_cast<int64_t>(values.size());
    bytes.resize((bytes.size() + 3) / 4 * 4, '\0'); // the protocol zero-pads inline DVs to whole Z85 blocks
    dv.path_or_inline_dv = EncodeZ85(bytes);
    return dv;
}

class DeletionVectorTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::path(::testing::TempDir()) / ("odibi_dv_" + NewUuid());
        fs::create_directories(root_);
    }

    void TearDown() override {
        std::error_code error;
        fs::remove_all(root_, error);
    }

    // The descriptor of the small table's version 1, pointing at a copy of its DV file under `root_`.
    [[nodiscard]] DeletionVector CopiedSmallDv(const std::string& content) const {
        WriteFile(root_ / SMALL_DV_FILE, content);
        DeletionVector dv = *ReplayDeletionVector(SMALL_TABLE, SMALL_DATA_FILE);
        return dv;
    }

    fs::path root_;
};

TEST_F(DeletionVectorTest, SmallTableDeletesRowsZeroAndNine) {
    std::optional<DeletionVector> dv = ReplayDeletionVector(SMALL_TABLE, SMALL_DATA_FILE);
    ASSERT_TRUE(dv.has_value());
    EXPECT_EQ(dv->storage_type, "u");
    EXPECT_EQ(ReadDeletedRows(*dv, SMALL_TABLE), (std::vector<uint64_t>{0, 9}));
}

TEST_F(DeletionVectorTest, TableWithDeletionLogsMatchesExpectedAtLatestVersion) {
    const std::string table = DELTA_DATA + "/table_with_deletion_logs";
    config::Json expected = config::Json::parse(ReadFile(DELTA_DATA + "/EXPECTED.json"));
    const config::Json& per_file = expected["table_with_deletion_logs"]["versions"]["20"]["dv_deleted_row_indexes"];
    ASSERT_FALSE(per_file.empty());
    for (const auto& [data_file, rows] : per_file.items()) {
        std::optional<DeletionVector> dv = ReplayDeletionVector(table, data_file);
        ASSERT_TRUE(dv.has_value()) << data_file;
        EXPECT_EQ(ReadDeletedRows(*dv, table), rows.get<std::vector<uint64_t>>()) << data_file;
    }
}

TEST_F(DeletionVectorTest, RandomPrefixAndAbsolutePathsFindTheFile) {
    DeletionVector dv = *ReplayDeletionVector(SMALL_TABLE, SMALL_DATA_FILE);
    std::string content = ReadFile(fs::path(SMALL_TABLE) / SMALL_DV_FILE);

    WriteFile(root_ / "ab" / SMALL_DV_FILE, content);
    DeletionVector prefixed = dv;
    prefixed.path_or_inline_dv = "ab" + dv.path_or_inline_dv;
    EXPECT_EQ(ReadDeletedRows(prefixed, root_.string()), (std::vector<uint64_t>{0, 9}));

    WriteFile(root_ / "with space" / SMALL_DV_FILE, content);
    DeletionVector absolute = dv;
    absolute.storage_type = "p";
    absolute.path_or_inline_dv = (root_ / "ab" / SMALL_DV_FILE).string();
    EXPECT_EQ(ReadDeletedRows(absolute, "/unused"), (std::vector<uint64_t>{0, 9}));
    absolute.path_or_inline_dv = "file://" + (root_ / "with%20space" / SMALL_DV_FILE).string();
    EXPECT_EQ(ReadDeletedRows(absolute, "/unused"), (std::vector<uint64_t>{0, 9}));
    absolute.path_or_inline_dv = "file:" + (root_ / "ab" / SMALL_DV_FILE).string();
    EXPECT_EQ(ReadDeletedRows(absolute, "/unused"), (std::vector<uint64_t>{0, 9}));

    absolute.path_or_inline_dv = "s3://bucket/table/" + SMALL_DV_FILE;
    EXPECT_EQ(Thrown([&] { static_cast<void>(ReadDeletedRows(absolute, "/unused")); }).Code(),
              ErrorCode::DELTA_FEATURE_UNSUPPORTED);
    absolute.path_or_inline_dv = SMALL_DV_FILE;
    EXPECT_EQ(Thrown([&] { static_cast<void>(ReadDeletedRows(absolute, "/unused")); }).Code(),
              ErrorCode::DELTA_LOG_INVALID);
}

TEST_F(DeletionVectorTest, DamagedDvFilesAreLogInvalidNamingTheFile) {
    std::string content = ReadFile(fs::path(SMALL_TABLE) / SMALL_DV_FILE);
    DeletionVector dv = CopiedSmallDv(content);
    ASSERT_EQ(ReadDeletedRows(dv, root_.string()), (std::vector<uint64_t>{0, 9}));
    const std::string file = (root_ / SMALL_DV_FILE).string();

    auto expect_invalid = [&](const DeletionVector& descriptor, const std::string& problem) {
        Error error = Thrown([&] { static_cast<void>(ReadDeletedRows(descriptor, root_.string())); });
        EXPECT_EQ(error.Code(), ErrorCode::DELTA_LOG_INVALID) << error.what();
        EXPECT_NE(error.Message().find(file), std::string::npos) << error.what();
        EXPECT_NE(error.Message().find(problem), std::string::npos) << error.what();
    };

    std::string flipped = content;
    flipped[1 + 4 + 10] = static_cast<char>(flipped[1 + 4 + 10] ^ 0x01);
    WriteFile(file, flipped);
    expect_invalid(dv, "CRC-32");

    WriteFile(file, content);
    DeletionVector wrong_size = dv;
    wrong_size.size_in_bytes -= 1;
    expect_invalid(wrong_size, "the descriptor says");
    DeletionVector wrong_cardinality = dv;
    wrong_cardinality.cardinality = 3;
    expect_invalid(wrong_cardinality, "cardinality");
    wrong_cardinality.cardinality = 1;
    expect_invalid(wrong_cardinality, "cardinality");
    DeletionVector past_end = dv;
    past_end.offset = static_cast<int32_t>(content.size());
    expect_invalid(past_end, "after the end");

    WriteFile(file, content.substr(0, content.size() - 2));
    expect_invalid(dv, "after the end");

    fs::remove(file);
    expect_invalid(dv, "missing");

    std::string version_two = content;
    version_two[0] = 2;
    WriteFile(file, version_two);
    EXPECT_EQ(Thrown([&] { static_cast<void>(ReadDeletedRows(dv, root_.string())); }).Code(),
              ErrorCode::DELTA_FEATURE_UNSUPPORTED);
}

TEST_F(DeletionVectorTest, UnknownStorageTypeIsUnsupported) {
    DeletionVector dv = Inline({1});
    dv.storage_type = "x";
    EXPECT_EQ(Thrown([&] { static_cast<void>(ReadDeletedRows(dv, "/unused")); }).Code(),
              ErrorCode::DELTA_FEATURE_UNSUPPORTED);
}

// PROTOCOL.md's inline example ("JSON Example 3") writes the magic number big-endian, which no Delta
// reader accepts (delta-io/delta#3063 corrects it); its 32-bit bitmap, re-wrapped little-endian as the
// text describes, holds the documented rows.
TEST(InlineDeletionVectorTest, ProtocolExampleDecodesOnceItsErratumIsFixed) {
    DeletionVector dv;
    dv.storage_type = "i";
    dv.path_or_inline_dv = "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L";
    dv.size_in_bytes = 40;
    dv.cardinality = 6;
    EXPECT_EQ(Thrown([&] { static_cast<void>(ReadDeletedRows(dv, "/unused")); }).Code(), ErrorCode::DELTA_LOG_INVALID);

    std::string example = DecodeZ85(dv.path_or_inline_dv);
    ASSERT_EQ(example.substr(0, 4), std::string("\x64\x39\xD3\xD0"));
    std::string corrected;
    AppendLittleEndian(corrected, 1681511377, 4);
    AppendLittleEndian(corrected, 1, 8); // one bucket
    AppendLittleEndian(corrected, 0, 4); // with key 0
    corrected += example.substr(12);     // after the big-endian magic, bitmap count and bitmap size
    dv.path_or_inline_dv = EncodeZ85(corrected);
    dv.size_in_bytes = static_cast<int32_t>(corrected.size());
    EXPECT_EQ(ReadDeletedRows(dv, "/unused"), (std::vector<uint64_t>{3, 4, 7, 11, 18, 29}));
}

TEST(InlineDeletionVectorTest, PaddedInlineDvRoundTrips) {
    std::vector<uint64_t> single{7};
    ASSERT_NE(EncodeRoaringArray(single).size() % 4, 0U) << "the test needs a DV that must be padded";
    EXPECT_EQ(ReadDeletedRows(Inline(single), "/unused"), single);

    std::vector<uint64_t> spread{0, 5, 70000, TWO_TO_32 + 1, 3 * TWO_TO_32 + 65535};
    EXPECT_EQ(ReadDeletedRows(Inline(spread), "/unused"), spread);

    DeletionVector empty = Inline({});
    EXPECT_TRUE(ReadDeletedRows(empty, "/unused").empty());

    DeletionVector overstated = Inline(spread);
    overstated.cardinality = 4;
    EXPECT_EQ(Thrown([&] { static_cast<void>(ReadDeletedRows(overstated, "/unused")); }).Code(),
              ErrorCode::DELTA_LOG_INVALID);
    DeletionVector too_long = Inline(spread);
    too_long.size_in_bytes += 8;
    EXPECT_EQ(Thrown([&] { static_cast<void>(ReadDeletedRows(too_long, "/unused")); }).Code(),
              ErrorCode::DELTA_LOG_INVALID);
}

TEST(Z85Test, RfcTestVector) {
    const std::string bytes{'\x86', '\x4F', '\xD2', '\x6F', '\xB5', '\x59', '\xF7', '\x5B'};
    EXPECT_EQ(EncodeZ85(bytes), "HelloWorld");
    EXPECT_EQ(DecodeZ85("HelloWorld"), bytes);
}

TEST(Z85Test, RoundTripsEveryByteValue) {
    std::string bytes;
    for (int value = 0; value < 256; ++value) {
        bytes += static_cast<char>(value);
    }
    EXPECT_EQ(DecodeZ85(EncodeZ85(bytes)), bytes);
    EXPECT_EQ(EncodeZ85(""), "");
    EXPECT_EQ(DecodeZ85(EncodeZ85(std::string(4, '\xFF'))), std::string(4, '\xFF'));
}

TEST(Z85Test, RejectsBadLengthsAndCharacters) {
    EXPECT_EQ(Thrown([] { static_cast<void>(DecodeZ85("Hello1")); }).Code(), ErrorCode::DELTA_LOG_INVALID);
    EXPECT_EQ(Thrown([] { static_cast<void>(DecodeZ85("Hel\"o")); }).Code(), ErrorCode::DELTA_LOG_INVALID);
    EXPECT_EQ(Thrown([] { static_cast<void>(DecodeZ85("Hel~o")); }).Code(), ErrorCode::DELTA_LOG_INVALID);
    EXPECT_EQ(Thrown([] { static_cast<void>(DecodeZ85(std::string("Hel\xC3o", 5))); }).Code(),
              ErrorCode::DELTA_LOG_INVALID);
    EXPECT_EQ(Thrown([] { static_cast<void>(DecodeZ85("#####")); }).Code(), ErrorCode::DELTA_LOG_INVALID);
    EXPECT_EQ(Thrown([] { static_cast<void>(EncodeZ85("abc")); }).Code(), ErrorCode::INTERNAL);
}

TEST(RoaringTest, RoundTripsSmallSpreadAndEmptySets) {
    std::vector<std::vector<uint64_t>> cases{
        {},
        {0},
        {0, 1, 2, 65535, 65536, 131071, 4294967295},
        {TWO_TO_32, TWO_TO_32 + 2, 5 * TWO_TO_32 + 1, 5 * TWO_TO_32 + 70000, (uint64_t{1} << 62U) + 9},
        Range(3, 4096, 16),
    };
    for (const auto& values : cases) {
        EXPECT_EQ(DecodeRoaringArray(EncodeRoaringArray(values), "test"), values);
    }
}

TEST(RoaringTest, LargeContainersUseBitmaps) {
    std::vector<uint64_t> values = Range(TWO_TO_32 + 10, 5000, 3);
    std::vector<uint64_t> dense = Range(7 * TWO_TO_32, 65536);
    values.insert(values.end(), dense.begin(), dense.end());
    std::string encoded = EncodeRoaringArray(values);
    // 5000 array values would take 10000 bytes; a bitmap container takes 8192.
    EXPECT_LT(encoded.size(), 3 * 8192U);
    EXPECT_EQ(DecodeRoaringArray(encoded, "test"), values);
}

// A 32-bit Roaring bitmap with the run cookie: containers 0 and 2 are runs, 1 is an array and 3 a
// bitmap, so the offset header (written from 4 containers on) is present.
std::string HandBuiltRunBitmap() {
    std::string bytes;
    AppendLittleEndian(bytes, 1681511377, 4);
    AppendLittleEndian(bytes, 1, 8);                   // one bucket
    AppendLittleEndian(bytes, 2, 4);                   // bucket key 2
    AppendLittleEndian(bytes, 12347 | (3U << 16U), 4); // run cookie, 4 containers
    bytes += static_cast<char>(0b0101);                // run bitset
    const std::vector<std::pair<uint16_t, uint16_t>> headers{{0, 5}, {1, 2}, {4, 65536 - 10}, {9, 4097}};
    for (const auto& [key, cardinality] : headers) {
        AppendLittleEndian(bytes, key, 2);
        AppendLittleEndian(bytes, cardinality - 1U, 2);
    }
    bytes += std::string(4 * headers.size(), '\0'); // offsets: unused when reading front to back
    AppendLittleEndian(bytes, 2, 2);                // container 0: runs [5, 7] and [100, 101]
    AppendLittleEndian(bytes, 5, 2);
    AppendLittleEndian(bytes, 2, 2);
    AppendLittleEndian(bytes, 100, 2);
    AppendLittleEndian(bytes, 1, 2);
    AppendLittleEndian(bytes, 3, 2); // container 1: array {3, 65535}
    AppendLittleEndian(bytes, 65535, 2);
    AppendLittleEndian(bytes, 1, 2); // container 2: one run [10, 65535]
    AppendLittleEndian(bytes, 10, 2);
    AppendLittleEndian(bytes, 65535 - 10, 2);
    std::string words(8192, '\0'); // container 3: bitmap of 0..4096
    for (size_t bit = 0; bit <= 4096; ++bit) {
        words[bit / 8] = static_cast<char>(static_cast<uint8_t>(words[bit / 8]) | (1U << (bit % 8)));
    }
    return bytes + words;
}

TEST(RoaringTest, DecodesRunContainers) {
    std::vector<uint64_t> decoded = DecodeRoaringArray(HandBuiltRunBitmap(), "test");
    const uint64_t bucket = 2 * TWO_TO_32;
    std::vector<uint64_t> expected{bucket + 5, bucket + 6, bucket + 7, bucket + 100, bucket + 101};
    expected.push_back(bucket + 65536 + 3);
    expected.push_back(bucket + 65536 + 65535);
    for (uint64_t value = 10; value <= 65535; ++value) {
        expected.push_back(bucket + 4 * 65536 + value);
    }
    for (uint64_t value = 0; value <= 4096; ++value) {
        expected.push_back(bucket + 9 * 65536 + value);
    }
    EXPECT_EQ(decoded, expected);

    std::string single_run;
    AppendLittleEndian(single_run, 1681511377, 4);
    AppendLittleEndian(single_run, 1, 8);
    AppendLittleEndian(single_run, 0, 4);
    AppendLittleEndian(single_run, 12347, 4); // one container, no offset header below 4 containers
    single_run += '\x01';
    AppendLittleEndian(single_run, 0, 2);
    AppendLittleEndian(single_run, 2, 2);
    AppendLittleEndian(single_run, 1, 2);
    AppendLittleEndian(single_run, 0, 2);
    AppendLittleEndian(single_run, 2, 2);
    EXPECT_EQ(DecodeRoaringArray(single_run, "test"), (std::vector<uint64_t>{0, 1, 2}));
}

TEST(RoaringTest, CorruptInputsAreLogInvalid) {
    auto code_of = [](const std::string& bytes) {
        return Thrown([&] { static_cast<void>(DecodeRoaringArray(bytes, "corrupt.bin")); }).Code();
    };
    std::string valid = EncodeRoaringArray({1, 2, 70000, TWO_TO_32 + 3});
    std::string bad_magic = valid;
    bad_magic[0] = static_cast<char>(bad_magic[0] ^ 0x01);
    EXPECT_EQ(code_of(bad_magic), ErrorCode::DELTA_LOG_INVALID);
    for (size_t length = 0; length < valid.size(); ++length) {
        EXPECT_EQ(code_of(valid.substr(0, length)), ErrorCode::DELTA_LOG_INVALID) << length;
    }
    std::string run_bitmap = HandBuiltRunBitmap();
    for (size_t length : {size_t{20}, size_t{40}, size_t{60}, run_bitmap.size() - 1}) {
        EXPECT_EQ(code_of(run_bitmap.substr(0, length)), ErrorCode::DELTA_LOG_INVALID) << length;
    }
    std::string bad_cookie = valid;
    bad_cookie[16] = static_cast<char>(bad_cookie[16] ^ 0x10);
    EXPECT_EQ(code_of(bad_cookie), ErrorCode::DELTA_LOG_INVALID);
    std::string huge_bucket_count = valid;
    huge_bucket_count[11] = '\x7F';
    EXPECT_EQ(code_of(huge_bucket_count), ErrorCode::DELTA_LOG_INVALID);
    std::string negative_key = EncodeRoaringArray({1});
    negative_key[15] = '\x80';
    EXPECT_EQ(code_of(negative_key), ErrorCode::DELTA_LOG_INVALID);
    // Any damaged byte either still decodes or throws odibi::Error; it never reads out of bounds.
    for (const std::string& sample : {valid, EncodeRoaringArray(Range(0, 600, 200))}) {
        for (size_t position = 0; position < sample.size(); ++position) {
            std::string damaged = sample;
            damaged[position] = '\xFF';
            try {
                static_cast<void>(DecodeRoaringArray(damaged, "damaged.bin"));
            } catch (const Error& error) {
                EXPECT_EQ(error.Code(), ErrorCode::DELTA_LOG_INVALID) << position;
            }
        }
    }
    std::string dense = EncodeRoaringArray(Range(0, 5000));
    dense[dense.size() - 1] = '\x01'; // a bitmap container with one bit more than its header says
    EXPECT_EQ(code_of(dense), ErrorCode::DELTA_LOG_INVALID);
}

} // namespace
} // namespace odibi::io::delta
