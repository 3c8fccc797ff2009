// KSA004 self-hosted-field (shape of the block) and KSA017 unknown-key.
#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>

#include "manifest/fields.h"
#include "manifest/model.h"
#include "rules/context.h"
#include "rules/suggest.h"
#include "support/text.h"

namespace ksa::rules {
namespace {

constexpr auto known_keys = manifest::keys_of(manifest::self_hosted_fields);
constexpr auto skipped_keys = manifest::keys_of(manifest::skipped_fields);

// The first control character of `value` (C0, DEL, C1), as the code point; nullopt when none.
std::optional<unsigned> control_character(std::string_view value) {
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto byte = static_cast<unsigned char>(value[i]);
        if (byte < 0x20 || byte == 0x7f) return byte;
        if (byte == 0xc2 && i + 1 < value.size()) {
            const auto next = static_cast<unsigned char>(value[i + 1]);
            if (next >= 0x80 && next <= 0x9f) return next;
        }
    }
    return std::nullopt;
}

// The unknown key that looks like a misspelling of `wanted`, for a better "missing" hint.
std::string misspelling_of(const toml::table& table, std::string_view wanted) {
    for (const auto& [key, node] : table) {
        const std::string_view name = key.str();
        if (std::find(known_keys.begin(), known_keys.end(), name) != known_keys.end()) continue;
        const std::array<std::string_view, 1> candidates{wanted};
        if (text::closest_match(name, candidates)) return std::string(name);
    }
    return {};
}

class FieldChecker {
  public:
    FieldChecker(RuleContext& context, const toml::table& table) : context_(context), table_(table) {}

    // Reports a missing required key at the block's header.
    bool require(std::string_view key, std::string_view example) {
        if (table_.contains(key)) return true;
        std::string hint = fmt::format("add `{} = {}` to the [self_hosted] block", key, example);
        if (const std::string typo = misspelling_of(table_, key); !typo.empty())
            hint = fmt::format("`{}` looks like a misspelling of `{}`: rename it", typo, key);
        context_.report(RuleCode::self_hosted_field, manifest::span_of(table_),
                        fmt::format("[self_hosted] is missing required `{}`", key), std::move(hint));
        return false;
    }

    void string_value(std::string_view key, bool required) {
        const toml::node* node = table_.get(key);
        if (node == nullptr) {
            if (required) require(key, "\"...\"");
            return;
        }
        if (!node->is_string()) {
            wrong_type(key, *node, "a string");
            return;
        }
        if (node->as_string()->get().empty())
            context_.report(RuleCode::self_hosted_field, manifest::span_of(*node), fmt::format("`{}` is empty", key),
                            "give it a value or remove the key");
    }

    // An array of non-empty strings; `non_empty` also rejects `[]`.
    void string_array(std::string_view key, bool required, bool non_empty, std::string_view example) {
        const toml::node* node = table_.get(key);
        if (node == nullptr) {
            if (required) require(key, example);
            return;
        }
        const toml::array* array = node->as_array();
        if (array == nullptr) {
            wrong_type(key, *node, "an array of strings");
            return;
        }
        if (non_empty && array->empty()) {
            context_.report(RuleCode::self_hosted_field, manifest::span_of(*node), fmt::format("`{}` is empty", key),
                            fmt::format("list at least one entry, e.g. `{} = {}`", key, example));
            return;
        }
        for (const toml::node& item : *array) {
            if (!item.is_string()) {
                context_.report(RuleCode::self_hosted_field, manifest::span_of(item),
                                fmt::format("`{}` holds {}, expected only strings", key, manifest::type_name(item)),
                                "quote the entry");
            } else if (text::trim(item.as_string()->get()).empty()) {
                context_.report(RuleCode::self_hosted_field, manifest::span_of(item),
                                fmt::format("`{}` holds an empty string", key), "remove the empty entry");
            }
        }
    }

