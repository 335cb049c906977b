// w3c_tracecontext_service: the service that the official W3C Trace Context test suite
// (github.com/w3c/trace-context, test/) drives — the same contract as the test services the
// OpenTelemetry SDKs of other languages ship for it.
//
//   w3c_tracecontext_service --port 7777 [--host 127.0.0.1]
//   python3 test/test.py http://127.0.0.1:7777/test        (in a w3c/trace-context checkout)
//
// It accepts `POST /test` whose body is a JSON array of `{"url": ..., "arguments": [...]}`.
// For each entry, in order, it sends `POST url` with `arguments` as the JSON body, from a new
// client span that is a child of the server span, which itself continues the incoming
// `traceparent`/`tracestate` (tracecontext propagator only, as the suite expects). It answers
// the /test request once every call has completed. `--port 0` picks a free port; the
// listening address is printed on stdout in either case.
//
// Spans are exported as the OTEL_* variables say; without OTEL_TRACES_EXPORTER, nowhere.
//
// The structure is Boost.Beast's example/http/server/async: a listener, a session per
// connection and a call per outgoing request, each driving its own asynchronous chain. One
// thread runs the io_context, so the handlers of a connection never run concurrently.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <tracewire/instrumentation/beast.hpp>
#include <tracewire/propagation/trace_context_propagator.hpp>
#include <tracewire/tracewire.hpp>
#if defined(TRACEWIRE_EXAMPLE_WITH_CURL)
#include <tracewire/transport/curl_http_client.hpp>  // OTEL_TRACES_EXPORTER=otlp sends through libcurl
#endif

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr auto io_timeout = std::chrono::seconds(10);
constexpr std::size_t max_body = 1024 * 1024;

tracewire::Tracer tracer;
const tracewire::TraceContextPropagator propagator;

void fail(beast::error_code ec, const char* what) { std::cerr << what << ": " << ec.message() << "\n"; }

// One outgoing POST, parsed from an entry of the /test body.
struct CallTarget {
  std::string host;
  std::string port;
  std::string target;  // path and query
  std::string body;    // the entry's `arguments`, as JSON
};

// `http://host[:port][/path]`; IPv6 hosts in brackets. nullopt for anything else.
std::optional<CallTarget> parse_http_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme) return std::nullopt;
  url.remove_prefix(scheme.size());
  const std::size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  CallTarget call;
  call.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  call.port = "80";
  std::size_t colon = std::string_view::npos;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    call.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      colon = close + 1;
    }
  } else {
    colon = authority.rfind(':');
    call.host = std::string(authority.substr(0, colon));
  }
  if (colon != std::string_view::npos) call.port = std::string(authority.substr(colon + 1));
  if (call.host.empty() || call.port.empty()) return std::nullopt;
  return call;
}

// The POST request of one call.
http::request<http::string_body> make_request(const CallTarget& target) {
  http::request<http::string_body> request{http::verb::post, target.target, 11};
  request.set(http::field::host, target.host + ":" + target.port);
  request.set(http::field::user_agent, "tracewire w3c_tracecontext_service");
  request.set(http::field::content_type, "application/json");
  request.body() = target.body;
  request.prepare_payload();
  return request;
}

// Sends one POST and reports completion with the response.
class Call : public std::enable_shared_from_this<Call> {
 public:
  using Done = std::function<void(beast::error_code, const http::response<http::string_body>&)>;

  Call(net::any_io_executor executor, const CallTarget& target, http::request<http::string_body> request, Done done)
      : resolver_(executor), stream_(executor), target_(target), request_(std::move(request)), done_(std::move(done)) {}

  void run() {
    resolver_.async_resolve(target_.host, target_.port,
                            beast::bind_front_handler(&Call::on_resolve, shared_from_this()));
  }

 private:
  void on_resolve(beast::error_code ec, const tcp::resolver::results_type& results) {
    if (ec) return finish(ec);
    stream_.expires_after(io_timeout);
    stream_.async_connect(results, beast::bind_front_handler(&Call::on_connect, shared_from_this()));
  }
  void on_connect(beast::error_code ec, const tcp::endpoint&) {
    if (ec) return finish(ec);
    stream_.expires_after(io_timeout);
    http::async_write(stream_, request_, beast::bind_front_handler(&Call::on_write, shared_from_this()));
  }
  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return finish(ec);
    http::async_read(stream_, buffer_, response_, beast::bind_front_handler(&Call::on_read, shared_from_this()));
  }
  void on_read(beast::error_code ec, std::size_t) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    finish(ec);
  }
  void finish(beast::error_code ec) { done_(ec, response_); }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  CallTarget target_;
  http::request<http::string_body> request_;
  Done done_;
  beast::flat_buffer buffer_;
  http::response<http::string_body> response_;
};

