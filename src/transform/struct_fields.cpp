// Flattening a STRUCT expression into its leaves by describing one level at a time.
#include "struct_fields.hpp"

#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"

namespace odibi::transform {
namespace {

void CollectLeaves(engine::Connection& connection,
                   const std::string& relation,
                   const std::string& struct_sql,
                   const std::vector<std::string>& path,
                   int64_t levels_left,
                   std::vector<StructLeaf>& leaves) {
    // unnest of a STRUCT expands its fields into columns: describing it names and types them.
    auto fields = connection.Describe("SELECT unnest(" + struct_sql + ") FROM " + relation);
    for (const auto& field : fields) {
        std::vector<std::string> field_path = path;
        field_path.push_back(field.name);
        std::string field_sql = "struct_extract(" + struct_sql + ", " + engine::QuoteLiteral(field.name) + ")";
        if (IsStructType(field.type) && levels_left != 1) {
            CollectLeaves(connection, relation, field_sql, field_path, levels_left - 1, leaves);
            continue;
        }
        leaves.push_back({std::move(field_path), std::move(field_sql), field.type});
    }
}

} // namespace

bool IsStructType(const std::string& type) {
    return StartsWith(type, "STRUCT(") && EndsWith(type, ")");
}

std::vector<StructLeaf> FlattenStructFields(engine::Connection& connection,
                                            const std::string& relation,
                                            const std::string& struct_sql,
                                            int64_t depth) {
    std::vector<StructLeaf> leaves;
    CollectLeaves(connection, relation, struct_sql, {}, depth, leaves);
    return leaves;
}

} // namespace odibi::transform
