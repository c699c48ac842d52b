// The base of every built-in transformer: spec-checked params, a generated example, SQL compilation.
#pragma once

#include <algorithm>
#include <memory>
#include <string>

#include "param_reader.hpp"
#include "relation_columns.hpp"

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/transform/transformer.hpp"

namespace odibi::transform {

/// The category of the warehouse patterns (patterns/builtin_patterns.cpp).
inline constexpr const char* PATTERN_CATEGORY = "pattern";

/// A transformer defined by its TransformerInfo and a Compile step. CompileSql checks the params
/// against the spec (ParamReader), runs Check, then Compile. The example params are rendered into
/// info.example_yaml so that the shown example is exactly the one the tests run.
class BuiltinTransformer : public Transformer {
public:
    BuiltinTransformer(std::string name,
                       std::string category,
                       std::string description,
                       std::vector<ParamSpec> params,
                       config::Json example_params);

    [[nodiscard]] const TransformerInfo& Info() const final { return info_; }
    [[nodiscard]] std::string CompileSql(const config::Json& params, const TransformInput& input) const final;
    void CheckParams(const config::Json& params) const final;

    /// The params of the documented example.
    [[nodiscard]] const config::Json& ExampleParams() const { return example_params_; }

protected:
    /// Checks beyond the spec that need no data; throws params.Invalid(...).
    virtual void Check(const ParamReader& params) const { static_cast<void>(params); }
    /// The SELECT over input.relation.
    [[nodiscard]] virtual std::string Compile(const ParamReader& params, const TransformInput& input) const = 0;

private:
    TransformerInfo info_;
    config::Json example_params_;
};

/// A required param; `allowed_values` lists the values of an enumerated param.
[[nodiscard]] ParamSpec RequiredParam(std::string name,
                                      std::string type,
                                      std::string description,
                                      std::vector<std::string> allowed_values = {});
/// An optional param with its default as text ("" when absent means "not set").
[[nodiscard]] ParamSpec OptionalParam(std::string name,
                                      std::string type,
                                      std::string default_value,
                                      std::string description,
                                      std::vector<std::string> allowed_values = {});

/// "SELECT <columns> FROM <relation>" where each input column is kept, or replaced in place by
/// `replacements[i] AS <column>` when that entry is not empty.
[[nodiscard]] std::string SelectReplacing(const RelationColumns& columns,
                                          const std::vector<std::string>& replacements,
                                          const std::string& relation);

/// `concat_ws(<separator param>, <each column of the columns param as VARCHAR>)` over the input;
/// with `null_as_empty` a NULL value counts as '' instead of being skipped.
[[nodiscard]] std::string ConcatColumnsSql(const ParamReader& params, const TransformInput& input, bool null_as_empty);

/// The factories of the built-in transformers, one per file under transformers/.
std::unique_ptr<Transformer> MakeAddPrefixTransformer();
std::unique_ptr<Transformer> MakeAddSuffixTransformer();
std::unique_ptr<Transformer> MakeAggregateTransformer();
std::unique_ptr<Transformer> MakeApplyMappingTransformer();
std::unique_ptr<Transformer> MakeCaseWhenTransformer();
std::unique_ptr<Transformer> MakeCastColumnsTransformer();
std::unique_ptr<Transformer> MakeCleanTextTransformer();
std::unique_ptr<Transformer> MakeCoalesceColumnsTransformer();
std::unique_ptr<Transformer> MakeConcatColumnsTransformer();
std::unique_ptr<Transformer> MakeConvertTimezoneTransformer();
std::unique_ptr<Transformer> MakeDateAddTransformer();
std::unique_ptr<Transformer> MakeDateDiffTransformer();
std::unique_ptr<Transformer> MakeDateTruncTransformer();
std::unique_ptr<Transformer> MakeDeduplicateTransformer();
std::unique_ptr<Transformer> MakeDeriveColumnsTransformer();
std::unique_ptr<Transformer> MakeDictBasedMappingTransformer();
std::unique_ptr<Transformer> MakeDistinctTransformer();
std::unique_ptr<Transformer> MakeDropColumnsTransformer();
std::unique_ptr<Transformer> MakeExplodeListColumnTransformer();
std::unique_ptr<Transformer> MakeExtractDatePartsTransformer();
std::unique_ptr<Transformer> MakeFillNullsTransformer();
std::unique_ptr<Transformer> MakeFilterRowsTransformer();
std::unique_ptr<Transformer> MakeFlattenStructTransformer();
std::unique_ptr<Transformer> MakeGenerateNumericKeyTransformer();
std::unique_ptr<Transformer> MakeGenerateSurrogateKeyTransformer();
std::unique_ptr<Transformer> MakeHashColumnsTransformer();
std::unique_ptr<Transformer> MakeJoinTransformer();
std::unique_ptr<Transformer> MakeLimitTransformer();
std::unique_ptr<Transformer> MakeNormalizeColumnNamesTransformer();
std::unique_ptr<Transformer> MakeNormalizeJsonTransformer();
std::unique_ptr<Transformer> MakeNormalizeSchemaTransformer();
std::unique_ptr<Transformer> MakeParseJsonTransformer();
std::unique_ptr<Transformer> MakePivotTransformer();
std::unique_ptr<Transformer> MakeRegexReplaceTransformer();
std::unique_ptr<Transformer> MakeRenameColumnsTransformer();
std::unique_ptr<Transformer> MakeReplaceValuesTransformer();
std::unique_ptr<Transformer> MakeRowNumberTransformer();
std::unique_ptr<Transformer> MakeSampleTransformer();
std::unique_ptr<Transformer> MakeSelectColumnsTransformer();
std::unique_ptr<Transformer> MakeSessionizeTransformer();
std::unique_ptr<Transformer> MakeSortTransformer();
std::unique_ptr<Transformer> MakeSplitEventsByPeriodTransformer();
std::unique_ptr<Transformer> MakeSplitPartTransformer();
std::unique_ptr<Transformer> MakeTrimWhitespaceTransformer();
std::unique_ptr<Transformer> MakeUnionTransformer();
std::unique_ptr<Transformer> MakeUnpackStructTransformer();
std::unique_ptr<Transformer> MakeUnpivotTransformer();
std::unique_ptr<Transformer> MakeValidateAndFlagTransformer();
std::unique_ptr<Transformer> MakeWindowCalculationTransformer();

} // namespace odibi::transform
