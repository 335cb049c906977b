// examples/w3c_tracecontext_service over loopback, as the W3C Trace Context test suite drives
// it: POST /test names a second local listener (here), and the headers that listener receives
// are decoded by the official OpenTelemetry JS W3C propagator (tests/peers/propagators.js).
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "support/peer_process.hpp"

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

namespace {

// A loopback HTTP server on its own thread that answers 200 to everything and keeps each
// request it received for the test to inspect.
class CallbackListener {
 public:
  CallbackListener() : acceptor_(io_, tcp::endpoint(net::ip::address_v4::loopback(), 0)) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~CallbackListener() {
    io_.stop();
    thread_.join();
  }
  CallbackListener(const CallbackListener&) = delete;
  CallbackListener& operator=(const CallbackListener&) = delete;

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port()) + path; }

  /// The next request received; nullopt if none arrives in time.
  std::optional<Request> next(std::chrono::milliseconds timeout = 10s) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!ready_.wait_for(lock, timeout, [this] { return !received_.empty(); })) return std::nullopt;
    Request request = std::move(received_.front());
    received_.pop_front();
    return request;
  }

 private:
  struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    beast::flat_buffer buffer;
    Request request;
    Response response;
  };

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      read(std::make_shared<Connection>(std::move(socket)));
      accept();
    });
  }
  void read(const std::shared_ptr<Connection>& connection) {
    connection->request = {};
    http::async_read(connection->socket, connection->buffer, connection->request,
                     [this, connection](beast::error_code ec, std::size_t) {
                       if (ec) return;
                       {
                         std::lock_guard<std::mutex> lock(mutex_);
                         received_.push_back(connection->request);
                       }
                       ready_.notify_all();
                       connection->response = {http::status::ok, connection->request.version()};
                       connection->response.keep_alive(connection->request.keep_alive());
                       connection->response.prepare_payload();
                       http::async_write(connection->socket, connection->response,
                                         [this, connection](beast::error_code write_ec, std::size_t) {
                                           if (!write_ec && connection->response.keep_alive()) read(connection);
                                         });
                     });
  }

  net::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Request> received_;
};

// The example service as a child process on a free port.
class Service {
 public:
  Service() : process_({TRACEWIRE_W3C_SERVICE, "--port", "0"}) {
    const auto line = process_.read_line(20s);
    REQUIRE_MESSAGE(line, "the service did not start");
    // "listening on http://127.0.0.1:<port>/test"
    const std::size_t colon = line->rfind(':');
    const std::size_t slash = line->rfind('/');
    REQUIRE((colon != std::string::npos && slash > colon));
    port_ = static_cast<unsigned short>(std::stoul(line->substr(colon + 1, slash - colon - 1)));
  }

  /// Sends `request` to the service; nullopt on a connection error or a 20 s timeout.
  std::optional<Response> send(Request request) {
    net::io_context io;
    beast::tcp_stream stream(io);
    beast::flat_buffer buffer;
    Response response;
    bool ok = false;
    request.set(http::field::host, "127.0.0.1");
    request.prepare_payload();
    stream.expires_after(20s);
    stream.async_connect(tcp::endpoint(net::ip::address_v4::loopback(), port_), [&](beast::error_code ec) {
      if (ec) return;
      http::async_write(stream, request, [&](beast::error_code write_ec, std::size_t) {
        if (write_ec) return;
        http::async_read(stream, buffer, response, [&](beast::error_code read_ec, std::size_t) { ok = !read_ec; });
      });
    });
    io.run();
    if (!ok) return std::nullopt;
    return response;
  }

 private:
  tracewire_test::ChildProcess process_;
  unsigned short port_ = 0;
};

Request post_test(const std::string& body) {
  Request request{http::verb::post, "/test", 11};
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  return request;
}

// The W3C headers of a request, as JSON for the reference propagator.
nlohmann::json w3c_headers(const Request& request) {
  nlohmann::json headers = nlohmann::json::object();
  for (const char* name : {"traceparent", "tracestate"}) {
    auto found = request.find(name);
    if (found != request.end()) headers[name] = std::string(found->value());
  }
  return headers;
}

