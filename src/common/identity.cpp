// UUIDs from the OS random source and digests through OpenSSL's EVP interface.
#include "odibi/common/identity.hpp"

#include <array>
#include <random>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "odibi/common/error.hpp"

namespace odibi {
namespace {

std::string HexDigest(const EVP_MD* algorithm, std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, algorithm, nullptr) != 1) {
        throw InternalError("OpenSSL digest failed");
    }
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int index = 0; index < length; ++index) {
        hex += fmt::format("{:02x}", digest[index]);
    }
    return hex;
}

} // namespace

std::string NewUuid() {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    thread_local pid_t seeded_in = ::getpid();
    if (seeded_in != ::getpid()) {
        // A forked child inherits the parent's generator state: reseed, or both would draw the same ids.
        generator.seed(std::random_device{}());
        seeded_in = ::getpid();
    }
    std::array<unsigned char, 16> bytes{};
    for (size_t index = 0; index < bytes.size(); index += 8) {
        uint64_t value = generator();
        for (size_t offset = 0; offset < 8; ++offset) {
            bytes[index + offset] = static_cast<unsigned char>(value >> (offset * 8));
        }
    }
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40); // version 4
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
    std::string text;
    for (size_t index = 0; index < bytes.size(); ++index) {
        if (index == 4 || index == 6 || index == 8 || index == 10) {
            text += '-';
        }
        text += fmt::format("{:02x}", bytes[index]);
    }
    return text;
}

std::string Sha256Hex(std::string_view bytes) {
    return HexDigest(EVP_sha256(), bytes);
}

std::string Md5Hex(std::string_view bytes) {
    return HexDigest(EVP_md5(), bytes);
}

} // namespace odibi
