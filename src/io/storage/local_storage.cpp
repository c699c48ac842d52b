// The `local` connection: resolves paths against base_path and answers existence questions.
#include "storage/local_storage.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "storage/path_glob.hpp"

#include "odibi/common/strings.hpp"

namespace odibi::io {
namespace {

namespace fs = std::filesystem;

// Odibi's default when a local connection names no base_path.
constexpr std::string_view DEFAULT_BASE_PATH = "./data";

std::string StripTrailingSlashes(std::string path) {
    while (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    return path;
}

std::string AbsoluteBase(const config::ConnectionConfig& connection) {
    std::string base = connection.base_path;
    if (base.empty() && connection.fields.is_object() && connection.fields.contains("base_path") &&
        connection.fields["base_path"].is_string()) {
        base = connection.fields["base_path"].get<std::string>();
    }
    if (base.empty()) {
        base = DEFAULT_BASE_PATH;
    }
    if (IsUri(base)) {
        return StripTrailingSlashes(base);
    }
    std::error_code error;
    fs::path absolute = fs::absolute(fs::path(base), error);
    if (error) {
        absolute = fs::path(base);
    }
    return StripTrailingSlashes(absolute.lexically_normal().string());
}

class LocalStorage final : public Storage {
public:
    LocalStorage(std::string name, std::string base_path) : name_(std::move(name)), base_path_(std::move(base_path)) {}

    const std::string& Name() const override { return name_; }

    std::string Resolve(const std::string& relative) const override {
        if (IsUri(relative)) {
            return relative;
        }
        if (IsUri(base_path_)) {
            // A URI base is joined as text, as Odibi does: no file-system normalisation applies.
            std::string tail = relative;
            while (StartsWith(tail, "/")) {
                tail.erase(0, 1);
            }
            return tail.empty() ? base_path_ : base_path_ + "/" + tail;
        }
        fs::path path(relative);
        fs::path joined = path.is_absolute() ? path : fs::path(base_path_) / path;
        return StripTrailingSlashes(joined.lexically_normal().string());
    }

    bool Exists(const std::string& resolved) const override {
        if (IsUri(resolved)) {
            return false;
        }
        if (HasGlob(resolved)) {
            return !ExpandGlob(resolved, 1).empty();
        }
        std::error_code error;
        return fs::exists(resolved, error);
    }

    bool IsDirectory(const std::string& resolved) const override {
        if (IsUri(resolved) || HasGlob(resolved)) {
            return false;
        }
        std::error_code error;
        return fs::is_directory(resolved, error);
    }

    std::vector<std::string> ListDirectory(const std::string& resolved_directory) const override {
        std::vector<std::string> names;
        std::error_code error;
        fs::directory_iterator iterator(resolved_directory, fs::directory_options::skip_permission_denied, error);
        if (error) {
            return names;
        }
        for (const auto& entry : iterator) {
            names.push_back(entry.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

    bool IsLocalFileSystem() const override { return !IsUri(base_path_); }

private:
    std::string name_;
    std::string base_path_;
};

} // namespace

std::unique_ptr<Storage> MakeLocalStorage(const config::ConnectionConfig& connection) {
    return std::make_unique<LocalStorage>(connection.name, AbsoluteBase(connection));
}

} // namespace odibi::io
