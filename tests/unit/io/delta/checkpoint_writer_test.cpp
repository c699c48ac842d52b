// Checkpoints: Spark's parquet layout, a lossless round trip through ParseAction and the checkpoint reader,
// older layouts without optional fields, atomic publication.
#include "../io_test_support.hpp"
#include "delta/actions.hpp"
#include "delta/checkpoint_reader.hpp"
#include "delta/checkpoint_writer.hpp"
#include "delta/types.hpp"
#include <gtest/gtest.h>

#include "odibi/engine/sql.hpp"

namespace odibi::io::testing {
namespace {

using config::Json;
using delta::Actions;
using delta::AddFile;
using delta::DeletionVector;
using delta::Field;
using delta::Metadata;
using delta::Protocol;
using delta::RemoveFile;
using delta::Snapshot;

using DeltaCheckpointWriterTest = IoTest;

const std::string SPARK_TABLES = std::string(ODIBI_SHARED_DIR) + "/testdata/delta/";

Snapshot MakeSnapshot(const std::string& table_root) {
    Snapshot snapshot;
    snapshot.table_root = table_root;
    snapshot.version = 12;
    snapshot.protocol.min_reader_version = 3;
    snapshot.protocol.min_writer_version = 7;
    snapshot.protocol.reader_features = {"deletionVectors"};
    snapshot.protocol.writer_features = {"deletionVectors", "appendOnly"};
    snapshot.metadata.id = "5fba94ed-9794-4965-ba6e-6ee3c0d22af9";
    snapshot.metadata.name = "events";
    snapshot.metadata.schema = {Field{"id", "long", true, Json::object()}, Field{"day", "date", true, Json::object()}};
    snapshot.metadata.schema_string = delta::SerializeSchema(snapshot.metadata.schema);
    snapshot.metadata.partition_columns = {"day"};
    snapshot.metadata.configuration = {{"delta.enableDeletionVectors", "true"}, {"delta.checkpointInterval", "5"}};
    snapshot.metadata.created_time = 1700000000000;

    AddFile first;
    first.path = "day=2024-01-01/part 0.parquet";
    first.partition_values = {{"day", "2024-01-01"}};
    first.size = 1234;
    first.modification_time = 1700000000100;
    first.stats = R"({"numRecords":2,"minValues":{"id":1},"maxValues":{"id":2},"nullCount":{"id":0}})";
    AddFile second;
    second.path = "day=__HIVE_DEFAULT_PARTITION__/part-1.parquet";
    second.partition_values = {{"day", std::nullopt}};
    second.size = 99;
    second.modification_time = 1700000000200;
    second.stats = R"({"numRecords":5,"minValues":{"id":3},"maxValues":{},"nullCount":{}})";
    second.deletion_vector = DeletionVector{"u", "ab^-aqEH.-t@S}K{vb[*k^", 1, 36, 2};
    snapshot.files = {first, second};

    RemoveFile tombstone;
    tombstone.path = "day=2023-12-31/old.parquet";
    tombstone.deletion_timestamp = 1700000000300;
    tombstone.partition_values = {{"day", "2023-12-31"}};
    tombstone.size = 77;
    snapshot.tombstones = {tombstone};
    snapshot.app_txns = {{"stream-1", 41}};
    return snapshot;
}

/// The columns of a parquet file as Delta struct types: name -> {"type":"struct","fields":[...]}.
std::map<std::string, Json> ColumnTypes(engine::Connection& connection, const std::string& file) {
    std::map<std::string, Json> types;
    for (const auto& column : connection.Describe("SELECT * FROM read_parquet(" + engine::QuoteLiteral(file) + ")")) {
        types[column.name] = delta::DeltaTypeOf(column.type);
    }
    return types;
}

const Json* FieldNamed(const Json& struct_type, const std::string& name) {
    for (const auto& field : struct_type["fields"]) {
        if (field["name"] == name) {
            return &field;
        }
    }
    return nullptr;
}

TEST_F(DeltaCheckpointWriterTest, RoundTripsThroughParseAction) {
    Snapshot snapshot = MakeSnapshot(PathOf("table").string());
    delta::WriteCheckpoint(*connection_, snapshot);

    std::string file = PathOf("table/_delta_log/00000000000000000012.checkpoint.parquet").string();
    ASSERT_TRUE(fs::exists(file));
    engine::ResultTable rows = connection_->Query(
        "SELECT to_json(txn), to_json(\"add\"), to_json(remove), to_json(metaData), to_json(protocol) FROM "
        "read_parquet(" +
        engine::QuoteLiteral(file) + ")");
    ASSERT_EQ(rows.RowCount(), 6U);
    Actions actions;
    static const std::vector<std::string> NAMES = {"txn", "add", "remove", "metaData", "protocol"};
    for (size_t row = 0; row < rows.RowCount(); ++row) {
        int present = 0;
        for (size_t column = 0; column < NAMES.size(); ++column) {
            if (const auto& value = rows.Value(row, column)) {
                ++present;
                delta::ParseAction(Json{{NAMES[column], Json::parse(*value)}}, actions, file);
            }
        }
        EXPECT_EQ(present, 1) << "row " << row;
    }

    ASSERT_TRUE(actions.protocol.has_value());
    EXPECT_EQ(actions.protocol->min_reader_version, 3);
    EXPECT_EQ(actions.protocol->min_writer_version, 7);
    EXPECT_EQ(actions.protocol->reader_features, snapshot.protocol.reader_features);
    EXPECT_EQ(actions.protocol->writer_features, snapshot.protocol.writer_features);

    ASSERT_TRUE(actions.metadata.has_value());
    EXPECT_EQ(actions.metadata->id, snapshot.metadata.id);
    EXPECT_EQ(actions.metadata->name, snapshot.metadata.name);
    EXPECT_EQ(actions.metadata->description, std::nullopt);
    EXPECT_EQ(actions.metadata->schema_string, snapshot.metadata.schema_string);
    EXPECT_EQ(actions.metadata->partition_columns, snapshot.metadata.partition_columns);
    EXPECT_EQ(actions.metadata->configuration, snapshot.metadata.configuration);
    EXPECT_EQ(actions.metadata->created_time, snapshot.metadata.created_time);

    ASSERT_EQ(actions.txns.size(), 1U);
    EXPECT_EQ(actions.txns[0].app_id, "stream-1");
    EXPECT_EQ(actions.txns[0].version, 41);

    ASSERT_EQ(actions.adds.size(), 2U);
    std::sort(actions.adds.begin(), actions.adds.end(), [](const AddFile& left, const AddFile& right) {
        return left.path < right.path;
    });
    for (size_t index = 0; index < 2; ++index) {
        const AddFile& expected = snapshot.files[index];
        const AddFile& actual = actions.adds[index];
        EXPECT_EQ(actual.path, expected.path);
        EXPECT_EQ(actual.partition_values, expected.partition_values);
        EXPECT_EQ(actual.size, expected.size);
        EXPECT_EQ(actual.modification_time, expected.modification_time);
        EXPECT_FALSE(actual.data_change);
        EXPECT_EQ(actual.stats, expected.stats);
        ASSERT_EQ(actual.deletion_vector.has_value(), expected.deletion_vector.has_value());
        if (expected.deletion_vector) {
            EXPECT_EQ(actual.deletion_vector->UniqueId(), expected.deletion_vector->UniqueId());
            EXPECT_EQ(actual.deletion_vector->size_in_bytes, 36);
            EXPECT_EQ(actual.deletion_vector->cardinality, 2);
        }
    }
    // Paths are stored percent-encoded, as in a commit.
    EXPECT_EQ(
        Scalar("SELECT \"add\".path FROM read_parquet(" + engine::QuoteLiteral(file) + ") WHERE \"add\".size = 1234"),
        "day=2024-01-01/part%200.parquet");

    ASSERT_EQ(actions.removes.size(), 1U);
    EXPECT_EQ(actions.removes[0].path, "day=2023-12-31/old.parquet");
    EXPECT_EQ(actions.removes[0].deletion_timestamp, 1700000000300);
    EXPECT_EQ(actions.removes[0].partition_values, snapshot.tombstones[0].partition_values);
    EXPECT_EQ(actions.removes[0].size, 77);
    EXPECT_FALSE(actions.removes[0].data_change);

    Json last = Json::parse(ReadText("table/_delta_log/_last_checkpoint"));
    EXPECT_EQ(last["version"], 12);
    EXPECT_EQ(last["size"], 6);
    EXPECT_EQ(last["sizeInBytes"], fs::file_size(file));
    EXPECT_EQ(last["numOfAddFiles"], 2);
    EXPECT_TRUE(StagingLeftovers().empty());
}

TEST_F(DeltaCheckpointWriterTest, RoundTripsThroughTheCheckpointReader) {
    Snapshot snapshot = MakeSnapshot(PathOf("table").string());
    delta::WriteCheckpoint(*connection_, snapshot);
    Actions actions =
        delta::ReadCheckpoint(*connection_, {PathOf("table/_delta_log/00000000000000000012.checkpoint.parquet")});

    ASSERT_TRUE(actions.protocol.has_value());
    EXPECT_EQ(actions.protocol->min_reader_version, 3);
    EXPECT_EQ(actions.protocol->reader_features, snapshot.protocol.reader_features);
    EXPECT_EQ(actions.protocol->writer_features, snapshot.protocol.writer_features);
    ASSERT_TRUE(actions.metadata.has_value());
    EXPECT_EQ(actions.metadata->id, snapshot.metadata.id);
    EXPECT_EQ(actions.metadata->schema_string, snapshot.metadata.schema_string);
    EXPECT_EQ(actions.metadata->partition_columns, snapshot.metadata.partition_columns);
    EXPECT_EQ(actions.metadata->configuration, snapshot.metadata.configuration);
    ASSERT_EQ(actions.txns.size(), 1U);
    EXPECT_EQ(actions.txns[0].app_id, "stream-1");
    EXPECT_EQ(actions.txns[0].version, 41);

    ASSERT_EQ(actions.adds.size(), 2U);
    std::sort(actions.adds.begin(), actions.adds.end(), [](const AddFile& left, const AddFile& right) {
        return left.path < right.path;
    });
    for (size_t index = 0; index < 2; ++index) {
        const AddFile& expected = snapshot.files[index];
        const AddFile& actual = actions.adds[index];
        EXPECT_EQ(actual.path, expected.path); // decoded from "part%200.parquet"
        EXPECT_EQ(actual.partition_values, expected.partition_values);
        EXPECT_EQ(actual.size, expected.size);
        EXPECT_EQ(actual.modification_time, expected.modification_time);
        EXPECT_FALSE(actual.data_change);
        EXPECT_EQ(actual.stats, expected.stats);
        ASSERT_EQ(actual.deletion_vector.has_value(), expected.deletion_vector.has_value());
        if (expected.deletion_vector) {
            EXPECT_EQ(actual.deletion_vector->UniqueId(), expected.deletion_vector->UniqueId());
            EXPECT_EQ(actual.deletion_vector->size_in_bytes, 36);
            EXPECT_EQ(actual.deletion_vector->cardinality, 2);
        }
    }
    ASSERT_EQ(actions.removes.size(), 1U);
    EXPECT_EQ(actions.removes[0].path, "day=2023-12-31/old.parquet");
    EXPECT_EQ(actions.removes[0].deletion_timestamp, 1700000000300);
    EXPECT_EQ(actions.removes[0].partition_values, snapshot.tombstones[0].partition_values);
    EXPECT_EQ(actions.removes[0].size, 77);
    EXPECT_FALSE(actions.removes[0].deletion_vector.has_value());
}

TEST_F(DeltaCheckpointWriterTest, CheckpointsWithoutOptionalFieldsAreRead) {
    // An older writer's layout: no txn column, no stats or deletion vectors in add, no size in remove.
    fs::create_directories(PathOf("old"));
    std::string file = PathOf("old/00000000000000000003.checkpoint.parquet").string();
    connection_->Execute(
        "COPY (SELECT * FROM (VALUES "
        "({'path': 'a%20b.parquet', 'partitionValues': MAP {'day': NULL}, 'size': 10, 'modificationTime': 5, "
        "'dataChange': false}, NULL, NULL, NULL), "
        "(NULL, {'path': 'old.parquet', 'deletionTimestamp': 7, 'dataChange': true}, NULL, NULL), "
        "(NULL, NULL, {'id': 'm', 'schemaString': " +
        engine::QuoteLiteral(delta::SerializeSchema({Field{"day", "date", true, Json::object()}})) +
        ", 'partitionColumns': ['day'], 'configuration': MAP {'k': 'v'}}, NULL), "
        "(NULL, NULL, NULL, {'minReaderVersion': 1, 'minWriterVersion': 2})"
        ") t(\"add\", \"remove\", metaData, protocol)) TO " +
        engine::QuoteLiteral(file) + " (FORMAT parquet)");
    Actions actions = delta::ReadCheckpoint(*connection_, {file});
    ASSERT_EQ(actions.adds.size(), 1U);
    EXPECT_EQ(actions.adds[0].path, "a b.parquet");
    EXPECT_EQ(actions.adds[0].partition_values, (std::map<std::string, std::optional<std::string>>{{"day", {}}}));
    EXPECT_EQ(actions.adds[0].size, 10);
    EXPECT_EQ(actions.adds[0].stats, std::nullopt);
    EXPECT_FALSE(actions.adds[0].deletion_vector.has_value());
    ASSERT_EQ(actions.removes.size(), 1U);
    EXPECT_EQ(actions.removes[0].size, std::nullopt);
    EXPECT_EQ(actions.removes[0].deletion_timestamp, 7);
    EXPECT_TRUE(actions.txns.empty());
    ASSERT_TRUE(actions.metadata.has_value());
    EXPECT_EQ(actions.metadata->configuration.at("k"), "v");
    ASSERT_TRUE(actions.protocol.has_value());
    EXPECT_EQ(actions.protocol->min_writer_version, 2);

    // A file that is not a checkpoint is a log error naming it.
    WriteText("old/00000000000000000004.checkpoint.parquet", "not parquet");
    Error error = CaptureError([&] {
        static_cast<void>(delta::ReadCheckpoint(*connection_, {PathOf("old/00000000000000000004.checkpoint.parquet")}));
    });
    EXPECT_EQ(error.Code(), ErrorCode::DELTA_LOG_INVALID);
    EXPECT_NE(error.Message().find("00000000000000000004.checkpoint.parquet"), std::string::npos);
}

TEST_F(DeltaCheckpointWriterTest, LayoutMatchesSparkCheckpoints) {
    Snapshot snapshot = MakeSnapshot(PathOf("table").string());
    delta::WriteCheckpoint(*connection_, snapshot);
    std::map<std::string, Json> ours =
        ColumnTypes(*connection_, PathOf("table/_delta_log/00000000000000000012.checkpoint.parquet").string());
    EXPECT_EQ(ours.size(), 5U);

    // Every field Spark writes in these columns, with Spark's type; Spark's optional extras that odibi
    // does not track (row tracking, parsed stats, tags of removes) are allowed to be absent.
    static const std::vector<std::string> OPTIONAL_FIELDS = {"baseRowId", "stats_parsed", "tags"};
    for (const std::string& spark_file :
         {SPARK_TABLES + "simple_table_with_checkpoint/_delta_log/00000000000000000010.checkpoint.parquet",
          SPARK_TABLES + "table_with_deletion_logs/_delta_log/00000000000000000020.checkpoint.parquet"}) {
        std::map<std::string, Json> spark = ColumnTypes(*connection_, spark_file);
        for (std::string column : {"txn", "add", "remove", "metaData", "protocol"}) {
            ASSERT_TRUE(spark.contains(column)) << spark_file << " " << column;
            ASSERT_TRUE(ours.contains(column)) << column;
            for (const auto& field : spark[column]["fields"]) {
                std::string name = field["name"].get<std::string>();
                const Json* mine = FieldNamed(ours[column], name);
                bool optional =
                    std::find(OPTIONAL_FIELDS.begin(), OPTIONAL_FIELDS.end(), name) != OPTIONAL_FIELDS.end();
                if (mine == nullptr) {
                    EXPECT_TRUE(optional && !(column == "add" && name == "tags")) << column << "." << name;
                    continue;
                }
                EXPECT_EQ((*mine)["type"], field["type"]) << column << "." << name << " in " << spark_file;
            }
        }
    }
    // Field order of the main columns is Spark's (DV-era layout).
    std::vector<std::string> add_fields;
    for (const auto& field : ours["add"]["fields"]) {
        add_fields.push_back(field["name"].get<std::string>());
    }
    EXPECT_EQ(
        add_fields,
        (std::vector<std::string>{
            "path", "partitionValues", "size", "modificationTime", "dataChange", "tags", "deletionVector", "stats"}));

    // The parquet encoding of maps and lists is Spark's too (key_value / list.element groups).
    auto schema_rows = [this](const std::string& file) {
        return Rows("SELECT name || ':' || coalesce(type, '') || ':' || coalesce(converted_type, '') || ':' || "
                    "coalesce(repetition_type, '') FROM parquet_schema(" +
                    engine::QuoteLiteral(file) +
                    ") WHERE name IN ('partitionColumns', 'list', 'element', "
                    "'partitionValues', 'key_value', 'key', 'value')");
    };
    std::vector<std::string> spark_rows =
        schema_rows(SPARK_TABLES + "simple_table_with_checkpoint/_delta_log/00000000000000000010.checkpoint.parquet");
    std::vector<std::string> our_rows =
        schema_rows(PathOf("table/_delta_log/00000000000000000012.checkpoint.parquet").string());
    std::sort(spark_rows.begin(), spark_rows.end());
    spark_rows.erase(std::unique(spark_rows.begin(), spark_rows.end()), spark_rows.end());
    our_rows.erase(std::unique(our_rows.begin(), our_rows.end()), our_rows.end());
    EXPECT_EQ(our_rows, spark_rows);
}

TEST_F(DeltaCheckpointWriterTest, OlderProtocolsHaveNoFeatureListsAndRewritesReplace) {
    Snapshot snapshot = MakeSnapshot(PathOf("table").string());
    snapshot.protocol = Protocol{1, 2, {}, {}};
    snapshot.files.resize(1);
    snapshot.files[0].deletion_vector.reset();
    snapshot.tombstones.clear();
    snapshot.app_txns.clear();
    delta::WriteCheckpoint(*connection_, snapshot);
    snapshot.files.clear();
    delta::WriteCheckpoint(*connection_, snapshot);

    std::string file = PathOf("table/_delta_log/00000000000000000012.checkpoint.parquet").string();
    EXPECT_EQ(Rows("SELECT to_json(protocol) FROM read_parquet(" + engine::QuoteLiteral(file) +
                   ") WHERE protocol IS NOT NULL"),
              (std::vector<std::string>{
                  R"({"minReaderVersion":1,"minWriterVersion":2,"readerFeatures":null,"writerFeatures":null})"}));
    EXPECT_EQ(Scalar("SELECT count(*) FROM read_parquet(" + engine::QuoteLiteral(file) + ")"), "2");
    EXPECT_EQ(Json::parse(ReadText("table/_delta_log/_last_checkpoint"))["size"], 2);
    EXPECT_TRUE(StagingLeftovers().empty());
}

TEST_F(DeltaCheckpointWriterTest, IntervalComesFromTheTableConfiguration) {
    Metadata metadata;
    EXPECT_EQ(delta::CheckpointInterval(metadata), 10);
    metadata.configuration["delta.checkpointInterval"] = "25";
    EXPECT_EQ(delta::CheckpointInterval(metadata), 25);
    metadata.configuration["delta.checkpointInterval"] = "0";
    EXPECT_EQ(delta::CheckpointInterval(metadata), std::nullopt);
    metadata.configuration["delta.checkpointInterval"] = "ten";
    EXPECT_EQ(delta::CheckpointInterval(metadata), std::nullopt);
}

} // namespace
} // namespace odibi::io::testing
