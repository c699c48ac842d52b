// dimension: a dimension table with stable integer surrogate keys, SCD type 0, 1 or 2.
#include "scd2_history.hpp"
#include <fmt/format.h>

namespace odibi::transform {
namespace {

using engine::QuoteIdentifier;

bool IsTextType(const std::string& type) {
    return ToUpper(type) == "VARCHAR";
}

class Dimension final : public BuiltinTransformer {
public:
    Dimension()
        : BuiltinTransformer(
              "dimension",
              PATTERN_CATEGORY,
              "Builds a dimension with an integer surrogate key. New natural keys get keys above the target's "
              "highest, numbered in natural-key order, so keys stay stable across runs. scd_type 0 only adds new "
              "keys; 1 overwrites the rows of existing keys with the incoming values (keeping their surrogate "
              "key); 2 keeps history: a change in track_cols closes the current row at the load time and adds a "
              "new version. The output is the whole dimension: write it with mode overwrite (or merge on the "
              "surrogate key).",
              {RequiredParam("natural_key", "string", "the business key column"),
               RequiredParam("surrogate_key", "string", "name of the integer surrogate key column"),
               OptionalParam("scd_type", "int", "1", "0 (insert only), 1 (overwrite) or 2 (history)"),
               OptionalParam("track_cols", "list[string]", "", "columns whose change makes a new version (scd 2)"),
               OptionalParam("target",
                             "string",
                             "",
                             "the existing dimension, <connection>.<path> (required for scd 2; without it every "
                             "run is a first run)"),
               OptionalParam("unknown_member",
                             "bool",
                             "false",
                             "add the unknown member: surrogate key 0, natural key -1, text \"Unknown\", numbers 0"),
               AuditParam(true),
               OptionalParam("valid_from_col", "string", "valid_from", "scd 2: when a version starts"),
               OptionalParam("valid_to_col", "string", "valid_to", "scd 2: when it ends (NULL while current)"),
               OptionalParam("is_current_col", "string", "is_current", "scd 2: true for the current version")},
              {{"natural_key", "customer_id"},
               {"surrogate_key", "customer_sk"},
               {"scd_type", 2},
               {"track_cols", {"customer", "status"}},
               {"target", "silver.dim_customer"},
               {"unknown_member", true}}) {}

    [[nodiscard]] std::optional<TargetReference> TargetOf(const config::Json& params) const override {
        return TargetReferenceOf(params);
    }

private:
    void Check(const ParamReader& params) const override {
        int64_t scd_type = params.GetInt("scd_type");
        if (scd_type < 0 || scd_type > 2) {
            throw params.Invalid("scd_type", fmt::format("scd_type must be 0, 1 or 2, not {}", scd_type));
        }
        if (scd_type == 2) {
            if (params.GetColumnList("track_cols").empty()) {
                throw params.Invalid("track_cols", "scd_type 2 needs track_cols (the columns whose change is history)");
            }
            if (!params.TryGetString("target")) {
                throw params.Invalid("target", "scd_type 2 needs target: the dimension's history, <connection>.<path>");
            }
        }
        CheckAuditParam(params);
    }

