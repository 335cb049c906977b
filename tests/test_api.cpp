// tracewire/api.hpp compiles on its own (it is this file's first include), gives a library
// what it needs to emit spans, and brings in no exporter, transport or configuration.
#include "tracewire/api.hpp"

#include <doctest/doctest.h>

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// Declared here, after api.hpp: if api.hpp had included the header that defines one of
// them, it would be complete below.
namespace tracewire {
inline namespace v0 {
class SpanExporter;        // export/span_exporter.hpp: every exporter
class HttpClient;          // transport/http_client.hpp: libcurl's client
class Environment;         // config/environment.hpp: OTEL_* configuration
struct TracerConfig;       // config/tracer_config.hpp
class ConsoleExporter;     // export/console_exporter.hpp
class BatchSpanProcessor;  // trace/batch_span_processor.hpp: the SDK's processor
}  // namespace v0
}  // namespace tracewire

namespace {

template <class T, class = void>
struct is_complete : std::false_type {};
template <class T>
struct is_complete<T, std::void_t<decltype(sizeof(T))>> : std::true_type {};

static_assert(!is_complete<tracewire::SpanExporter>::value, "api.hpp must not include an exporter");
static_assert(!is_complete<tracewire::HttpClient>::value, "api.hpp must not include a transport");
static_assert(!is_complete<tracewire::Environment>::value, "api.hpp must not include the configuration");
static_assert(!is_complete<tracewire::TracerConfig>::value, "api.hpp must not include the configuration");
static_assert(!is_complete<tracewire::ConsoleExporter>::value, "api.hpp must not include an exporter");
static_assert(!is_complete<tracewire::BatchSpanProcessor>::value, "api.hpp must not include the batch processor");

// What a library does: takes a tracer, starts a span under the caller's context and
// passes the trace on in the headers of its outgoing call.
std::vector<std::pair<std::string, std::string>> instrumented_call(tracewire::Tracer& tracer,
                                                                   const tracewire::SpanContext& caller) {
  auto span = tracer.start_span(
      "GET /rows", tracewire::SpanStartOptions().with_kind(tracewire::SpanKind::client).with_parent(caller));
  span.set_attribute(tracewire::semconv::http::request_method, "GET");
  tracewire::Scope scope(tracewire::Context::current());
  std::vector<std::pair<std::string, std::string>> headers;
  tracewire::ContainerSetter setter(headers);
  tracewire::global_propagator()->inject(tracewire::Context::current(), setter);
  return headers;
}

}  // namespace

TEST_SUITE("api") {
  TEST_CASE("a library built on api.hpp alone continues its caller's trace through the global provider") {
    // Until the application installs a provider, the global one records nothing, yet the
    // caller's trace is passed on.
    auto tracer = tracewire::global_provider()->tracer("library", tracewire::version_string);
    const tracewire::SpanContext caller{*tracewire::TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736"),
                                        *tracewire::SpanId::from_hex("00f067aa0ba902b7"), tracewire::TraceFlags(0x01),
                                        tracewire::TraceState(), true};
    const auto headers = instrumented_call(tracer, caller);
    REQUIRE(!headers.empty());
    CHECK(headers.front().first == "traceparent");
    CHECK(headers.front().second.rfind("00-4bf92f3577b34da6a3ce929d0e0e4736-", 0) == 0);
  }
}
