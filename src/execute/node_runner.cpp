// The phases of one node: pre_sql, input, transformer, transform steps, write, post_sql, records.
#include "node_runner.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "incremental.hpp"
#include "quality_phase.hpp"
#include "sql_rewrite.hpp"
#include <fmt/format.h>

#include "odibi/common/fault_injection.hpp"
#include "odibi/common/identity.hpp"
#include "odibi/common/log.hpp"
#include "odibi/common/strings.hpp"
#include "odibi/engine/sql.hpp"
#include "odibi/io/delta.hpp"
#include "odibi/io/formats.hpp"
#include "odibi/io/postgres.hpp"
#include "odibi/transform/transformer.hpp"

namespace odibi::execute {
namespace {

using engine::QuoteIdentifier;

constexpr size_t MAXIMUM_CATALOG_SCHEMA_COLUMNS = 4096;
// Text inputs up to this size are counted for the story; larger ones are not scanned a second time.
constexpr uintmax_t CHEAP_TEXT_COUNT_BYTES = 16U * 1024U * 1024U;

std::string ReadTextFile(const std::string& path) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        throw Error(ErrorCode::INPUT_NOT_FOUND, ErrorSource::USER, fmt::format("cannot read sql_file {}", path))
            .WithSuggestion("check that the file exists; sql_file paths are relative to the YAML file that names them");
    }
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

Sample ToSample(const engine::ResultTable& table) {
    Sample sample;
    for (const auto& column : table.Columns()) {
        sample.columns.push_back(column.name);
    }
    sample.rows = table.Rows();
    return sample;
}

std::string SchemaHash(const std::vector<engine::ColumnInfo>& columns) {
    std::string text;
    for (const auto& column : columns) {
        text += column.name + ":" + column.type + ";";
    }
    return Sha256Hex(text);
}

/// A read step's description with the files a table format reads ("read delta t: 3 of 40 files (...)").
std::string WithFilesRead(const std::string& description, const io::PinnedScan& scan) {
    return scan.files_read ? fmt::format("{}: {}", description, *scan.files_read) : description;
}

/// One attempt at running a node; throws odibi::Error annotated with the phase and step.
class NodeExecution {
public:
    NodeExecution(const graph::PlanNode& node,
                  const PipelineContext& context,
                  const std::map<std::string, UpstreamFacts>& upstream,
                  engine::Connection& connection,
                  NodeResult& result)
        : node_(node), config_(*node.config), context_(context), upstream_(upstream), connection_(connection),
          result_(result), history_(context.catalog, context.pipeline.name, node.name), quality_scratch_(connection),
          write_(node.config->write) {}

    void Run() {
        result_.steps.clear();
        result_.warnings.clear();
        result_.catalog_problems.clear();
        result_.quality.clear();
        result_.rows_quarantined.reset();
        RunStatements("pre_sql", config_.pre_sql);
        if (config_.cross_check) {
            CheckAcrossNodes(*config_.cross_check);
            RunStatements("post_sql", config_.post_sql);
            return;
        }
        std::optional<std::string> current = ResolveInput();
        if (current) {
            input_relation_ = *current;
            result_.schema_in = connection_.Describe(*current);
            CheckContracts(*current);
        }
        current = ApplyTransformer(current);
        current = ApplySteps(current);
        if (current && config_.validation) {
            current = Validate(*current);
        }
        if (!current) {
            if (write_) {
                phase_ = "write";
                throw NothingToWrite(node_.name);
            }
            RunStatements("post_sql", config_.post_sql);
            return;
        }
        PublishOutput(*current);
        if (write_) {
            Write();
            if (reads_target_ && !materialized_) {
                ReadOutputBack();
            }
            DropDeletedRows();
        } else if (!pending_state_.empty()) {
            CommitStateWithoutWrite();
        }
        // Facts are collected before post_sql, which may drop what the node's view reads.
        CollectOutputFacts();
        if (written_ && context_.catalog != nullptr) {
            RecordWriteInCatalog();
        }
        if (staged_write_) {
            fault::CrashPoint(fault::BEFORE_CLEANUP);
            staged_write_->Cleanup();
            staged_write_.reset();
        }
        RunStatements("post_sql", config_.post_sql);
    }

    [[nodiscard]] const std::string& Phase() const { return phase_; }
    [[nodiscard]] const std::string& Step() const { return step_; }
    [[nodiscard]] const std::string& Sql() const { return sql_; }
    /// Dotted config path of the piece that ran last (a step, the read, the write).
    [[nodiscard]] const std::string& ConfigPath() const { return config_path_; }
    /// The relation the failing piece read: its columns are what the user's SQL could use.
    [[nodiscard]] const std::string& InputRelation() const {
        return step_input_.empty() ? input_relation_ : step_input_;
    }
    [[nodiscard]] bool WriteCommitted() const { return write_committed_; }

private:
    std::string Internal(const std::string& suffix) const {
        return context_.schema + "." + QuoteIdentifier("_odibi_" + node_.name + "_" + suffix);
    }
    std::string NodeRelation() const { return context_.schema + "." + QuoteIdentifier(node_.name); }

    void Execute(const std::string& phase, const std::string& description, const std::string& sql) {
        phase_ = phase;
        step_ = description;
        sql_ = sql;
        auto started = Now();
        connection_.Execute(sql);
        result_.steps.push_back({phase, description, SecretRegistry::Redact(sql), MillisecondsBetween(started, Now())});
    }

    /// `shown_sql` is what an error shows (the statement as the user wrote it); `select` by default.
    void CreateView(const std::string& relation,
                    const std::string& phase,
                    const std::string& description,
                    const std::string& select,
                    const std::string& shown_sql = "") {
        phase_ = phase;
        step_ = description;
        sql_ = shown_sql.empty() ? select : shown_sql;
        auto started = Now();
        connection_.Execute(fmt::format("CREATE OR REPLACE VIEW {} AS {}", relation, select));
        result_.steps.push_back(
            {phase, description, SecretRegistry::Redact(select), MillisecondsBetween(started, Now())});
    }

    void RunStatements(const std::string& phase, const std::vector<std::string>& statements) {
        for (size_t index = 0; index < statements.size(); ++index) {
            config_path_ = fmt::format("{}.{}[{}]", config_.config_path, phase, index);
            Execute(phase, fmt::format("{} {} of {}", phase, index + 1, statements.size()), statements[index]);
        }
    }

    const io::Storage& StorageFor(const std::string& connection_name) const {
        auto found = context_.storages.find(connection_name);
        if (found == context_.storages.end()) {
            throw InternalError(fmt::format("no storage opened for connection '{}'", connection_name));
        }
        return *found->second;
    }

    /// The read's scan; `skipping_filters` also skip the files of a table format that cannot match them.
    io::PinnedScan ScanOf(const config::ReadConfig& read, const std::vector<std::string>& skipping_filters = {}) {
        try {
            return io::PinScan(read, StorageFor(read.connection.value_or("")), connection_, skipping_filters);
        } catch (const Error& error) {
            if (!error.Location().path.empty()) {
                config_path_ = error.Location().path; // the key at fault, e.g. read.time_travel
            }
            throw;
        }
    }

    /// A scan of another node's written output (a node of another pipeline, or an unselected one).
    std::string ScanOfWrittenOutput(const std::string& pipeline, const std::string& node) {
        const graph::PipelinePlan* owner = context_.plan.TryGetPipeline(pipeline);
        const config::PipelineConfig* owner_config =
            owner != nullptr ? owner->config : context_.project.TryGetPipeline(pipeline);
        const config::NodeConfig* producer = nullptr;
        if (owner_config != nullptr) {
            for (const auto& candidate : owner_config->nodes) {
                if (candidate.name == node) {
                    producer = &candidate;
                }
            }
        }
        if (producer == nullptr || !producer->write) {
            throw Error(ErrorCode::UNRESOLVED_REFERENCE,
                        ErrorSource::USER,
                        fmt::format("cannot resolve ${}.{}: that node does not write an output", pipeline, node))
                .WithSuggestion(fmt::format("add a write: block to node '{}' of pipeline '{}'", node, pipeline));
        }
        const io::Storage& storage = StorageFor(producer->write->connection);
        if (!io::TargetExists(*producer->write, storage)) {
            throw Error(
                ErrorCode::UNRESOLVED_REFERENCE,
                ErrorSource::USER,
                fmt::format("cannot resolve ${}.{}: its output {} does not exist yet",
                            pipeline,
                            node,
                            storage.Resolve(producer->write->path.value_or(producer->write->table.value_or("")))))
                .WithSuggestion(fmt::format("run pipeline '{}' first: odibi run {} --pipeline {}",
                                            pipeline,
                                            context_.project.config_file,
                                            pipeline));
        }
        return io::BuildPinnedScan(io::ReadBackConfig(*producer->write), storage, connection_);
    }

