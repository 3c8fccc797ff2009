// gate-check --online: is a production host answering? A HEAD request over HTTPS (mbedTLS,
// which libgit2 already brings), then over plain HTTP, each bounded by a timeout. Never used
// by a hook.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace ksa::evidence {

struct ProbeResult {
    bool reachable = false;
    std::string answer{};  // "HTTPS 200 (certificate verified)", "HTTP 301"
    std::string problem{}; // why neither scheme answered, when unreachable
};

struct ProbeOptions {
    std::chrono::milliseconds timeout{3000}; // per connection attempt and per scheme
    unsigned concurrency = 4;                // hosts probed at once
};

// "host", "host:port" or "[v6]:port": with a port, both schemes use it; else 443 and 80.
ProbeResult probe_host(const std::string& host, const ProbeOptions& options);

// Probes every host, at most `options.concurrency` at a time; results in the input's order.
std::vector<ProbeResult> probe_hosts(const std::vector<std::string>& hosts, const ProbeOptions& options);

} // namespace ksa::evidence
