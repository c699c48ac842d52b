// The one visible list of built-in transformers: add a line here when adding a transformer.
#include "builtin_transformer.hpp"

namespace odibi::transform {

void RegisterBuiltinTransformers(TransformerRegistry& registry) {
    // row/column
    registry.Register(MakeFilterRowsTransformer());
    registry.Register(MakeDeriveColumnsTransformer());
    registry.Register(MakeCastColumnsTransformer());
    registry.Register(MakeCleanTextTransformer());
    registry.Register(MakeExtractDatePartsTransformer());
    registry.Register(MakeNormalizeSchemaTransformer());
    registry.Register(MakeSortTransformer());
    registry.Register(MakeLimitTransformer());
    registry.Register(MakeSampleTransformer());
    registry.Register(MakeDistinctTransformer());
    registry.Register(MakeFillNullsTransformer());
    registry.Register(MakeSplitPartTransformer());
    registry.Register(MakeDateAddTransformer());
    registry.Register(MakeDateTruncTransformer());
    registry.Register(MakeDateDiffTransformer());
    registry.Register(MakeCaseWhenTransformer());
    registry.Register(MakeConvertTimezoneTransformer());
    registry.Register(MakeConcatColumnsTransformer());
    registry.Register(MakeSelectColumnsTransformer());
    registry.Register(MakeDropColumnsTransformer());
    registry.Register(MakeRenameColumnsTransformer());
    registry.Register(MakeAddPrefixTransformer());
    registry.Register(MakeAddSuffixTransformer());
    registry.Register(MakeNormalizeColumnNamesTransformer());
    registry.Register(MakeCoalesceColumnsTransformer());
    registry.Register(MakeReplaceValuesTransformer());
    registry.Register(MakeTrimWhitespaceTransformer());
    registry.Register(MakeRowNumberTransformer());
    // relational
    registry.Register(MakeJoinTransformer());
    registry.Register(MakeUnionTransformer());
    registry.Register(MakePivotTransformer());
    registry.Register(MakeUnpivotTransformer());
    registry.Register(MakeAggregateTransformer());
    // advanced
    registry.Register(MakeDeduplicateTransformer());
    registry.Register(MakeRegexReplaceTransformer());
    registry.Register(MakeHashColumnsTransformer());
    registry.Register(MakeGenerateSurrogateKeyTransformer());
    registry.Register(MakeGenerateNumericKeyTransformer());
    registry.Register(MakeValidateAndFlagTransformer());
    registry.Register(MakeWindowCalculationTransformer());
    registry.Register(MakeExplodeListColumnTransformer());
    registry.Register(MakeDictBasedMappingTransformer());
    registry.Register(MakeUnpackStructTransformer());
    registry.Register(MakeParseJsonTransformer());
    registry.Register(MakeSessionizeTransformer());
    registry.Register(MakeApplyMappingTransformer());
    registry.Register(MakeNormalizeJsonTransformer());
    registry.Register(MakeFlattenStructTransformer());
    registry.Register(MakeSplitEventsByPeriodTransformer());
}

} // namespace odibi::transform
