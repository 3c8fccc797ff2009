// gate-check --online: is a production host answering? A HEAD request over HTTPS, then over
// plain HTTP, through libcurl: every host at once (the multi interface), each request bounded
// by a connect timeout and a total timeout that both include name resolution, certificates
// checked against the system's CA store. libcurl is used here only. Never used by a hook.
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
    std::chrono::milliseconds connect_timeout{3000}; // name resolution, connection and TLS handshake
    std::chrono::milliseconds timeout{3000};         // the whole request, per host and scheme
    unsigned concurrency = 16;                       // requests in flight at once
};

// Probes every host ("host", "host:port", "[v6]:port": with a port both schemes use it, else
// 443 and 80); results in the input's order. HTTPS first: a host whose certificate does not
// verify is asked again without verification (reachability is the question; the answer says
// the certificate was not verified, and why), one that does not answer HTTPS is asked over HTTP.
// The CA store is the system's (libcurl's default), or SSL_CERT_FILE / SSL_CERT_DIR when set.
// Proxies are never used: the question is whether the host itself answers.
std::vector<ProbeResult> probe_hosts(const std::vector<std::string>& hosts, const ProbeOptions& options);

} // namespace ksa::evidence