    std::optional<std::string> ResolveInput() {
        switch (node_.input_kind) {
        case graph::InputKind::READ: {
            const auto& read = *config_.read;
            config_path_ = read.config_path;
            std::string relation = Internal("read");
            std::string description =
                fmt::format("read {} {}", read.format, read.path.value_or(read.table.value_or("")));
            if (read.incremental) {
                ReadIncrementally(read, relation, description);
                return relation;
            }
            io::PinnedScan scan = ScanOf(read);
            CreateView(relation, "read", WithFilesRead(description, scan), "SELECT * FROM " + scan.sql);
            if (IsCheapToCount(read)) {
                auto count = connection_.Query(fmt::format("SELECT count(*) FROM {}", relation)).Scalar();
                result_.rows_in = count ? std::optional<int64_t>(std::stoll(*count)) : std::nullopt;
            }
            return relation;
        }
        case graph::InputKind::INPUTS:
            return ResolveInputs();
        case graph::InputKind::DEPENDENCY: {
            const std::string& dependency = config_.depends_on.front();
            const graph::PlanNode* producer = context_.pipeline.TryGetNode(dependency);
            if (producer != nullptr && producer->selected) {
                auto facts = upstream_.find(dependency);
                if (facts != upstream_.end()) {
                    result_.rows_in = facts->second.rows_out;
                }
                return context_.schema + "." + QuoteIdentifier(dependency);
            }
            std::string relation = Internal("dependency");
            phase_ = "read";
            CreateView(relation,
                       "read",
                       fmt::format("read the written output of unselected node '{}'", dependency),
                       "SELECT * FROM " + ScanOfWrittenOutput(context_.pipeline.name, dependency));
            return relation;
        }
        case graph::InputKind::NONE:
            return std::nullopt;
        }
        return std::nullopt;
    }

    /// An incremental read (§6): the filter planned from the config and the stored high-water mark
    /// goes into a WHERE right over the scan, so that DuckDB pushes it into read_parquet/read_csv and
    /// skipped rows are never materialised. A stateful read then computes its new mark with one
    /// aggregate over the filtered rows; the mark commits with the node's write (pending_state_).
    void
    ReadIncrementally(const config::ReadConfig& read, const std::string& relation, const std::string& description) {
        const config::IncrementalConfig& incremental = *read.incremental;
        phase_ = "read";
        step_ = description;
        sql_.clear();
        io::PinnedScan scan = ScanOf(read);
        bool target_exists =
            !config_.write.has_value() || io::TargetExists(*config_.write, StorageFor(config_.write->connection));
        std::optional<std::string> stored;
        std::string key = IncrementalStateKey(incremental, node_.name);
        if (incremental.mode == config::IncrementalMode::STATEFUL) {
            if (context_.catalog == nullptr) {
                throw Error(ErrorCode::STATE_STORE_UNAVAILABLE,
                            ErrorSource::EXTERNAL,
                            fmt::format("node '{}' reads incrementally (mode: stateful) but the system catalog that "
                                        "keeps its high-water mark '{}' could not be opened",
                                        node_.name,
                                        key))
                    .WithSuggestion("fix the catalog problem printed above (system.connection, system.path) and "
                                    "run again; reading without the mark would load every row again");
            }
            if (auto entry = context_.catalog->TryGetState(key)) {
                stored = entry->value;
            }
        }
        config_path_ = incremental.config_path;
        IncrementalReadPlan plan;
        try {
            plan = PlanIncrementalRead(incremental,
                                       node_.name,
                                       target_exists,
                                       stored,
                                       connection_.Describe("SELECT * FROM " + scan.sql),
                                       Now());
        } catch (const Error& error) {
            if (!error.Location().path.empty()) {
                config_path_ = error.Location().path; // the key at fault, e.g. incremental.column
            }
            throw;
        }
        if (plan.condition && scan.files_read) {
            // A table format reads only the files that can hold rows past the mark.
            scan = ScanOf(read, {*plan.condition});
        }
        std::string select = "SELECT * FROM " + scan.sql;
        if (plan.condition) {
            select += " WHERE " + *plan.condition;
        }
        CreateView(relation,
                   "read",
                   fmt::format("{}: incremental, {}", WithFilesRead(description, scan), plan.description),
                   select);
        if (!plan.stateful) {
            return;
        }
        std::string query = HighWaterMarkQuery(plan, relation);
        phase_ = "read";
        step_ = fmt::format("high-water mark of {}", incremental.column);
        sql_ = query;
        auto started = Now();
        engine::ResultTable table = connection_.Query(query);
        if (table.Rows().size() != 1) {
            throw InternalError("the high-water mark query did not return one row");
        }
        HighWaterMark mark = DecodeHighWaterMark(table.Rows().front());
        result_.steps.push_back({"read", step_, SecretRegistry::Redact(query), MillisecondsBetween(started, Now())});
        result_.rows_in = mark.rows_read;
        if (mark.value) {
            const auto& project = context_.project;
            pending_state_.push_back(state::StateEntry{
                key, *mark.value, project.system.environment.value_or(project.environment.value_or("")), ""});
        }
    }

    /// Reads are counted only when that costs almost nothing: parquet keeps row counts in its
    /// footer, and small text files are cheap to scan twice. Large csv/json inputs are not.
    bool IsCheapToCount(const config::ReadConfig& read) const {
        if (read.format == "parquet") {
            return !read.filter.has_value();
        }
        if (!read.path) {
            return false;
        }
        std::error_code error;
        std::string resolved = StorageFor(read.connection.value_or("")).Resolve(*read.path);
        return std::filesystem::is_regular_file(resolved, error) &&
               std::filesystem::file_size(resolved, error) <= CHEAP_TEXT_COUNT_BYTES && !error;
    }

    std::optional<std::string> ResolveInputs() {
        std::optional<std::string> primary;
        for (const auto& input : config_.inputs) {
            config_path_ = input.config_path;
            std::string relation = Internal("input_" + input.alias);
            std::string select;
            if (input.read) {
                select = "SELECT * FROM " + ScanOf(*input.read).sql;
            } else if (input.reference_pipeline && *input.reference_pipeline == context_.pipeline.name) {
                select = "SELECT * FROM " + context_.schema + "." + QuoteIdentifier(*input.reference_node);
            } else {
                phase_ = "read";
                step_ = fmt::format("input {}", input.alias);
                select = "SELECT * FROM " + ScanOfWrittenOutput(*input.reference_pipeline, *input.reference_node);
            }
            CreateView(relation, "read", fmt::format("input {}", input.alias), select);
            aliases_[input.alias] = relation;
            if (!primary) {
                primary = relation;
            }
        }
        auto df = aliases_.find("df");
        return df != aliases_.end() ? df->second : primary;
    }

