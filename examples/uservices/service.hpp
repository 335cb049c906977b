// The plumbing the four demo services share, none of it about tracing: command line and
// environment, the read/write/close steps of a Boost.Beast HTTP/1.1 session and the
// listener that accepts connections (as in Beast's example/http/server/async), an async
// HTTP GET client, the mock Redis and database calls, and printing requests. Each service
// writes its own session (on_read → its steps → on_write); the instrumented ones put their
// tracing there (and a log tag, so that the lines printed about a request name its trace).
#pragma once

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace uservices {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// What a service is told on its command line, or else by environment variables (for
/// containers), or else the loopback defaults of the original demo.
struct Options {
  std::string name;
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string downstream;             ///< http://host:port/path of the next service (uservice1 and 3)
  std::string html = USERVICES_HTML;  ///< the page every service answers with
  std::optional<unsigned> seed;       ///< fixes the mock calls' random durations (tests)
  bool has_database = false;          ///< takes --postgres (uservice4)
  std::string postgres;               ///< libpq connection string or URL; empty: the mock database query
};

/// The loopback defaults of service `name`.
inline Options defaults(std::string name, unsigned short port, std::string downstream = {}) {
  Options options;
  options.name = std::move(name);
  options.port = port;
  options.downstream = std::move(downstream);
  return options;
}

inline void usage(const Options& defaults) {
  std::cerr << "usage: " << defaults.name << " [--listen HOST:PORT] "
            << (defaults.downstream.empty() ? "" : "[--downstream URL] ") << "[--html FILE] [--seed N]"
            << (defaults.has_database ? " [--postgres URL]" : "") << "\n"
            << "  --listen      USERVICE_LISTEN      default " << defaults.host << ':' << defaults.port
            << " (port 0: any free port)\n"
            << (defaults.downstream.empty()
                    ? ""
                    : "  --downstream  USERVICE_DOWNSTREAM  default " + defaults.downstream + "\n")
            << "  --html        USERVICE_HTML        default " << defaults.html << "\n"
            << "  --seed        USERVICE_SEED        random durations of the mock calls\n"
            << (defaults.has_database
                    ? "  --postgres    USERVICE_POSTGRES    run the database query on PostgreSQL (libpq "
                      "connection string or URL) instead of the mock\n"
                    : "");
}

inline bool set_listen(Options& options, const std::string& value) {
  const std::size_t colon = value.rfind(':');
  if (colon == std::string::npos) return false;
  char* end = nullptr;
  const unsigned long port = std::strtoul(value.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || colon + 1 == value.size() || port > 65535) return false;
  options.host = value.substr(0, colon);
  options.port = static_cast<unsigned short>(port);
  return true;
}

/// Parses flags over environment over defaults; prints the usage and returns nothing on a
/// bad or `--help` command line.
inline std::optional<Options> parse_options(int argc, char** argv, Options defaults) {
  Options options = defaults;
  const auto env = [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
  std::vector<std::pair<std::string, std::string>> settings;
  for (const char* name :
       {"USERVICE_LISTEN", "USERVICE_DOWNSTREAM", "USERVICE_HTML", "USERVICE_SEED", "USERVICE_POSTGRES"}) {
    if (auto value = env(name)) settings.emplace_back(name, *value);
  }
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc || (flag != "--listen" && flag != "--downstream" && flag != "--html" && flag != "--seed" &&
                          flag != "--postgres")) {
      usage(defaults);
      return std::nullopt;
    }
    settings.emplace_back(flag, argv[++i]);
  }
  for (const auto& [name, value] : settings) {
    bool valid = true;
    if (name == "--listen" || name == "USERVICE_LISTEN") {
      valid = set_listen(options, value);
    } else if ((name == "--downstream" || name == "USERVICE_DOWNSTREAM") && !defaults.downstream.empty()) {
      options.downstream = value;
    } else if (name == "--html" || name == "USERVICE_HTML") {
      options.html = value;
    } else if (name == "--seed" || name == "USERVICE_SEED") {
      char* end = nullptr;
      options.seed = static_cast<unsigned>(std::strtoul(value.c_str(), &end, 10));
      valid = *end == '\0';
    } else if ((name == "--postgres" || name == "USERVICE_POSTGRES") && defaults.has_database) {
      options.postgres = value;
    }
    if (!valid) {
      std::cerr << defaults.name << ": bad value for " << name << ": " << value << "\n";
      usage(defaults);
      return std::nullopt;
    }
  }
  return options;
}

/// The services' one io_context, run by two threads (see `serve`).
inline net::io_context& io_context() {
  static net::io_context context;
  return context;
}

