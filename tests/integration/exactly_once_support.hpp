// The exactly-once scenario both integration tests share: a node reads a growing CSV source
// incrementally (stateful, high-water mark on `seq`) and writes it in one of the write modes and
// target layouts; a model computes what clean runs give, so that a crashed sequence can be compared.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "odibi_process.hpp"
#include <fmt/format.h>

#include "odibi/io/delta.hpp"

namespace odibi::integration {

enum class Layout { CSV_FILE, PARQUET_FILE, PARTITIONED_PARQUET, DELTA_TABLE };

inline std::string LayoutName(Layout layout) {
    switch (layout) {
    case Layout::CSV_FILE:
        return "csv";
    case Layout::PARQUET_FILE:
        return "parquet";
    case Layout::PARTITIONED_PARQUET:
        return "partitioned_parquet";
    case Layout::DELTA_TABLE:
        return "delta";
    }
    return "csv";
}

inline const std::vector<std::string>& WriteModes() {
    static const std::vector<std::string> MODES = {"append", "overwrite", "upsert", "append_once"};
    return MODES;
}

struct Row {
    int id = 0;
    std::string value;
    int seq = 0;
};

/// Batch 1 and batch 2 of the source; batch 2 changes id 3 (upsert replaces it, append_once keeps the
/// first) and adds ids 4 and 5. `seq` orders the rows across batches (the high-water mark column).
inline const std::vector<Row>& Batch(int number) {
    static const std::vector<Row> FIRST = {{1, "a1", 1}, {2, "b1", 2}, {3, "c1", 3}};
    static const std::vector<Row> SECOND = {{3, "c2", 4}, {4, "d2", 5}, {5, "e2", 6}};
    return number == 1 ? FIRST : SECOND;
}

inline constexpr int LAST_SEQ = 6;

/// The rows a write of `batch` leaves in a target holding `target`, in `mode`.
inline std::vector<Row> Apply(const std::string& mode, const std::vector<Row>& target, const std::vector<Row>& batch) {
    std::set<int> batch_ids;
    std::set<int> target_ids;
    for (const auto& row : batch) {
        batch_ids.insert(row.id);
    }
    for (const auto& row : target) {
        target_ids.insert(row.id);
    }
    std::vector<Row> result;
    if (mode == "overwrite") {
        return batch;
    }
    if (mode == "append") {
        result = target;
        result.insert(result.end(), batch.begin(), batch.end());
    } else if (mode == "append_once") {
        result = target;
        for (const auto& row : batch) {
            if (!target_ids.contains(row.id)) {
                result.push_back(row);
            }
        }
    } else {
        for (const auto& row : target) {
            if (!batch_ids.contains(row.id)) {
                result.push_back(row);
            }
        }
        result.insert(result.end(), batch.begin(), batch.end());
    }
    return result;
}

inline std::vector<std::string> Texts(const std::vector<Row>& rows) {
    std::vector<std::string> texts;
    for (const auto& row : rows) {
        texts.push_back(fmt::format("{}|{}|{}", row.id, row.value, row.seq));
    }
    std::sort(texts.begin(), texts.end());
    return texts;
}

/// The target after clean runs: batch 1, then batch 2, then (when `third_run`) a run that finds no
/// new row (the re-run after a crash whose write had committed).
inline std::vector<std::string> ExpectedRows(const std::string& mode, bool third_run) {
    std::vector<Row> target = Apply(mode, {}, Batch(1));
    target = Apply(mode, target, Batch(2));
    if (third_run) {
        target = Apply(mode, target, {});
    }
    return Texts(target);
}

inline std::vector<std::string> ExpectedAfterFirstRun(const std::string& mode) {
    return Texts(Apply(mode, {}, Batch(1)));
}

/// One project directory: odibi.yaml, the source and the output.
class ExactlyOnceProject {
public:
    ExactlyOnceProject(const std::string& label, std::string mode, Layout layout)
        : scratch_(label), mode_(std::move(mode)), layout_(layout) {
        std::string format = layout_ == Layout::CSV_FILE ? "csv" : layout_ == Layout::DELTA_TABLE ? "delta" : "parquet";
        std::string path = layout_ == Layout::CSV_FILE       ? "orders.csv"
                           : layout_ == Layout::PARQUET_FILE ? "orders.parquet"
                                                             : "orders";
        std::string extra;
        if (layout_ == Layout::PARTITIONED_PARQUET || layout_ == Layout::DELTA_TABLE) {
            extra += "          partition_by: [part]\n";
        }
        if (mode_ == "upsert" || mode_ == "append_once") {
            extra += "          options:\n            keys: [id]\n";
        }
        WriteFile(scratch_.Path() / "odibi.yaml",
                  fmt::format(R"(project: exactly_once
connections:
  landing:
    type: local
    base_path: ./landing
  out:
    type: local
    base_path: ./out
story:
  connection: out
  path: stories
  auto_generate: false
system:
  connection: out
  path: _system
pipelines:
  - pipeline: ingest
    nodes:
      - name: orders
        read:
          connection: landing
          format: csv
          path: orders.csv
          incremental:
            mode: stateful
            column: seq
        write:
          connection: out
          format: {}
          path: {}
          mode: {}
{})",
                              format,
                              path,
                              mode_,
                              extra));
        target_ = scratch_.Path() / "out" / path;
    }