// One connection: reads requests, runs their calls one after the other, answers.
class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket&& socket) : stream_(std::move(socket)) {}

  void run() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::do_read, shared_from_this()));
  }

 private:
  void do_read() {
    parser_.emplace();
    parser_->body_limit(max_body);
    stream_.expires_after(io_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec) return fail(ec, "read");
    request_ = parser_->release();
    if (request_.method() != http::verb::post || request_.target() != "/test") {
      return respond(http::status::not_found, "only POST /test is served\n");
    }
    const nlohmann::json body = nlohmann::json::parse(request_.body(), nullptr, /*allow_exceptions=*/false);
    if (!body.is_array()) return respond(http::status::bad_request, "expected a JSON array of {url, arguments}\n");
    calls_.clear();
    for (const nlohmann::json& entry : body) {
      std::optional<CallTarget> call;
      if (entry.is_object() && entry.contains("url") && entry["url"].is_string()) {
        call = parse_http_url(entry["url"].get<std::string>());
      }
      if (!call) return respond(http::status::bad_request, "each entry needs an http:// url\n");
      call->body = entry.contains("arguments") ? entry["arguments"].dump() : "null";
      calls_.push_back(std::move(*call));
    }
    // The server's half of instrumentation: continue the caller's trace. The span outlives
    // this handler (it ends once the response is written), so it is not current here; each
    // call below makes it current while it starts its client span.
    server_span_ = tracewire::start_server_span(tracer, request_, "POST /test", propagator);
    next_call(0);
  }

  void next_call(std::size_t index) {
    if (index == calls_.size()) return respond(http::status::ok, "");
    auto request = make_request(calls_[index]);
    // The client's half: a child of the server span, injected into the request's headers.
    tracewire::Scope scope(server_span_);
    auto client_span =
        std::make_shared<tracewire::Span>(tracewire::start_client_span(tracer, request, "POST", propagator));
    client_span->set_attribute("url.full",
                               "http://" + calls_[index].host + ":" + calls_[index].port + calls_[index].target);
    std::make_shared<Call>(stream_.get_executor(), calls_[index], std::move(request),
                           [self = shared_from_this(), client_span, index](
                               beast::error_code ec, const http::response<http::string_body>& response) {
                             if (ec) {
                               fail(ec, "call");
                               tracewire::fail_client_span(*client_span, ec.message());
                             } else {
                               tracewire::finish_client_span(*client_span, response);
                             }
                             self->next_call(index + 1);
                           })
        ->run();
  }

  void respond(http::status status, std::string text) {
    response_ = {};
    response_.result(status);
    response_.version(request_.version());
    response_.set(http::field::content_type, "text/plain");
    response_.keep_alive(request_.keep_alive());
    response_.body() = std::move(text);
    response_.prepare_payload();
    stream_.expires_after(io_timeout);
    http::async_write(stream_, response_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    tracewire::finish_server_span(server_span_, response_);
    if (ec) return fail(ec, "write");
    if (!response_.keep_alive()) return do_close();
    do_read();
  }

  void do_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  std::vector<CallTarget> calls_;
  tracewire::Span server_span_;
};

// Accepts connections and starts a Session for each.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& context, const tcp::endpoint& endpoint) : context_(context), acceptor_(context) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  void run() { do_accept(); }

 private:
  void do_accept() {
    acceptor_.async_accept(net::make_strand(context_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec) {
      fail(ec, "accept");
    } else {
      std::make_shared<Session>(std::move(socket))->run();
    }
    do_accept();
  }

  net::io_context& context_;
  tcp::acceptor acceptor_;
};

int usage(const char* program) {
  std::cerr << "usage: " << program << " --port N [--host ADDRESS]\n"
            << "  serves POST /test for the W3C Trace Context test suite; --port 0 picks a free port;\n"
            << "  the host defaults to 127.0.0.1\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  std::optional<unsigned long> port;
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    if (argument == "--host" && i + 1 < argc) {
      host = argv[++i];
    } else if (argument == "--port" && i + 1 < argc) {
      char* end = nullptr;
      port = std::strtoul(argv[++i], &end, 10);
      if (*end != '\0' || end == argv[i] || *port > 65535) return usage(argv[0]);
    } else {
      return usage(argv[0]);
    }
  }
  if (!port) return usage(argv[0]);
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (ec) {
    std::cerr << "--host " << host << ": " << ec.message() << "\n";
    return 2;
  }

  tracewire::TracerConfig config;
  config.default_service_name = "w3c_tracecontext_service";
  if (!tracewire::ProcessEnvironment().get("OTEL_TRACES_EXPORTER")) config.exporters = "none";
  auto provider = tracewire::make_provider_from_environment(std::move(config));
  tracer = provider->tracer("w3c_tracecontext_service", tracewire::version_string);

  net::io_context context(1);
  std::shared_ptr<Listener> listener;
  try {
    listener = std::make_shared<Listener>(context, tcp::endpoint(address, static_cast<unsigned short>(*port)));
  } catch (const boost::system::system_error& error) {
    std::cerr << "cannot listen on " << host << ":" << *port << ": " << error.code().message() << "\n";
    return 1;
  }
  listener->run();
  std::cout << "listening on http://" << listener->local_endpoint() << "/test" << std::endl;

  net::signal_set signals(context, SIGINT, SIGTERM);
  signals.async_wait([&context](beast::error_code, int) { context.stop(); });
  context.run();
  provider->shutdown();
  return 0;
}
