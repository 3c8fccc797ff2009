#include "test_support.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <system_error>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "manifest/document.h"
#include "support/text.h"

namespace fs = std::filesystem;

namespace ksa::test {

Diagnostics check_manifest(std::string_view text, const CheckOptions& options) {
    const auto kind = manifest::classify_path(options.path).value_or(manifest::ManifestKind::module);
    manifest::ParseOutcome parsed = manifest::parse_document(options.path, kind, std::string(text));
    INFO("manifest:\n" << text);
    INFO("syntax error: " << parsed.error.span.line << ":" << parsed.error.span.column << " " << parsed.error.message);
    REQUIRE(parsed.document != nullptr);
    AuditConfig config;
    config.phase = options.phase;
    Diagnostics diagnostics;
    rules::RuleContext context(*parsed.document, config, options.facts, diagnostics);
    rules::run_manifest_rules(context);
    sort_diagnostics(diagnostics);
    return diagnostics;
}

PhaseRuns check_both_phases(std::string_view text, CheckOptions options) {
    PhaseRuns runs;
    options.phase = Phase::advisory;
    runs.advisory = check_manifest(text, options);
    options.phase = Phase::strict;
    runs.strict = check_manifest(text, options);
    return runs;
}

Diagnostics only_rule(const Diagnostics& diagnostics, RuleCode rule) {
    Diagnostics selected;
    for (const Diagnostic& d : diagnostics)
        if (d.rule == rule) selected.push_back(d);
    return selected;
}

std::string describe(const Diagnostics& diagnostics) {
    if (diagnostics.empty()) return "(no diagnostics)";
    std::string out;
    for (const Diagnostic& d : diagnostics)
        out += fmt::format("{} {} {}:{}-{} {} | help: {}\n", rule_id(d.rule), to_string(d.severity), d.span.line,
                           d.span.column, d.span.end_column, text::escape_for_terminal(d.message),
                           text::escape_for_terminal(d.hint));
    return out;
}

void require_single(const Diagnostics& diagnostics, RuleCode rule, Severity severity, int line, int column) {
    INFO("expected " << rule_id(rule) << " " << to_string(severity) << " at " << line << ":" << column);
    INFO("got:\n" << describe(diagnostics));
    REQUIRE(diagnostics.size() == 1);
    const Diagnostic& d = diagnostics.front();
    CHECK(rule_id(d.rule) == rule_id(rule));
    CHECK(to_string(d.severity) == to_string(severity));
    CHECK(d.span.line == line);
    CHECK(d.span.column == column);
    CHECK_FALSE(d.message.empty());
}

void require_single_in_phases(std::string_view text, RuleCode rule, Severity advisory, Severity strict, int line,
                              int column, const CheckOptions& options) {
    const PhaseRuns runs = check_both_phases(text, options);
    {
        INFO("phase 4");
        require_single(runs.advisory, rule, advisory, line, column);
    }
    {
        INFO("phase 5");
        require_single(runs.strict, rule, strict, line, column);
    }
}

void require_clean(std::string_view text, const CheckOptions& options) {
    const PhaseRuns runs = check_both_phases(text, options);
    INFO("phase 4:\n" << describe(runs.advisory));
    INFO("phase 5:\n" << describe(runs.strict));
    CHECK(runs.advisory.empty());
    CHECK(runs.strict.empty());
}

TempDir::TempDir() {
    static std::atomic<unsigned> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    for (int attempt = 0;; ++attempt) {
        path_ = fs::temp_directory_path() /
                fmt::format("ksa-unit-{}-{}-{}-{}", ::getpid(), stamp, counter.fetch_add(1), attempt);
        std::error_code error;
        if (fs::create_directory(path_, error)) return;
        REQUIRE(attempt < 100);
    }
}

TempDir::~TempDir() {
    std::error_code error;
    fs::remove_all(path_, error);
}

fs::path TempDir::write(const std::string& relative, std::string_view content) const {
    const fs::path full = path_ / relative;
    fs::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    REQUIRE(out.good());
    return full;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

namespace {

// A recursive-descent recogniser for RFC 8259 JSON.
class JsonChecker {
  public:
    explicit JsonChecker(std::string_view text) : text_(text) {}

    bool check(std::string* error) {
        skip_space();
        bool ok = value(0);
        if (ok) {
            skip_space();
            if (pos_ != text_.size()) ok = fail("trailing characters");
        }
        if (!ok && error != nullptr) *error = fmt::format("offset {}: {}", pos_, problem_);
        return ok;
    }

  private:
    bool fail(std::string problem) {
        if (problem_.empty()) problem_ = std::move(problem);
        return false;
    }

    [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
    [[nodiscard]] char peek() const { return at_end() ? '\0' : text_[pos_]; }

    void skip_space() {
        while (!at_end() && (peek() == ' ' || peek() == '\n' || peek() == '\r' || peek() == '\t'))
            ++pos_;
    }

    bool literal(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) return fail("bad literal");
        pos_ += word.size();
        return true;
    }

    bool value(int depth) {
        if (depth > 256) return fail("nesting too deep");
        switch (peek()) {
        case '{': return object(depth);
        case '[': return array(depth);
        case '"': return string();
        case 't': return literal("true");
        case 'f': return literal("false");
        case 'n': return literal("null");
        default: return number();
        }
    }

    bool object(int depth) {
        ++pos_;
        skip_space();
        if (peek() == '}') {
            ++pos_;
            return true;
        }
        for (;;) {
            skip_space();
            if (peek() != '"') return fail("expected a key");
            if (!string()) return false;
            skip_space();
            if (peek() != ':') return fail("expected ':'");
            ++pos_;
            skip_space();
            if (!value(depth + 1)) return false;
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == '}') {
                ++pos_;
                return true;
            }
            return fail("expected ',' or '}'");
        }
    }

    bool array(int depth) {
        ++pos_;
        skip_space();
        if (peek() == ']') {
            ++pos_;
            return true;
        }
        for (;;) {
            skip_space();
            if (!value(depth + 1)) return false;
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == ']') {
                ++pos_;
                return true;
            }
            return fail("expected ',' or ']'");
        }
    }

    static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

    bool string() {
        const std::size_t start = ++pos_;
        for (;;) {
            if (at_end()) return fail("unterminated string");
            const auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') break;
            if (c < 0x20) return fail("raw control character in a string");
            if (c == '\\') {
                ++pos_;
                const char e = peek();
                if (e == 'u') {
                    for (int k = 1; k <= 4; ++k)
                        if (pos_ + k >= text_.size() || !is_hex(text_[pos_ + k])) return fail("bad \\u escape");
                    pos_ += 5;
                    continue;
                }
                if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos || at_end())
                    return fail("bad escape");
            }
            ++pos_;
        }
        if (!text::is_valid_utf8(text_.substr(start, pos_ - start))) return fail("invalid UTF-8 in a string");
        ++pos_;
        return true;
    }