tracewire_test::ReferencePropagators& reference() {
  static tracewire_test::ReferencePropagators propagators;
  return propagators;
}

}  // namespace

TEST_SUITE("examples") {
  TEST_CASE("w3c_tracecontext_service continues the incoming trace in each call it makes") {
    CallbackListener listener;
    Service service;
    const nlohmann::json calls = nlohmann::json::array(
        {{{"url", listener.url("/first")}, {"arguments", nlohmann::json::array({{{"url", "http://x/"}}})}},
         {{"url", listener.url("/second")}, {"arguments", nlohmann::json::array()}}});

    Request request = post_test(calls.dump());
    request.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    request.set("tracestate", "foo=1,bar=2");
    const auto response = service.send(request);
    REQUIRE(response);
    CHECK(response->result() == http::status::ok);

    std::string first_parent;
    for (const char* path : {"/first", "/second"}) {
      CAPTURE(path);
      const auto call = listener.next();
      REQUIRE(call);
      CHECK(call->method() == http::verb::post);
      CHECK(call->target() == path);
      CHECK(nlohmann::json::parse(call->body()) == calls[path == std::string("/first") ? 0 : 1]["arguments"]);
      const nlohmann::json seen = reference().extract("tracecontext", w3c_headers(*call));
      CAPTURE(seen.dump());
      REQUIRE(seen["valid"] == true);
      CHECK(seen["traceId"] == "0af7651916cd43dd8448eb211c80319c");
      CHECK(seen["spanId"] != "b7ad6b7169203331");  // a new span, child of the server span
      CHECK(seen["sampled"] == true);
      CHECK(seen["traceState"] == "foo=1,bar=2");
      if (first_parent.empty()) {
        first_parent = seen["spanId"].get<std::string>();
      } else {
        CHECK(seen["spanId"] != first_parent);  // one client span per call
      }
    }
  }

  TEST_CASE("w3c_tracecontext_service keeps the unsampled decision and restarts on an invalid traceparent") {
    CallbackListener listener;
    Service service;
    const std::string body = nlohmann::json::array({{{"url", listener.url("/")}, {"arguments", 1}}}).dump();

    Request unsampled = post_test(body);
    unsampled.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
    REQUIRE(service.send(unsampled));
    auto call = listener.next();
    REQUIRE(call);
    nlohmann::json seen = reference().extract("tracecontext", w3c_headers(*call));
    CHECK(seen["valid"] == true);
    CHECK(seen["traceId"] == "0af7651916cd43dd8448eb211c80319c");
    CHECK(seen["sampled"] == false);
    CHECK(seen["traceState"].is_null());

    Request invalid = post_test(body);
    invalid.set("traceparent", "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01");  // uppercase
    invalid.set("tracestate", "foo=1");
    REQUIRE(service.send(invalid));
    call = listener.next();
    REQUIRE(call);
    seen = reference().extract("tracecontext", w3c_headers(*call));
    CHECK(seen["valid"] == true);
    CHECK(seen["traceId"] != "0af7651916cd43dd8448eb211c80319c");
    CHECK(seen["traceState"].is_null());  // tracestate is ignored with an invalid traceparent
  }

  TEST_CASE("w3c_tracecontext_service rejects what is not the suite's contract without stopping") {
    CallbackListener listener;
    Service service;
    for (const char* body : {"not json", "{\"url\": \"http://127.0.0.1:1/\"}", "[{\"url\": \"ftp://host/\"}]", "[1]"}) {
      CAPTURE(body);
      const auto response = service.send(post_test(body));
      REQUIRE(response);
      CHECK(response->result() == http::status::bad_request);
    }
    Request other{http::verb::get, "/", 11};
    const auto not_found = service.send(other);
    REQUIRE(not_found);
    CHECK(not_found->result() == http::status::not_found);
    // Still serving, and nothing was called.
    const auto ok = service.send(post_test("[]"));
    REQUIRE(ok);
    CHECK(ok->result() == http::status::ok);
    CHECK_FALSE(listener.next(200ms));
  }
}
