// Renders the transformer registry as the Markdown of docs/transformers.md.
#include "odibi/transform/transformer_docs.hpp"

#include <array>
#include <string_view>

#include <fmt/format.h>

#include "odibi/common/strings.hpp"

namespace odibi::transform {
namespace {

constexpr std::array<std::string_view, 3> CATEGORIES = {"row/column", "relational", "advanced"};

constexpr std::string_view INTRODUCTION = R"(# Transformers

<!-- Generated from the transformer registry by `odibi list transformers --format markdown`.
     Do not edit by hand: see docs/adding-a-transformer.md. -->

A transformer is a named, parameterised step that compiles to one SQL `SELECT` over a node's
current input (`df`). A node uses one in two ways, with the same params:

- `transformer: <name>` with `params:` on the node: it runs first, before the transform steps;
- `- function: <name>` (or `- operation: <name>`) with `params:` in `transform.steps`: it runs
  in order with the other steps, each on the previous step's output.

Params are checked before anything runs (`odibi validate`): a missing or unknown param, a value
of the wrong type or outside the allowed values, and a column the input lacks are errors that
name the param, with "Did you mean" for near misses. `odibi list transformers` lists every
transformer, `odibi explain <name>` shows one; where odibi deliberately differs from Odibi, the
difference is in [compat.md](compat.md). The warehouse patterns (dimension, date_dimension, fact,
aggregation, scd2, merge) are written as `transformer:` too; they are described in
[patterns.md](patterns.md).

## A complete pipeline

With these two files in `landing/`:

`landing/orders.csv`

```csv
order_id,customer_id,status,amount,updated_at
1,c1, Open ,120.0,2024-01-01 10:00:00
1,c1,SHIPPED,120.0,2024-01-02 09:00:00
2,c2,open,35.5,2024-01-01 11:00:00
3,c1,cancelled,,2024-01-03 08:00:00
```

`landing/customers.csv`

```csv
customer_id,name,tier
c1,Ada,gold
c2,Grace,silver
```

this `odibi.yaml` keeps the newest version of each order (`transformer:` on the node), then cleans,
fills, joins and projects it (`function:` steps), and writes `warehouse/orders.parquet`:

```yaml
project: shop
connections:
  landing:
    type: local
    base_path: ./landing
  warehouse:
    type: local
    base_path: ./warehouse
story:
  connection: warehouse
  path: stories
system:
  connection: warehouse
  path: _system
pipelines:
  - pipeline: sales
    nodes:
      - name: customers
        read:
          connection: landing
          format: csv
          path: customers.csv
          options:
            header: true
      - name: orders
        depends_on: [customers]
        read:
          connection: landing
          format: csv
          path: orders.csv
          options:
            header: true
        transformer: deduplicate
        params:
          keys: [order_id]
          order_by: updated_at DESC
        transform:
          steps:
            - function: clean_text
              params:
                columns: [status]
                case: lower
            - function: fill_nulls
              params:
                values:
                  amount: 0
            - function: join
              params:
                right_dataset: customers
                on: customer_id
                how: left
            - function: select_columns
              params:
                columns: [order_id, name, tier, status, amount]
        write:
          connection: warehouse
          format: parquet
          path: orders.parquet
```

`odibi run odibi.yaml` writes three orders: 1 (Ada, gold, shipped, 120.0), 2 (Grace, silver, open,
35.5) and 3 (Ada, gold, cancelled, 0.0).

Each transformer below has an example step; the examples run on a sample input in odibi's tests.
)";

// Prose as Markdown: "<col>" would be read as an HTML tag and vanish.
std::string Prose(std::string text) {
    text = ReplaceAll(std::move(text), "&", "&amp;");
    return ReplaceAll(std::move(text), "<", "&lt;");
}

// A table cell: pipes escaped, nothing that breaks the row.
std::string Cell(std::string text) {
    text = ReplaceAll(std::move(text), "|", "\\|");
    return ReplaceAll(std::move(text), "\n", " ");
}

std::string Code(const std::string& text) {
    return text.empty() ? "" : "`" + Cell(text) + "`";
}

// The description up to the end of its first sentence, for the index: a ". " followed by a capital
// letter ends it, so "e.g. the latest" and "1, 2, 3, ... per group" do not.
std::string FirstSentence(const std::string& description) {
    for (size_t end = description.find(". "); end != std::string::npos; end = description.find(". ", end + 1)) {
        char next = end + 2 < description.size() ? description[end + 2] : ' ';
        if (next >= 'A' && next <= 'Z') {
            return description.substr(0, end + 1);
        }
    }
    return description;
}

std::string Anchor(const std::string& name) {
    return "#" + name;
}

std::string ParamsTable(const TransformerInfo& info) {
    if (info.params.empty()) {
        return "No params.\n";
    }
    std::string table = "| param | type | required | default | allowed values | description |\n"
                        "|---|---|---|---|---|---|\n";
    for (const auto& param : info.params) {
        std::vector<std::string> allowed;
        for (const auto& value : param.allowed_values) {
            allowed.push_back(Code(value));
        }
        table += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n",
                             param.name,
                             Code(param.type),
                             param.required ? "yes" : "no",
                             Code(param.default_value),
                             Join(allowed, ", "),
                             Cell(Prose(param.description)));
    }
    return table;
}

} // namespace

std::string TransformersMarkdown(const TransformerRegistry& registry) {
    std::string text(INTRODUCTION);
    const auto names = registry.Names();
    text += "\n## Index\n\n| transformer | category | what it does |\n|---|---|---|\n";
    for (const auto& category : CATEGORIES) {
        for (const auto& name : names) {
            const auto& info = registry.Get(name).Info();
            if (info.category == category) {
                text += fmt::format("| [{}]({}) | {} | {} |\n",
                                    name,
                                    Anchor(name),
                                    info.category,
                                    Cell(Prose(FirstSentence(info.description))));
            }
        }
    }
    for (const auto& category : CATEGORIES) {
        text += fmt::format("\n## {} transformers\n", category);
        for (const auto& name : names) {
            const auto& info = registry.Get(name).Info();
            if (info.category != category) {
                continue;
            }
            text += fmt::format("\n### {}\n\n{}\n\n{}\nExample:\n\n```yaml\n{}```\n",
                                info.name,
                                Prose(info.description),
                                ParamsTable(info),
                                info.example_yaml);
        }
    }
    return text;
}

} // namespace odibi::transform
