// Every transformer's documented example runs on a sample input, so `odibi explain` never shows a
// broken example.
#include <map>

#include "builtin_transformer.hpp"
#include "transform_test_support.hpp"

namespace odibi::transform::testing {
namespace {

class TransformerExamples : public TransformTest {
protected:
    TransformerExamples() {
        // One input with every column the examples name, and the datasets that join and union read.
        Sql(R"(CREATE TABLE df AS SELECT * FROM (VALUES
            (1, 'c1', 'Alice', 'open', 120.0, 2, 60.0, TIMESTAMP '2024-01-15 10:00:00',
             TIMESTAMP '2024-01-16 12:30:00', TIMESTAMP '2024-01-15 11:00:00', 'a@example.com', '555-0100',
             NULL, '555-0199', 10.0, 20.0, ['new', 'vip'], '{"id": 1, "name": "x"}', {'city': 'Oslo', 'zip': '0150'}),
            (2, 'c2', ' bob ', 'shipped', 5.0, 1, 5.0, TIMESTAMP '2024-02-01 09:00:00', NULL,
             TIMESTAMP '2024-02-01 09:30:00', NULL, '(555) 0101', '555-0102', NULL, 3.0, NULL, [], NULL, NULL)
        ) v(order_id, customer_id, customer, status, amount, quantity, unit_price, ordered_at, shipped_at, updated_at,
            email, phone, mobile_phone, home_phone, q1_sales, q2_sales, tags, payload, address))");
        Sql("CREATE TABLE customers AS SELECT * FROM (VALUES ('c1', 'gold'), ('c3', 'silver')) v(customer_id, tier)");
        Sql("CREATE TABLE orders_archive AS SELECT 0 AS order_id, 'Old' AS customer, 1.0 AS amount");
        Sql("CREATE TABLE dim_customer AS SELECT * FROM (VALUES ('c1', 1), ('c2', 2)) v(customer_id, customer_sk)");
    }
};

TEST_F(TransformerExamples, EveryExampleRuns) {
    for (const auto& name : TransformerRegistry::Builtins().Names()) {
        SCOPED_TRACE(name);
        const auto& builtin = dynamic_cast<const BuiltinTransformer&>(TransformerRegistry::Builtins().Get(name));
        try {
            auto result = Run(name, builtin.ExampleParams());
            EXPECT_GT(result.ColumnCount(), 0u);
        } catch (const Error& error) {
            ADD_FAILURE() << error.Render();
        }
    }
}

} // namespace
} // namespace odibi::transform::testing