    std::string Compile(const ParamReader& params, const TransformInput& input) const override {
        auto source_columns = RelationColumns::OfInput(input);
        auto target_columns = TargetColumns(input);
        std::string natural_key = source_columns.Resolve(params.GetString("natural_key"), params, "natural_key");
        std::string surrogate_key = params.GetString("surrogate_key");
        int64_t scd_type = params.GetInt("scd_type");
        AuditColumns audit = AuditColumnsOf(params, input, true);
        std::vector<std::string> version_columns;
        if (scd_type == 2) {
            version_columns = {params.GetString("valid_from_col"),
                               params.GetString("valid_to_col"),
                               params.GetString("is_current_col")};
        }
        // Output: incoming columns, the target's other columns, the key, the version columns, audit.
        std::vector<std::string> special = {surrogate_key};
        special.insert(special.end(), version_columns.begin(), version_columns.end());
        special.insert(special.end(), audit.names.begin(), audit.names.end());
        auto is_special = [&special](const std::string& name) {
            return std::any_of(special.begin(), special.end(), [&name](const std::string& other) {
                return ToLower(other) == ToLower(name);
            });
        };
        std::vector<engine::ColumnInfo> data_columns;
        for (const auto& column : source_columns.Columns()) {
            if (!is_special(column.name)) {
                data_columns.push_back(column);
            }
        }
        for (const auto& column : target_columns.Columns()) {
            if (!is_special(column.name) && !source_columns.Contains(column.name)) {
                data_columns.push_back(column);
            }
        }
        std::string sk = QuoteIdentifier(surrogate_key);
        if (input.target && !target_columns.Contains(surrogate_key)) {
            Error error = params.Invalid(
                "surrogate_key", fmt::format("the existing target has no surrogate key column \"{}\"", surrogate_key));
            error.WithSuggestion(fmt::format("columns of the target: {}", Join(target_columns.Names(), ", ")));
            throw error;
        }
        std::string max_key =
            input.target ? fmt::format("(SELECT coalesce(max({}), 0) FROM {})", sk, *input.target) : std::string("0");
        // A surrogate key, version or audit column that the incoming rows carry is recomputed.
        std::vector<std::string> recomputed = OnlyPresent(source_columns, special);
        std::string incoming = input.relation;
        std::vector<engine::ColumnInfo> incoming_columns;
        for (const auto& column : source_columns.Columns()) {
            if (!is_special(column.name)) {
                incoming_columns.push_back(column);
            }
        }
        if (!recomputed.empty()) {
            incoming =
                fmt::format("(SELECT * EXCLUDE ({}) FROM {})", engine::QuoteIdentifierList(recomputed), input.relation);
        }
        std::string body;
        if (scd_type == 2) {
            Scd2Step step{incoming,
                          RelationColumns(incoming_columns),
                          input.target,
                          target_columns,
                          {natural_key},
                          source_columns.ResolveAll(params.GetColumnList("track_cols"), params, "track_cols"),
                          input.load_time,
                          version_columns[0],
                          version_columns[1],
                          version_columns[2],
                          std::nullopt,
                          {}};
            body = Scd2Body(step, params, sk, max_key);
        } else {
            body = OverwriteBody(input, incoming, natural_key, sk, max_key, scd_type);
        }
        if (params.GetBool("unknown_member")) {
            std::string unknown = UnknownMember(data_columns, natural_key, sk, version_columns);
            std::string missing =
                input.target ? fmt::format(" WHERE NOT EXISTS (SELECT 1 FROM {} WHERE {} = 0)", *input.target, sk) : "";
            body = fmt::format("SELECT * FROM ({}) AS odibi_unknown{} UNION ALL BY NAME {}", unknown, missing, body);
        }
        std::vector<std::string> select;
        for (const auto& column : data_columns) {
            select.push_back(QuoteIdentifier(column.name));
        }
        select.push_back("CAST(" + sk + " AS BIGINT) AS " + sk);
        for (const auto& column : version_columns) {
            select.push_back(QuoteIdentifier(column));
        }
        select.insert(select.end(), audit.select_items.begin(), audit.select_items.end());
        return fmt::format("SELECT {} FROM ({}) AS odibi_rows", Join(select, ", "), body);
    }

    static std::vector<std::string> OnlyPresent(const RelationColumns& columns, const std::vector<std::string>& names) {
        std::vector<std::string> present;
        for (const auto& name : names) {
            if (auto index = columns.TryFind(name)) {
                present.push_back(columns.Columns()[*index].name);
            }
        }
        return present;
    }

