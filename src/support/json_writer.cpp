#include "support/json_writer.h"

#include <cmath>

#include <fmt/format.h>

#include "support/text.h"

namespace ksa {
namespace {

// Invisible characters (text::is_invisible_code_point) are written as \uXXXX escapes too: the
// same JSON, but a report printed to a terminal (a pusher's) shows them.
void append_escaped_code_point(std::string& out, char32_t code) {
    if (code < 0x10000) {
        out += fmt::format("\\u{:04x}", static_cast<unsigned>(code));
        return;
    }
    const char32_t offset = code - 0x10000;
    out += fmt::format("\\u{:04x}\\u{:04x}", static_cast<unsigned>(0xD800 + (offset >> 10)),
                       static_cast<unsigned>(0xDC00 + (offset & 0x3FF)));
}

void append_quoted(std::string& out, std::string_view raw) {
    const std::string text = text::to_valid_utf8(raw);
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            char32_t code = c & (length == 2 ? 0x1Fu : length == 3 ? 0x0Fu : 0x07u);
            for (std::size_t k = 1; k < length && i + k < text.size(); ++k)
                code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
            if (text::is_invisible_code_point(code))
                append_escaped_code_point(out, code);
            else
                out.append(text, i, length);
            i += length;
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7F)
                out += fmt::format("\\u{:04x}", c);
            else
                out += static_cast<char>(c);
        }
        ++i;
    }
    out += '"';
}

} // namespace

void JsonWriter::newline() {
    out_ += '\n';
    out_.append(has_items_.size() * 2, ' ');
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!has_items_.empty()) {
        if (has_items_.back()) out_ += ',';
        has_items_.back() = true;
        newline();
    }
}

JsonWriter& JsonWriter::begin_object() {
    before_value();
    out_ += '{';
    has_items_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    const bool had_items = has_items_.back();
    has_items_.pop_back();
    if (had_items) newline();
    out_ += '}';
    if (has_items_.empty()) out_ += '\n';
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    before_value();
    out_ += '[';
    has_items_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    const bool had_items = has_items_.back();
    has_items_.pop_back();
    if (had_items) newline();
    out_ += ']';
    if (has_items_.empty()) out_ += '\n';
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    before_value();
    append_quoted(out_, name);
    out_ += ": ";
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
    before_value();
    append_quoted(out_, text);
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
    before_value();
    out_ += std::to_string(number);
    return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t number) {
    before_value();
    out_ += std::to_string(number);
    return *this;
}

JsonWriter& JsonWriter::value(double number) {
    if (!std::isfinite(number)) return null();
    before_value();
    out_ += fmt::format("{}", number);
    return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
    before_value();
    out_ += flag ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null() {
    before_value();
    out_ += "null";
    return *this;
}

} // namespace ksa