    std::optional<std::string> ApplyTransformer(std::optional<std::string> current) {
        if (!config_.transformer) {
            return current;
        }
        phase_ = "transform";
        step_ = fmt::format("transformer {}", *config_.transformer);
        config_path_ = config_.config_path + ".transformer";
        const auto& transformer = transform::TransformerRegistry::Builtins().Get(*config_.transformer);
        if (!current && transformer.NeedsInput()) {
            throw Error(ErrorCode::NODE_HAS_NO_INPUT,
                        ErrorSource::USER,
                        fmt::format("transformer '{}' needs an input, but node '{}' has none",
                                    *config_.transformer,
                                    node_.name))
                .WithSuggestion("add a read: block or depends_on: [<node>]");
        }
        transform::TransformInput input{current.value_or(""), connection_};
        input.load_time = fmt::format("TIMESTAMP {}", engine::QuoteLiteral(FormatIsoUtc(result_.started_at)));
        std::optional<config::WriteConfig> target;
        if (auto reference = transformer.TargetOf(config_.params)) {
            config_path_ = fmt::format("{}.params.{}", config_.config_path, reference->param);
            sql_.clear();
            target = PatternTarget(*reference);
            if (io::TargetExists(*target, StorageFor(target->connection))) {
                std::string target_relation = Internal("target");
                config_path_ = target->config_path;
                CreateView(target_relation,
                           "read",
                           fmt::format("read the target {} {}", target->format, target->path.value_or("")),
                           "SELECT * FROM " + io::BuildPinnedScan(io::ReadBackConfig(*target),
                                                                  StorageFor(target->connection),
                                                                  connection_));
                input.target = target_relation;
                reads_target_ = true;
            }
        }
        if (auto baseline = transformer.BaselineOf(config_.params)) {
            input.baseline = LoadBaseline(*baseline);
        }
        phase_ = "transform";
        step_ = fmt::format("transformer {}", *config_.transformer);
        config_path_ = config_.config_path + ".transformer";
        std::string relation = Internal("transformer");
        step_input_ = current.value_or("");
        std::string select = transformer.CompileSql(config_.params, input);
        CreateView(relation, "transform", step_, select);
        if (auto warning = transformer.WarningSql(config_.params, input)) {
            if (auto message = connection_.Query(*warning).Scalar()) {
                result_.warnings.push_back(*message);
            }
        }
        if (auto rejected = transformer.RejectedRowsOf(config_.params, input)) {
            WriteRejectedRows(*rejected);
        }
        if (target) {
            PlanTargetWrite(transformer, *target, input.target.has_value());
        }
        return relation;
    }

    /// After a write with a delete flag (merge's delete_condition; its output is materialised, as every
    /// keyed write of a pattern that read its target): the node's output is the rows merged in.
    void DropDeletedRows() {
        if (!write_->delete_flag_column || !materialized_) {
            return;
        }
        std::string flag = QuoteIdentifier(*write_->delete_flag_column);
        Execute("publish",
                fmt::format("drop the rows {} deleted from the output", *config_.transformer),
                fmt::format("DELETE FROM {0} WHERE {1}; ALTER TABLE {0} DROP COLUMN {1}", NodeRelation(), flag));
    }

    /// The earlier state a pattern compares its input with, as a relation; nullopt when there is none yet.
    /// A database baseline is copied into a table (one query on the server); a snapshot is the Delta
    /// table's latest version, or the one before it when the table is the node's own input (whose latest
    /// version is the input itself).
    std::optional<std::string> LoadBaseline(const transform::BaselineReference& baseline) {
        config_path_ = fmt::format("{}.params.{}", config_.config_path, baseline.param);
        sql_.clear();
        std::string relation = Internal("baseline");
        if (baseline.database_connection) {
            const std::string& name = *baseline.database_connection;
            const auto* connection = context_.project.TryGetConnection(name);
            if (connection == nullptr || connection->type != config::ConnectionType::POSTGRES) {
                std::vector<std::string> databases;
                for (const auto& [candidate, candidate_config] : context_.project.connections) {
                    if (candidate_config.type == config::ConnectionType::POSTGRES) {
                        databases.push_back(candidate);
                    }
                }
                throw Error(ErrorCode::INVALID_TRANSFORMER_PARAMS,
                            ErrorSource::USER,
                            fmt::format("{} \"{}\" of transformer '{}' is {}; the keys are read from a postgres "
                                        "connection",
                                        baseline.param,
                                        name,
                                        *config_.transformer,
                                        connection == nullptr
                                            ? "not a connection of this project"
                                            : "a " + config::ConnectionTypeName(connection->type) + " connection"))
                    .WithLocation(context_.project.locations.Find(config_path_))
                    .WithSuggestion(databases.empty()
                                        ? "add a connection with type: postgres (host, database, auth) and name it here"
                                        : fmt::format("postgres connections: {}", Join(databases, ", ")));
            }
            phase_ = "read";
            step_ = fmt::format("source keys from connection {}", name);
            sql_ = baseline.query;
            auto started = Now();
            int64_t rows =
                io::LoadPostgresQuery(connection_,
                                      config::PostgresEndpointOf(*connection, ErrorCode::INVALID_VALUE, baseline.param),
                                      baseline.query,
                                      relation);
            result_.steps.push_back({phase_,
                                     fmt::format("{}: {} row(s)", step_, rows),
                                     SecretRegistry::Redact(baseline.query),
                                     MillisecondsBetween(started, Now())});
            return relation;
        }
        config::WriteConfig table = SnapshotTable(baseline);
        const io::Storage& storage = StorageFor(table.connection);
        std::string directory = storage.Resolve(*table.path);
        if (!io::delta::IsDeltaTable(directory)) {
            return std::nullopt;
        }
        bool is_input = config_.read && config_.read->format == "delta" &&
                        config_.read->connection.value_or("") == table.connection && config_.read->path == table.path;
        int64_t version = io::delta::LoadSnapshot(connection_, directory).version - (is_input ? 1 : 0);
        if (version < 0) {
            return std::nullopt;
        }
        config::ReadConfig read = io::ReadBackConfig(table);
        read.time_travel = config::Json{{"as_of_version", version}};
        CreateView(relation,
                   "read",
                   fmt::format("read the previous snapshot {} (version {})", *table.path, version),
                   "SELECT * FROM " + io::BuildPinnedScan(read, storage, connection_));
        return relation;
    }

    /// The Delta table a snapshot baseline names, else the node's Delta write target, else its Delta input.
    config::WriteConfig SnapshotTable(const transform::BaselineReference& baseline) const {
        config::WriteConfig table;
        if (baseline.table) {
            table = PatternTarget(*baseline.table);
        } else if (config_.write && config_.write->format == "delta") {
            table = *config_.write;
        } else if (config_.read && config_.read->format == "delta" && config_.read->path) {
            table.connection = config_.read->connection.value_or("");
            table.path = config_.read->path;
            table.format = "delta";
            table.config_path = config_.read->config_path;
        } else {
            throw Error(ErrorCode::INVALID_TRANSFORMER_PARAMS,
                        ErrorSource::USER,
                        fmt::format("transformer '{}' compares Delta snapshots, and node '{}' neither writes nor reads "
                                    "a Delta table",
                                    *config_.transformer,
                                    node_.name))
                .WithLocation(context_.project.locations.Find(config_path_))
                .WithSuggestion("give connection and path of the Delta table whose previous snapshot to compare with");
        }
        if (table.format != "delta") {
            throw Error(ErrorCode::INVALID_TRANSFORMER_PARAMS,
                        ErrorSource::USER,
                        fmt::format("transformer '{}' compares Delta snapshots; {} is {}, which keeps no versions",
                                    *config_.transformer,
                                    *table.path,
                                    table.format))
                .WithLocation(context_.project.locations.Find(config_path_))
                .WithSuggestion("name a Delta table (a directory with a _delta_log), or use mode: sql_compare");
        }
        return table;
    }

    /// Appends the rows a pattern set aside (fact orphans) to their destination before the node's write:
    /// if that write fails, a re-run sets the same rows aside again, so none is lost.
    void WriteRejectedRows(const transform::RejectedRows& rejected) {
        config::WriteConfig destination = PatternTarget(rejected.destination);
        destination.mode = config::WriteMode::APPEND;
        destination.options = config::Json::object();
        destination.partition_by.clear();
        if (rejected.format) {
            destination.format = *rejected.format;
        }
        std::string relation = Internal("rejected");
        Execute("transform",
                fmt::format("set aside {}", rejected.description),
                fmt::format("CREATE OR REPLACE TABLE {} AS {}", relation, rejected.select));
        auto count = connection_.Query(fmt::format("SELECT count(*) FROM {}", relation)).Scalar();
        if (!count || std::stoll(*count) == 0) {
            return;
        }
        AppendQuarantine(
            destination,
            relation,
            fmt::format(
                "quarantine {} {} to {} {}", *count, rejected.description, destination.format, *destination.path),
            rejected.description);
    }

