// The data-quality score of a run or node: 100 x the mean pass rate of its checks.
#include "odibi/quality/quality.hpp"

namespace odibi::quality {

namespace {

constexpr double FULL_SCORE = 100.0;

} // namespace

double QualityScore(const std::vector<QualityResult>& results) {
    if (results.empty()) {
        return FULL_SCORE;
    }
    double sum = 0.0;
    for (const auto& result : results) {
        sum += result.pass_rate;
    }
    return FULL_SCORE * sum / static_cast<double>(results.size());
}

} // namespace odibi::quality
