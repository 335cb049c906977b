// HttpClient as a user implements it ("pass your own HttpClient"): a client written here on
// plain POSIX sockets, with no libcurl anywhere in this program (it links tracewire::tracewire
// only), carries the posts of OtlpHttpExporter, JaegerHttpExporter and ZipkinExporter to
// receiver.js, which decodes them with its independent decoders.
#include <doctest/doctest.h>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <string>

#include "support/peer_process.hpp"
#include "support/sample_spans.hpp"
#include "tracewire/export/jaeger/jaeger_http_exporter.hpp"
#include "tracewire/export/otlp/otlp_http_exporter.hpp"
#include "tracewire/export/zipkin_exporter.hpp"
#include "tracewire/transport/http_client.hpp"

using namespace tracewire;
using nlohmann::json;
using tracewire_test::Receiver;

namespace {

/// A user's HttpClient: HTTP/1.1 over a new TCP connection per request (`Connection: close`),
/// plain `http://` URLs, no compression. Everything tracewire asks of a client is here: post
/// the body with the content type and headers, honour the timeout, return any response as a
/// value (status, lowercase header names, body) and a missing one as an Error.
class SocketHttpClient final : public HttpClient {
 public:
  Expected<HttpResponse> post(const HttpRequest& request) noexcept override {
    try {
      ++posts;
      return send(request);
    } catch (...) {
      return Error{ErrorCode::io_failure, "out of memory"};
    }
  }

  std::atomic<int> posts{0};

 private:
  struct Socket {
    int fd = -1;
    ~Socket() {
      if (fd >= 0) ::close(fd);
    }
  };

  static Expected<HttpResponse> send(const HttpRequest& request) {
    if (request.gzip) return Error{ErrorCode::not_supported, "this client does not compress"};
    const std::string prefix = "http://";
    if (request.url.compare(0, prefix.size(), prefix) != 0) return Error{ErrorCode::not_supported, "http:// only"};
    const std::size_t slash = request.url.find('/', prefix.size());
    const std::string authority = request.url.substr(prefix.size(), slash - prefix.size());
    const std::string path = slash == std::string::npos ? "/" : request.url.substr(slash);
    const std::size_t colon = authority.rfind(':');
    const std::string host = authority.substr(0, colon);
    const std::string port = colon == std::string::npos ? "80" : authority.substr(colon + 1);

    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* addresses = nullptr;
    if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &addresses) != 0) {
      return Error{ErrorCode::network_failure, "cannot resolve " + host};
    }
    Socket socket;
    for (addrinfo* a = addresses; a != nullptr && socket.fd < 0; a = a->ai_next) {
      socket.fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (socket.fd >= 0 && ::connect(socket.fd, a->ai_addr, a->ai_addrlen) != 0) {
        ::close(socket.fd);
        socket.fd = -1;
      }
    }
    ::freeaddrinfo(addresses);
    if (socket.fd < 0) return Error{ErrorCode::network_failure, "cannot connect to " + authority};

    std::string message = "POST " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n" +
                          "Content-Type: " + std::string(request.content_type) + "\r\n" +
                          "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
    for (const auto& [name, value] : request.headers) message += name + ": " + value + "\r\n";
    message += "\r\n";
    message.append(request.body);
    for (std::size_t sent = 0; sent < message.size();) {
      const ssize_t n = ::send(socket.fd, message.data() + sent, message.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return Error{ErrorCode::network_failure, "connection lost while sending"};
      sent += static_cast<std::size_t>(n);
    }

    // The whole answer, until the server closes (Connection: close) or the timeout ends.
    const auto deadline = std::chrono::steady_clock::now() + request.timeout;
    std::string answer;
    for (char buffer[4096];;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd ready{socket.fd, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) != 1) {
        return Error{ErrorCode::timeout, "no complete response in time"};
      }
      const ssize_t n = ::recv(socket.fd, buffer, sizeof buffer, 0);
      if (n < 0) return Error{ErrorCode::network_failure, "connection reset"};
      if (n == 0) break;
      answer.append(buffer, static_cast<std::size_t>(n));
    }
    return parse(answer);
  }

  static Expected<HttpResponse> parse(const std::string& answer) {
    const std::size_t end_of_headers = answer.find("\r\n\r\n");
    if (answer.compare(0, 9, "HTTP/1.1 ") != 0 || end_of_headers == std::string::npos) {
      return Error{ErrorCode::network_failure, "connection closed without a response"};
    }
    HttpResponse response;
    response.status = std::stoi(answer.substr(9, 3));
    for (std::size_t line = answer.find("\r\n") + 2; line < end_of_headers;) {
      const std::size_t next = answer.find("\r\n", line);
      const std::string header = answer.substr(line, next - line);
      const std::size_t colon = header.find(':');
      std::string name = header.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      const std::size_t value = header.find_first_not_of(' ', colon + 1);
      response.headers.emplace_back(name, value == std::string::npos ? "" : header.substr(value));
      line = next + 2;
    }
    response.body = answer.substr(end_of_headers + 4);
    return response;
  }
};