    /// A pattern that writes its own target (merge, scd2) becomes the node's write. A `write:` block
    /// beside it must be that same write (same place and mode): any other would write the pattern's
    /// output a second time, somewhere the pattern does not read it back from.
    void PlanTargetWrite(const transform::Transformer& transformer, config::WriteConfig target, bool target_exists) {
        auto writes = transformer.WritesTarget(config_.params, true);
        if (!writes) {
            return;
        }
        auto target_write = transformer.WritesTarget(config_.params, target_exists);
        if (config_.write) {
            const auto& write = *config_.write;
            if (write.connection == target.connection && write.path == target.path && write.mode == writes->mode) {
                if (target_write) {
                    write_->delete_flag_column = target_write->delete_flag_column;
                }
                return;
            }
            config_path_ = write.config_path;
            throw Error(ErrorCode::INVALID_TRANSFORMER_PARAMS,
                        ErrorSource::USER,
                        fmt::format("transformer '{}' writes its target {}.{} ({}) itself, and node '{}' also has a "
                                    "write: block to {}.{} ({})",
                                    *config_.transformer,
                                    target.connection,
                                    target.path.value_or(""),
                                    config::WriteModeName(writes->mode),
                                    node_.name,
                                    write.connection,
                                    write.path.value_or(write.table.value_or("")),
                                    config::WriteModeName(write.mode)))
                .WithLocation(context_.project.locations.Find(write.config_path))
                .WithSuggestion("remove the write: block; to keep a copy of the output elsewhere, add a node that "
                                "depends on this one and writes it");
        }
        if (!target_write) {
            return; // nothing to write (delete_match on a target that does not exist)
        }
        target.mode = target_write->mode;
        target.delete_flag_column = target_write->delete_flag_column;
        if (!target_write->keys.empty()) {
            target.options["keys"] = target_write->keys;
        }
        write_ = std::move(target);
    }

    /// Where a pattern's target is, as a write block: `<connection>.<path>` names a connection when
    /// one has that name, otherwise the path is below the node's write connection. The format is the
    /// node's write format when the write goes to the same place; else .csv, .json and .parquet files
    /// are those formats and anything else is a Delta table.
    config::WriteConfig PatternTarget(const transform::TargetReference& reference) const {
        config::WriteConfig target;
        target.config_path = fmt::format("{}.params.{}", config_.config_path, reference.param);
        target.path = reference.path;
        if (reference.connection) {
            target.connection = *reference.connection;
        } else if (auto dot = reference.path.find('.');
                   dot != std::string::npos && context_.storages.contains(reference.path.substr(0, dot))) {
            target.connection = reference.path.substr(0, dot);
            target.path = reference.path.substr(dot + 1);
        } else if (config_.write) {
            target.connection = config_.write->connection;
        } else {
            throw Error(ErrorCode::INVALID_TRANSFORMER_PARAMS,
                        ErrorSource::USER,
                        fmt::format("{} \"{}\" of transformer '{}' names no connection",
                                    reference.param,
                                    reference.path,
                                    *config_.transformer))
                .WithLocation(context_.project.locations.Find(target.config_path))
                .WithSuggestion(
                    fmt::format("write it as <connection>.<path>; connections: {}", Join(ConnectionNames(), ", ")));
        }
        if (!context_.storages.contains(target.connection)) {
            throw Error(ErrorCode::INVALID_TRANSFORMER_PARAMS,
                        ErrorSource::USER,
                        fmt::format("{} of transformer '{}' names connection \"{}\", which is not a local connection "
                                    "of this project",
                                    reference.param,
                                    *config_.transformer,
                                    target.connection))
                .WithLocation(context_.project.locations.Find(target.config_path))
                .WithSuggestion(DidYouMean(target.connection, ConnectionNames()));
        }
        if (config_.write && config_.write->connection == target.connection && config_.write->path == target.path) {
            target.format = config_.write->format;
            target.options = config_.write->options;
            target.partition_by = config_.write->partition_by;
            return target;
        }
        std::string extension = ToLower(std::filesystem::path(*target.path).extension().string());
        target.format =
            extension == ".csv" || extension == ".json" || extension == ".parquet" ? extension.substr(1) : "delta";
        return target;
    }

    std::vector<std::string> ConnectionNames() const {
        std::vector<std::string> names;
        for (const auto& [name, storage] : context_.storages) {
            names.push_back(name);
        }
        return names;
    }

    std::optional<std::string> ApplySteps(std::optional<std::string> current) {
        size_t total = config_.transform_steps.size();
        for (size_t index = 0; index < total; ++index) {
            const auto& step = config_.transform_steps[index];
            config_path_ = step.config_path;
            std::string description = fmt::format("step {} of {}", index + 1, total);
            phase_ = "transform";
            step_ = description;
            std::string relation = Internal(fmt::format("step{}", index + 1));
            step_input_ = current.value_or("");
            std::string select;
            // Errors show the statement as the user wrote it (with `df`, not odibi's view names).
            std::string user_sql;
            if (step.kind == config::StepKind::SQL || step.kind == config::StepKind::SQL_FILE) {
                std::string sql = step.kind == config::StepKind::SQL ? step.text : ReadTextFile(step.text);
                user_sql = sql;
                description += step.kind == config::StepKind::SQL ? " (sql)" : fmt::format(" (sql_file {})", step.text);
                std::map<std::string, std::string> replacements = aliases_;
                if (current) {
                    replacements["df"] = *current;
                    replacements["current_df"] = *current;
                }
                select = RewriteRelationNames(StripTrailingSemicolons(sql), replacements);
            } else {
                description += fmt::format(
                    " ({} {})", step.kind == config::StepKind::FUNCTION ? "function" : "operation", step.text);
                step_ = description;
                if (!current) {
                    throw Error(ErrorCode::NODE_HAS_NO_INPUT,
                                ErrorSource::USER,
                                fmt::format("{} '{}' needs an input, but node '{}' has none",
                                            step.kind == config::StepKind::FUNCTION ? "function" : "operation",
                                            step.text,
                                            node_.name))
                        .WithSuggestion("add a read: block or depends_on: [<node>], or start with a sql step");
                }
                sql_.clear();
                const auto& transformer = transform::TransformerRegistry::Builtins().Get(step.text);
                if (transformer.TargetOf(step.params)) {
                    throw Error(ErrorCode::INVALID_TRANSFORMER_PARAMS,
                                ErrorSource::USER,
                                fmt::format("pattern '{}' reads its target, which it does only as the node's "
                                            "transformer, not as a step of transform.steps",
                                            step.text))
                        .WithSuggestion(fmt::format("write it as transformer: {} with params: on the node; a node "
                                                    "that depends on this one can carry the other steps",
                                                    step.text));
                }
                select = transformer.CompileSql(step.params, {*current, connection_});
            }
            CreateView(relation, "transform", description, select, user_sql);
            current = relation;
        }
        return current;
    }

    /// `relation` is this node's own read, untransformed and without a user filter (which may call
    /// now()): reading it again gives the same rows.
    bool IsStableRead(const std::string& relation) const {
        return node_.input_kind == graph::InputKind::READ && relation == input_relation_ && config_.read &&
               !config_.read->filter.has_value();
    }

    /// What checks over `relation` need to know; an empty relation (a cross-node check) masks nothing.
    quality::QualityContext QualityContextFor(const std::string& relation) {
        quality::QualityContext quality_context;
        quality_context.pipeline = context_.pipeline.name;
        quality_context.node = node_.name;
        quality_context.run_id = context_.run_id;
        quality_context.column_metadata = config_.columns;
        quality_context.history = &history_;
        quality_context.sample_size = context_.project.story.max_sampled_validations;
        quality_context.now = Now();
        quality_context.relation_is_stable = IsStableRead(relation);
        config::SensitiveColumns sensitive = config::ParseSensitiveColumns(config_.sensitive);
        if (!relation.empty() && (sensitive.all || !sensitive.columns.empty())) {
            for (const auto& column : connection_.Describe(relation)) {
                if (sensitive.Masks(column.name)) {
                    quality_context.sensitive_columns.push_back(column.name);
                }
            }
        }
        return quality_context;
    }

    /// Where a failed quality phase points: the check the error names, else the first failed check's
    /// place in the YAML, else `fallback`.
    void PointAtFirstFailure(const Error& error, const std::string& fallback) {
        config_path_ = fallback;
        if (!error.Location().path.empty()) {
            config_path_ = error.Location().path;
            return;
        }
        for (const auto& check : result_.quality) {
            if (check.status == quality::CheckStatus::FAILED && !check.config_path.empty()) {
                config_path_ = check.config_path;
                return;
            }
        }
    }

    std::string InputDescription() const {
        switch (node_.input_kind) {
        case graph::InputKind::READ:
            return fmt::format(
                "read {} {}", config_.read->format, config_.read->path.value_or(config_.read->table.value_or("")));
        case graph::InputKind::INPUTS:
            return fmt::format("input '{}'", config_.inputs.front().alias);
        case graph::InputKind::DEPENDENCY:
            return fmt::format("the output of node '{}'", config_.depends_on.front());
        case graph::InputKind::NONE:
            break;
        }
        return "no input";
    }

