// sessionize: numbers each user's sessions; a gap longer than the threshold starts a new one.
#include "builtin_transformer.hpp"
#include <fmt/format.h>

namespace odibi::transform {
namespace {

class Sessionize final : public BuiltinTransformer {
public:
    Sessionize()
        : BuiltinTransformer(
              "sessionize",
              "advanced",
              "Adds session_col = \"<user>-<n>\": per user, events in time order; the first event and every event "
              "more than threshold_seconds after the previous one start session n + 1. Rows come out ordered by "
              "user and time.",
              {RequiredParam("timestamp_col", "string", "the event time"),
               RequiredParam("user_col", "string", "who the events belong to"),
               OptionalParam("threshold_seconds", "int", "1800", "largest gap within one session, in seconds"),
               OptionalParam("session_col", "string", "session_id", "name of the new column")},
              {{"timestamp_col", "ordered_at"}, {"user_col", "customer"}, {"threshold_seconds", 3600}}) {}

private:
    void Check(const ParamReader& params) const override {
        if (params.GetInt("threshold_seconds") < 0) {
            throw params.Invalid("threshold_seconds", "\"threshold_seconds\" must not be negative");
        }
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto columns = RelationColumns::OfInput(input);
        const std::string time =
            engine::QuoteIdentifier(columns.Resolve(params.GetString("timestamp_col"), params, "timestamp_col"));
        const std::string user =
            engine::QuoteIdentifier(columns.Resolve(params.GetString("user_col"), params, "user_col"));
        const std::string flag = engine::QuoteIdentifier("__odibi_new_session");
        const std::string window = fmt::format("PARTITION BY {} ORDER BY {}", user, time);
        const std::string previous = fmt::format("lag(CAST({} AS TIMESTAMP)) OVER ({})", time, window);
        const std::string flagged = fmt::format(
            "SELECT *, CASE WHEN {prev} IS NULL OR epoch(CAST({time} AS TIMESTAMP)) - epoch({prev}) > {threshold} "
            "THEN 1 ELSE 0 END AS {flag} FROM {relation}",
            fmt::arg("prev", previous),
            fmt::arg("time", time),
            fmt::arg("threshold", params.GetInt("threshold_seconds")),
            fmt::arg("flag", flag),
            fmt::arg("relation", input.relation));
        return fmt::format("SELECT * EXCLUDE ({flag}), CAST({user} AS VARCHAR) || '-' || CAST(sum({flag}) OVER "
                           "({window} ROWS UNBOUNDED PRECEDING) AS VARCHAR) AS {output} FROM ({flagged}) ORDER BY "
                           "{user}, {time}",
                           fmt::arg("flag", flag),
                           fmt::arg("user", user),
                           fmt::arg("window", window),
                           fmt::arg("output", engine::QuoteIdentifier(params.GetString("session_col"))),
                           fmt::arg("flagged", flagged),
                           fmt::arg("time", time));
    }
};

} // namespace

std::unique_ptr<Transformer> MakeSessionizeTransformer() {
    return std::make_unique<Sessionize>();
}

} // namespace odibi::transform