std::string base_url(const Receiver& receiver) { return "http://127.0.0.1:" + std::to_string(receiver.http_port()); }

json next_record(Receiver& receiver, const char* kind) {
  auto record = receiver.next(std::chrono::seconds(10));
  REQUIRE(record);
  REQUIRE_MESSAGE(record->at("kind") == kind, record->dump());
  return *record;
}

// The span names of a decoded OTLP body, in order.
std::vector<std::string> otlp_names(const json& body) {
  std::vector<std::string> names;
  for (const json& resource : body.at("resourceSpans")) {
    for (const json& scope : resource.at("scopeSpans")) {
      for (const json& span : scope.at("spans")) names.push_back(span.at("name"));
    }
  }
  return names;
}

const std::vector<std::string> sample_names{"GET /checkout", "SELECT orders", "parse"};

}  // namespace

TEST_SUITE("export") {
  TEST_CASE("a user-written HttpClient carries OtlpHttpExporter's posts, retries included, without libcurl") {
    CHECK(make_default_http_client() == nullptr);  // no libcurl client in this program
    Receiver::Options receiver_options;
    receiver_options.script = json::array({{{"status", 503}}});  // the first post is retried
    Receiver receiver(receiver_options);
    OtlpExporterConfig options;
    options.endpoint = base_url(receiver);
    options.retry = RetryOptions{3, std::chrono::milliseconds(10), std::chrono::milliseconds(10), 1, 0};
    auto client = std::make_unique<SocketHttpClient>();
    SocketHttpClient& posts = *client;
    OtlpHttpExporter exporter(finalize_config(options), std::move(client));
    tracewire_test::SampleSpans sample;
    CHECK(exporter.export_spans(sample.all()) == ExportResult::success);

    next_record(receiver, "otlp-proto");  // answered 503
    const json record = next_record(receiver, "otlp-proto");
    CHECK(record.at("path") == "/v1/traces");
    CHECK(record.at("headers").at("content-type") == "application/x-protobuf");
    CHECK(otlp_names(record.at("body")) == sample_names);
    CHECK(posts.posts == 2);
    CHECK(exporter.stats().spans_exported == 3);
    CHECK(exporter.stats().requests_retried == 1);
  }

  TEST_CASE("a user-written HttpClient carries JaegerHttpExporter's and ZipkinExporter's posts") {
    Receiver receiver;
    tracewire_test::SampleSpans sample;

    JaegerHttpExporterOptions jaeger_options;
    jaeger_options.endpoint = base_url(receiver) + "/api/traces";
    jaeger_options.bearer_token = "token-1";
    JaegerHttpExporter jaeger(jaeger_options, std::make_unique<SocketHttpClient>());
    CHECK(jaeger.export_spans(sample.all()) == ExportResult::success);
    const json batch = next_record(receiver, "jaeger-http");
    CHECK(batch.at("headers").at("authorization") == "Bearer token-1");
    std::vector<std::string> names;
    for (const json& span : batch.at("batch").at("spans")) names.push_back(span.at("operationName"));
    CHECK(names == sample_names);
    CHECK(jaeger.stats().spans_exported == 3);

    ZipkinExporterOptions zipkin_options;
    zipkin_options.endpoint = base_url(receiver) + "/api/v2/spans";
    ZipkinExporter zipkin(zipkin_options, std::make_unique<SocketHttpClient>());
    CHECK(zipkin.export_spans(sample.all()) == ExportResult::success);
    const json spans = next_record(receiver, "zipkin").at("body");
    names.clear();
    for (const json& span : spans) names.push_back(span.at("name"));
    CHECK(names == sample_names);
    CHECK(zipkin.stats().spans_exported == 3);
  }
}
