#include "manifest/nesting.h"

#include <vector>

namespace ksa::manifest {
namespace {

// What the scanner expects next: the start of a top-level expression, a key, or a value.
enum class Mode { line_start, key, value };

class DepthScanner {
  public:
    DepthScanner(std::string_view text, std::uint32_t limit) : text_(text), limit_(limit) {}

    std::optional<NestingExcess> run() {
        while (pos_ < text_.size() && !excess_) {
            switch (mode_) {
            case Mode::line_start: line_start(); break;
            case Mode::key: key(); break;
            case Mode::value: value(); break;
            }
        }
        return excess_;
    }

  private:
    struct Frame {
        char kind = '[';         // '[' an array, '{' an inline table
        std::uint32_t depth = 0; // the container's own depth
    };

    std::string_view text_;
    std::uint32_t limit_;
    std::size_t pos_ = 0;
    int line_ = 1;
    int column_ = 1;
    Mode mode_ = Mode::line_start;
    std::vector<Frame> frames_;     // never deeper than limit_ + 1: the scan stops there
    std::uint32_t table_depth_ = 0; // depth of the table the last header opened
    std::uint32_t key_base_ = 0;    // depth of the table the key being read belongs to
    std::uint32_t dots_ = 0;        // dots of that key so far
    std::uint32_t current_ = 0;     // depth of the container a value being read sits in
    std::optional<NestingExcess> excess_;

    [[nodiscard]] char peek(std::size_t ahead = 0) const {
        return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
    }

    void advance() {
        const char c = text_[pos_++];
        if (c == '\n') {
            ++line_;
            column_ = 1;
        } else if ((static_cast<unsigned char>(peek()) & 0xC0U) != 0x80U) {
            ++column_; // columns count characters: UTF-8 continuation bytes add nothing
        }
    }

    // Records the excess at the current position when `depth` is over the limit.
    bool check(std::uint32_t depth) {
        if (depth > limit_) excess_ = NestingExcess{line_, column_};
        return excess_.has_value();
    }

    void skip_comment() {
        while (pos_ < text_.size() && peek() != '\n')
            advance();
    }

    // At a quote: skips a basic, literal or multi-line string, leaving a newline that ends an
    // unterminated single-line string for the caller.
    void skip_string() {
        const char quote = peek();
        const bool escapes = quote == '"';
        if (peek(1) == quote && peek(2) == quote) {
            for (int i = 0; i < 3; ++i)
                advance();
            while (pos_ < text_.size()) {
                if (escapes && peek() == '\\' && pos_ + 1 < text_.size()) {
                    advance();
                    advance();
                } else if (peek() == quote && peek(1) == quote && peek(2) == quote) {
                    for (int i = 0; i < 3; ++i)
                        advance();
                    // Up to two more quotes belong to the content (`"""a""""`).
                    for (int i = 0; i < 2 && peek() == quote; ++i)
                        advance();
                    return;
                } else {
                    advance();
                }
            }
            return;
        }
        advance();
        while (pos_ < text_.size() && peek() != '\n') {
            if (escapes && peek() == '\\' && pos_ + 1 < text_.size() && peek(1) != '\n') {
                advance();
                advance();
            } else if (peek() == quote) {
                advance();
                return;
            } else {
                advance();
            }
        }
    }

    void start_key(std::uint32_t base) {
        mode_ = Mode::key;
        key_base_ = base;
        dots_ = 0;
    }

    // The depth a value sits in once the innermost container closed or after a value.
    void after_close() {
        current_ = frames_.empty() ? 0 : frames_.back().depth;
        mode_ = Mode::value;
    }

    void line_start() {
        const char c = peek();
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return advance();
        if (c == '#') return skip_comment();
        if (c == '[') return header();
        start_key(table_depth_);
    }

    // `[a.b]` or `[[a.b]]`: a table (or an array of tables) at an absolute depth.
    void header() {
        const bool array = peek(1) == '[';
        std::uint32_t depth = array ? 2 : 1; // the first segment, plus the array of tables
        if (check(depth)) return;
        advance();
        if (array) advance();
        while (pos_ < text_.size() && peek() != ']' && peek() != '\n') {
            if (peek() == '"' || peek() == '\'') {
                skip_string();
                continue;
            }
            if (peek() == '.' && check(++depth)) return;
            advance();
        }
        if (peek() == ']') advance();
        if (array && peek() == ']') advance();
        table_depth_ = depth;
        frames_.clear();
        current_ = depth;
        mode_ = Mode::value; // only a comment may follow; anything else is over-counted
    }

    void key() {
        const char c = peek();
        if (c == '"' || c == '\'') return skip_string();
        if (c == '#') return skip_comment();
        if (c == '.') {
            if (check(key_base_ + ++dots_)) return;
            return advance();
        }
        if (c == '=') {
            current_ = key_base_ + dots_;
            mode_ = Mode::value;
            return advance();
        }
        if (c == '\n' && frames_.empty()) {
            mode_ = Mode::line_start;
            return advance();
        }
        if (c == '}' && !frames_.empty() && frames_.back().kind == '{') { // `{}` or `{ a = 1, }`
            frames_.pop_back();
            after_close();
        }
        advance();
    }

    void open(char kind) {
        if (check(current_ + 1)) return;
        frames_.push_back({kind, current_ + 1});
        current_ = frames_.back().depth;
        advance();
        if (kind == '{') start_key(current_);
    }

    void value() {
        const char c = peek();
        if (c == '"' || c == '\'') return skip_string();
        if (c == '#') return skip_comment();
        if (c == '[' || c == '{') return open(c);
        if ((c == ']' || c == '}') && !frames_.empty() && frames_.back().kind == (c == ']' ? '[' : '{')) {
            frames_.pop_back();
            after_close();
        } else if (c == ',' && !frames_.empty() && frames_.back().kind == '{') {
            start_key(frames_.back().depth);
        } else if (c == '\n' && frames_.empty()) {
            mode_ = Mode::line_start;
        }
        advance();
    }
};

} // namespace

std::optional<NestingExcess> find_excess_nesting(std::string_view text, std::uint32_t limit) {
    return DepthScanner(text, limit).run();
}

} // namespace ksa::manifest
