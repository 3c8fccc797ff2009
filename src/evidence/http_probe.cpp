#include "evidence/http_probe.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <thread>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

namespace ksa::evidence {
namespace {

using Clock = std::chrono::steady_clock;

struct Target {
    std::string name;
    std::string port; // "" = the scheme's default
};

Target split_host(const std::string& host) {
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        if (close != std::string::npos) {
            const std::string rest = host.substr(close + 1);
            return {host.substr(1, close - 1), rest.starts_with(":") ? rest.substr(1) : ""};
        }
    }
    const auto colon = host.rfind(':');
    if (colon != std::string::npos && host.find(':') == colon) return {host.substr(0, colon), host.substr(colon + 1)};
    return {host, ""};
}

class Socket {
  public:
    explicit Socket(int fd = -1) : fd_(fd) {}
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    Socket(Socket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    [[nodiscard]] int fd() const { return fd_; }

  private:
    int fd_;
};

int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on fd until the deadline: false on timeout or error.
bool wait_for(int fd, short events, Clock::time_point deadline) {
    pollfd entry{fd, events, 0};
    for (;;) {
        const int ready = ::poll(&entry, 1, remaining_ms(deadline));
        if (ready > 0) return true;
        if (ready == 0) return false;
        if (errno != EINTR) return false;
    }
}

// A non-blocking TCP connection to the first address that accepts, within the deadline.
std::optional<Socket> connect_to(const Target& target, const std::string& port, Clock::time_point deadline,
                                 std::string& problem) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int status = ::getaddrinfo(target.name.c_str(), port.c_str(), &hints, &found); status != 0) {
        problem = fmt::format("cannot resolve {}: {}", target.name, ::gai_strerror(status));
        return std::nullopt;
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
    problem = "no address";
    for (addrinfo* address = found; address != nullptr; address = address->ai_next) {
        Socket socket(
            ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address->ai_protocol));
        if (socket.fd() < 0) continue;
        if (::connect(socket.fd(), address->ai_addr, address->ai_addrlen) != 0 && errno != EINPROGRESS) {
            problem = std::strerror(errno);
            continue;
        }
        if (!wait_for(socket.fd(), POLLOUT, deadline)) {
            problem = "connection timed out";
            continue;
        }
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            problem = std::strerror(error);
            continue;
        }
        return socket;
    }
    return std::nullopt;
}

std::string head_request(const Target& target) {
    return fmt::format("HEAD / HTTP/1.1\r\nHost: {}\r\nUser-Agent: koder-spec-audit\r\nConnection: close\r\n\r\n",
                       target.name);
}

// "HTTP/1.1 200 OK\r\n..." → 200; nullopt when the answer is no HTTP status line.
std::optional<int> status_code(std::string_view answer) {
    if (!answer.starts_with("HTTP/") || answer.size() < 12) return std::nullopt;
    const auto space = answer.find(' ');
    if (space == std::string_view::npos || space + 4 > answer.size()) return std::nullopt;
    int code = 0;
    for (std::size_t i = space + 1; i < space + 4; ++i) {
        if (answer[i] < '0' || answer[i] > '9') return std::nullopt;
        code = code * 10 + (answer[i] - '0');
    }
    return code;
}