/// Random durations for the mock calls, reproducible with --seed.
class Random {
 public:
  static Random& instance() {
    static Random random;
    return random;
  }
  void seed(unsigned value) {
    std::lock_guard<std::mutex> lock(mutex_);
    engine_.seed(value);
  }
  int between(int low, int high) {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::uniform_int_distribution<int>(low, high)(engine_);
  }

 private:
  Random() : engine_(std::random_device()()) {}
  std::mutex mutex_;
  std::mt19937 engine_;
};

/// What the lines a service prints about a request end with: nothing, unless the service
/// sets a function here (the instrumented ones: the current span's trace and span ids, see
/// tracing.hpp). Set it before serving.
inline std::function<std::string()>& log_tag() {
  static std::function<std::string()> tag;
  return tag;
}
/// `line` with the log tag.
inline std::string tagged(std::string line) { return log_tag() ? line + log_tag()() : line; }
/// Prints one line about the request being handled, with the log tag, in one write.
inline void print_line(const std::string& line) { std::cout << tagged(line) + "\n" << std::flush; }

/// How long a database query takes: a random 1000–1999 ms (the mock's wait, or the
/// pg_sleep of uservice4's real query).
inline int database_query_ms() { return Random::instance().between(1000, 1999); }

/// Runs `handler(error_code)` on `timer`'s executor after `milliseconds`: a stand-in for a
/// Redis command or a database query.
template <class Handler>
void after_delay(net::steady_timer& timer, const char* what, int milliseconds, Handler&& handler) {
  print_line(what + (": " + std::to_string(milliseconds)) + " ms");
  timer.expires_after(std::chrono::milliseconds(milliseconds));
  timer.async_wait(std::forward<Handler>(handler));
}

template <class Handler>
void mock_redis_call(net::steady_timer& timer, Handler&& handler) {
  after_delay(timer, "mock redis call", Random::instance().between(100, 199), std::forward<Handler>(handler));
}
template <class Handler>
void mock_database_call(net::steady_timer& timer, Handler&& handler) {
  after_delay(timer, "mock database query", database_query_ms(), std::forward<Handler>(handler));
}

inline void fail(beast::error_code ec, const char* what) { std::cerr << what << ": " << ec.message() << "\n"; }

inline std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

/// A 200 answer with the service's page (a 500 if the page cannot be read).
inline Response hello_world(const Options& options) {
  Response response;
  std::string page = read_file(options.html);
  response.result(page.empty() ? http::status::internal_server_error : http::status::ok);
  response.set(http::field::content_type, "text/html; charset=utf-8");
  response.body() = page.empty() ? "cannot read " + options.html + "\n" : std::move(page);
  return response;
}

template <class Message>
void print_message(const char* what, const Message& message) {
  std::ostringstream text;
  text << tagged(std::string("--- ") + what) << "\n" << message.base() << std::flush;
  std::cout << text.str() << std::endl;
}
inline void print_request(const Request& request) { print_message("request", request); }
inline void print_response(const Response& response) { print_message("response from downstream", response); }

/// Where a --downstream URL points: `http://host[:port][/target]`.
struct Url {
  std::string host;
  std::string port = "80";
  std::string target = "/";
};
inline std::optional<Url> parse_url(const std::string& text) {
  const std::string scheme = "http://";
  if (text.compare(0, scheme.size(), scheme) != 0) return std::nullopt;
  Url url;
  const std::string rest = text.substr(scheme.size());
  const std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) url.target = rest.substr(slash);
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos) {
    url.port = authority.substr(colon + 1);
    authority.resize(colon);
  }
  url.host = authority;
  if (url.host.empty()) return std::nullopt;
  return url;
}

/// A GET request for `url` with its Host header set.
inline Request make_get(const Url& url) {
  Request request{http::verb::get, url.target, 11};
  request.set(http::field::host, url.host + (url.port == "80" ? "" : ":" + url.port));
  request.set(http::field::user_agent, "uservices-demo");
  return request;
}

/// One HTTP GET on its own connection, run on `executor` (the caller's strand): resolve,
/// connect, write, read, then `handler(error_code, Response)`.
template <class Handler>
class HttpGet : public std::enable_shared_from_this<HttpGet<Handler>> {
 public:
  HttpGet(net::any_io_executor executor, Url url, Request request, Handler handler)
      : url_(std::move(url)),
        request_(std::move(request)),
        handler_(std::move(handler)),
        resolver_(executor),
        stream_(executor) {}

  void start() {
    resolver_.async_resolve(url_.host, url_.port,
                            beast::bind_front_handler(&HttpGet::on_resolve, this->shared_from_this()));
  }

