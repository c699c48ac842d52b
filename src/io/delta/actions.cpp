// Delta actions <-> JSON (PROTOCOL.md, "Actions"). Field names follow the protocol exactly.
#include "actions.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "odibi/common/clock.hpp"
#include "odibi/common/strings.hpp"

namespace odibi::io::delta {

namespace {

using config::Json;

const Json* Find(const Json& object, const char* key) {
    auto found = object.find(key);
    return found == object.end() || found->is_null() ? nullptr : &*found;
}

std::string RequireString(const Json& object, const char* key, const char* action, const std::string& file) {
    const Json* value = Find(object, key);
    if (value == nullptr || !value->is_string()) {
        throw LogInvalid(file, fmt::format("a {} action has no string \"{}\"", action, key));
    }
    return value->get<std::string>();
}

int64_t IntegerOr(const Json& object, const char* key, int64_t fallback) {
    const Json* value = Find(object, key);
    if (value == nullptr) {
        return fallback;
    }
    if (value->is_string()) {
        // Some writers quote large numbers.
        return std::stoll(value->get<std::string>());
    }
    return value->get<int64_t>();
}

std::optional<int64_t> OptionalInteger(const Json& object, const char* key) {
    if (Find(object, key) == nullptr) {
        return std::nullopt;
    }
    return IntegerOr(object, key, 0);
}

std::map<std::string, std::optional<std::string>> PartitionValues(const Json& object) {
    auto found = object.find("partitionValues");
    return found == object.end() ? std::map<std::string, std::optional<std::string>>{} : ParsePartitionValues(*found);
}

std::optional<DeletionVector> DeletionVectorOf(const Json& object, const std::string& file) {
    const Json* dv = Find(object, "deletionVector");
    if (dv == nullptr) {
        return std::nullopt;
    }
    DeletionVector vector;
    vector.storage_type = RequireString(*dv, "storageType", "deletionVector", file);
    vector.path_or_inline_dv = RequireString(*dv, "pathOrInlineDv", "deletionVector", file);
    if (auto offset = OptionalInteger(*dv, "offset")) {
        vector.offset = static_cast<int32_t>(*offset);
    }
    vector.size_in_bytes = static_cast<int32_t>(IntegerOr(*dv, "sizeInBytes", 0));
    vector.cardinality = IntegerOr(*dv, "cardinality", 0);
    return vector;
}

Json PartitionValuesJson(const std::map<std::string, std::optional<std::string>>& values) {
    Json object = Json::object();
    for (const auto& [key, value] : values) {
        object[key] = value ? Json(*value) : Json(nullptr);
    }
    return object;
}

Json DeletionVectorJson(const DeletionVector& vector) {
    Json object = {{"storageType", vector.storage_type}, {"pathOrInlineDv", vector.path_or_inline_dv}};
    if (vector.offset) {
        object["offset"] = *vector.offset;
    }
    object["sizeInBytes"] = vector.size_in_bytes;
    object["cardinality"] = vector.cardinality;
    return object;
}

std::vector<std::string> StringList(const Json& object, const char* key) {
    std::vector<std::string> list;
    const Json* value = Find(object, key);
    if (value != nullptr && value->is_array()) {
        for (const auto& item : *value) {
            list.push_back(item.get<std::string>());
        }
    }
    return list;
}

bool IsHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    return (c | 0x20) - 'a' + 10;
}

} // namespace

std::map<std::string, std::optional<std::string>> ParsePartitionValues(const Json& values) {
    std::map<std::string, std::optional<std::string>> parsed;
    if (!values.is_object()) {
        return parsed;
    }
    for (const auto& [key, value] : values.items()) {
        if (value.is_null()) {
            parsed[key] = std::nullopt;
        } else if (value.is_string()) {
            parsed[key] = value.get<std::string>();
        } else {
            parsed[key] = value.dump();
        }
    }
    return parsed;
}

std::string DeletionVector::UniqueId() const {
    std::string id = storage_type + path_or_inline_dv;
    if (offset) {
        id += "@" + std::to_string(*offset);
    }
    return id;
}

Error LogInvalid(const std::string& file, const std::string& problem) {
    Error error(ErrorCode::DELTA_LOG_INVALID, ErrorSource::EXTERNAL, fmt::format("{}: {}", file, problem));
    error.WithContext("file", file);
    error.WithSuggestion("the Delta log is damaged or was written by a tool that breaks the protocol; restore the "
                         "file from a backup, or read an earlier version with read.time_travel");
    return error;
}

int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Now().time_since_epoch()).count();
}

const Field* FindField(const std::vector<Field>& fields, const std::string& name) {
    for (const auto& field : fields) {
        if (ToLower(field.name) == ToLower(name)) {
            return &field;
        }
    }
    return nullptr;
}

std::string CommitFileName(int64_t version) {
    return fmt::format("{:020d}.json", version);
}

