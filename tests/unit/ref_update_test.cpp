// The "<old> <new> <ref>" lines git feeds a pre-receive hook (receive/ref_update.h).
#include <catch2/catch.hpp>

#include <string>

#include "receive/ref_update.h"

using ksa::receive::is_zero_id;
using ksa::receive::parse_ref_updates;
using ksa::receive::RefUpdate;

namespace {

const std::string zero40(40, '0');
const std::string zero64(64, '0');
const std::string a40 = "0123456789abcdef0123456789abcdef01234567";
const std::string b40 = "89abcdef0123456789abcdef0123456789abcdef";
const std::string a64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string b64 = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

std::string line(const std::string& old_id, const std::string& new_id, const std::string& ref) {
    return old_id + " " + new_id + " " + ref;
}

std::vector<RefUpdate> parsed(const std::string& input) {
    auto result = parse_ref_updates(input);
    INFO("input: " << input);
    if (!result.ok()) FAIL("unexpected failure: " << result.failure().message);
    return std::move(result).value();
}

std::string failure_of(const std::string& input) {
    auto result = parse_ref_updates(input);
    INFO("input: " << input);
    REQUIRE_FALSE(result.ok());
    return result.failure().message;
}

} // namespace

TEST_CASE("ref updates: an update, a creation and a deletion", "[receive][ref_update]") {
    const auto updates = parsed(line(a40, b40, "refs/heads/main") + "\n" + line(zero40, b40, "refs/heads/new") + "\n" +
                                line(a40, zero40, "refs/tags/old") + "\n");
    REQUIRE(updates.size() == 3);

    CHECK(updates[0].old_id == a40);
    CHECK(updates[0].new_id == b40);
    CHECK(updates[0].ref == "refs/heads/main");
    CHECK_FALSE(updates[0].is_creation());
    CHECK_FALSE(updates[0].is_deletion());

    CHECK(updates[1].old_id == zero40);
    CHECK(updates[1].ref == "refs/heads/new");
    CHECK(updates[1].is_creation());
    CHECK_FALSE(updates[1].is_deletion());

    CHECK(updates[2].new_id == zero40);
    CHECK(updates[2].ref == "refs/tags/old");
    CHECK(updates[2].is_deletion());
    CHECK_FALSE(updates[2].is_creation());
}

TEST_CASE("ref updates: line endings, blank lines and empty input", "[receive][ref_update]") {
    const std::string one = line(a40, b40, "refs/heads/main");
    const std::string two = line(b40, a40, "refs/heads/other");

    SECTION("no trailing newline") {
        const auto updates = parsed(one + "\n" + two);
        REQUIRE(updates.size() == 2);
        CHECK(updates[1].ref == "refs/heads/other");
    }
    SECTION("trailing newline") {
        const auto updates = parsed(one + "\n" + two + "\n");
        REQUIRE(updates.size() == 2);
        CHECK(updates[0].ref == "refs/heads/main");
    }
    SECTION("CRLF: the carriage return is not part of the ref") {
        const auto updates = parsed(one + "\r\n" + two + "\r\n");
        REQUIRE(updates.size() == 2);
        CHECK(updates[0].ref == "refs/heads/main");
        CHECK(updates[1].ref == "refs/heads/other");
    }
    SECTION("CRLF without a final newline") {
        const auto updates = parsed(one + "\r");
        REQUIRE(updates.size() == 1);
        CHECK(updates[0].ref == "refs/heads/main");
    }
    SECTION("blank lines are skipped") {
        const auto updates = parsed("\n" + one + "\n\n\r\n" + two + "\n\n");
        REQUIRE(updates.size() == 2);
    }
    SECTION("empty input") {
        CHECK(parsed("").empty());
        CHECK(parsed("\n").empty());
        CHECK(parsed("\r\n\n").empty());
    }
}

TEST_CASE("ref updates: SHA-256 ids (64 hex digits)", "[receive][ref_update]") {
    const auto updates = parsed(line(a64, b64, "refs/heads/main") + "\n" + line(zero64, b64, "refs/heads/new") + "\n" +
                                line(a64, zero64, "refs/heads/gone") + "\n");
    REQUIRE(updates.size() == 3);
    CHECK(updates[0].old_id == a64);
    CHECK(updates[0].new_id == b64);
    CHECK_FALSE(updates[0].is_creation());
    CHECK_FALSE(updates[0].is_deletion());
    CHECK(updates[1].is_creation());
    CHECK_FALSE(updates[1].is_deletion());
    CHECK(updates[2].is_deletion());
    CHECK_FALSE(updates[2].is_creation());
}

TEST_CASE("ref updates: unusual but valid refs are kept byte for byte", "[receive][ref_update]") {
    const std::string longest(4096, 'r');
    const std::string utf8 = "refs/heads/caf\xc3\xa9";
    const std::string punctuation = "refs/heads/a-b_c.d/e+f@{x}";
    const auto updates =
        parsed(line(a40, b40, longest) + "\n" + line(a40, b40, utf8) + "\n" + line(a40, b40, punctuation));
    REQUIRE(updates.size() == 3);
    CHECK(updates[0].ref == longest);
    CHECK(updates[1].ref == utf8);
    CHECK(updates[2].ref == punctuation);
}

TEST_CASE("ref updates: is_zero_id", "[receive][ref_update]") {
    CHECK(is_zero_id(zero40));
    CHECK(is_zero_id(zero64));
    CHECK_FALSE(is_zero_id(a40));
    CHECK_FALSE(is_zero_id(std::string(39, '0') + "1"));

    RefUpdate update{a40, b40, "refs/heads/x"};
    CHECK_FALSE(update.is_creation());
    CHECK_FALSE(update.is_deletion());
    update.old_id = zero40;
    CHECK(update.is_creation());
    update.old_id = a40;
    update.new_id = zero40;
    CHECK(update.is_deletion());
}

