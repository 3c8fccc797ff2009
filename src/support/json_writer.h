// A minimal streaming JSON writer: enough for reports, no DOM, always valid UTF-8 output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ksa {

class JsonWriter {
  public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(std::uint64_t number);
    JsonWriter& value(double number); // null when not finite (JSON has no NaN)
    JsonWriter& value(bool flag);
    JsonWriter& null();

    // Shorthand for key(name).value(v).
    template <typename T> JsonWriter& field(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }

    [[nodiscard]] const std::string& str() const { return out_; }

  private:
    void before_value();
    void newline();

    std::string out_;
    std::vector<bool> has_items_; // one per open container
    bool after_key_ = false;
};

} // namespace ksa
