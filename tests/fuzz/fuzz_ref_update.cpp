// Fuzz target: arbitrary bytes as the pre-receive hook's stdin. A parse either fails with a
// message that can be shown to the pusher, or gives updates that are well formed and that
// parse back to themselves.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "receive/ref_update.h"

namespace {

bool is_lower_hex(std::string_view id) {
    if (id.size() != 40 && id.size() != 64) return false;
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ksa;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto updates = receive::parse_ref_updates(input);
    if (!updates) {
        const std::string& message = updates.failure().message;
        // Printed to the pusher as is (after the prefix): it must already be safe and short.
        fuzz::require_terminal_safe(message, "failure message is not terminal-safe", false);
        if (message.size() > 1200) fuzz::violated("failure message is not abbreviated", message);
        if (!message.starts_with("stdin line ")) fuzz::violated("failure message does not name the line", message);
        return 0;
    }
    std::string again;
    for (const receive::RefUpdate& update : *updates) {
        if (!is_lower_hex(update.old_id) || !is_lower_hex(update.new_id)) fuzz::violated("accepted a bad id", input);
        if (update.old_id.size() != update.new_id.size()) fuzz::violated("accepted ids of different lengths", input);
        if (update.is_creation() && update.is_deletion()) fuzz::violated("accepted two zero ids", input);
        if (update.ref.empty() || update.ref.size() > 4096) fuzz::violated("accepted a bad ref length", input);
        for (char c : update.ref)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == ' ')
                fuzz::violated("accepted a ref with a space or control character", input);
        again += update.old_id + " " + update.new_id + " " + update.ref + "\n";
    }
    const auto reparsed = receive::parse_ref_updates(again);
    if (!reparsed || reparsed->size() != updates->size()) fuzz::violated("updates do not parse back", again);
    for (std::size_t i = 0; i < updates->size(); ++i)
        if ((*reparsed)[i].ref != (*updates)[i].ref || (*reparsed)[i].old_id != (*updates)[i].old_id ||
            (*reparsed)[i].new_id != (*updates)[i].new_id)
            fuzz::violated("updates parse back differently", again);
    return 0;
}
