// uservice3: uservice1 instrumented with tracewire.
//
// Each step of a request runs in an Asio completion handler, possibly on another thread:
// tracewire::bind_context carries the server span into it, so the spans started there are
// its children.
#include <tracewire/instrumentation/asio.hpp>
#include <tracewire/instrumentation/beast.hpp>

#include "service.hpp"
#include "tracing.hpp"

namespace {

uservices::Options options;
tracewire::Tracer tracer;

void call_other_uservice(tracewire::Span server_span, uservices::Respond respond) {
  const auto url = uservices::parse_url(options.downstream);
  auto request = uservices::make_get(*url);
  auto span = tracewire::start_client_span(tracer, request, "call_other_uservice");  // injects uber-trace-id
  uservices::http_get(*url, std::move(request),
                      tracewire::bind_context([server_span = std::move(server_span), span = std::move(span), respond](
                                                  uservices::beast::error_code ec, uservices::Response response) mutable {
                        if (ec) {
                          tracewire::fail_client_span(span, ec.message());
                        } else {
                          tracewire::finish_client_span(span, response);
                          uservices::print_response(response);
                        }
                        auto answer = uservices::hello_world(options);
                        server_span.set_status(tracewire::StatusCode::ok);
                        tracewire::finish_server_span(server_span, answer);
                        respond(std::move(answer));
                      }));
}

void handle(const uservices::Request& request, uservices::Respond respond) {
  // A child of the incoming uber-trace-id (or traceparent), with the HTTP attributes.
  auto span = tracewire::start_server_span(tracer, request, "handle_incoming_call");
  uservices::print_request(request);
  span.add_event("Request decoded!", {{"happened", true}});

  // Ends in the timer's handler, so it is not made current here.
  auto redis = tracer.start_span("redis_call", tracewire::SpanStartOptions().not_current());
  redis.set_attribute("test-attribute-1", "test-values-1");
  uservices::mock_redis_call(
      tracewire::bind_context([span = std::move(span), redis = std::move(redis), respond]() mutable {
        redis.end();
        call_other_uservice(std::move(span), respond);
      }));
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = uservices::parse_options(argc, argv, uservices::defaults("uservice3", 8083, "http://127.0.0.1:8084/"));
  if (!parsed || !uservices::parse_url(parsed->downstream)) return 2;
  options = *parsed;
  auto provider = uservices::setup_tracing("uservice3");
  tracer = provider->tracer("uservice3", tracewire::version_string);
  const int code = uservices::serve(options, handle);
  provider->shutdown();  // exports the spans still queued
  return code;
}
