// uservice3: uservice1 instrumented with tracewire (compare the two files: the tracing is
// the lines that mention it).
//
// The server span starts when the request has been read and ends when the response has
// been written. It is not current on the thread that reads the request, because the work
// continues in completion handlers, possibly on the io_context's other thread:
// tracewire::bind_context makes the span current while each of them runs, so the spans
// they start are its children, the downstream call carries it and the lines they print
// carry its trace id.
#include <tracewire/instrumentation/asio.hpp>
#include <tracewire/instrumentation/beast.hpp>

#include "service.hpp"
#include "tracing.hpp"

namespace {

uservices::Options options;
tracewire::Tracer tracer;
namespace beast = uservices::beast;

class Session : public uservices::Session<Session> {
 public:
  using uservices::Session<Session>::Session;

  void on_read(beast::error_code ec, std::size_t) {
    if (!read_ok(ec)) return;
    // A child of the incoming uber-trace-id (or traceparent), with the HTTP attributes.
    span_ = tracewire::start_server_span(tracer, request_, "handle_incoming_call");
    const tracewire::Scope scope(span_);  // the lines printed here carry its trace id
    uservices::print_request(request_);
    span_.add_event("Request decoded!", {{"happened", true}});

    redis_ =
        tracer.start_span("redis_call", tracewire::SpanStartOptions().with_parent(span_.to_context()).not_current());
    redis_.set_attribute("test-attribute-1", "test-values-1");
    uservices::mock_redis_call(timer_,
                               tracewire::bind_context(span_, beast::bind_front_handler(&Session::on_redis, self())));
  }

  void on_redis(beast::error_code) {
    redis_.end();
    const auto url = uservices::parse_url(options.downstream);
    auto request = uservices::make_get(*url);
    call_ = tracewire::start_client_span(tracer, request, "call_other_uservice");  // injects uber-trace-id
    uservices::http_get(executor(), *url, std::move(request),
                        tracewire::bind_context(span_, beast::bind_front_handler(&Session::on_downstream, self())));
  }

  void on_downstream(beast::error_code ec, uservices::Response response) {
    if (ec) {
      tracewire::fail_client_span(call_, ec.message());
    } else {
      tracewire::finish_client_span(call_, response);
      uservices::print_response(response);
    }
    span_.set_status(tracewire::StatusCode::ok);
    do_write(uservices::hello_world(options));
  }

  void on_write(beast::error_code ec, std::size_t) {
    tracewire::finish_server_span(span_, response_);  // the response is on its way: the request is done
    after_write(ec);
  }

 private:
  tracewire::Span span_;   // the request
  tracewire::Span redis_;  // the mock Redis call
  tracewire::Span call_;   // the call to uservice4
};

}  // namespace

int main(int argc, char** argv) {
  auto parsed = uservices::parse_options(argc, argv, uservices::defaults("uservice3", 8083, "http://127.0.0.1:8084/"));
  if (!parsed || !uservices::parse_url(parsed->downstream)) return 2;
  options = *parsed;
  auto provider = uservices::setup_tracing("uservice3");
  tracer = provider->tracer("uservice3", tracewire::version_string);
  const int code = uservices::serve<Session>(options);
  provider->shutdown();  // exports the spans still queued
  return code;
}
