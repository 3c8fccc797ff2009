#include "evidence/http_probe.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>

#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <fmt/format.h>

#ifndef KSA_VERSION
#define KSA_VERSION "0.0.0"
#endif

namespace ksa::evidence {
namespace {

// curl_global_init is not thread-safe: once per process, before the first handle.
void initialize_curl() {
    static const CURLcode initialized = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)initialized;
}

struct EasyDeleter {
    void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MultiDeleter {
    void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct UrlDeleter {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using Multi = std::unique_ptr<CURLM, MultiDeleter>;
using Url = std::unique_ptr<CURLU, UrlDeleter>;

struct Target {
    std::string name;
    std::string port; // "" = the scheme's default
};

Target split_host(const std::string& host) {
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        if (close != std::string::npos) {
            const std::string rest = host.substr(close + 1);
            return {host.substr(0, close + 1), rest.starts_with(":") ? rest.substr(1) : ""};
        }
    }
    const auto colon = host.rfind(':');
    if (colon != std::string::npos && host.find(':') == colon) return {host.substr(0, colon), host.substr(colon + 1)};
    return {host, ""};
}

// The URL of `target` for `scheme`, built part by part: curl checks the host name and the
// port, so an entry cannot smuggle a user, a path or another host into it.
std::optional<Url> url_for(const Target& target, const char* scheme) {
    Url url(curl_url());
    if (!url || curl_url_set(url.get(), CURLUPART_SCHEME, scheme, 0) != CURLUE_OK ||
        curl_url_set(url.get(), CURLUPART_HOST, target.name.c_str(), 0) != CURLUE_OK ||
        (!target.port.empty() && curl_url_set(url.get(), CURLUPART_PORT, target.port.c_str(), 0) != CURLUE_OK) ||
        curl_url_set(url.get(), CURLUPART_PATH, "/", 0) != CURLUE_OK)
        return std::nullopt;
    return url;
}

// Which sockets of which attempt got connected: a timeout then says whether the host took the
// connection (libcurl 7.88 reports no connect time for a transfer that failed later, in TLS).
struct SocketWatch {
    std::unordered_map<curl_socket_t, std::size_t> owner{}; // socket → attempt id
    std::vector<char> opened{};                             // by attempt id
    std::vector<char> connected{};                          // by attempt id
};

struct SocketContext {
    SocketWatch* watch = nullptr;
    std::size_t id = 0;
};

curl_socket_t open_socket(void* clientp, curlsocktype, curl_sockaddr* address) {
    auto* context = static_cast<SocketContext*>(clientp);
    const curl_socket_t fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd == CURL_SOCKET_BAD) return fd;
    context->watch->owner[fd] = context->id;
    context->watch->opened[context->id] = 1;
    return fd;
}

int close_socket(void* clientp, curl_socket_t fd) {
    auto* watch = static_cast<SocketWatch*>(clientp);
    if (const auto found = watch->owner.find(fd); found != watch->owner.end()) {
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) == 0) watch->connected[found->second] = 1;
        watch->owner.erase(found);
    }
    return ::close(fd);
}

// One HEAD request of one host over one scheme.
struct Attempt {
    std::size_t id = 0; // in SocketWatch
    std::size_t host = 0;
    bool https = true;
    bool verify = true; // HTTPS: the certificate must verify (the retry after a failure does not)
    Url url;
    Easy easy;
    SocketContext sockets;
    char error[CURL_ERROR_SIZE] = {};
};

long milliseconds(std::chrono::milliseconds value) { return static_cast<long>(value.count()); }

bool start(Attempt& attempt, const ProbeOptions& options, SocketWatch& watch) {
    attempt.easy.reset(curl_easy_init());
    CURL* easy = attempt.easy.get();
    if (easy == nullptr) return false;
    curl_easy_setopt(easy, CURLOPT_CURLU, attempt.url.get());
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L); // HEAD
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROXY, ""); // never a proxy, even when the environment names one
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "koder-spec-audit/" KSA_VERSION);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(options.connect_timeout));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, milliseconds(options.timeout));
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, attempt.error);
    // One connection per request, closed when it ends: the socket callbacks see it close.
    curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
    attempt.sockets = {&watch, attempt.id};
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &attempt.sockets);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, close_socket);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, &watch);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, attempt.verify ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, attempt.verify ? 2L : 0L);
    // As OpenSSL's tools and curl's own command do: a CA bundle or folder named by the environment.
    if (const char* file = std::getenv("SSL_CERT_FILE"); file != nullptr && *file != '\0')
        curl_easy_setopt(easy, CURLOPT_CAINFO, file);
    if (const char* folder = std::getenv("SSL_CERT_DIR"); folder != nullptr && *folder != '\0')
        curl_easy_setopt(easy, CURLOPT_CAPATH, folder);
    return true;
}

curl_off_t time_of(CURL* easy, CURLINFO what) {
    curl_off_t value = 0;
    curl_easy_getinfo(easy, what, &value);
    return value;
}

