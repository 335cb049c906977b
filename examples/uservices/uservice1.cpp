// uservice1: not instrumented. Prints the request, runs a mock Redis command, calls
// uservice2, prints its answer and answers with hello-world.html.
#include "service.hpp"

namespace {

uservices::Options options;

void handle(const uservices::Request& request, uservices::Respond respond) {
  uservices::print_request(request);
  uservices::mock_redis_call([respond] {
    const auto url = uservices::parse_url(options.downstream);
    uservices::http_get(*url, uservices::make_get(*url),
                        [respond](uservices::beast::error_code ec, uservices::Response response) {
                          if (ec) std::cout << "downstream call failed: " << ec.message() << std::endl;
                          else uservices::print_response(response);
                          respond(uservices::hello_world(options));
                        });
  });
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = uservices::parse_options(argc, argv, uservices::defaults("uservice1", 8081, "http://127.0.0.1:8082/"));
  if (!parsed || !uservices::parse_url(parsed->downstream)) return 2;
  options = *parsed;
  return uservices::serve(options, handle);
}
