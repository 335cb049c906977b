// uservice4: uservice2 instrumented with tracewire; its server span is the child of
// uservice3's call_other_uservice span (compare with uservice2.cpp). With --postgres URL
// (built when tracewire::libpq is), its database call is a real query, `SELECT pg_sleep(…)`,
// whose client span comes from tracewire's libpq instrumentation.
#include <memory>
#include <string>

#include <tracewire/instrumentation/asio.hpp>
#include <tracewire/instrumentation/beast.hpp>

#include "service.hpp"
#include "tracing.hpp"
#ifdef USERVICES_WITH_POSTGRES
#include "postgres.hpp"
#endif

namespace {

uservices::Options options;
tracewire::Tracer tracer;
namespace beast = uservices::beast;
#ifdef USERVICES_WITH_POSTGRES
std::unique_ptr<uservices::Postgres> postgres;  // set by --postgres
#endif

class Session : public uservices::Session<Session> {
 public:
  using uservices::Session<Session>::Session;

  void on_read(beast::error_code ec, std::size_t) {
    if (!read_ok(ec)) return;
    span_ = tracewire::start_server_span(tracer, request_, "handle_incoming_call");
    const tracewire::Scope scope(span_);  // the lines printed here carry its trace id
    uservices::print_request(request_);
    span_.add_event("Request decoded!", {{"happened", true}});
#ifdef USERVICES_WITH_POSTGRES
    if (postgres) {
      return postgres->sleep(uservices::database_query_ms(), span_.to_context(), executor(),
                             beast::bind_front_handler(&Session::on_postgres, self()));
    }
#endif

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

  // The real query's end (its span has ended): `error` is empty, or why it failed.
  void on_postgres(const std::string& error) {
    if (error.empty()) return on_database({});
    const tracewire::Scope scope(span_);
    uservices::print_line("database query failed: " + error);
    span_.set_status(tracewire::StatusCode::error, error);
    uservices::Response response{uservices::http::status::internal_server_error, request_.version()};
    response.body() = "database query failed\n";
    do_write(std::move(response));
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
  auto defaults = uservices::defaults("uservice4", 8084);
  defaults.has_database = true;
  auto parsed = uservices::parse_options(argc, argv, defaults);
  if (!parsed) return 2;
  options = *parsed;
  auto provider = uservices::setup_tracing("uservice4");
  tracer = provider->tracer("uservice4", tracewire::version_string);
  if (!options.postgres.empty()) {
#ifdef USERVICES_WITH_POSTGRES
    postgres = std::make_unique<uservices::Postgres>(options.postgres, tracer);
#else
    std::cerr << "uservice4: built without libpq (Debian: libpq-dev), so --postgres is not available\n";
    return 2;
#endif
  }
  const int code = uservices::serve<Session>(options);
#ifdef USERVICES_WITH_POSTGRES
  postgres.reset();  // waits for the queries under way, whose spans are then exported
#endif
  provider->shutdown();
  return code;
}