ProbeResult probe_http(const Target& target, const ProbeOptions& options) {
    ProbeResult result;
    const auto deadline = Clock::now() + options.timeout;
    auto socket = connect_to(target, target.port.empty() ? "80" : target.port, deadline, result.problem);
    if (!socket) return result;
    const std::string request = head_request(target);
    std::size_t sent = 0;
    while (sent < request.size()) {
        if (!wait_for(socket->fd(), POLLOUT, deadline)) {
            result.problem = "timed out sending the request";
            return result;
        }
        const ssize_t count = ::send(socket->fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (count < 0 && errno != EAGAIN && errno != EINTR) {
            result.problem = std::strerror(errno);
            return result;
        }
        if (count > 0) sent += static_cast<std::size_t>(count);
    }
    std::string answer;
    while (answer.find("\r\n") == std::string::npos && answer.size() < 4096) {
        if (!wait_for(socket->fd(), POLLIN, deadline)) {
            result.problem = "no answer within the timeout";
            return result;
        }
        char buffer[1024];
        const ssize_t count = ::recv(socket->fd(), buffer, sizeof buffer, 0);
        if (count == 0) break;
        if (count < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            result.problem = std::strerror(errno);
            return result;
        }
        answer.append(buffer, static_cast<std::size_t>(count));
    }
    const auto code = status_code(answer);
    if (!code) {
        result.problem = answer.empty() ? "the connection closed without an answer" : "the answer is not HTTP";
        return result;
    }
    result.reachable = true;
    result.answer = fmt::format("HTTP {}", *code);
    return result;
}

// mbedTLS callbacks over the non-blocking socket, bounded by the attempt's deadline.
struct TlsIo {
    int fd;
    Clock::time_point deadline;
};

int tls_send(void* context, const unsigned char* data, std::size_t length) {
    auto* io = static_cast<TlsIo*>(context);
    if (!wait_for(io->fd, POLLOUT, io->deadline)) return MBEDTLS_ERR_SSL_TIMEOUT;
    const ssize_t count = ::send(io->fd, data, length, MSG_NOSIGNAL);
    if (count < 0) return errno == EAGAIN ? MBEDTLS_ERR_SSL_WANT_WRITE : MBEDTLS_ERR_NET_SEND_FAILED;
    return static_cast<int>(count);
}

int tls_receive(void* context, unsigned char* data, std::size_t length, std::uint32_t) {
    auto* io = static_cast<TlsIo*>(context);
    if (!wait_for(io->fd, POLLIN, io->deadline)) return MBEDTLS_ERR_SSL_TIMEOUT;
    const ssize_t count = ::recv(io->fd, data, length, 0);
    if (count < 0) return errno == EAGAIN ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_NET_RECV_FAILED;
    return static_cast<int>(count);
}

std::string tls_error(int code) {
    if (code == MBEDTLS_ERR_SSL_TIMEOUT) return "no TLS answer within the timeout";
    char text[200];
    mbedtls_strerror(code, text, sizeof text);
    return fmt::format("TLS: {}", text);
}

// All mbedTLS state of one attempt, freed in one place.
struct TlsSession {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context random;
    mbedtls_ssl_config config;
    mbedtls_ssl_context ssl;
    mbedtls_x509_crt authorities;
    TlsSession() {
        mbedtls_entropy_init(&entropy);
        mbedtls_ctr_drbg_init(&random);
        mbedtls_ssl_config_init(&config);
        mbedtls_ssl_init(&ssl);
        mbedtls_x509_crt_init(&authorities);
    }
    ~TlsSession() {
        mbedtls_x509_crt_free(&authorities);
        mbedtls_ssl_free(&ssl);
        mbedtls_ssl_config_free(&config);
        mbedtls_ctr_drbg_free(&random);
        mbedtls_entropy_free(&entropy);
    }
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;
};

ProbeResult probe_https(const Target& target, const ProbeOptions& options) {
    ProbeResult result;
    const auto deadline = Clock::now() + options.timeout;
    auto socket = connect_to(target, target.port.empty() ? "443" : target.port, deadline, result.problem);
    if (!socket) return result;
    TlsSession tls;
    static constexpr unsigned char personal[] = "koder-spec-audit";
    int status = mbedtls_ctr_drbg_seed(&tls.random, mbedtls_entropy_func, &tls.entropy, personal, sizeof personal);
    if (status == 0)
        status = mbedtls_ssl_config_defaults(&tls.config, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                             MBEDTLS_SSL_PRESET_DEFAULT);
    if (status != 0) {
        result.problem = tls_error(status);
        return result;
    }
    // Reachability is the question; the certificate's validity is reported, not required.
    const bool have_authorities =
        mbedtls_x509_crt_parse_file(&tls.authorities, "/etc/ssl/certs/ca-certificates.crt") >= 0;
    mbedtls_ssl_conf_ca_chain(&tls.config, &tls.authorities, nullptr);
    mbedtls_ssl_conf_authmode(&tls.config, MBEDTLS_SSL_VERIFY_OPTIONAL);
    mbedtls_ssl_conf_rng(&tls.config, mbedtls_ctr_drbg_random, &tls.random);
    if ((status = mbedtls_ssl_setup(&tls.ssl, &tls.config)) != 0 ||
        (status = mbedtls_ssl_set_hostname(&tls.ssl, target.name.c_str())) != 0) {
        result.problem = tls_error(status);
        return result;
    }
    TlsIo io{socket->fd(), deadline};
    mbedtls_ssl_set_bio(&tls.ssl, &io, tls_send, nullptr, tls_receive);
    while ((status = mbedtls_ssl_handshake(&tls.ssl)) != 0) {
        if (status != MBEDTLS_ERR_SSL_WANT_READ && status != MBEDTLS_ERR_SSL_WANT_WRITE) {
            result.problem = tls_error(status);
            return result;
        }
        if (remaining_ms(deadline) == 0) {
            result.problem = "no TLS answer within the timeout";
            return result;
        }
    }
    const bool verified = have_authorities && mbedtls_ssl_get_verify_result(&tls.ssl) == 0;
    const std::string request = head_request(target);
    std::size_t sent = 0;
    while (sent < request.size()) {
        status = mbedtls_ssl_write(&tls.ssl, reinterpret_cast<const unsigned char*>(request.data() + sent),
                                   request.size() - sent);
        if (status > 0)
            sent += static_cast<std::size_t>(status);
        else if ((status != MBEDTLS_ERR_SSL_WANT_WRITE && status != MBEDTLS_ERR_SSL_WANT_READ) ||
                 remaining_ms(deadline) == 0) {
            result.problem = tls_error(status);
            return result;
        }
    }
    std::string answer;
    while (answer.find("\r\n") == std::string::npos && answer.size() < 4096) {
        unsigned char buffer[1024];
        status = mbedtls_ssl_read(&tls.ssl, buffer, sizeof buffer);
        if (status > 0)
            answer.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(status));
        else if (status == 0 || status == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
            break;
        else if ((status != MBEDTLS_ERR_SSL_WANT_READ && status != MBEDTLS_ERR_SSL_WANT_WRITE) ||
                 remaining_ms(deadline) == 0) {
            result.problem = tls_error(status);
            return result;
        }
    }
    const auto code = status_code(answer);
    if (!code) {
        result.problem = "the TLS connection gave no HTTP answer";
        return result;
    }
    result.reachable = true;
    result.answer = fmt::format("HTTPS {} (certificate {})", *code, verified ? "verified" : "not verified");
    return result;
}

} // namespace

ProbeResult probe_host(const std::string& host, const ProbeOptions& options) {
    const Target target = split_host(host);
    if (target.name.empty()) return {false, "", "empty host name"};
    ProbeResult https = probe_https(target, options);
    if (https.reachable) return https;
    ProbeResult http = probe_http(target, options);
    if (http.reachable) return http;
    return {false, "", fmt::format("https: {}; http: {}", https.problem, http.problem)};
}

std::vector<ProbeResult> probe_hosts(const std::vector<std::string>& hosts, const ProbeOptions& options) {
    std::vector<ProbeResult> results(hosts.size());
    std::atomic<std::size_t> next{0};
    const auto worker = [&] {
        for (std::size_t i = next++; i < hosts.size(); i = next++)
            results[i] = probe_host(hosts[i], options);
    };
    const unsigned count = std::max(1U, std::min<unsigned>(options.concurrency, static_cast<unsigned>(hosts.size())));
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < count; ++i)
        workers.emplace_back(worker);
    for (std::thread& thread : workers)
        thread.join();
    return results;
}

} // namespace ksa::evidence
