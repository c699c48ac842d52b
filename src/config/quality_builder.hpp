// Strict validation of the data-quality blocks of a node: validation (tests, quarantine, gate),
// contracts and the params of `transformer: cross_check` (reference §3.8, semantics §3 and §5).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config_value.hpp"
#include "schema_reader.hpp"

namespace odibi::config {

/// A name written in a quality block that is checked once more of the project is known.
struct QualityNameUse {
    std::string name;
    SourceLocation location;
    std::string node_path; ///< config path of the node that wrote it
    std::string test_name; ///< the test that wrote it (relationships `to`)
};

/// Reads validation:, contracts: and cross_check params into the typed structs; problems go to the
/// reader's diagnostics. Names that need the whole project (quarantine connections, relationships
/// targets) are kept until the pipeline or the project is complete.
class QualityBuilder {
public:
    explicit QualityBuilder(SchemaReader& reader) : reader_(reader) {}

    /// `validation:` of a node; nullopt when it is not a mapping.
    std::optional<ValidationConfig> BuildValidation(const ConfigValue& value, const std::string& path);
    /// `contracts:` of a node (a list of tests; contracts never quarantine).
    std::vector<QualityTestConfig> BuildContracts(const ConfigValue& value, const std::string& path);
    /// The params of `transformer: cross_check` (`params` is null when the node has none, which the
    /// node builder reports); the check is named after the node unless params.name says otherwise.
    CrossCheckConfig
    BuildCrossCheck(const ConfigValue* params, const std::string& params_path, const std::string& node_name);

    /// Checks the relationships tests of `pipeline` once all its nodes are built: a `to` that names a
    /// node of the pipeline becomes a dependency; one that names neither a node nor an input alias
    /// of the test's node is an error.
    void ResolveRelationships(PipelineConfig& pipeline);
    /// The quarantine connections named since the last call (checked with the other connection uses).
    std::vector<QualityNameUse> TakeConnectionUses();

private:
    std::vector<QualityTestConfig> BuildTests(const ConfigValue& value, const std::string& path, bool contracts);
    std::optional<QualityTestConfig> BuildTest(const ConfigValue& value, const std::string& path);
    void BuildTestFields(MapReader& map, QualityTestConfig& test);
    std::optional<QuarantineConfig> BuildQuarantine(const ConfigValue& value, const std::string& path);
    std::optional<GateConfig>
    BuildGate(const ConfigValue& value, const std::string& path, const std::vector<QualityTestConfig>& tests);
    void RequireNonEmptyColumns(MapReader& map, QualityTestConfig& test);

    SchemaReader& reader_;
    std::vector<QualityNameUse> connection_uses_;
    std::vector<QualityNameUse> relationship_uses_;
    /// Path and `on_fail` location of the tests of the list being built that say quarantine.
    std::vector<std::pair<std::string, SourceLocation>> quarantine_tests_;
};

} // namespace odibi::config