    void CheckContracts(const std::string& input) {
        if (config_.contracts.empty()) {
            return;
        }
        phase_ = "contracts";
        step_ = fmt::format("{} contract(s) on {}", config_.contracts.size(), InputDescription());
        sql_.clear();
        auto started = Now();
        try {
            RunContracts(connection_,
                         quality_scratch_,
                         input,
                         InputDescription(),
                         config_,
                         QualityContextFor(input),
                         result_.quality,
                         result_.warnings);
        } catch (const Error& error) {
            PointAtFirstFailure(error, config_.config_path + ".contracts");
            throw;
        }
        result_.steps.push_back({phase_, step_, "", MillisecondsBetween(started, Now())});
    }

    /// The validation tests can run inside the write's own scan (quality::StreamedTests): the write
    /// reads the node's rows exactly once and writes every row it reads, nothing else reads them
    /// first, and what is written does not depend on the gate's verdict.
    bool StreamsValidation() const {
        const config::ValidationConfig& validation = *config_.validation;
        if (!write_ || !quality::CanStreamTests(validation.tests)) {
            return false;
        }
        static const std::set<std::string> formats = {"csv", "parquet", "json", "delta"};
        bool writes_every_row_once =
            (write_->mode == config::WriteMode::OVERWRITE || write_->mode == config::WriteMode::APPEND) &&
            formats.contains(write_->format) && !write_->skip_if_unchanged && !write_->first_run_query;
        bool read_only_by_the_write = !node_.materialize && node_.dependents.empty() && !reads_target_;
        bool writes_the_split = !validation.gate || validation.gate->on_fail != config::GateOnFail::WRITE_VALID_ONLY;
        return writes_every_row_once && read_only_by_the_write && writes_the_split;
    }

    /// Tests, quarantine and gate; returns the relation to write (the valid rows after a split).
    std::string Validate(const std::string& current) {
        const config::ValidationConfig& validation = *config_.validation;
        if (StreamsValidation()) {
            return StreamValidation(current);
        }
        phase_ = "validation";
        step_ = fmt::format("{} validation test(s)", validation.tests.size());
        sql_.clear();
        ValidationOutcome outcome = DecideValidation([&] {
            return RunValidation(connection_,
                                 quality_scratch_,
                                 current,
                                 config_,
                                 QualityContextFor(current),
                                 result_.quality,
                                 result_.warnings);
        });
        output_is_temporary_ = outcome.output_is_temporary;
        return outcome.output_relation;
    }

    /// Duplicate keys and the tests' flags are prepared; the write's scan computes the flags and sets
    /// the failing rows aside (FinishStreamedValidation concludes once the write is staged).
    std::string StreamValidation(const std::string& current) {
        const config::ValidationConfig& validation = *config_.validation;
        phase_ = "validation";
        step_ = fmt::format("{} validation test(s), evaluated in the write's scan", validation.tests.size());
        sql_.clear();
        auto started = Now();
        try {
            streamed_tests_ = std::make_unique<quality::StreamedTests>(
                connection_, current, validation.tests, &validation, QualityContextFor(current));
        } catch (const Error& error) {
            PointAtFirstFailure(error, validation.config_path);
            throw;
        }
        result_.steps.push_back({phase_, step_, "", MillisecondsBetween(started, Now())});
        unvalidated_relation_ = current;
        output_is_temporary_ = true;
        return streamed_tests_->Relation();
    }

    /// After the write has staged (not published) the rows that failed no quarantine test: the
    /// results, failures and gate as RunValidation decides them, then the quarantine append. The
    /// node's view is pointed at the kept rows, so that nothing reads the streamed view again.
    void FinishStreamedValidation(int64_t rows_written) {
        const config::ValidationConfig& validation = *config_.validation;
        std::string write_phase = phase_;
        std::string write_step = step_;
        std::string write_path = config_path_;
        std::string write_sql = sql_;
        phase_ = "validation";
        step_ = fmt::format("{} validation test(s), concluded after the write's scan", validation.tests.size());
        ValidationOutcome outcome = DecideValidation([&] {
            return ConcludeValidation(quality_scratch_,
                                      unvalidated_relation_,
                                      streamed_tests_->Finish(rows_written),
                                      config_,
                                      QualityContextFor(unvalidated_relation_),
                                      result_.quality,
                                      result_.warnings);
        });
        Execute("publish",
                fmt::format("register {} over its kept rows", node_.name),
                fmt::format("CREATE OR REPLACE VIEW {} AS SELECT * FROM {}", NodeRelation(), outcome.output_relation));
        phase_ = write_phase;
        step_ = write_step;
        config_path_ = write_path;
        sql_ = write_sql;
    }

    /// Runs `decide` (results, failures, gate) as the current validation step, pointing a failure at
    /// the failed check, then appends the quarantined rows.
    template <typename Decide> ValidationOutcome DecideValidation(Decide decide) {
        const config::ValidationConfig& validation = *config_.validation;
        auto started = Now();
        ValidationOutcome outcome;
        try {
            outcome = decide();
        } catch (const Error& error) {
            PointAtFirstFailure(error, validation.config_path);
            throw;
        }
        result_.steps.push_back({phase_, step_, "", MillisecondsBetween(started, Now())});
        if (outcome.rows_quarantined > 0) {
            WriteQuarantine(*validation.quarantine, outcome);
        }
        return outcome;
    }

    /// Quarantined rows are appended before the node's own write: if that write fails, a re-run
    /// quarantines the same rows again (they carry the run id in _source_batch_id), so none is lost.
    void WriteQuarantine(const config::QuarantineConfig& quarantine, const ValidationOutcome& outcome) {
        config_path_ = quarantine.config_path;
        AppendQuarantine(quarantine.write,
                         outcome.quarantined_relation,
                         fmt::format("quarantine {} row(s) to {} {}",
                                     outcome.rows_quarantined,
                                     quarantine.write.format,
                                     quarantine.write.path.value_or(quarantine.write.table.value_or(""))),
                         "row(s) that failed quarantine tests");
    }

    /// Appends `relation` to a quarantine target and records it: rows_quarantined, the location, a
    /// warning ("<n> <what> were appended to <location>") and the write's statements as steps.
    void AppendQuarantine(const config::WriteConfig& write,
                          const std::string& relation,
                          const std::string& step,
                          const std::string& what) {
        phase_ = "quarantine";
        step_ = step;
        auto started = Now();
        io::WriteOutcome written =
            io::Write(connection_, io::WriteRequest{write, StorageFor(write.connection), relation});
        result_.rows_quarantined = result_.rows_quarantined.value_or(0) + written.rows_written;
        result_.quarantine_location = written.location;
        result_.warnings.push_back(
            fmt::format("{} {} were appended to {}", written.rows_written, what, written.location));
        int64_t elapsed = MillisecondsBetween(started, Now());
        for (const auto& statement : written.sql) {
            result_.steps.push_back({phase_, step_, SecretRegistry::Redact(statement), elapsed});
            elapsed = 0;
        }
    }

    /// A check node: no input, no output; it asserts over other nodes' outputs.
    void CheckAcrossNodes(const config::CrossCheckConfig& check) {
        phase_ = "check";
        step_ = fmt::format("{} check over {}", config::CrossCheckTypeName(check.type), Join(check.inputs, ", "));
        config_path_ = check.config_path;
        sql_ = check.sql;
        auto started = Now();
        RunCrossCheck(connection_, check, QualityContextFor(""), result_.quality, result_.warnings);
        result_.steps.push_back(
            {phase_, step_, SecretRegistry::Redact(check.sql), MillisecondsBetween(started, Now())});
    }

    void PublishOutput(const std::string& current) {
        bool has_dependents = !node_.dependents.empty();
        // A temporary view (the valid rows of a quarantine split) exists on this connection only, and
        // only until the attempt ends: nodes that read this one get a table.
        // A pattern's output computed from its target must not change when the write replaces that
        // target: a merge's rows are materialised before the write; an overwrite's output is what it
        // wrote, and the node's view is pointed at that after the write (ReadOutputBack).
        materialized_ = node_.materialize || ((write_.has_value() || output_is_temporary_) && has_dependents) ||
                        (reads_target_ && write_.has_value() && write_->mode != config::WriteMode::OVERWRITE);
        if (materialized_) {
            Execute("publish",
                    fmt::format("materialise {}", node_.name),
                    fmt::format("CREATE OR REPLACE TABLE {} AS SELECT * FROM {}", NodeRelation(), current));
            return;
        }
        Execute("publish",
                fmt::format("register {}", node_.name),
                fmt::format("CREATE OR REPLACE VIEW {} AS SELECT * FROM {}", NodeRelation(), current));
    }

