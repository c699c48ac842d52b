// Hive directory keys: read from folder names, with DuckDB's percent-encoding undone for columns.
#include "hive_layout.hpp"

#include <cctype>
#include <filesystem>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::io {
namespace {

constexpr int HEX_BASE = 16;

std::string PercentDecode(const std::string& encoded) {
    std::string decoded;
    for (size_t index = 0; index < encoded.size(); ++index) {
        if (encoded[index] == '%' && index + 2 < encoded.size() &&
            std::isxdigit(static_cast<unsigned char>(encoded[index + 1])) != 0 &&
            std::isxdigit(static_cast<unsigned char>(encoded[index + 2])) != 0) {
            decoded += static_cast<char>(std::stoi(encoded.substr(index + 1, 2), nullptr, HEX_BASE));
            index += 2;
            continue;
        }
        decoded += encoded[index];
    }
    return decoded;
}

} // namespace

std::vector<HiveKey> HiveKeysOf(const std::string& root, const std::string& data_file) {
    std::vector<HiveKey> keys;
    std::filesystem::path relative = std::filesystem::path(data_file).lexically_relative(root);
    for (auto part = relative.begin(); part != relative.end(); ++part) {
        if (std::next(part) == relative.end()) {
            break;
        }
        std::string segment = part->string();
        size_t equals = segment.find('=');
        if (equals != std::string::npos && equals > 0) {
            std::string stored = segment.substr(0, equals);
            keys.push_back(HiveKey{stored, PercentDecode(stored)});
        }
    }
    return keys;
}

std::string WithHiveColumnNames(const std::string& scan, const std::vector<HiveKey>& keys) {
    std::vector<std::string> renames;
    for (const auto& key : keys) {
        if (key.stored != key.name) {
            renames.push_back(
                fmt::format("{} AS {}", engine::QuoteIdentifier(key.stored), engine::QuoteIdentifier(key.name)));
        }
    }
    if (renames.empty()) {
        return scan;
    }
    return fmt::format("(SELECT * RENAME ({}) FROM {})", Join(renames, ", "), scan);
}

} // namespace odibi::io