    bool digits() {
        const std::size_t start = pos_;
        while (!at_end() && peek() >= '0' && peek() <= '9')
            ++pos_;
        return pos_ > start;
    }

    bool number() {
        if (peek() == '-') ++pos_;
        if (peek() == '0') {
            ++pos_;
        } else if (!digits()) {
            return fail("expected a value");
        }
        if (peek() == '.') {
            ++pos_;
            if (!digits()) return fail("bad fraction");
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-') ++pos_;
            if (!digits()) return fail("bad exponent");
        }
        return true;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::string problem_;
};

} // namespace

bool is_valid_json(std::string_view text, std::string* error) { return JsonChecker(text).check(error); }

std::string json_problem(std::string_view text) {
    std::string error;
    return is_valid_json(text, &error) ? std::string() : error;
}

GitRepo::GitRepo() { command("init -q repo", dir_.path()); }

void GitRepo::write(const std::string& relative, std::string_view content) const {
    const std::filesystem::path full = work() / relative;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    REQUIRE(out.good());
}

std::string GitRepo::command(const std::string& args, const std::filesystem::path& where) const {
    const std::string home = dir_.path().string();
    const std::string line = "cd '" + where.string() +
                             "' && env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE -u GIT_OBJECT_DIRECTORY"
                             " -u GIT_COMMON_DIR -u GIT_CEILING_DIRECTORIES HOME='" +
                             home + "' XDG_CONFIG_HOME='" + home +
                             "' GIT_CONFIG_NOSYSTEM=1 git -c user.name=ksa -c user.email=ksa@example.invalid"
                             " -c init.defaultBranch=main -c core.autocrlf=false " +
                             args;
    FILE* pipe = ::popen(line.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        output.append(buffer, got);
    const int status = ::pclose(pipe);
    INFO("command: " << line << "\noutput: " << output);
    REQUIRE(status == 0);
    return output;
}

} // namespace ksa::test