    /// The write and its state commit (docs/exactly-once.md): stage the new output beside the
    /// target, record the intent with the commit it needs, publish by rename, then commit state,
    /// output and node run in one catalog transaction. A crash at any point leaves either the old
    /// target and old state, or an intent that recovery finishes at the next start.
    void Write() {
        const auto& write = *write_;
        config_path_ = write.config_path;
        phase_ = "write";
        step_ = fmt::format("write {} {} ({})",
                            write.format,
                            write.path.value_or(write.table.value_or("")),
                            config::WriteModeName(write.mode));
        sql_.clear();
        RequireStateStore();
        auto started = Now();
        io::WriteRequest request{write, StorageFor(write.connection), NodeRelation()};
        request.remove_leftovers_except = LiveStagingPaths();
        // Table formats (Delta) commit the writer, run and high-water marks with the data itself.
        request.writer_id = fmt::format("odibi/{}/{}", context_.pipeline.name, node_.name);
        config::Json state = config::Json::object();
        for (const auto& entry : pending_state_) {
            state[entry.key] = config::Json::parse(entry.value, nullptr, false);
        }
        request.commit_details = {
            {"odibi", {{"run_id", context_.run_id}, {"pipeline", context_.pipeline.name}, {"node", node_.name}}}};
        if (!state.empty()) {
            request.commit_details["odibi"]["state"] = state;
        }
        staged_write_.emplace(io::StageWrite(connection_, request));
        fault::CrashPoint(fault::AFTER_STAGE);
        const io::WriteOutcome& outcome = staged_write_->Outcome();
        if (streamed_tests_) {
            FinishStreamedValidation(outcome.rows_written);
        }
        rows_in_target_ = outcome.rows_in_target;
        result_.rows_written = outcome.rows_written;
        result_.write_location = outcome.location;
        result_.write_format = write.format;
        result_.write_mode = config::WriteModeName(write.mode);
        if (write.mode == config::WriteMode::OVERWRITE || write.mode == config::WriteMode::APPEND) {
            result_.rows_out = outcome.rows_written;
        }

        state::WriteCommit commit = BuildCommit();
        std::optional<state::WriteIntent> intent = RecordIntent(commit);
        fault::CrashPoint(fault::AFTER_INTENT);
        try {
            staged_write_->Publish();
        } catch (const std::exception&) {
            // Nothing was published: the intent is closed here rather than left to recovery.
            if (intent) {
                try {
                    static_cast<void>(context_.catalog->AbandonWriteIntent(intent->intent_id));
                } catch (const std::exception& error) {
                    NoteCatalogProblem(fmt::format("could not close the write intent of '{}': {}; recovery will "
                                                   "close it at the next run",
                                                   node_.name,
                                                   error.what()));
                }
            }
            throw;
        }
        write_committed_ = true;
        written_ = true;
        fault::CrashPoint(fault::AFTER_PUBLISH);
        CommitInCatalog(commit, intent.has_value());
        fault::CrashPoint(fault::AFTER_COMMIT);

        int64_t elapsed = MillisecondsBetween(started, Now());
        if (outcome.unchanged) {
            result_.steps.push_back({"write",
                                     "skip_if_unchanged: the rows equal this node's last write; nothing was committed",
                                     "",
                                     elapsed});
        }
        for (const auto& statement : outcome.sql) {
            result_.steps.push_back({"write", step_, SecretRegistry::Redact(statement), elapsed});
            elapsed = 0;
        }
        MaintainTable(write, outcome.location);
    }

    /// The node's view, computed from a target that the write has now replaced, becomes a scan of
    /// what the write put there: the same rows, without recomputing them from the new target.
    void ReadOutputBack() {
        const auto& write = *write_;
        Execute("publish",
                fmt::format("register {} as its written output", node_.name),
                fmt::format("CREATE OR REPLACE VIEW {} AS SELECT * FROM {}",
                            NodeRelation(),
                            io::BuildPinnedScan(io::ReadBackConfig(write), StorageFor(write.connection), connection_)));
    }

    /// Delta `zorder_by` / `auto_optimize`: OPTIMIZE (and VACUUM) once the write and its state are
    /// committed. They rearrange files without changing rows, so a failure is a warning, not a
    /// failed node: the data is written and the next write tries again.
    void MaintainTable(const config::WriteConfig& write, const std::string& table) {
        if (write.zorder_by.empty() && !write.auto_optimize_vacuum_hours) {
            return;
        }
        phase_ = "optimize";
        auto started = Now();
        try {
            io::delta::OptimizeResult optimized = io::delta::Optimize(connection_, table, write.zorder_by);
            std::string summary =
                optimized.version
                    ? fmt::format("optimize{}: {} file(s) rewritten into {} (version {})",
                                  write.zorder_by.empty() ? "" : " zorder by " + Join(write.zorder_by, ", "),
                                  optimized.files_removed,
                                  optimized.files_added,
                                  *optimized.version)
                    : std::string("optimize: nothing to compact");
            if (write.auto_optimize_vacuum_hours) {
                io::delta::VacuumResult vacuumed =
                    io::delta::Vacuum(connection_, table, *write.auto_optimize_vacuum_hours);
                summary += fmt::format("; vacuum: {} file(s) older than {} hours deleted",
                                       vacuumed.files.size(),
                                       vacuumed.retention_hours);
            }
            result_.steps.push_back({phase_, summary, "", MillisecondsBetween(started, Now())});
        } catch (const Error& error) {
            result_.warnings.push_back(
                fmt::format("the table was written, but optimizing it failed: {}", error.Message()));
        }
    }

    /// Staging paths of the writes whose intent is open. Recovery ran before any node, so these are
    /// writes of live runs; any other staging sibling of the target was left by a crash and may go.
    /// Nullopt (remove nothing) when the catalog cannot tell.
    std::optional<std::set<std::string>> LiveStagingPaths() {
        if (context_.catalog == nullptr) {
            return std::nullopt;
        }
        try {
            std::set<std::string> live;
            for (const auto& intent : context_.catalog->ListWriteIntents()) {
                live.insert(intent.staging);
            }
            return live;
        } catch (const std::exception& error) {
            NoteCatalogProblem(fmt::format("could not list the open write intents: {}", error.what()));
            return std::nullopt;
        }
    }

    /// A target write without its state commit would break exactly-once: a node with state to commit
    /// does not write while the state store is unavailable.
    void RequireStateStore() const {
        if (context_.catalog != nullptr || pending_state_.empty()) {
            return;
        }
        throw Error(ErrorCode::STATE_STORE_UNAVAILABLE,
                    ErrorSource::EXTERNAL,
                    fmt::format("node '{}' did not write: the system catalog that must commit its state ({}) "
                                "together with the write could not be opened",
                                node_.name,
                                pending_state_.front().key))
            .WithSuggestion("fix the catalog problem printed at the start of the run (system.connection, "
                            "system.path) and run again; the target and the state are unchanged");
    }

    /// The node's run record as it stands when its state commits (SUCCESS; the pipeline records the
    /// final one when the node finishes).
    state::NodeRunRecord CommittedNodeRun() const {
        NodeResult committed = result_;
        committed.status = NodeStatus::SUCCESS;
        committed.finished_at = Now();
        committed.duration_ms = MillisecondsBetween(committed.started_at, committed.finished_at);
        const auto& project = context_.project;
        return NodeRunRecordOf(committed,
                               context_.run_id,
                               project.project,
                               project.system.environment.value_or(project.environment.value_or("")));
    }

    state::WriteCommit BuildCommit() const {
        state::WriteCommit commit;
        commit.state_updates = pending_state_;
        commit.node_run = CommittedNodeRun();
        if (write_) {
            const auto& write = *write_;
            std::string now = FormatIsoUtc(Now());
            state::OutputRecord output;
            output.pipeline_name = context_.pipeline.name;
            output.node_name = node_.name;
            output.connection_name = write.connection;
            output.path = write.path.value_or("");
            output.table_name = write.table.value_or("");
            output.format = write.format;
            output.last_run = now;
            output.row_count = result_.rows_written;
            output.updated_at = now;
            commit.output = output;
        }
        return commit;
    }