    // SCD 0 and 1: new keys numbered above the target's highest; SCD 1 also replaces the rows of
    // existing keys with the incoming values under their old surrogate key.
    static std::string OverwriteBody(const TransformInput& input,
                                     const std::string& incoming,
                                     const std::string& natural_key,
                                     const std::string& sk,
                                     const std::string& max_key,
                                     int64_t scd_type) {
        std::string key = QuoteIdentifier(natural_key);
        std::string new_rows =
            fmt::format("SELECT s.*, {max} + row_number() OVER (ORDER BY s.{key}) AS {sk} FROM {incoming} AS s",
                        fmt::arg("max", max_key),
                        fmt::arg("key", key),
                        fmt::arg("sk", sk),
                        fmt::arg("incoming", incoming));
        if (!input.target) {
            return new_rows;
        }
        const std::string& target = *input.target;
        new_rows += fmt::format(" WHERE NOT EXISTS (SELECT 1 FROM {} AS t WHERE t.{} = s.{})", target, key, key);
        if (scd_type == 0) {
            return fmt::format("SELECT * FROM {} UNION ALL BY NAME {}", target, new_rows);
        }
        return fmt::format("SELECT t.* FROM {target} AS t WHERE NOT EXISTS (SELECT 1 FROM {incoming} AS s WHERE "
                           "s.{key} = t.{key}) "
                           "UNION ALL BY NAME SELECT s.*, t.{sk} FROM {incoming} AS s JOIN (SELECT {key}, {sk} "
                           "FROM {target}) AS t ON s.{key} = t.{key} "
                           "UNION ALL BY NAME {new_rows}",
                           fmt::arg("target", target),
                           fmt::arg("incoming", incoming),
                           fmt::arg("key", key),
                           fmt::arg("sk", sk),
                           fmt::arg("new_rows", new_rows));
    }

    // SCD 2: the history after the batch (versions start at the load time); rows without a surrogate
    // key (new keys and new versions) get keys above the target's highest, in (natural key, start) order.
    static std::string
    Scd2Body(Scd2Step step, const ParamReader& params, const std::string& sk, const std::string& max_key) {
        // Only the inserted rows are numbered: the existing history keeps its keys unsorted.
        step.inserted_columns.push_back(fmt::format("{} + row_number() OVER (ORDER BY {}, {}) AS {}",
                                                    max_key,
                                                    QuoteIdentifier(step.keys.front()),
                                                    QuoteIdentifier(step.start_column),
                                                    sk));
        return fmt::format("SELECT * FROM ({}) AS odibi_history", Scd2HistorySql(step, params));
    }

    // The unknown member: surrogate key 0, natural key -1, "Unknown" text, 0 numbers, NULL otherwise.
    static std::string UnknownMember(const std::vector<engine::ColumnInfo>& data_columns,
                                     const std::string& natural_key,
                                     const std::string& sk,
                                     const std::vector<std::string>& version_columns) {
        std::vector<std::string> values;
        for (const auto& column : data_columns) {
            std::string value = "NULL";
            if (ToLower(column.name) == ToLower(natural_key)) {
                value = engine::IsNumericType(column.type) || IsTextType(column.type) ? "'-1'" : "NULL";
            } else if (engine::IsNumericType(column.type)) {
                value = "0";
            } else if (IsTextType(column.type)) {
                value = "'Unknown'";
            }
            values.push_back(fmt::format("CAST({} AS {}) AS {}", value, column.type, QuoteIdentifier(column.name)));
        }
        values.push_back("0 AS " + sk);
        if (!version_columns.empty()) {
            values.push_back("TIMESTAMP '1900-01-01 00:00:00' AS " + QuoteIdentifier(version_columns[0]));
            values.push_back("CAST(NULL AS TIMESTAMP) AS " + QuoteIdentifier(version_columns[1]));
            values.push_back("true AS " + QuoteIdentifier(version_columns[2]));
        }
        return "SELECT " + Join(values, ", ");
    }
};

} // namespace

std::unique_ptr<Transformer> MakeDimensionPattern() {
    return std::make_unique<Dimension>();
}

} // namespace odibi::transform
