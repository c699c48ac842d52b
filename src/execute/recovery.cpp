// Finishes or rolls back the open write intents of crashed runs before a new run writes anything.
#include "recovery.hpp"

#include <set>

#include <fmt/format.h>

#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/io/formats.hpp"

namespace odibi::execute {
namespace {

constexpr std::string_view RUNNING = "RUNNING";

// Run ids of the intents' pipelines that some live process may still be running.
std::set<std::string> RunningRuns(state::Catalog& catalog, const std::vector<state::WriteIntent>& intents) {
    std::set<std::string> pipelines;
    for (const auto& intent : intents) {
        pipelines.insert(intent.pipeline_name);
    }
    std::set<std::string> running;
    for (const auto& pipeline : pipelines) {
        state::RunQuery query;
        query.pipeline = pipeline;
        query.status = std::string(RUNNING);
        query.limit = 0;
        for (const auto& run : catalog.ListPipelineRuns(query)) {
            running.insert(run.run_id);
        }
    }
    return running;
}

std::string Describe(const state::WriteIntent& intent) {
    return fmt::format("the {} write of node '{}' (pipeline '{}', run {}) to {}",
                       intent.mode,
                       intent.node_name,
                       intent.pipeline_name,
                       intent.run_id,
                       intent.target);
}

void Recover(state::Catalog& catalog, const state::WriteIntent& intent, RunObserver& observer, RecoveryReport& report) {
    if (io::IsWritePublished(intent.target, intent.published_marker)) {
        state::WriteCommit commit = state::WriteCommitFromJson(intent.commit, intent.intent_id);
        catalog.CommitWrite(commit);
        io::CleanUpPublishedWrite(intent.staging);
        ++report.rolled_forward;
        observer.OnNotice(fmt::format("recovery: {} was published before the run stopped; its state commit was "
                                      "finished ({} state update(s)) (rolled forward)",
                                      Describe(intent),
                                      commit.state_updates.size()));
        return;
    }
    io::RollBackStagedWrite(intent.target, intent.staging);
    static_cast<void>(catalog.AbandonWriteIntent(intent.intent_id));
    ++report.rolled_back;
    observer.OnNotice(fmt::format("recovery: {} was not published before the run stopped; its staged data was "
                                  "removed and the target and state are as before (rolled back)",
                                  Describe(intent)));
}

} // namespace

RecoveryReport RecoverOpenWrites(state::Catalog& catalog, RunObserver& observer) {
    RecoveryReport report;
    std::vector<state::WriteIntent> intents;
    std::set<std::string> running;
    try {
        intents = catalog.ListWriteIntents();
        if (intents.empty()) {
            return report;
        }
        running = RunningRuns(catalog, intents);
    } catch (const std::exception& error) {
        report.failures.push_back(
            SecretRegistry::Redact(fmt::format("could not read the open write intents: {}", error.what())));
        return report;
    }
    for (const auto& intent : intents) {
        if (running.contains(intent.run_id)) {
            ++report.left_open;
            observer.OnNotice(
                fmt::format("recovery: {} belongs to a run that is still RUNNING; left to that run", Describe(intent)));
            continue;
        }
        try {
            Recover(catalog, intent, observer, report);
        } catch (const std::exception& error) {
            std::string message =
                SecretRegistry::Redact(fmt::format("could not recover {}: {}", Describe(intent), error.what()));
            Log::Error("recovery: " + message);
            report.failures.push_back(message);
        }
    }
    return report;
}

Error RecoveryFailed(const RecoveryReport& report) {
    Error error(ErrorCode::RECOVERY_FAILED,
                ErrorSource::EXTERNAL,
                fmt::format("recovery of interrupted writes failed, so no pipeline ran (running them now could "
                            "write rows twice or lose them): {}",
                            Join(report.failures, "; ")));
    error.WithPhase("recovery");
    error.WithSuggestion("fix the cause above (catalog access, file permissions, free space) and run again; "
                         "recovery is repeated at the start of every run");
    error.WithSuggestion("the open intents are the rows of meta_write_intents in the catalog");
    return error;
}

} // namespace odibi::execute