std::string DecodePath(std::string_view path) {
    std::string decoded;
    decoded.reserve(path.size());
    for (size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '%' && i + 2 < path.size() && IsHex(path[i + 1]) && IsHex(path[i + 2])) {
            decoded.push_back(static_cast<char>(HexValue(path[i + 1]) * 16 + HexValue(path[i + 2])));
            i += 2;
        } else {
            decoded.push_back(path[i]);
        }
    }
    return decoded;
}

std::string EncodePath(std::string_view path) {
    std::string encoded;
    encoded.reserve(path.size());
    for (unsigned char c : path) {
        bool unreserved = std::isalnum(c) != 0 || c == '/' || c == '-' || c == '_' || c == '.' || c == '~' ||
                          c == '=' || c == '+' || c == ',' || c == ';' || c == '@' || c == '&' || c == '$' ||
                          c == '!' || c == '*' || c == '(' || c == ')' || c == '\'';
        if (unreserved) {
            encoded.push_back(static_cast<char>(c));
        } else {
            encoded += fmt::format("%{:02X}", c);
        }
    }
    return encoded;
}

std::vector<Field> ParseSchema(const std::string& schema_string, const std::string& file) {
    Json schema;
    try {
        schema = Json::parse(schema_string);
    } catch (const Json::exception& error) {
        throw LogInvalid(file, fmt::format("metaData.schemaString is not JSON: {}", error.what()));
    }
    if (!schema.is_object() || schema.value("type", "") != "struct" || !schema.contains("fields") ||
        !schema["fields"].is_array()) {
        throw LogInvalid(file, "metaData.schemaString is not a struct type with fields");
    }
    std::vector<Field> fields;
    for (const auto& item : schema["fields"]) {
        Field field;
        field.name = RequireString(item, "name", "schema field", file);
        if (!item.contains("type")) {
            throw LogInvalid(file, fmt::format("schema field \"{}\" has no type", field.name));
        }
        field.type = item["type"];
        field.nullable = item.value("nullable", true);
        if (item.contains("metadata") && item["metadata"].is_object()) {
            field.metadata = item["metadata"];
        }
        fields.push_back(std::move(field));
    }
    return fields;
}

std::string SerializeSchema(const std::vector<Field>& fields) {
    Json list = Json::array();
    for (const auto& field : fields) {
        list.push_back(
            {{"name", field.name}, {"type", field.type}, {"nullable", field.nullable}, {"metadata", field.metadata}});
    }
    return Json{{"type", "struct"}, {"fields", list}}.dump();
}

void ParseAction(const Json& action, Actions& actions, const std::string& file) {
    if (!action.is_object()) {
        throw LogInvalid(file, "a line is not a JSON object");
    }
    if (const Json* add = Find(action, "add")) {
        AddFile file_action;
        file_action.path = DecodePath(RequireString(*add, "path", "add", file));
        file_action.partition_values = PartitionValues(*add);
        file_action.size = IntegerOr(*add, "size", 0);
        file_action.modification_time = IntegerOr(*add, "modificationTime", 0);
        file_action.data_change = add->value("dataChange", true);
        if (const Json* stats = Find(*add, "stats"); stats != nullptr && stats->is_string()) {
            file_action.stats = stats->get<std::string>();
        }
        file_action.deletion_vector = DeletionVectorOf(*add, file);
        actions.adds.push_back(std::move(file_action));
    } else if (const Json* remove = Find(action, "remove")) {
        RemoveFile file_action;
        file_action.path = DecodePath(RequireString(*remove, "path", "remove", file));
        file_action.deletion_timestamp = OptionalInteger(*remove, "deletionTimestamp");
        file_action.data_change = remove->value("dataChange", true);
        file_action.partition_values = PartitionValues(*remove);
        file_action.size = OptionalInteger(*remove, "size");
        file_action.deletion_vector = DeletionVectorOf(*remove, file);
        actions.removes.push_back(std::move(file_action));
    } else if (const Json* meta = Find(action, "metaData")) {
        Metadata metadata;
        metadata.id = RequireString(*meta, "id", "metaData", file);
        if (const Json* name = Find(*meta, "name")) {
            metadata.name = name->get<std::string>();
        }
        if (const Json* description = Find(*meta, "description")) {
            metadata.description = description->get<std::string>();
        }
        metadata.schema_string = RequireString(*meta, "schemaString", "metaData", file);
        metadata.schema = ParseSchema(metadata.schema_string, file);
        metadata.partition_columns = StringList(*meta, "partitionColumns");
        if (const Json* configuration = Find(*meta, "configuration"); configuration != nullptr) {
            for (const auto& [key, value] : configuration->items()) {
                metadata.configuration[key] = value.is_string() ? value.get<std::string>() : value.dump();
            }
        }
        metadata.created_time = OptionalInteger(*meta, "createdTime");
        actions.metadata = std::move(metadata);
    } else if (const Json* protocol = Find(action, "protocol")) {
        Protocol parsed;
        parsed.min_reader_version = static_cast<int>(IntegerOr(*protocol, "minReaderVersion", 1));
        parsed.min_writer_version = static_cast<int>(IntegerOr(*protocol, "minWriterVersion", 2));
        parsed.reader_features = StringList(*protocol, "readerFeatures");
        parsed.writer_features = StringList(*protocol, "writerFeatures");
        actions.protocol = std::move(parsed);
    } else if (const Json* txn = Find(action, "txn")) {
        Txn parsed;
        parsed.app_id = RequireString(*txn, "appId", "txn", file);
        parsed.version = IntegerOr(*txn, "version", 0);
        parsed.last_updated = OptionalInteger(*txn, "lastUpdated");
        actions.txns.push_back(std::move(parsed));
    } else if (const Json* info = Find(action, "commitInfo")) {
        actions.commit_info = *info;
    }
}

