#include "registry/registry.h"
#include "support/json_writer.h"

namespace ksa::registry {
namespace {

void strings(JsonWriter& json, std::string_view key, const std::vector<std::string>& values) {
    json.key(key).begin_array();
    for (const std::string& value : values)
        json.value(value);
    json.end_array();
}

// A value the manifest may leave out: null when it did.
void optional_string(JsonWriter& json, std::string_view key, const std::string& value) {
    if (value.empty())
        json.key(key).null();
    else
        json.field(key, value);
}

} // namespace

std::string render_json(const Registry& registry, std::string_view registry_path) {
    JsonWriter json;
    json.begin_object().field("version", std::int64_t{1}).field("registry_path", registry_path);
    json.key("pairs").begin_array();
    std::int64_t number = 0;
    for (const PairRow& row : registry.pairs) {
        json.begin_object()
            .field("row", ++number)
            .field("display_name", row.display_name)
            .field("name", row.name)
            .field("manifest", row.manifest_path)
            .field("module", row.module_dir)
            .field("status", row.status);
        strings(json, "replaces", row.replaces);
        if (row.cases)
            strings(json, "cases", *row.cases);
        else
            json.key("cases").null();
        strings(json, "gates_passed", row.gates_passed);
        strings(json, "gates_pending", row.gates_pending);
        json.field("benchmark_ref", row.benchmark_ref);
        strings(json, "production_ref", row.production_ref);
        optional_string(json, "notes", row.notes);
        json.end_object();
    }
    json.end_array();
    json.key("skipped").begin_array();
    number = 0;
    for (const SkippedRow& row : registry.skipped) {
        json.begin_object()
            .field("row", "S" + std::to_string(++number))
            .field("external", row.external)
            .field("module", row.module_dir)
            .field("manifest", row.manifest_path)
            .field("rationale", row.rationale)
            .field("ticket", row.ticket);
        optional_string(json, "date", row.date);
        json.end_object();
    }
    json.end_array();
    json.key("no_external_alternative").begin_array();
    for (const NoAlternativeRow& row : registry.no_alternative)
        json.begin_object()
            .field("display_name", row.display_name)
            .field("manifest", row.manifest_path)
            .field("reason", row.reason)
            .end_object();
    json.end_array();
    json.end_object();
    return json.str();
}

} // namespace ksa::registry
