// uservice2: not instrumented. Prints the request, runs a mock database query and answers
// with hello-world.html. uservice4.cpp is the same service with tracing.
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
    uservices::mock_database_call(timer_, beast::bind_front_handler(&Session::on_database, self()));
  }

  void on_database(beast::error_code) { do_write(uservices::hello_world(options)); }

  void on_write(beast::error_code ec, std::size_t) { after_write(ec); }
};

}  // namespace

int main(int argc, char** argv) {
  auto parsed = uservices::parse_options(argc, argv, uservices::defaults("uservice2", 8082));
  if (!parsed) return 2;
  options = *parsed;
  return uservices::serve<Session>(options);
}
