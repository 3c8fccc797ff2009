#include "audit/precedents.h"

#include <fmt/format.h>

#include "support/text.h"

namespace ksa::audit {
namespace {

// Policy documents, not data: anything larger is not a precedent list worth reading in a hook.
constexpr std::uint64_t max_precedent_bytes = 4 * 1024 * 1024;

std::string ascii_lower(std::string_view value) {
    std::string result(value);
    for (char& c : result)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return result;
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-' || c == '+';
}

// "## Title ##" → {2, "Title"}; level 0 when the line is no ATX heading.
std::pair<int, std::string_view> heading(std::string_view line) {
    int level = 0;
    while (level < static_cast<int>(line.size()) && line[static_cast<std::size_t>(level)] == '#')
        ++level;
    if (level == 0 || level > 6) return {0, {}};
    std::string_view rest = line.substr(static_cast<std::size_t>(level));
    if (!rest.empty() && rest.front() != ' ' && rest.front() != '\t') return {0, {}};
    rest = text::trim(rest);
    while (!rest.empty() && rest.back() == '#')
        rest.remove_suffix(1);
    return {level, text::trim(rest)};
}

// Only code spans count: prose mentions a name in passing, a code span cites it.
void collect_code_spans(std::string_view line, const std::string& label, rules::PrecedentNames& into) {
    std::size_t at = 0;
    while ((at = line.find('`', at)) != std::string_view::npos) {
        const std::size_t end = line.find('`', at + 1);
        if (end == std::string_view::npos) return;
        std::string_view span = text::trim(line.substr(at + 1, end - at - 1));
        at = end + 1;
        if (span.empty()) continue;
        bool name_only = true;
        bool path_like = true;
        for (char c : span) {
            name_only = name_only && is_name_char(c);
            path_like = path_like && (is_name_char(c) || c == '/');
        }
        if (name_only) {
            into.names.emplace(ascii_lower(span), label);
        } else if (path_like) {
            if (span.starts_with("./")) span.remove_prefix(2);
            while (!span.empty() && span.back() == '/')
                span.remove_suffix(1);
            if (!span.empty()) into.paths.emplace(ascii_lower(span), label);
        }
    }
}

} // namespace

bool parse_precedent_list(std::string_view text, std::string_view section, const std::string& label,
                          rules::PrecedentNames& into) {
    const std::string wanted = ascii_lower(section);
    bool found = section.empty();
    int inside_level = section.empty() ? 1 : 0; // 0: outside the section; whole file: never left
    bool fenced = false;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        start = end + 1;
        const std::string_view trimmed = text::trim(line);
        if (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            fenced = !fenced;
            continue;
        }
        if (fenced) continue;
        if (const auto [level, title] = heading(line); level > 0 && !section.empty()) {
            if (inside_level > 0 && level <= inside_level) inside_level = 0;
            if (ascii_lower(title).find(wanted) != std::string::npos) {
                inside_level = level;
                found = true;
            }
            continue;
        }
        if (inside_level > 0) collect_code_spans(line, label, into);
    }
    return found;
}

LoadedPrecedents load_precedents(TreeSource& source, const AuditConfig& config) {
    LoadedPrecedents loaded;
    for (const PrecedentFile& file : config.precedent_files) {
        const std::string label =
            file.section.empty() ? file.path : fmt::format("{} (section \"{}\")", file.path, file.section);
        const auto problem = [&](std::string message) {
            loaded.problems.push_back(
                make_diagnostic(RuleCode::precedent_list, config.severities(), {file.path}, std::move(message),
                                "the anti-drift heuristic (KSA011) runs without this list; fix the "
                                "file or `[heuristic] precedent_files` in .koder-spec-audit.toml"));
        };
        auto entry = source.stat(file.path);
        if (!entry) {
            problem(fmt::format("precedent list could not be read: {}", entry.failure().message));
            continue;
        }
        if (entry->kind == EntryKind::missing) {
            if (config.precedent_files_configured) problem("precedent list does not exist");
            continue;
        }
        if (entry->kind != EntryKind::file) {
            problem(fmt::format("precedent list is {}, expected a regular file", describe(entry->kind)));
            continue;
        }
        if (entry->size > max_precedent_bytes) {
            problem(fmt::format("precedent list is {} bytes, over the limit of {} bytes; it was not read", entry->size,
                                max_precedent_bytes));
            continue;
        }
        auto content = source.read(file.path);
        if (!content) {
            problem(fmt::format("precedent list could not be read: {}", content.failure().message));
            continue;
        }
        if (content->find('\0') != std::string::npos) {
            problem("precedent list is binary (it holds a NUL byte)");
            continue;
        }
        if (!parse_precedent_list(*content, file.section, label, loaded.names))
            problem(fmt::format("precedent list has no section headed \"{}\"", file.section));
    }
    return loaded;
}

} // namespace ksa::audit
