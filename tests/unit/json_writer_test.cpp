// support/json_writer.h: layout, nesting and escaping.
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "support/json_writer.h"
#include "support/text.h"
#include "test_support.h"

using namespace std::string_literals;
using ksa::JsonWriter;

TEST_CASE("json writer: objects, arrays and scalars nest with two-space indentation", "[json]") {
    JsonWriter json;
    json.begin_object().field("a", std::int64_t{1});
    json.key("b").begin_array().value("x").value(true).value(false).null().value(std::int64_t{-42}).end_array();
    json.key("c").begin_object().end_object();
    json.key("d").begin_array().end_array();
    json.key("e").begin_object().field("f", "g").end_object();
    json.end_object();
    CHECK(json.str() == "{\n"
                        "  \"a\": 1,\n"
                        "  \"b\": [\n"
                        "    \"x\",\n"
                        "    true,\n"
                        "    false,\n"
                        "    null,\n"
                        "    -42\n"
                        "  ],\n"
                        "  \"c\": {},\n"
                        "  \"d\": [],\n"
                        "  \"e\": {\n"
                        "    \"f\": \"g\"\n"
                        "  }\n"
                        "}\n");
    CHECK(ksa::test::is_valid_json(json.str()));
}

TEST_CASE("json writer: a top-level array and empty containers", "[json]") {
    JsonWriter array;
    array.begin_array().begin_array().end_array().begin_object().end_object().end_array();
    CHECK(array.str() == "[\n  [],\n  {}\n]\n");
    CHECK(ksa::test::is_valid_json(array.str()));
    JsonWriter empty;
    empty.begin_object().end_object();
    CHECK(empty.str() == "{}\n");
}

TEST_CASE("json writer: quotes, backslashes and control characters are escaped", "[json]") {
    JsonWriter json;
    json.begin_array()
        .value("say \"hi\"")
        .value("C:\\path")
        .value("a\nb\rc\td")
        .value("\x1b[31m\x01\x7f")
        .value("nul\0x"s)
        .end_array();
    CHECK_THAT(json.str(), Catch::Contains(R"("say \"hi\"")"));
    CHECK_THAT(json.str(), Catch::Contains(R"("C:\\path")"));
    CHECK_THAT(json.str(), Catch::Contains(R"("a\nb\rc\td")"));
    CHECK_THAT(json.str(), Catch::Contains(R"("\u001b[31m\u0001\u007f")"));
    CHECK_THAT(json.str(), Catch::Contains(R"("nul\u0000x")"));
    CHECK(ksa::test::is_valid_json(json.str()));
}

TEST_CASE("json writer: keys are escaped like values", "[json]") {
    JsonWriter json;
    json.begin_object().field("k\"e\ny", "v").end_object();
    CHECK(json.str() == "{\n  \"k\\\"e\\ny\": \"v\"\n}\n");
    CHECK(ksa::test::is_valid_json(json.str()));
}

TEST_CASE("json writer: invalid UTF-8 is made valid, valid UTF-8 is kept", "[json]") {
    JsonWriter json;
    json.begin_object().field("path", "bad\xff\xfe/caf\xc3\xa9/\xc3").end_object();
    CHECK(ksa::text::is_valid_utf8(json.str()));
    CHECK_THAT(json.str(), Catch::Contains("\"bad\\\\xff\\\\xfe/caf\xc3\xa9/\\\\xc3\""));
    CHECK(ksa::test::json_problem(json.str()).empty());
}

TEST_CASE("json checker used by the tests rejects broken documents", "[json]") {
    using ksa::test::is_valid_json;
    CHECK(is_valid_json(R"({"a": [1, 2.5e-3, -0, "x\u00e9", {}], "b": null})"));
    CHECK_FALSE(is_valid_json(""));
    CHECK_FALSE(is_valid_json("{"));
    CHECK_FALSE(is_valid_json(R"({"a": 1,})"));
    CHECK_FALSE(is_valid_json(R"(["a" "b"])"));
    CHECK_FALSE(is_valid_json("\"raw\nnewline\""));
    CHECK_FALSE(is_valid_json("\"bad \\x escape\""));
    CHECK_FALSE(is_valid_json("\"\xff\""));
    CHECK_FALSE(is_valid_json("{} {}"));
    CHECK_FALSE(is_valid_json("01"));
}
