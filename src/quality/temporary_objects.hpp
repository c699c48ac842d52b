// Ownership of the temporary tables and views an evaluation creates: dropped on every path unless
// handed to the caller.
#pragma once

#include <vector>

#include "odibi/engine/database.hpp"
#include "odibi/quality/quality.hpp"

namespace odibi::quality {

/// Drops its objects (in reverse order of Add) when destroyed, unless Release hands them over.
class TemporaryObjectScope {
public:
    explicit TemporaryObjectScope(engine::Connection& connection) : connection_(connection) {}
    ~TemporaryObjectScope();
    TemporaryObjectScope(const TemporaryObjectScope&) = delete;
    TemporaryObjectScope& operator=(const TemporaryObjectScope&) = delete;
    TemporaryObjectScope(TemporaryObjectScope&&) = delete;
    TemporaryObjectScope& operator=(TemporaryObjectScope&&) = delete;

    void Add(TemporaryObjectKind kind, std::string name);
    /// The objects in drop order (last added first); the scope no longer drops them.
    [[nodiscard]] std::vector<TemporaryObject> Release();

private:
    engine::Connection& connection_;
    std::vector<TemporaryObject> objects_; ///< in creation order
};

/// Drops `objects` in order, ignoring failures.
void DropObjects(engine::Connection& connection, const std::vector<TemporaryObject>& objects) noexcept;

} // namespace odibi::quality
