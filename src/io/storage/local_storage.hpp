// The `local` connection: paths on this machine under the connection's base_path.
#pragma once

#include <memory>

#include "odibi/config/project.hpp"
#include "odibi/io/storage.hpp"

namespace odibi::io {

/// Storage for a `type: local` connection.
[[nodiscard]] std::unique_ptr<Storage> MakeLocalStorage(const config::ConnectionConfig& connection);

} // namespace odibi::io