TEST_CASE("ref updates: each malformed line fails with its 1-based line number", "[receive][ref_update]") {
    const std::string good = line(a40, b40, "refs/heads/main");
    struct Case {
        const char* name;
        std::string bad;
        const char* reason;
    };
    const Case cases[] = {
        {"one field", a40, "fewer than three fields"},
        {"two fields", a40 + " " + b40, "fewer than three fields"},
        {"two fields and a trailing space: empty ref", a40 + " " + b40 + " ", "ref name"},
        {"four fields: the ref holds a space", line(a40, b40, "refs/heads/main extra"), "ref name"},
        {"two spaces between the ids", a40 + "  " + b40 + " refs/heads/main", "lower-case hex"},
        {"a leading space", " " + good, "lower-case hex"},
        {"non-hex old id", line("g" + a40.substr(1), b40, "refs/heads/main"), "lower-case hex"},
        {"non-hex new id", line(a40, b40.substr(1) + "z", "refs/heads/main"), "lower-case hex"},
        {"upper-case hex", line("ABCDEF" + a40.substr(6), b40, "refs/heads/main"), "lower-case hex"},
        {"39 digits", line(a40.substr(1), b40, "refs/heads/main"), "lower-case hex"},
        {"41 digits", line(a40 + "0", b40, "refs/heads/main"), "lower-case hex"},
        {"63 digits", line(a64.substr(1), b64.substr(1), "refs/heads/main"), "lower-case hex"},
        {"65 digits", line(a64 + "0", b64 + "0", "refs/heads/main"), "lower-case hex"},
        {"ids of different lengths", line(a40, b64, "refs/heads/main"), "different lengths"},
        {"zero ids of different lengths", line(zero40, b64, "refs/heads/main"), "different lengths"},
        {"both ids zero (SHA-1)", line(zero40, zero40, "refs/heads/main"), "both ids are zero"},
        {"both ids zero (SHA-256)", line(zero64, zero64, "refs/heads/main"), "both ids are zero"},
        {"empty ref", line(a40, b40, ""), "ref name"},
        {"control character in the ref",
         line(a40, b40,
              "refs/heads/a\x01"
              "b"),
         "ref name"},
        {"tab in the ref", line(a40, b40, "refs/heads/a\tb"), "ref name"},
        {"NUL in the ref", line(a40, b40, std::string("refs/heads/a\0b", 14)), "ref name"},
        {"DEL in the ref", line(a40, b40, "refs/heads/a\x7f"), "ref name"},
        {"carriage return inside the ref", line(a40, b40, "refs/heads/a\rb"), "ref name"},
        {"two carriage returns at the end", line(a40, b40, "refs/heads/a\r\r"), "ref name"},
        {"ref of 4097 bytes", line(a40, b40, std::string(4097, 'r')), "ref name"},
    };
    for (const Case& c : cases) {
        INFO(c.name);
        // The bad line alone (line 1), and as the third line after a good line and a blank one.
        CHECK_THAT(failure_of(c.bad + "\n"), Catch::StartsWith("stdin line 1: ") && Catch::Contains(c.reason) &&
                                                 Catch::Contains("<old-id> <new-id> <ref>"));
        CHECK_THAT(failure_of(good + "\n\n" + c.bad + "\r\n" + good + "\n"),
                   Catch::StartsWith("stdin line 3: ") && Catch::Contains(c.reason));
    }
}

TEST_CASE("ref updates: one bad line rejects the whole input", "[receive][ref_update]") {
    std::string input;
    for (int i = 0; i < 9; ++i)
        input += line(a40, b40, "refs/heads/b" + std::to_string(i)) + "\n";
    input += "garbage\n";
    CHECK_THAT(failure_of(input), Catch::StartsWith("stdin line 10: "));
}

TEST_CASE("ref updates: a malicious ref cannot reach the terminal raw", "[receive][ref_update]") {
    SECTION("escape sequences") {
        const std::string message = failure_of(line(a40, b40, "refs/heads/\x1b]0;pwned\x07\x1b[2J") + "\n");
        CHECK(message.find('\x1b') == std::string::npos);
        CHECK(message.find('\x07') == std::string::npos);
        CHECK_THAT(message, Catch::Contains("\\x1b"));
    }
    SECTION("C1 controls and bidirectional overrides") {
        // U+009B (CSI) and U+202E (RIGHT-TO-LEFT OVERRIDE), plus an ESC so the line is rejected.
        const std::string message = failure_of(line(a40, b40,
                                                    "refs/heads/\xc2\x9b"
                                                    "31m\xe2\x80\xae"
                                                    "cba\x1b") +
                                               "\n");
        CHECK(message.find('\x1b') == std::string::npos);
        CHECK(message.find("\xc2\x9b") == std::string::npos);
        CHECK(message.find("\xe2\x80\xae") == std::string::npos);
    }
    SECTION("a huge line is abbreviated") {
        const std::string message = failure_of(line(a40, b40, std::string(100000, 'x') + "\x1b"));
        CHECK(message.size() < 1000);
        CHECK(message.find('\x1b') == std::string::npos);
    }
    SECTION("an ESC in an id") {
        const std::string message = failure_of("\x1b[31m" + a40.substr(5) + " " + b40 + " refs/heads/main\n");
        CHECK(message.find('\x1b') == std::string::npos);
        CHECK_THAT(message, Catch::Contains("lower-case hex"));
    }
}