// Why the attempt got no answer, in the words of the report.
std::string problem_of(const Attempt& attempt, CURLcode code, const std::string& name, const SocketWatch& watch) {
    CURL* easy = attempt.easy.get();
    const std::string detail = attempt.error[0] != '\0' ? attempt.error : curl_easy_strerror(code);
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST: return fmt::format("cannot resolve {}", name);
    case CURLE_COULDNT_CONNECT: {
        long os_error = 0;
        curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_error);
        return os_error != 0 ? std::string(std::strerror(static_cast<int>(os_error))) : detail;
    }
    case CURLE_OPERATION_TIMEDOUT:
        if (watch.opened[attempt.id] == 0) return fmt::format("cannot resolve {} within the timeout", name);
        if (watch.connected[attempt.id] == 0) return "connection timed out";
        if (attempt.https && time_of(easy, CURLINFO_APPCONNECT_TIME_T) == 0) return "no TLS answer within the timeout";
        return "no answer within the timeout";
    case CURLE_GOT_NOTHING: return "the connection closed without an answer";
    case CURLE_WEIRD_SERVER_REPLY: return "the answer is not HTTP";
    case CURLE_UNSUPPORTED_PROTOCOL: // "Received HTTP/0.9 when not allowed": no status line
        return std::strstr(attempt.error, "HTTP/0.9") != nullptr ? "the answer is not HTTP" : detail;
    case CURLE_SSL_CONNECT_ERROR: return fmt::format("TLS: {}", detail);
    default: return detail;
    }
}

class Prober {
  public:
    Prober(const std::vector<std::string>& hosts, const ProbeOptions& options)
        : hosts_(hosts), options_(options), results_(hosts.size()), https_problems_(hosts.size()),
          certificate_problems_(hosts.size()) {}

    std::vector<ProbeResult> run() {
        initialize_curl();
        multi_.reset(curl_multi_init());
        for (std::size_t i = 0; i < hosts_.size(); ++i) {
            if (split_host(hosts_[i]).name.empty())
                results_[i] = {false, "", "empty host name"};
            else
                queue(i, true, true);
        }
        if (!multi_) {
            for (ProbeResult& result : results_)
                if (result.problem.empty() && !result.reachable) result.problem = "cannot set up libcurl";
            return results_;
        }
        int running = 0;
        while (!waiting_.empty() || running > 0) {
            while (!waiting_.empty() && in_flight_.size() < std::max(1U, options_.concurrency))
                launch();
            curl_multi_perform(multi_.get(), &running);
            finish_done();
            if (running > 0) curl_multi_poll(multi_.get(), nullptr, 0, 200, nullptr);
            running = static_cast<int>(in_flight_.size());
        }
        return results_;
    }

  private:
    void queue(std::size_t host, bool https, bool verify) {
        auto attempt = std::make_unique<Attempt>();
        attempt->id = watch_.opened.size();
        watch_.opened.push_back(0);
        watch_.connected.push_back(0);
        attempt->host = host;
        attempt->https = https;
        attempt->verify = verify;
        waiting_.push_back(std::move(attempt));
    }

    void launch() {
        std::unique_ptr<Attempt> attempt = std::move(waiting_.front());
        waiting_.pop_front();
        const Target target = split_host(hosts_[attempt->host]);
        auto url = url_for(target, attempt->https ? "https" : "http");
        if (!url) {
            results_[attempt->host] = {false, "",
                                       fmt::format("{} is not a host name libcurl accepts", hosts_[attempt->host])};
            return;
        }
        attempt->url = std::move(*url);
        if (!start(*attempt, options_, watch_) ||
            curl_multi_add_handle(multi_.get(), attempt->easy.get()) != CURLM_OK) {
            settle(*attempt, CURLE_FAILED_INIT);
            return;
        }
        in_flight_.push_back(std::move(attempt));
    }

    void finish_done() {
        int left = 0;
        while (CURLMsg* message = curl_multi_info_read(multi_.get(), &left)) {
            if (message->msg != CURLMSG_DONE) continue;
            for (auto it = in_flight_.begin(); it != in_flight_.end(); ++it) {
                if ((*it)->easy.get() != message->easy_handle) continue;
                std::unique_ptr<Attempt> attempt = std::move(*it);
                in_flight_.erase(it);
                curl_multi_remove_handle(multi_.get(), attempt->easy.get());
                settle(*attempt, message->data.result);
                break;
            }
        }
    }

    // What one finished attempt means for its host: an answer, a retry, or the next scheme.
    void settle(Attempt& attempt, CURLcode code) {
        const std::size_t host = attempt.host;
        const std::string name = split_host(hosts_[host]).name;
        if (code == CURLE_OK) {
            long status = 0;
            curl_easy_getinfo(attempt.easy.get(), CURLINFO_RESPONSE_CODE, &status);
            if (!attempt.https)
                results_[host] = {true, fmt::format("HTTP {}", status), ""};
            else if (attempt.verify)
                results_[host] = {true, fmt::format("HTTPS {} (certificate verified)", status), ""};
            else
                results_[host] = {
                    true, fmt::format("HTTPS {} (certificate not verified: {})", status, certificate_problems_[host]),
                    ""};
            return;
        }
        if (attempt.https && attempt.verify && code == CURLE_PEER_FAILED_VERIFICATION) {
            certificate_problems_[host] = attempt.error[0] != '\0' ? attempt.error : curl_easy_strerror(code);
            queue(host, true, false);
            return;
        }
        if (attempt.https) {
            https_problems_[host] = problem_of(attempt, code, name, watch_);
            queue(host, false, true);
            return;
        }
        results_[host] = {
            false, "",
            fmt::format("https: {}; http: {}", https_problems_[host], problem_of(attempt, code, name, watch_))};
    }

    const std::vector<std::string>& hosts_;
    const ProbeOptions& options_;
    std::vector<ProbeResult> results_;
    std::vector<std::string> https_problems_;
    std::vector<std::string> certificate_problems_;
    SocketWatch watch_; // outlives every handle: it is declared before them
    Multi multi_;
    std::deque<std::unique_ptr<Attempt>> waiting_;
    std::vector<std::unique_ptr<Attempt>> in_flight_;
};

} // namespace

std::vector<ProbeResult> probe_hosts(const std::vector<std::string>& hosts, const ProbeOptions& options) {
    return Prober(hosts, options).run();
}

} // namespace ksa::evidence
