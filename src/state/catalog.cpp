// Backend-independent parts of the Catalog interface.
#include "odibi/state/catalog.hpp"

#include <fmt/format.h>

#include "odibi/common/error.hpp"

namespace odibi::state {

StateEntry Catalog::GetState(const std::string& key) {
    auto entry = TryGetState(key);
    if (!entry) {
        Error error(ErrorCode::STATE_NOT_FOUND, ErrorSource::USER, fmt::format("no state stored for key \"{}\"", key));
        error.WithPhase("catalog");
        error.WithContext("key", key);
        error.WithSuggestion("list the stored keys with `odibi catalog state <config>`; a key is written only after "
                             "the node that owns it succeeds");
        throw error;
    }
    return *entry;
}

} // namespace odibi::state
