// The names of CheckPhase and CheckStatus, lower case as meta_quality, the story and JSON output show them.
#include "odibi/quality/quality.hpp"

namespace odibi::quality {

std::string CheckPhaseName(CheckPhase phase) {
    switch (phase) {
    case CheckPhase::CONTRACT:
        return "contract";
    case CheckPhase::VALIDATION:
        return "validation";
    case CheckPhase::GATE:
        return "gate";
    case CheckPhase::CROSS_CHECK:
        return "cross_check";
    }
    return "validation";
}

std::string CheckStatusName(CheckStatus status) {
    switch (status) {
    case CheckStatus::PASSED:
        return "passed";
    case CheckStatus::WARNED:
        return "warned";
    case CheckStatus::FAILED:
        return "failed";
    case CheckStatus::QUARANTINED:
        return "quarantined";
    }
    return "failed";
}

} // namespace odibi::quality
