// Dropping the temporary objects of an evaluation.
#include "temporary_objects.hpp"

#include <algorithm>

#include "odibi/engine/sql.hpp"

namespace odibi::quality {

TemporaryObjectScope::~TemporaryObjectScope() {
    std::vector<TemporaryObject> reversed(objects_.rbegin(), objects_.rend());
    DropObjects(connection_, reversed);
}

void TemporaryObjectScope::Add(TemporaryObjectKind kind, std::string name) {
    objects_.push_back({kind, std::move(name)});
}

std::vector<TemporaryObject> TemporaryObjectScope::Release() {
    std::vector<TemporaryObject> reversed(objects_.rbegin(), objects_.rend());
    objects_.clear();
    return reversed;
}

void DropObjects(engine::Connection& connection, const std::vector<TemporaryObject>& objects) noexcept {
    for (const auto& object : objects) {
        const char* kind = object.kind == TemporaryObjectKind::VIEW ? "VIEW" : "TABLE";
        const char* schema = object.kind == TemporaryObjectKind::SHARED_TABLE ? "main." : "temp.main.";
        try {
            connection.Execute(std::string("DROP ") + kind + " IF EXISTS " + schema +
                               engine::QuoteIdentifier(object.name));
        } catch (...) {
            // The objects are temporary: they disappear with the connection if this drop fails.
            continue;
        }
    }
}

void DropTemporaryObjects(engine::Connection& connection, TestEvaluation& evaluation) noexcept {
    DropObjects(connection, evaluation.temporary_objects);
    evaluation.temporary_objects.clear();
}

} // namespace odibi::quality
