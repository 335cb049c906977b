// uservice2: not instrumented. Prints the request, runs a mock database query and answers
// with hello-world.html.
#include "service.hpp"

namespace {

uservices::Options options;

void handle(const uservices::Request& request, uservices::Respond respond) {
  uservices::print_request(request);
  uservices::mock_database_call([respond] { respond(uservices::hello_world(options)); });
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = uservices::parse_options(argc, argv, uservices::defaults("uservice2", 8082));
  if (!parsed) return 2;
  options = *parsed;
  return uservices::serve(options, handle);
}