    [[nodiscard]] const fs::path& Directory() const { return scratch_.Path(); }
    [[nodiscard]] const fs::path& Target() const { return target_; }
    [[nodiscard]] fs::path CatalogPath() const { return scratch_.Path() / "out" / "_system" / "catalog.db"; }

    /// Takes the output (target and catalog) of another project of the same mode and layout, as if
    /// this project had run what that one ran.
    void CopyOutputFrom(const ExactlyOnceProject& other) const {
        fs::remove_all(scratch_.Path() / "out");
        fs::copy(other.Directory() / "out", scratch_.Path() / "out", fs::copy_options::recursive);
    }

    /// The source as it is after `batches` batches arrived.
    void SetSource(int batches) const {
        std::string text = "id,value,seq,part\n";
        for (int number = 1; number <= batches; ++number) {
            for (const auto& row : Batch(number)) {
                text += fmt::format("{},{},{},{}\n", row.id, row.value, row.seq, row.id % 2 == 0 ? "even" : "odd");
            }
        }
        WriteFile(scratch_.Path() / "landing" / "orders.csv", text);
    }

    /// The target's rows as "id|value|seq", sorted; empty when the target holds no data.
    [[nodiscard]] std::vector<std::string> TargetRows() const {
        std::string columns = "CAST(id AS VARCHAR), CAST(value AS VARCHAR), CAST(seq AS VARCHAR)";
        switch (layout_) {
        case Layout::CSV_FILE:
            return SortedRows(fmt::format("SELECT {} FROM read_csv({}, header = true, all_varchar = true)",
                                          columns,
                                          QuoteLiteral(target_.string())));
        case Layout::PARQUET_FILE:
            return SortedRows(fmt::format("SELECT {} FROM read_parquet({})", columns, QuoteLiteral(target_.string())));
        case Layout::DELTA_TABLE: {
            if (!io::delta::IsDeltaTable(target_.string())) {
                return {};
            }
            auto connection = SharedDuckDb().Connect();
            io::delta::Snapshot snapshot = io::delta::LoadSnapshot(*connection, target_.string());
            return SortedRows(fmt::format("SELECT {} FROM {}", columns, io::delta::ScanSql(*connection, snapshot)));
        }
        case Layout::PARTITIONED_PARQUET: {
            bool has_files = false;
            if (fs::is_directory(target_)) {
                for (const auto& entry : fs::recursive_directory_iterator(target_)) {
                    has_files = has_files || entry.path().extension() == ".parquet";
                }
            }
            if (!has_files) {
                return {};
            }
            return SortedRows(fmt::format("SELECT {} FROM read_parquet({}, hive_partitioning = true)",
                                          columns,
                                          QuoteLiteral((target_ / "**" / "*.parquet").string())));
        }
        }
        return {};
    }

    /// Files odibi left beside the target (staging, backups), by name.
    [[nodiscard]] std::vector<std::string> LeftoverSiblings() const {
        std::vector<std::string> leftovers;
        for (const auto& entry : fs::directory_iterator(target_.parent_path())) {
            std::string name = entry.path().filename().string();
            if (name.find(".odibi-") != std::string::npos) {
                leftovers.push_back(name);
            }
        }
        return leftovers;
    }

    /// The stored high-water mark values (meta_state has one key: the node's).
    [[nodiscard]] std::vector<std::string> StateValues() const {
        CatalogFile catalog(CatalogPath());
        return catalog.Rows("SELECT value FROM meta_state ORDER BY key");
    }

    /// Statuses of the pipeline runs, oldest first.
    [[nodiscard]] std::vector<std::string> RunStatuses() const {
        CatalogFile catalog(CatalogPath());
        return catalog.Rows("SELECT status FROM meta_pipeline_runs ORDER BY run_start_at, created_at");
    }

    [[nodiscard]] std::vector<std::string> OpenIntents() const {
        CatalogFile catalog(CatalogPath());
        return catalog.Rows("SELECT intent_id FROM meta_write_intents");
    }

private:
    ScratchDirectory scratch_;
    std::string mode_;
    Layout layout_;
    fs::path target_;
};

/// The state value a complete batch 2 leaves.
inline std::string LastSeqState() {
    return std::to_string(LAST_SEQ);
}

} // namespace odibi::integration
