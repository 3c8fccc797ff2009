// A one-line progress display for long runs (a cold --history, --report over a large tree):
// "Comparing trees: 12034/50100 commits (24%), 41000 commits/s, 0:01", redrawn in
// place on stderr and erased at the end, so what the run prints afterwards starts on a clean
// line. Only on a terminal: the command decides (`enabled`), the code doing the work just counts.
//
// Counting is one relaxed atomic add, so worker threads count without locking; a background
// thread redraws five times a second. Erasing writes spaces over the line (no escape
// sequences), which works on any terminal.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace ksa {

class Progress {
  public:
    // Draws on `stream` when `enabled`; otherwise every call is a no-op apart from counting.
    Progress(std::FILE* stream, bool enabled);
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    ~Progress(); // erases the line

    // True when stderr is a terminal (where a progress line belongs).
    static bool stderr_is_terminal();

    // Starts a phase ("Comparing trees", 50100, "commits"; a total of 0 when it is not known)
    // and draws it at once; the count starts at 0.
    void phase(std::string label, std::uint64_t total, std::string unit);
    // Adds to the phase's count; safe from any thread.
    void advance(std::uint64_t count = 1) { done_.fetch_add(count, std::memory_order_relaxed); }
    // Erases the line and stops redrawing (a later phase() starts again).
    void finish();

    [[nodiscard]] bool enabled() const { return enabled_; }
    [[nodiscard]] std::uint64_t count() const { return done_.load(std::memory_order_relaxed); }

  private:
    void draw_locked();
    void erase_locked();
    void redraw_loop();

    std::FILE* stream_;
    bool enabled_;
    std::atomic<std::uint64_t> done_{0};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread redrawer_;
    std::string label_;
    std::string unit_;
    std::uint64_t total_ = 0;
    std::size_t drawn_ = 0; // columns of the line on screen, to erase it
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point phase_started_;
};

} // namespace ksa
