// uservice4: uservice2 instrumented with tracewire; its server span is the child of
// uservice3's call_other_uservice span.
#include <tracewire/instrumentation/asio.hpp>
#include <tracewire/instrumentation/beast.hpp>

#include "service.hpp"
#include "tracing.hpp"

namespace {

uservices::Options options;
tracewire::Tracer tracer;

void handle(const uservices::Request& request, uservices::Respond respond) {
  auto span = tracewire::start_server_span(tracer, request, "handle_incoming_call");
  uservices::print_request(request);
  span.add_event("Request decoded!", {{"happened", true}});

  auto query = tracer.start_span("database_call", tracewire::SpanStartOptions().not_current());
  query.set_attributes({{"db.system", "postgresql"}, {"db.operation.name", "SELECT"}});
  uservices::mock_database_call(
      tracewire::bind_context([span = std::move(span), query = std::move(query), respond]() mutable {
        query.end();
        auto answer = uservices::hello_world(options);
        span.set_status(tracewire::StatusCode::ok);
        tracewire::finish_server_span(span, answer);
        respond(std::move(answer));
      }));
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = uservices::parse_options(argc, argv, uservices::defaults("uservice4", 8084));
  if (!parsed) return 2;
  options = *parsed;
  auto provider = uservices::setup_tracing("uservice4");
  tracer = provider->tracer("uservice4", tracewire::version_string);
  const int code = uservices::serve(options, handle);
  provider->shutdown();
  return code;
}
