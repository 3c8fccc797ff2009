#include "support/progress.h"

#include <unistd.h>

#include <fmt/format.h>

#include "support/text.h"

namespace ksa {
namespace {

constexpr auto redraw_every = std::chrono::milliseconds(200);

std::string elapsed_label(std::chrono::steady_clock::duration elapsed) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
    return fmt::format("{}:{:02}", seconds / 60, seconds % 60);
}

} // namespace

Progress::Progress(std::FILE* stream, bool enabled)
    : stream_(stream), enabled_(enabled && stream != nullptr), started_(std::chrono::steady_clock::now()),
      phase_started_(started_) {}

Progress::~Progress() { finish(); }

bool Progress::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void Progress::phase(std::string label, std::uint64_t total, std::string unit) {
    done_.store(0, std::memory_order_relaxed);
    if (!enabled_) return;
    {
        const std::lock_guard lock(mutex_);
        label_ = std::move(label);
        unit_ = std::move(unit);
        total_ = total;
        phase_started_ = std::chrono::steady_clock::now();
        draw_locked();
        stopping_ = false;
    }
    if (!redrawer_.joinable()) redrawer_ = std::thread([this] { redraw_loop(); });
}

void Progress::finish() {
    if (!enabled_) return;
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (redrawer_.joinable()) redrawer_.join();
    const std::lock_guard lock(mutex_);
    erase_locked();
}

void Progress::redraw_loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, redraw_every, [this] { return stopping_; });
        if (!stopping_) draw_locked();
    }
}

void Progress::draw_locked() {
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t done = done_.load(std::memory_order_relaxed);
    // A phase that counts nothing (no unit) shows its name and the time only.
    std::string line = unit_.empty() && total_ == 0 ? label_ + "…" : fmt::format("{}: {}", label_, done);
    if (total_ != 0) line += fmt::format("/{}", total_);
    if (!unit_.empty()) line += " " + unit_;
    if (total_ != 0) line += fmt::format(" ({}%)", std::min<std::uint64_t>(100, done * 100 / total_));
    const double seconds = std::chrono::duration<double>(now - phase_started_).count();
    if (seconds >= 0.1 && done != 0 && !unit_.empty())
        line += fmt::format(", {:.0f} {}/s", static_cast<double>(done) / seconds, unit_);
    line += ", " + elapsed_label(now - started_);
    // Labels and units are the program's own words: no escaping needed, but widths are counted
    // the way the terminal does.
    const std::size_t width = text::display_width(line);
    std::string out = "\r" + line;
    if (width < drawn_) out += std::string(drawn_ - width, ' ');
    std::fputs(out.c_str(), stream_);
    std::fflush(stream_);
    drawn_ = width;
}

void Progress::erase_locked() {
    if (drawn_ == 0) return;
    const std::string out = "\r" + std::string(drawn_, ' ') + "\r";
    std::fputs(out.c_str(), stream_);
    std::fflush(stream_);
    drawn_ = 0;
}

} // namespace ksa