 private:
  void on_resolve(beast::error_code ec, const tcp::resolver::results_type& results) {
    if (ec) return finish(ec);
    stream_.expires_after(std::chrono::seconds(10));
    stream_.async_connect(results, beast::bind_front_handler(&HttpGet::on_connect, this->shared_from_this()));
  }
  void on_connect(beast::error_code ec, const tcp::endpoint&) {
    if (ec) return finish(ec);
    http::async_write(stream_, request_, beast::bind_front_handler(&HttpGet::on_write, this->shared_from_this()));
  }
  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return finish(ec);
    http::async_read(stream_, buffer_, response_,
                     beast::bind_front_handler(&HttpGet::on_read, this->shared_from_this()));
  }
  void on_read(beast::error_code ec, std::size_t) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    finish(ec);
  }
  void finish(beast::error_code ec) { handler_(ec, std::move(response_)); }

  Url url_;
  Request request_;
  Handler handler_;
  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  Response response_;
};

template <class Handler>
void http_get(net::any_io_executor executor, const Url& url, Request request, Handler&& handler) {
  using Decayed = std::decay_t<Handler>;
  std::make_shared<HttpGet<Decayed>>(std::move(executor), url, std::move(request), std::forward<Handler>(handler))
      ->start();
}

/// The steps every session shares, for a service's `Derived` session to build on: read a
/// request into `request_` (then `Derived::on_read`), write `response_` (then
/// `Derived::on_write`), keep the connection for the next request or close it. The session's
/// handlers, its timer and its downstream calls all run on the connection's strand.
template <class Derived>
class Session : public std::enable_shared_from_this<Derived> {
 public:
  explicit Session(tcp::socket&& socket) : stream_(std::move(socket)), timer_(stream_.get_executor()) {}

  void run() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::do_read, self())); }

 protected:
  std::shared_ptr<Derived> self() { return this->shared_from_this(); }

  void do_read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, request_, beast::bind_front_handler(&Derived::on_read, self()));
  }

  /// Common checks of a read: false (and the connection closed) if there is no request.
  bool read_ok(beast::error_code ec) {
    if (ec == http::error::end_of_stream) {
      do_close();
      return false;
    }
    if (ec) {
      if (ec != net::error::operation_aborted) fail(ec, "read");
      return false;
    }
    stream_.expires_never();  // the service may take seconds to answer
    return true;
  }

  void do_write(Response response) {
    response.version(request_.version());
    response.keep_alive(request_.keep_alive());
    response.prepare_payload();
    response_ = std::move(response);
    http::async_write(stream_, response_, beast::bind_front_handler(&Derived::on_write, self()));
  }

  /// After a write: the next request on a kept-alive connection, else close.
  void after_write(beast::error_code ec) {
    if (ec) return fail(ec, "write");
    if (!response_.keep_alive()) return do_close();
    do_read();
  }

  void do_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  net::any_io_executor executor() { return stream_.get_executor(); }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  Request request_;
  Response response_;
  net::steady_timer timer_;  // the mock Redis and database calls
};

/// Accepts connections and starts a `SessionType` for each, on its own strand.
template <class SessionType>
class Listener : public std::enable_shared_from_this<Listener<SessionType>> {
 public:
  explicit Listener(tcp::acceptor& acceptor) : acceptor_(acceptor) {}
  void accept() {
    acceptor_.async_accept(net::make_strand(io_context()),
                           beast::bind_front_handler(&Listener::on_accept, this->shared_from_this()));
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (ec)
      fail(ec, "accept");
    else
      std::make_shared<SessionType>(std::move(socket))->run();
    accept();
  }
  tcp::acceptor& acceptor_;
};

/// Serves `SessionType` sessions on the options' address until SIGINT or SIGTERM, with two
/// threads running the io_context (so that handlers really do hop between threads). Prints
/// `<name> listening on http://HOST:PORT` (with the actual port) once it accepts. Returns
/// the exit code for main.
template <class SessionType>
int serve(const Options& options) {
  if (options.seed) Random::instance().seed(*options.seed);
  net::io_context& context = io_context();
  tcp::acceptor acceptor(context);
  beast::error_code ec;
  const tcp::endpoint endpoint(net::ip::make_address(options.host, ec), options.port);
  if (!ec) acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << options.name << ": cannot listen on " << options.host << ':' << options.port << ": " << ec.message()
              << "\n";
    return 1;
  }
  std::make_shared<Listener<SessionType>>(acceptor)->accept();
  net::signal_set signals(context, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { context.stop(); });
  std::cout << options.name << " listening on http://" << options.host << ':' << acceptor.local_endpoint().port()
            << std::endl;
  std::thread second([&] { context.run(); });
  context.run();
  second.join();
  return 0;
}

}  // namespace uservices
