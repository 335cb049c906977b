// uservice1: not instrumented. Prints the request, runs a mock Redis command, calls
// uservice2, prints its answer and answers with hello-world.html. uservice3.cpp is the same
// service with tracing: compare the two.
#include "service.hpp"

namespace {

uservices::Options options;
namespace beast = uservices::beast;

class Session : public uservices::Session<Session> {
 public:
  using uservices::Session<Session>::Session;

  void on_read(beast::error_code ec, std::size_t) {
    if (!read_ok(ec)) return;
    uservices::print_request(request_);
    uservices::mock_redis_call(timer_, beast::bind_front_handler(&Session::on_redis, self()));
  }

  void on_redis(beast::error_code) {
    const auto url = uservices::parse_url(options.downstream);
    uservices::http_get(executor(), *url, uservices::make_get(*url),
                        beast::bind_front_handler(&Session::on_downstream, self()));
  }

  void on_downstream(beast::error_code ec, uservices::Response response) {
    if (ec)
      std::cout << "downstream call failed: " << ec.message() << std::endl;
    else
      uservices::print_response(response);
    do_write(uservices::hello_world(options));
  }

  void on_write(beast::error_code ec, std::size_t) { after_write(ec); }
};

}  // namespace

int main(int argc, char** argv) {
  auto parsed = uservices::parse_options(argc, argv, uservices::defaults("uservice1", 8081, "http://127.0.0.1:8082/"));
  if (!parsed || !uservices::parse_url(parsed->downstream)) return 2;
  options = *parsed;
  return uservices::serve<Session>(options);
}
