#include "manifest/schema.h"

#include <fmt/format.h>

#include "diag/diagnostic.h"
#include "manifest/document.h"
#include "manifest/fields.h"
#include "manifest/gate.h"
#include "manifest/model.h"
#include "support/json_writer.h"

#ifndef KSA_VERSION
#define KSA_VERSION "0.0.0"
#endif

namespace ksa::manifest {
namespace {

// A string with one character that is neither a space nor a tab (text::trim's blank).
constexpr std::string_view not_blank = "[^ \\t]";
// `notes`: no C0 or C1 control character nor DEL (a line break among them), not blank.
constexpr std::string_view one_line = "^ *[^\\x00-\\x20\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$";
constexpr std::string_view date_pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

bool is_error(RuleCode rule, Phase phase) { return severity_in(rule, phase) == Severity::error; }

template <std::size_t N> void string_enum(JsonWriter& json, const std::array<std::string_view, N>& values) {
    json.field("type", "string").key("enum").begin_array();
    for (const std::string_view value : values)
        json.value(value);
    json.end_array();
}

void string_array(JsonWriter& json, const Field& field, std::string_view item_pattern, bool unique) {
    json.field("type", "array");
    if (field.non_empty) json.field("minItems", std::uint64_t{1});
    if (unique) json.field("uniqueItems", true);
    json.key("items").begin_object().field("type", "string").field("pattern", item_pattern).end_object();
}

void field_schema(JsonWriter& json, const Field& field, Phase phase);

// The keys of a table: `properties`, `required`, and whether others are refused (KSA017).
template <std::size_t N> void table_of(JsonWriter& json, const std::array<Field, N>& fields, Phase phase) {
    json.field("type", "object").key("properties").begin_object();
    for (const Field& field : fields) {
        json.key(field.key).begin_object();
        field_schema(json, field, phase);
        json.end_object();
    }
    json.end_object().key("required").begin_array();
    for (const Field& field : fields)
        if (field.required) json.value(field.key);
    json.end_array();
    json.field("additionalProperties", !is_error(RuleCode::unknown_key, phase));
}

void field_schema(JsonWriter& json, const Field& field, Phase phase) {
    json.field("description", field.summary);
    switch (field.kind) {
    case FieldKind::string: json.field("type", "string"); break;
    case FieldKind::text: json.field("type", "string").field("minLength", std::uint64_t{1}); break;
    case FieldKind::status: string_enum(json, statuses); break;
    case FieldKind::text_list: string_array(json, field, not_blank, false); break;
    case FieldKind::gate_list:
        string_array(json, field, gate_pattern(), is_error(RuleCode::gate_duplicate, phase));
        break;
    case FieldKind::case_list: string_array(json, field, case_name_pattern, false); break;
    case FieldKind::notes:
        json.field("type", "string")
            .field("pattern", one_line)
            .field("maxLength", static_cast<std::uint64_t>(max_notes_length));
        break;
    case FieldKind::date: json.field("type", "string").field("format", "date").field("pattern", date_pattern); break;
    case FieldKind::skipped_pairs:
        json.field("type", "array").key("items").begin_object();
        table_of(json, skipped_fields, phase);
        json.end_object();
        break;
    }
}

// KSA009: an official status leaves no gate pending for an official case. Without `cases`
// every case is official: nothing may be pending. With them, a pending gate must name a case
// (one for every case would be pending for the official ones too).
void official_pending(JsonWriter& json) {
    const auto official = [&] {
        json.key("properties")
            .begin_object()
            .key("status")
            .begin_object()
            .field("const", "official")
            .end_object()
            .end_object()
            .key("required")
            .begin_array()
            .value("status")
            .end_array();
    };
    json.begin_object().key("if").begin_object();
    official();
    json.key("not").begin_object().key("required").begin_array().value("cases").end_array().end_object();
    json.end_object().key("then").begin_object().key("properties").begin_object();
    json.key("gates_pending").begin_object().field("maxItems", std::uint64_t{0}).end_object();
    json.end_object().end_object().end_object();

    json.begin_object().key("if").begin_object();
    official();
    json.end_object().key("then").begin_object().key("properties").begin_object();
    json.key("gates_pending").begin_object().key("items").begin_object();
    json.field("pattern", gate_pattern(true)).end_object().end_object();
    json.end_object().end_object().end_object();
}

void self_hosted_schema(JsonWriter& json, Phase phase) {
    json.key(self_hosted_key).begin_object();
    json.field("description", "The self-hosting declaration (RFC-002): what the module replaces and how far it is.");
    table_of(json, self_hosted_fields, phase);
    json.key("allOf").begin_array();
    official_pending(json);
    json.end_array();
    json.end_object();
}

} // namespace

std::string koder_toml_schema(ManifestKind kind, Phase phase) {
    const bool module = kind == ManifestKind::module;
    JsonWriter json;
    json.begin_object();
    json.field("$schema", "http://json-schema.org/draft-07/schema#");
    json.field("title", module ? "koder.toml" : "self-hosted/koder_*.toml");
    json.field("description",
               fmt::format("{} as koder-spec-audit {} checks it in phase {} (generated by `koder-spec-audit schema{}`)",
                           module ? "A module's koder.toml" : "A self-hosted fragment of a module", KSA_VERSION,
                           static_cast<int>(phase), module ? "" : " --fragment"));
    json.field("type", "object");
    json.key("properties").begin_object();
    if (module) {
        json.key("category").begin_object();
        json.field("description", "What kind of module this is (the category spec).");
        string_enum(json, categories);
        json.end_object();
        json.key(no_alternative_key).begin_object();
        json.field("description",
                   "An engine or infra-tooling module that competes with nothing outside the Stack says so, with "
                   "the reason the registry shows.");
        json.field("type", "object");
        json.key("properties").begin_object().key("reason").begin_object();
        json.field("type", "string").field("pattern", not_blank).end_object().end_object();
        json.key("required").begin_array().value("reason").end_array();
        json.end_object();
    } else {
        // KSA016: module-wide keys belong in the module's koder.toml.
        for (const std::string_view key : {std::string_view("category"), no_alternative_key})
            json.key(key)
                .begin_object()
                .field("description", "Belongs in the module's koder.toml, not in a fragment.")
                .key("not")
                .begin_object()
                .end_object()
                .end_object();
    }
    self_hosted_schema(json, phase);
    json.end_object();
    json.key("required").begin_array();
    if (!module) json.value(self_hosted_key);
    if (module && is_error(RuleCode::category_missing, phase)) json.value("category");
    json.end_array();
    // KSA014: the declaration of no alternative contradicts a [self_hosted] block.
    if (module)
        json.key("not")
            .begin_object()
            .key("required")
            .begin_array()
            .value(self_hosted_key)
            .value(no_alternative_key)
            .end_array()
            .end_object();
    json.end_object();
    return json.str() + "\n";
}

} // namespace ksa::manifest
