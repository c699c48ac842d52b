// The index pages of the stories folder: one per pipeline (its recent runs) and one for the root.
#pragma once

#include <string>
#include <vector>

#include "odibi/observe/story.hpp"

namespace odibi::observe {

/// One pipeline folder as the root index shows it.
struct PipelineStorySummary {
    std::string directory; ///< folder name under the stories root
    std::string pipeline;  ///< pipeline name as the newest story records it
    StoryEntry latest;
    size_t run_count = 0;
};

/// `<root>/<pipeline>/index.html`: the runs (newest first, at most STORY_INDEX_RUN_LIMIT) with
/// status, duration and links relative to `pipeline_directory`.
[[nodiscard]] std::string RenderPipelineIndexHtml(const std::string& pipeline,
                                                  const std::vector<StoryEntry>& entries,
                                                  const std::string& pipeline_directory);
/// `<root>/index.html`: every pipeline with its latest run, links relative to `stories_root`.
[[nodiscard]] std::string RenderRootIndexHtml(const std::vector<PipelineStorySummary>& pipelines,
                                              const std::string& stories_root);
/// A relative href from `base_directory` to `path`, each segment percent-encoded.
[[nodiscard]] std::string RelativeHref(const std::string& path, const std::string& base_directory);

} // namespace odibi::observe