    // Each entry of `cases` is a case name: the grammar of `GATE:CASE` (KSA007 for gates).
    void case_names(std::string_view key) {
        const toml::node* node = table_.get(key);
        const toml::array* array = node != nullptr ? node->as_array() : nullptr;
        if (array == nullptr) return;
        for (const toml::node& item : *array) {
            if (!item.is_string()) continue;
            const std::string& name = item.as_string()->get();
            if (text::trim(name).empty() || manifest::is_case_name(name)) continue; // empty: string_array's
            const std::string fixed = manifest::suggest_case_name(name);
            context_.report(
                RuleCode::self_hosted_field, manifest::span_of(item),
                fmt::format("case name \"{}\" in `{}` is not a lower-case identifier", text::abbreviate(name), key),
                fixed.empty() ? std::string("a case name uses only a-z, 0-9 and `_` (as in `GATE:CASE`); "
                                            "to mean every case, remove `cases`")
                              : fmt::format("did you mean `{}`? (a case name uses only a-z, 0-9 and `_`, "
                                            "as in `GATE:CASE`)",
                                            fixed));
        }
    }

    // `notes`: one line of plain text, short enough for a table cell.
    void notes(std::string_view key) {
        const toml::node* node = table_.get(key);
        if (node == nullptr) return;
        if (!node->is_string()) {
            wrong_type(key, *node, "a string");
            return;
        }
        const std::string& value = node->as_string()->get();
        const SourceSpan span = manifest::span_of(*node);
        if (text::trim(value).empty()) {
            context_.report(RuleCode::self_hosted_field, span, "`notes` is empty", "give it a value or remove the key");
            return;
        }
        if (const auto control = control_character(value)) {
            const bool line_break = *control == '\n' || *control == '\r';
            context_.report(RuleCode::self_hosted_field, span,
                            line_break ? std::string("`notes` must be one line: it holds a line break")
                                       : fmt::format("`notes` holds the control character U+{:04X}", *control),
                            line_break ? "write the remark on one line (the registry shows it in a table cell); "
                                         "point to a document for more"
                                       : "remove the control character");
            return;
        }
        if (const std::size_t length = text::display_width(value); length > manifest::max_notes_length)
            context_.report(
                RuleCode::self_hosted_field, span,
                fmt::format("`notes` is {} characters long, over the limit of {}", length, manifest::max_notes_length),
                "keep the remark short and point to a document (an RFC path, a ticket) for the rest");
    }

    void skipped_pairs(std::string_view list_key) {
        const toml::node* node = table_.get(list_key);
        if (node == nullptr) return;
        const toml::array* array = node->as_array();
        if (array == nullptr) {
            wrong_type(list_key, *node, "an array of tables ([[self_hosted.skipped]])");
            return;
        }
        for (const toml::node& item : *array) {
            const toml::table* entry = item.as_table();
            if (entry == nullptr) {
                context_.report(RuleCode::self_hosted_field, manifest::span_of(item),
                                fmt::format("`skipped` holds {}, expected tables", manifest::type_name(item)),
                                "write each skipped pair as a [[self_hosted.skipped]] table");
                continue;
            }
            for (const manifest::Field& spec : manifest::skipped_fields)
                skipped_field(item, *entry, spec);
            for (const auto& [key, value] : *entry) {
                if (std::find(skipped_keys.begin(), skipped_keys.end(), key.str()) != skipped_keys.end()) continue;
                context_.report(RuleCode::unknown_key, manifest::span_of(key),
                                fmt::format("unknown key `{}` in [[self_hosted.skipped]]", text::abbreviate(key.str())),
                                did_you_mean(key.str(), skipped_keys));
            }
        }
    }