Actions ParseCommit(std::string_view text, const std::string& file) {
    Actions actions;
    size_t line_number = 0;
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_number;
        if (Trim(line).empty()) {
            continue;
        }
        Json action;
        try {
            action = Json::parse(line);
        } catch (const Json::exception& error) {
            throw LogInvalid(file, fmt::format("line {} is not JSON: {}", line_number, error.what()));
        }
        try {
            ParseAction(action, actions, file);
        } catch (const Json::exception& error) {
            throw LogInvalid(file, fmt::format("line {} has a value of the wrong type: {}", line_number, error.what()));
        } catch (const std::logic_error& error) {
            throw LogInvalid(file, fmt::format("line {} has an invalid number: {}", line_number, error.what()));
        }
    }
    return actions;
}

Actions ReadCommitFile(const std::filesystem::path& file) {
    std::ifstream stream(file, std::ios::binary);
    if (!stream) {
        throw LogInvalid(file.string(), "the file cannot be read");
    }
    std::stringstream text;
    text << stream.rdbuf();
    return ParseCommit(text.str(), file.string());
}

std::string SerializeCommit(const Actions& actions) {
    std::string text;
    auto append = [&text](const Json& line) {
        text += line.dump();
        text += '\n';
    };
    if (actions.commit_info) {
        append({{"commitInfo", *actions.commit_info}});
    }
    if (actions.protocol) {
        Json protocol = {{"minReaderVersion", actions.protocol->min_reader_version},
                         {"minWriterVersion", actions.protocol->min_writer_version}};
        if (actions.protocol->min_reader_version >= 3) {
            protocol["readerFeatures"] = actions.protocol->reader_features;
        }
        if (actions.protocol->min_writer_version >= 7) {
            protocol["writerFeatures"] = actions.protocol->writer_features;
        }
        append({{"protocol", protocol}});
    }
    if (actions.metadata) {
        const Metadata& metadata = *actions.metadata;
        Json configuration = Json::object();
        for (const auto& [key, value] : metadata.configuration) {
            configuration[key] = value;
        }
        Json object = {{"id", metadata.id}};
        if (metadata.name) {
            object["name"] = *metadata.name;
        }
        if (metadata.description) {
            object["description"] = *metadata.description;
        }
        object["format"] = {{"provider", "parquet"}, {"options", Json::object()}};
        object["schemaString"] = metadata.schema.empty() ? metadata.schema_string : SerializeSchema(metadata.schema);
        object["partitionColumns"] = metadata.partition_columns;
        object["configuration"] = configuration;
        if (metadata.created_time) {
            object["createdTime"] = *metadata.created_time;
        }
        append({{"metaData", object}});
    }
    for (const auto& txn : actions.txns) {
        Json object = {{"appId", txn.app_id}, {"version", txn.version}};
        if (txn.last_updated) {
            object["lastUpdated"] = *txn.last_updated;
        }
        append({{"txn", object}});
    }
    for (const auto& remove : actions.removes) {
        Json object = {{"path", EncodePath(remove.path)}, {"dataChange", remove.data_change}};
        if (remove.deletion_timestamp) {
            object["deletionTimestamp"] = *remove.deletion_timestamp;
        }
        object["extendedFileMetadata"] = true;
        object["partitionValues"] = PartitionValuesJson(remove.partition_values);
        if (remove.size) {
            object["size"] = *remove.size;
        }
        if (remove.deletion_vector) {
            object["deletionVector"] = DeletionVectorJson(*remove.deletion_vector);
        }
        append({{"remove", object}});
    }
    for (const auto& add : actions.adds) {
        Json object = {{"path", EncodePath(add.path)},
                       {"partitionValues", PartitionValuesJson(add.partition_values)},
                       {"size", add.size},
                       {"modificationTime", add.modification_time},
                       {"dataChange", add.data_change}};
        if (add.stats) {
            object["stats"] = *add.stats;
        }
        if (add.deletion_vector) {
            object["deletionVector"] = DeletionVectorJson(*add.deletion_vector);
        }
        append({{"add", object}});
    }
    return text;
}

} // namespace odibi::io::delta