    /// Records the intent of the staged write. Without a catalog there is nothing to record (and no
    /// state: RequireStateStore). When recording fails, a node with state to commit fails before
    /// anything is published; a node without state publishes anyway (nothing it commits can be
    /// duplicated) and the problem is reported.
    std::optional<state::WriteIntent> RecordIntent(state::WriteCommit& commit) {
        if (context_.catalog == nullptr) {
            return std::nullopt;
        }
        state::WriteIntent intent;
        intent.intent_id = NewUuid();
        intent.run_id = context_.run_id;
        intent.pipeline_name = context_.pipeline.name;
        intent.node_name = node_.name;
        intent.target = staged_write_->Target();
        intent.staging = staged_write_->Staging();
        intent.mode = config::WriteModeName(write_->mode);
        intent.format = write_->format;
        intent.published_marker = staged_write_->PublishedMarker();
        commit.intent_id = intent.intent_id;
        intent.commit = state::WriteCommitToJson(commit);
        try {
            context_.catalog->RecordWriteIntent(intent);
            return intent;
        } catch (const std::exception& error) {
            commit.intent_id.clear();
            if (!pending_state_.empty()) {
                throw Error(ErrorCode::STATE_STORE_UNAVAILABLE,
                            ErrorSource::EXTERNAL,
                            fmt::format("node '{}' did not write: its write intent could not be recorded in the "
                                        "system catalog: {}",
                                        node_.name,
                                        error.what()))
                    .WithSuggestion("fix the catalog problem and run again; the target and the state are unchanged");
            }
            NoteCatalogProblem(fmt::format("could not record the write intent of '{}': {}", node_.name, error.what()));
            return std::nullopt;
        }
    }

    /// Commits the state, output and node run of a published write. When that fails the data is in
    /// place and the intent stays open: recovery at the next start applies the commit before anything
    /// reads the state again. A node with state (a high-water mark) fails, since the run did not
    /// complete its unit of data and state; it is not retried (its data is published), and the re-run
    /// after recovery reads from the committed mark, so no row is written twice. A node without state
    /// only reports the problem.
    void CommitInCatalog(const state::WriteCommit& commit, bool has_intent) {
        if (context_.catalog == nullptr) {
            return;
        }
        try {
            context_.catalog->CommitWrite(commit);
        } catch (const std::exception& error) {
            if (!pending_state_.empty()) {
                throw Error(ErrorCode::STATE_STORE_UNAVAILABLE,
                            ErrorSource::EXTERNAL,
                            fmt::format("node '{}' wrote its data but could not commit its state to the system "
                                        "catalog: {}; the write intent stays open and recovery commits the state at "
                                        "the start of the next run",
                                        node_.name,
                                        error.what()))
                    .WithSuggestion("bring the system catalog back and run again: recovery finishes this commit "
                                    "first, and no row is written twice");
            }
            NoteCatalogProblem(fmt::format("could not commit the write of '{}': {}{}",
                                           node_.name,
                                           error.what(),
                                           has_intent ? "; the data is written and recovery will commit its state "
                                                        "at the start of the next run"
                                                      : ""));
        }
    }

    /// A node with state to commit and no write (e.g. an incremental read feeding later nodes).
    void CommitStateWithoutWrite() {
        phase_ = "commit";
        step_ = fmt::format("commit the state of {}", node_.name);
        RequireStateStore();
        state::WriteCommit commit = BuildCommit();
        context_.catalog->CommitWrite(commit);
        fault::CrashPoint(fault::AFTER_COMMIT);
    }

    void NoteCatalogProblem(const std::string& text) {
        std::string message = SecretRegistry::Redact("catalog: " + text);
        Log::Error(message);
        result_.warnings.push_back(message);
        result_.catalog_problems.push_back(message);
    }

    void CollectOutputFacts() {
        phase_ = "collect";
        step_ = fmt::format("collect the schema, row count and sample of {}", node_.name);
        sql_.clear();
        config_path_ = config_.config_path;
        result_.schema_out = connection_.Describe(NodeRelation());
        if (materialized_) {
            auto count = connection_.Query(fmt::format("SELECT count(*) FROM {}", NodeRelation())).Scalar();
            result_.rows_out = count ? std::optional<int64_t>(std::stoll(*count)) : std::nullopt;
        }
        if (context_.max_sample_rows <= 0) {
            return;
        }
        // Samples come only from data that is already computed: a materialised table or the
        // written output. Lazy intermediate views are not run a second time just for a preview.
        std::string source;
        if (materialized_) {
            source = NodeRelation();
        } else if (written_ && rows_in_target_ > 0) {
            // An empty written target has no rows to show (and an empty dataset directory no files to scan).
            const auto& write = *write_;
            source = "(SELECT * FROM " +
                     io::BuildPinnedScan(io::ReadBackConfig(write), StorageFor(write.connection), connection_) + ")";
        }
        if (source.empty()) {
            return;
        }
        result_.sample_out =
            ToSample(connection_.Query(fmt::format("SELECT * FROM {} LIMIT {}", source, context_.max_sample_rows)));
    }

    void RecordWriteInCatalog() {
        const auto& write = *write_;
        std::string now = FormatIsoUtc(Now());
        try {
            state::SchemaRecord schema;
            schema.table_path = result_.write_location;
            schema.schema_hash = SchemaHash(result_.schema_out);
            schema.columns = nlohmann::json::object();
            for (size_t index = 0; index < result_.schema_out.size() && index < MAXIMUM_CATALOG_SCHEMA_COLUMNS;
                 ++index) {
                schema.columns[result_.schema_out[index].name] = result_.schema_out[index].type;
            }
            schema.captured_at = now;
            schema.pipeline = context_.pipeline.name;
            schema.node = node_.name;
            schema.run_id = context_.run_id;
            (void)context_.catalog->RecordSchema(schema);

            state::TableRecord table;
            table.project = context_.project.project;
            table.table_name = node_.name;
            table.path = result_.write_location;
            table.format = write.format;
            table.pattern_type = config_.transformer.value_or("");
            table.schema_hash = schema.schema_hash;
            table.updated_at = now;
            context_.catalog->UpsertTable(table);
        } catch (const std::exception& error) {
            NoteCatalogProblem(
                fmt::format("could not record the schema and table of '{}': {}", node_.name, error.what()));
        }
    }

