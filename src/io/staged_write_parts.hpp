// What a StagedWrite holds: the outcome, the publication marker, and how to publish (per kind of target).
#pragma once

#include <optional>
#include <string>

#include "odibi/io/formats.hpp"

namespace odibi::io {

struct StagedWrite::Parts {
    virtual ~Parts() = default;
    /// Makes the staged output the target's (one rename for files, one log commit for Delta).
    virtual void Publish() = 0;
    /// Removes what publication left behind; never throws.
    virtual void Cleanup() = 0;
    /// The hidden sibling of the target that holds the staged output.
    [[nodiscard]] virtual std::string Staging() const = 0;

    WriteOutcome outcome;
    std::string published_marker;
};

/// delete_match on a target that does not exist: there is nothing to delete from, and the caller
/// (the merge pattern, delete detection) skips the write instead.
[[nodiscard]] Error NothingToDeleteFrom(const std::string& target);

/// The SELECT of an upsert batch's rows that are written: all of them, or with a delete flag column
/// (the merge pattern's delete_condition) those without it, and never the flag column itself.
[[nodiscard]] std::string RowsToWrite(const std::string& batch_scan, const std::optional<std::string>& delete_flag);

} // namespace odibi::io
