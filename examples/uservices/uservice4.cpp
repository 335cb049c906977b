// uservice4: uservice2 instrumented with tracewire; its server span is the child of
// uservice3's call_other_uservice span (compare with uservice2.cpp).
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
    span_ = tracewire::start_server_span(tracer, request_, "handle_incoming_call");
    uservices::print_request(request_);
    span_.add_event("Request decoded!", {{"happened", true}});

    query_ =
        tracer.start_span("database_call", tracewire::SpanStartOptions().with_parent(span_.to_context()).not_current());
    query_.set_attributes({{"db.system", "postgresql"}, {"db.operation.name", "SELECT"}});
    uservices::mock_database_call(timer_, beast::bind_front_handler(&Session::on_database, self()));
  }

  void on_database(beast::error_code) {
    query_.end();
    span_.set_status(tracewire::StatusCode::ok);
    do_write(uservices::hello_world(options));
  }

  void on_write(beast::error_code ec, std::size_t) {
    tracewire::finish_server_span(span_, response_);
    after_write(ec);
  }

 private:
  tracewire::Span span_;   // the request
  tracewire::Span query_;  // the mock database query
};

}  // namespace

int main(int argc, char** argv) {
  auto parsed = uservices::parse_options(argc, argv, uservices::defaults("uservice4", 8084));
  if (!parsed) return 2;
  options = *parsed;
  auto provider = uservices::setup_tracing("uservice4");
  tracer = provider->tracer("uservice4", tracewire::version_string);
  const int code = uservices::serve<Session>(options);
  provider->shutdown();
  return code;
}
