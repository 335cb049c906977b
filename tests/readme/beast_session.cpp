// The block of "Context in asynchronous code" in the code around it: a session of Boost.Beast's
// example/http/server/async with a timer, the server span as a member, and the tracer.
#include <memory>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <tracewire/instrumentation/asio.hpp>
#include <tracewire/instrumentation/beast.hpp>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
tracewire::Tracer tracer;

void fail(beast::error_code, const char*) {}
http::response<http::string_body> make_response(const http::request<http::string_body>& request) {
  return http::response<http::string_body>(http::status::ok, request.version());
}

class session : public std::enable_shared_from_this<session> {
 public:
  explicit session(boost::asio::ip::tcp::socket&& socket)
      : stream_(std::move(socket)), timer_(stream_.get_executor()) {}

#include TRACEWIRE_README_SNIPPET

 private:
  void do_read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_, beast::bind_front_handler(&session::on_read, shared_from_this()));
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  boost::asio::steady_timer timer_;
  tracewire::Span span_;
};

}  // namespace

// A session as a listener would make one.
std::shared_ptr<void> make_readme_session(boost::asio::ip::tcp::socket&& socket) {
  return std::make_shared<session>(std::move(socket));
}
