#include "manifest/model.h"

#include <array>

#include <fmt/format.h>

namespace ksa::manifest {
namespace {

std::optional<LocatedString> string_at(const toml::table& table, std::string_view key) {
    const toml::node* node = table.get(key);
    if (node == nullptr || !node->is_string()) return std::nullopt;
    return LocatedString{std::string(node->as_string()->get()), span_of(*node)};
}

std::vector<LocatedGate> gates_at(const toml::table& table, std::string_view key) {
    std::vector<LocatedGate> gates;
    const toml::array* array = table[key].as_array();
    if (array == nullptr) return gates;
    for (const LocatedString& item : string_items(*array)) {
        LocatedGate gate;
        gate.raw = item.value;
        gate.span = item.span;
        GateParse parsed = parse_gate(item.value);
        if (parsed.entry) {
            gate.entry = std::move(*parsed.entry);
            gate.well_formed = true;
        }
        gates.push_back(std::move(gate));
    }
    return gates;
}

std::string string_or_empty(const toml::table& table, std::string_view key) {
    auto located = string_at(table, key);
    return located ? located->value : std::string();
}

bool is_real_day(int year, int month, int day) {
    static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days[static_cast<std::size_t>(month - 1)] + (month == 2 && leap ? 1 : 0);
}

} // namespace

std::optional<std::string> date_value(const toml::node& node) {
    int year = 0;
    int month = 0;
    int day = 0;
    if (const auto* date = node.as_date()) {
        year = date->get().year;
        month = date->get().month;
        day = date->get().day;
    } else if (const auto* text = node.as_string()) {
        const std::string& value = text->get();
        const auto digits = [&](std::size_t from, std::size_t count, int& out) {
            out = 0;
            for (std::size_t i = from; i < from + count; ++i) {
                if (value[i] < '0' || value[i] > '9') return false;
                out = out * 10 + (value[i] - '0');
            }
            return true;
        };
        if (value.size() != 10 || value[4] != '-' || value[7] != '-' || !digits(0, 4, year) || !digits(5, 2, month) ||
            !digits(8, 2, day))
            return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (!is_real_day(year, month, day)) return std::nullopt;
    return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

std::vector<LocatedString> string_items(const toml::array& array) {
    std::vector<LocatedString> items;
    for (const toml::node& node : array)
        if (node.is_string()) items.push_back({std::string(node.as_string()->get()), span_of(node)});
    return items;
}

Identity extract_identity(const Document& document) {
    Identity identity;
    identity.category = string_at(document.root, "category");
    const toml::table* package = document.root["package"].as_table();
    const toml::table* app = document.root["app"].as_table();
    if (package != nullptr) {
        identity.name = string_or_empty(*package, "name");
        identity.version = string_or_empty(*package, "version");
    }
    if (app != nullptr) {
        if (identity.name.empty()) identity.name = string_or_empty(*app, "slug");
        if (identity.version.empty()) identity.version = string_or_empty(*app, "version");
        identity.display_name = string_or_empty(*app, "name");
    }
    if (identity.name.empty() && document.kind == ManifestKind::fragment) identity.name = fragment_stem(document.path);
    if (identity.display_name.empty()) identity.display_name = identity.name;
    return identity;
}

std::optional<SelfHosted> extract_self_hosted(const Document& document) {
    const toml::table* table = document.self_hosted();
    if (table == nullptr) return std::nullopt;
    SelfHosted block;
    block.header = span_of(*table);
    if (const toml::array* replaces = (*table)["replaces"].as_array()) block.replaces = string_items(*replaces);
    block.status = string_at(*table, "status");
    if (const toml::array* cases = (*table)["cases"].as_array()) block.cases = string_items(*cases);
    block.gates_passed = gates_at(*table, "gates_passed");
    block.gates_pending = gates_at(*table, "gates_pending");
    block.benchmark_ref = string_at(*table, "benchmark_ref");
    if (const toml::array* refs = (*table)["production_ref"].as_array()) block.production_ref = string_items(*refs);
    block.notes = string_at(*table, "notes");
    if (const toml::array* skipped = (*table)["skipped"].as_array()) {
        for (const toml::node& node : *skipped) {
            const toml::table* entry = node.as_table();
            if (entry == nullptr) continue;
            const toml::node* date = entry->get("date");
            block.skipped.push_back({string_or_empty(*entry, "external"), string_or_empty(*entry, "rationale"),
                                     string_or_empty(*entry, "ticket"),
                                     date != nullptr ? date_value(*date).value_or("") : std::string()});
        }
    }
    return block;
}

} // namespace ksa::manifest