    // One key of a skipped pair, as its row of manifest::skipped_fields says.
    void skipped_field(const toml::node& item, const toml::table& entry, const manifest::Field& spec) {
        const toml::node* field = entry.get(spec.key);
        if (spec.kind == manifest::FieldKind::text && spec.required) {
            if (field == nullptr || !field->is_string() || field->as_string()->get().empty())
                context_.report(RuleCode::self_hosted_field, manifest::span_of(field != nullptr ? *field : item),
                                fmt::format("a skipped pair needs a non-empty string `{}`", spec.key),
                                fmt::format("skipped pairs carry {}", skipped_keys_in_words()));
            return;
        }
        if (field == nullptr) return;
        if (spec.kind == manifest::FieldKind::date) {
            if (!manifest::date_value(*field))
                context_.report(RuleCode::self_hosted_field, manifest::span_of(*field),
                                field->is_string() ? fmt::format("`{}` of a skipped pair is \"{}\", not a date",
                                                                 spec.key, text::abbreviate(field->as_string()->get()))
                                                   : fmt::format("`{}` of a skipped pair must be a date, found {}",
                                                                 spec.key, manifest::type_name(*field)),
                                "write the day the pair was declined as YYYY-MM-DD, e.g. `date = \"2026-05-02\"`");
            return;
        }
        if (!field->is_string())
            wrong_type(fmt::format("skipped.{}", spec.key), *field, "a string");
        else if (spec.kind == manifest::FieldKind::text && field->as_string()->get().empty())
            context_.report(RuleCode::self_hosted_field, manifest::span_of(*field),
                            fmt::format("`skipped.{}` is empty", spec.key), "give it a value or remove the key");
    }

    // "`external`, `rationale` and optionally `ticket` and `date`"
    static std::string skipped_keys_in_words() {
        std::vector<std::string> required;
        std::vector<std::string> optional;
        for (const manifest::Field& spec : manifest::skipped_fields)
            (spec.required ? required : optional).push_back(fmt::format("`{}`", spec.key));
        const auto words = [](const std::vector<std::string>& list) {
            std::string out;
            for (std::size_t i = 0; i < list.size(); ++i)
                out += (i == 0 ? "" : i + 1 == list.size() ? " and " : ", ") + list[i];
            return out;
        };
        return optional.empty() ? words(required) : words(required) + " and optionally " + words(optional);
    }

    void unknown_keys() {
        for (const auto& [key, node] : table_) {
            if (std::find(known_keys.begin(), known_keys.end(), key.str()) != known_keys.end()) continue;
            context_.report(RuleCode::unknown_key, manifest::span_of(key),
                            fmt::format("unknown key `{}` in [self_hosted]", text::abbreviate(key.str())),
                            did_you_mean(key.str(), known_keys));
        }
    }

  private:
    void wrong_type(std::string_view key, const toml::node& node, std::string_view expected) {
        context_.report(RuleCode::self_hosted_field, manifest::span_of(node),
                        fmt::format("`{}` must be {}, found {}", key, expected, manifest::type_name(node)));
    }

    RuleContext& context_;
    const toml::table& table_;
};

} // namespace

void check_self_hosted_fields(RuleContext& context) {
    const manifest::Document& document = context.document();
    const toml::node* node = document.root.get(manifest::self_hosted_key);
    if (node == nullptr) return;
    const toml::table* table = node->as_table();
    if (table == nullptr) {
        context.report(RuleCode::self_hosted_field, manifest::span_of(*node),
                       fmt::format("`self_hosted` must be a table, found {}", manifest::type_name(*node)),
                       "write it as a [self_hosted] table with replaces, status, gates_passed and gates_pending");
        return;
    }
    FieldChecker checker(context, *table);
    for (const manifest::Field& field : manifest::self_hosted_fields) {
        switch (field.kind) {
        case manifest::FieldKind::string:
        case manifest::FieldKind::text:
        case manifest::FieldKind::status: checker.string_value(field.key, field.required); break;
        case manifest::FieldKind::text_list:
        case manifest::FieldKind::gate_list:
            checker.string_array(field.key, field.required, field.non_empty, field.example);
            break;
        case manifest::FieldKind::case_list:
            checker.string_array(field.key, field.required, field.non_empty, field.example);
            checker.case_names(field.key);
            break;
        case manifest::FieldKind::notes: checker.notes(field.key); break;
        case manifest::FieldKind::skipped_pairs: checker.skipped_pairs(field.key); break;
        case manifest::FieldKind::date: break; // only in skipped pairs
        }
    }
    checker.unknown_keys();
}

} // namespace ksa::rules
