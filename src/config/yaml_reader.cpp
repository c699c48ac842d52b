// Converts yaml-cpp nodes into ConfigValue trees with exact positions in the file as written.
#include "yaml_reader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace odibi::config {
namespace {

// Aliases can make a small file expand into a huge tree; both limits stop that early.
constexpr int MAXIMUM_DEPTH = 200;
constexpr size_t MAXIMUM_VALUES = 2'000'000;

class TreeBuilder {
public:
    TreeBuilder(const TextPositions& positions, std::shared_ptr<const SourceFile> file, DiagnosticList& diagnostics)
        : positions_(positions), file_(std::move(file)), diagnostics_(diagnostics) {}

    SourceMark Mark(const YAML::Mark& mark) const {
        SourceMark result;
        result.file = file_;
        if (mark.pos < 0) {
            return result;
        }
        auto [line, column] = positions_.OutputLineColumn(static_cast<size_t>(mark.pos));
        result.line = line;
        result.column = column;
        return result;
    }

    ConfigValue Convert(const YAML::Node& node, int depth, const SourceMark* fallback_mark) {
        if (depth > MAXIMUM_DEPTH || ++value_count_ > MAXIMUM_VALUES) {
            throw Error(ErrorCode::YAML_PARSE_ERROR,
                        ErrorSource::USER,
                        "the document nests or repeats aliases too deeply to load");
        }
        SourceMark mark = Mark(node.Mark());
        switch (node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            // A missing value ("key:") is reported by yaml-cpp at the next token; the key is clearer.
            if (fallback_mark != nullptr && (mark.line != fallback_mark->line)) {
                mark = *fallback_mark;
            }
            return ConfigValue::MakeNull(mark);
        case YAML::NodeType::Scalar: {
            // "?" is yaml-cpp's tag for plain scalars; quoted ones get "!" and explicit tags their name.
            const std::string& tag = node.Tag();
            bool quoted = tag != "?" && tag != "tag:yaml.org,2002:int" && tag != "tag:yaml.org,2002:float" &&
                          tag != "tag:yaml.org,2002:bool" && tag != "tag:yaml.org,2002:null";
            return ConfigValue::MakeScalar(node.Scalar(), quoted, mark);
        }
        case YAML::NodeType::Sequence: {
            ConfigValue sequence = ConfigValue::MakeSequence(mark);
            for (const auto& item : node) {
                sequence.items.push_back(Convert(item, depth + 1, nullptr));
            }
            return sequence;
        }
        case YAML::NodeType::Map:
            return ConvertMap(node, mark, depth);
        }
        return ConfigValue::MakeNull(mark);
    }

private:
    ConfigValue ConvertMap(const YAML::Node& node, const SourceMark& mark, int depth) {
        ConfigValue map = ConfigValue::MakeMap(mark);
        std::vector<ConfigValue> merges;
        for (auto it = node.begin(); it != node.end(); ++it) {
            const YAML::Node& key = it->first;
            SourceMark key_mark = Mark(key.Mark());
            if (!key.IsScalar() && !key.IsNull()) {
                Error error(ErrorCode::YAML_PARSE_ERROR,
                            ErrorSource::USER,
                            "a mapping key must be a plain value, not a list or mapping");
                error.WithLocation(MakeLocation(key_mark, ""));
                diagnostics_.AddError(error);
                continue;
            }
            std::string key_text = key.IsNull() ? "" : key.Scalar();
            ConfigValue value = Convert(it->second, depth + 1, &key_mark);
            if (key_text == "<<" && key.Tag() == "?") {
                merges.push_back(std::move(value));
                continue;
            }
            if (const ConfigEntry* existing = map.FindEntry(key_text)) {
                Error warning(ErrorCode::DUPLICATE_KEY,
                              ErrorSource::USER,
                              fmt::format("key \"{}\" appears twice in the same mapping (first at line {}); the "
                                          "last value is used",
                                          key_text,
                                          existing->key_mark.line));
                warning.WithLocation(MakeLocation(key_mark, key_text));
                warning.WithSuggestion(fmt::format("remove one of the two \"{}\" keys", key_text));
                diagnostics_.Add(Diagnostic::FromError(warning, Severity::WARNING));
            }
            map.Set(key_text, std::move(value), key_mark);
        }
        // YAML merge keys: entries written in the mapping itself win, then earlier merged maps.
        for (auto& merge : merges) {
            std::vector<ConfigValue*> sources;
            if (merge.IsMap()) {
                sources.push_back(&merge);
            } else if (merge.IsSequence()) {
                for (auto& item : merge.items) {
                    sources.push_back(&item);
                }
            }
            for (ConfigValue* source : sources) {
                if (!source->IsMap()) {
                    Error error(ErrorCode::YAML_PARSE_ERROR,
                                ErrorSource::USER,
                                "a \"<<\" merge key needs a mapping or a list of mappings");
                    error.WithLocation(MakeLocation(source->mark, "<<"));
                    diagnostics_.AddError(error);
                    continue;
                }
                for (auto& entry : source->entries) {
                    if (map.FindEntry(entry.key) == nullptr) {
                        map.entries.push_back(entry);
                    }
                }
            }
        }
        return map;
    }

    const TextPositions& positions_;
    std::shared_ptr<const SourceFile> file_;
    DiagnosticList& diagnostics_;
    size_t value_count_ = 0;
};

} // namespace

std::optional<ConfigValue> ParseYaml(const std::string& text,
                                     const TextPositions& positions,
                                     const std::shared_ptr<const SourceFile>& file,
                                     DiagnosticList& diagnostics) {
    TreeBuilder builder(positions, file, diagnostics);
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text);
    } catch (const YAML::Exception& exception) {
        Error error(ErrorCode::YAML_PARSE_ERROR, ErrorSource::USER, fmt::format("invalid YAML: {}", exception.msg));
        error.WithLocation(MakeLocation(builder.Mark(exception.mark), ""));
        error.WithSuggestion("check indentation (spaces, not tabs), unclosed quotes and brackets near this line");
        diagnostics.AddError(error);
        return std::nullopt;
    }
    SourceMark start{file, 1, 1};
    if (documents.empty()) {
        return ConfigValue::MakeMap(start);
    }
    if (documents.size() > 1) {
        Error error(ErrorCode::YAML_PARSE_ERROR,
                    ErrorSource::USER,
                    fmt::format("the file holds {} YAML documents; odibi reads exactly one", documents.size()));
        error.WithLocation(MakeLocation(builder.Mark(documents[1].Mark()), ""));
        error.WithSuggestion("remove the \"---\" separators or split the documents into files joined with imports:");
        diagnostics.AddError(error);
        return std::nullopt;
    }
    try {
        ConfigValue root = builder.Convert(documents.front(), 0, &start);
        if (root.IsNull()) {
            return ConfigValue::MakeMap(start);
        }
        if (!root.IsMap()) {
            Error error(
                ErrorCode::YAML_PARSE_ERROR,
                ErrorSource::USER,
                fmt::format("the top level of a config file must be a mapping of keys, found {}", root.Describe()));
            error.WithLocation(MakeLocation(root.mark, ""));
            error.WithSuggestion("start the file with \"project: <name>\" and the other top-level keys");
            diagnostics.AddError(error);
            return std::nullopt;
        }
        return root;
    } catch (const Error& error) {
        Error located = error;
        located.WithLocation(MakeLocation(start, ""));
        diagnostics.AddError(located);
        return std::nullopt;
    }
}

} // namespace odibi::config