    const graph::PlanNode& node_;
    const config::NodeConfig& config_;
    const PipelineContext& context_;
    const std::map<std::string, UpstreamFacts>& upstream_;
    engine::Connection& connection_;
    NodeResult& result_;
    std::map<std::string, std::string> aliases_;
    std::string phase_ = "start";
    std::string step_;
    std::string sql_;
    std::string config_path_;
    std::string input_relation_;
    std::string step_input_;
    bool materialized_ = false;
    bool written_ = false;
    bool write_committed_ = false;
    int64_t rows_in_target_ = 0;
    /// State this node moves when it succeeds (an incremental read's new high-water mark). It commits
    /// in the same state-store transaction as the node's write (docs/exactly-once.md).
    std::vector<state::StateEntry> pending_state_;
    /// The node's write between staging and cleanup: cleanup waits until the catalog records are
    /// written, so that a crash point can sit between the commit and the cleanup.
    std::optional<io::StagedWrite> staged_write_;
    CatalogQualityHistory history_;
    bool output_is_temporary_ = false;
    bool reads_target_ = false; ///< the transformer is a pattern that read its existing target
    /// The temporary tables and views of this attempt's checks, dropped when the attempt ends.
    QualityScratch quality_scratch_;
    /// Validation that the write's scan evaluates (StreamsValidation), and the rows it validates.
    std::unique_ptr<quality::StreamedTests> streamed_tests_;
    std::string unvalidated_relation_;
    /// The node's write: its `write:` block, or the write of a pattern that writes its own target
    /// (merge, scd2) when the node has none.
    std::optional<config::WriteConfig> write_;
};

/// Suggestions derived from the failure and what the node could see.
std::vector<std::string> SuggestFixes(const Error& error,
                                      const std::vector<std::string>& available_columns,
                                      const graph::PipelinePlan& pipeline,
                                      const std::string& node_name,
                                      const std::string& config_file) {
    std::vector<std::string> suggestions = error.Suggestions();
    const std::string& message = error.Message();
    static const std::regex missing_column(R"re(Referenced column "([^"]+)" not found)re");
    static const std::regex missing_table(R"re(Table with name ([^\s!]+) does not exist)re");
    std::smatch match;
    if (std::regex_search(message, match, missing_column)) {
        auto closest = ClosestMatch(match[1].str(), available_columns);
        if (closest) {
            suggestions.push_back(
                fmt::format("column \"{}\" does not exist. Did you mean \"{}\"?", match[1].str(), *closest));
        } else {
            suggestions.push_back(fmt::format(
                "column \"{}\" does not exist; available columns: {}", match[1].str(), Join(available_columns, ", ")));
        }
    } else if (std::regex_search(message, match, missing_table)) {
        std::vector<std::string> names;
        for (const auto& node : pipeline.nodes) {
            names.push_back(node.name);
        }
        std::string hint = DidYouMean(match[1].str(), names);
        suggestions.push_back(
            fmt::format("\"{}\" is not a node of pipeline '{}'{}{}; SQL can refer to nodes of this pipeline "
                        "that ran before, by name (declare them in depends_on)",
                        match[1].str(),
                        pipeline.name,
                        hint.empty() ? "" : ". ",
                        hint));
    }
    suggestions.push_back(fmt::format(
        "debug this node alone: odibi run {} --pipeline {} --node {}", config_file, pipeline.name, node_name));
    return suggestions;
}

/// Whether another attempt can succeed: failures of disks, networks and servers can be transient;
/// a wrong column name or a bad cast fails the same way every time, so it is not retried.
bool IsTransient(const Error& error) {
    if (error.Code() == ErrorCode::INTERRUPTED) {
        return false;
    }
    if (error.Source() == ErrorSource::EXTERNAL) {
        return true;
    }
    const std::string& message = error.Message();
    return message.find("IO Error") != std::string::npos || message.find("HTTP") != std::string::npos ||
           message.find("Out of Memory Error") != std::string::npos;
}

double BackoffSeconds(const config::RetryConfig& retry, int attempt) {
    switch (retry.backoff) {
    case config::BackoffKind::EXPONENTIAL:
        return retry.base_seconds * std::pow(2.0, attempt - 1);
    case config::BackoffKind::LINEAR:
        return retry.base_seconds * attempt;
    case config::BackoffKind::CONSTANT:
        return retry.base_seconds;
    }
    return retry.base_seconds;
}

void SleepUnlessCancelled(double seconds, const Cancellation& cancellation) {
    constexpr auto TICK = std::chrono::milliseconds(50);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline && !cancellation.IsCancelled()) {
        std::this_thread::sleep_for(TICK);
    }
}

} // namespace

state::NodeRunRecord NodeRunRecordOf(const NodeResult& node,
                                     const std::string& run_id,
                                     const std::string& project,
                                     const std::string& environment) {
    state::NodeRunRecord record;
    record.run_id = run_id;
    record.project = project;
    record.pipeline_name = node.pipeline;
    record.node_name = node.node;
    record.status = ToUpper(NodeStatusName(node.status));
    record.run_start_at = FormatIsoUtc(node.started_at);
    record.run_end_at = FormatIsoUtc(node.finished_at);
    record.duration_ms = node.duration_ms;
    record.rows_processed = node.rows_written.value_or(node.rows_out.value_or(0));
    record.environment = environment;
    record.metrics = {{"attempts", node.attempts}, {"version_hash", node.version_hash}};
    if (node.rows_in) {
        record.metrics["rows_in"] = *node.rows_in;
    }
    if (node.rows_out) {
        record.metrics["rows_out"] = *node.rows_out;
    }
    if (node.rows_written) {
        record.metrics["rows_written"] = *node.rows_written;
    }
    return record;
}

NodeResult RunNode(const graph::PlanNode& node,
                   const PipelineContext& context,
                   const std::map<std::string, UpstreamFacts>& upstream,
                   engine::Connection& connection,
                   Cancellation& cancellation) {
    const config::NodeConfig& config = *node.config;
    NodeResult result;
    result.pipeline = context.pipeline.name;
    result.node = node.name;
    result.version_hash = node.version_hash;
    result.description = config.description;
    result.explanation = config.explanation;
    result.runbook_url = config.runbook_url;
    result.dependencies = node.dependencies;
    result.config_yaml = SecretRegistry::Redact(node.config_snapshot.dump(2));
    result.started_at = Now();

    std::vector<std::string> parts;
    if (config.read || !config.inputs.empty()) {
        parts.emplace_back("read");
    }
    if (config.transformer || !config.transform_steps.empty()) {
        parts.emplace_back("transform");
    }
    if (config.write) {
        parts.emplace_back("write");
    }
    result.operation = Join(parts, " -> ");

    const config::RetryConfig& retry = config.retry ? *config.retry : context.project.retry;
    int max_attempts = retry.enabled ? std::max(1, retry.max_attempts) : 1;
    for (int attempt = 1; attempt <= max_attempts; ++attempt) {
        result.attempts = attempt;
        result.error.reset();
        NodeExecution execution(node, context, upstream, connection, result);
        try {
            if (cancellation.IsCancelled()) {
                throw Error(ErrorCode::INTERRUPTED, ErrorSource::USER, "the run was interrupted");
            }
            execution.Run();
            result.status = NodeStatus::SUCCESS;
            break;
        } catch (const std::exception& exception) {
            const auto* odibi_error = dynamic_cast<const Error*>(&exception);
            Error error = odibi_error != nullptr ? *odibi_error : InternalError(exception.what());
            if (cancellation.IsCancelled()) {
                error = Error(ErrorCode::INTERRUPTED, ErrorSource::USER, "the run was interrupted (SIGINT/SIGTERM)");
            }
            std::vector<std::string> available_columns;
            if (!execution.InputRelation().empty()) {
                try {
                    available_columns = engine::ColumnNames(connection.Describe(execution.InputRelation()));
                } catch (const std::exception&) {
                    available_columns.clear();
                }
            }
            ErrorRecord record;
            record.code = error.CodeString();
            record.type = std::string(ErrorSourceName(error.Source()));
            record.message = SecretRegistry::Redact(error.Message());
            record.phase = execution.Phase();
            record.step = execution.Step();
            // The user's statement (with df and aliases resolved) reads better than the view wrapper
            // around it; the SQL an error carries is the fallback (writes build their own).
            std::string sql = execution.Sql();
            for (const auto& [key, value] : error.Context()) {
                if (key == "sql" && sql.empty()) {
                    sql = value;
                }
            }
            record.sql = SecretRegistry::Redact(sql);
            record.location = context.project.locations
                                  .Find(execution.ConfigPath().empty() ? config.config_path : execution.ConfigPath())
                                  .ToString();
            record.available_columns = available_columns;
            if (error.Code() != ErrorCode::INTERRUPTED) {
                record.suggestions =
                    SuggestFixes(error, available_columns, context.pipeline, node.name, context.project.config_file);
            }
            for (auto& suggestion : record.suggestions) {
                suggestion = SecretRegistry::Redact(suggestion);
            }
            result.error = std::move(record);
            result.status = NodeStatus::FAILED;
            if (!execution.WriteCommitted()) {
                // Staged rows that were never published were not written.
                result.rows_written.reset();
            }
            bool retryable = !cancellation.IsCancelled() && !execution.WriteCommitted() && IsTransient(error) &&
                             attempt < max_attempts;
            if (!retryable) {
                if (execution.WriteCommitted()) {
                    result.warnings.push_back(
                        "the write had already committed when the node failed; it was not retried "
                        "so that its data is not written twice");
                }
                break;
            }
            Log::Warning(fmt::format("node '{}' failed (attempt {} of {}): {}; retrying",
                                     node.name,
                                     attempt,
                                     max_attempts,
                                     SecretRegistry::Redact(error.Message())));
            SleepUnlessCancelled(BackoffSeconds(retry, attempt), cancellation);
        }
    }
    result.finished_at = Now();
    result.duration_ms = MillisecondsBetween(result.started_at, result.finished_at);
    return result;
}

Error NothingToWrite(const std::string& node) {
    Error error(ErrorCode::NODE_HAS_NO_INPUT,
                ErrorSource::USER,
                fmt::format("node '{}' has nothing to write: it has no read, inputs, depends_on or transform", node));
    error.WithSuggestion("add a read: block, or depends_on: [<node>] to write another node's output");
    return error;
}

} // namespace odibi::execute
