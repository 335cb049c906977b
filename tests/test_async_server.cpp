// An asynchronous Boost.Beast server instrumented the way the README teaches (server span
// started in on_read, current only inside its handlers through bind_context, ended in
// on_write), serving interleaved requests over real sockets: every request's spans stay in
// its own trace, whatever thread or strand runs its handlers.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "support/recording_provider.hpp"
#include "tracewire/instrumentation/asio.hpp"
#include "tracewire/instrumentation/beast.hpp"
#include "tracewire/config/make_propagator.hpp"

using namespace tracewire;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

/// What the server observed that it must never observe.
struct Violations {
  std::atomic<int> stale_context_on_read{0};  // something was current between handlers
  std::atomic<int> wrong_current_in_handler{0};
};

class TracedSession : public std::enable_shared_from_this<TracedSession> {
 public:
  TracedSession(tcp::socket&& socket, Tracer& tracer, const TextMapPropagator& propagator, Violations& violations)
      : stream_(std::move(socket)),
        timer_(stream_.get_executor()),
        tracer_(tracer),
        propagator_(propagator),
        violations_(violations) {}

  void run() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&TracedSession::do_read, shared_from_this()));
  }

 private:
  void do_read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_,
                     beast::bind_front_handler(&TracedSession::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;
    if (Context::current().span_context().is_valid()) ++violations_.stale_context_on_read;
    span_ = start_server_span(tracer_, request_, {}, propagator_);
    span_.set_attribute("request.id", std::string(request_["x-request-id"]));
    // A short random wait, so that requests on one thread interleave.
    static thread_local std::minstd_rand random(std::random_device{}());
    timer_.expires_after(std::chrono::milliseconds(random() % 15));
    timer_.async_wait(bind_context(span_, beast::bind_front_handler(&TracedSession::on_work, shared_from_this())));
  }

  void on_work(beast::error_code) {
    if (Context::current().span_context() != span_.context()) ++violations_.wrong_current_in_handler;
    {
      auto work = tracer_.start_span("work");  // a child of the server span, which bind_context made current
      work.set_attribute("request.id", std::string(request_["x-request-id"]));
    }
    response_ = {http::status::ok, request_.version()};
    response_.keep_alive(request_.keep_alive());
    response_.body() = "ok";
    response_.prepare_payload();
    http::async_write(stream_, response_, beast::bind_front_handler(&TracedSession::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    finish_server_span(span_, response_);
    if (ec || !response_.keep_alive()) return;
    do_read();
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  Tracer& tracer_;
  const TextMapPropagator& propagator_;
  Violations& violations_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  Span span_;
};

enum class Executors { one_thread, four_threads_strand_per_connection, four_threads_one_strand };

/// The server: accepts on loopback, a TracedSession per connection.
class Server {
 public:
  Server(Executors executors, Tracer& tracer, const TextMapPropagator& propagator)
      : executors_(executors),
        acceptor_(context_, {net::ip::make_address("127.0.0.1"), 0}),
        shared_strand_(context_.get_executor()),
        tracer_(tracer),
        propagator_(propagator) {
    accept();
    const int threads = executors == Executors::one_thread ? 1 : 4;
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { context_.run(); });
  }
  ~Server() {
    context_.stop();
    for (auto& thread : threads_) thread.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  Violations violations;

 private:
  void accept() {
    auto on_accept = [this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<TracedSession>(std::move(socket), tracer_, propagator_, violations)->run();
      accept();
    };
    switch (executors_) {
      case Executors::one_thread:
        acceptor_.async_accept(context_, on_accept);
        break;
      case Executors::four_threads_strand_per_connection:
        acceptor_.async_accept(net::make_strand(context_), on_accept);
        break;
      case Executors::four_threads_one_strand:
        acceptor_.async_accept(shared_strand_, on_accept);
        break;
    }
  }

  Executors executors_;
  net::io_context context_;
  tcp::acceptor acceptor_;
  net::strand<net::io_context::executor_type> shared_strand_;
  Tracer& tracer_;
  const TextMapPropagator& propagator_;
  std::vector<std::thread> threads_;
};

/// One incoming request as a client sends it: which trace header it carries.
struct Incoming {
  std::string id;
  std::string header;  // "traceparent", "uber-trace-id" or "" (none)
  std::string trace_id;
  std::string span_id;
};

std::string random_hex(std::size_t digits) {
  static thread_local std::mt19937_64 random(std::random_device{}());
  std::string text;
  while (text.size() < digits) text += "0123456789abcdef"[random() % 16];
  return text;
}

/// Sends `requests` one after the other on one keep-alive connection.
void send(unsigned short port, std::vector<Incoming>& requests) {
  net::io_context context;
  beast::tcp_stream stream(context);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  for (Incoming& incoming : requests) {
    http::request<http::empty_body> request{http::verb::get, "/items", 11};
    request.set(http::field::host, "127.0.0.1");
    request.set("x-request-id", incoming.id);
    if (incoming.header == "traceparent") {
      request.set("traceparent", "00-" + incoming.trace_id + "-" + incoming.span_id + "-01");
    } else if (incoming.header == "uber-trace-id") {
      request.set("uber-trace-id", incoming.trace_id + ":" + incoming.span_id + ":0:1");
    }
    request.keep_alive(true);
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    REQUIRE(response.result() == http::status::ok);
  }
}

std::string attribute_text(const SpanData& span, std::string_view key) {
  const AttributeValue* value = span.attribute(key);
  return value && value->get_if<std::string_view>() ? std::string(*value->get_if<std::string_view>()) : "";
}

void serve_interleaved_requests(Executors executors) {
  tracewire_test::RecordingProvider recorded;
  const auto propagator = make_propagator("tracecontext,jaeger");
  std::vector<std::vector<Incoming>> connections(12);
  int next_id = 0;
  for (std::size_t c = 0; c < connections.size(); ++c) {
    for (int r = 0; r < 3; ++r) {  // three requests per connection, each with another kind of header
      const int id = next_id++;
      const char* kinds[] = {"traceparent", "uber-trace-id", ""};
      connections[c].push_back({std::to_string(id), kinds[(c + r) % 3], random_hex(32), random_hex(16)});
    }
  }
  {
    Server server(executors, recorded.tracer, *propagator);
    std::vector<std::thread> clients;
    for (auto& requests : connections) clients.emplace_back([&] { send(server.port(), requests); });
    for (auto& client : clients) client.join();
    CHECK(server.violations.stale_context_on_read == 0);
    CHECK(server.violations.wrong_current_in_handler == 0);
  }

  std::map<std::string, std::vector<SpanData>> by_request;
  for (SpanData& span : recorded.spans->snapshot()) by_request[attribute_text(span, "request.id")].push_back(span);
  std::set<std::string> new_traces;
  for (const auto& requests : connections) {
    for (const Incoming& incoming : requests) {
      CAPTURE(incoming.id);
      CAPTURE(incoming.header);
      const auto& spans = by_request[incoming.id];
      REQUIRE(spans.size() == 2);
      const SpanData& server = spans[0].kind() == SpanKind::server ? spans[0] : spans[1];
      const SpanData& work = spans[0].kind() == SpanKind::server ? spans[1] : spans[0];
      CHECK(server.kind() == SpanKind::server);
      CHECK(work.name() == "work");
      CHECK(work.parent_span_id() == server.span_id());
      CHECK(work.trace_id() == server.trace_id());
      if (incoming.header.empty()) {
        CHECK_FALSE(server.parent_span_id().is_valid());  // a new trace, not a child of an earlier request
        CHECK(new_traces.insert(server.trace_id().to_hex()).second);
      } else {
        CHECK(server.trace_id().to_hex() == incoming.trace_id);
        CHECK(server.parent_span_id().to_hex() == incoming.span_id);
        CHECK(server.parent_is_remote());
      }
    }
  }
  for (const auto& requests : connections) {
    for (const Incoming& incoming : requests) CHECK(new_traces.count(incoming.trace_id) == 0);
  }
}

}  // namespace

TEST_SUITE("instrumentation") {
  TEST_CASE("async server on a one-thread io_context: interleaved requests each keep their own trace") {
    serve_interleaved_requests(Executors::one_thread);
  }
  TEST_CASE("async server on a four-thread io_context, a strand per connection: each request keeps its trace") {
    serve_interleaved_requests(Executors::four_threads_strand_per_connection);
  }
  TEST_CASE("async server on a four-thread io_context, every connection on one strand: each request keeps its trace") {
    serve_interleaved_requests(Executors::four_threads_one_strand);
  }
}
