// beast.hpp: server spans from Beast requests and client spans injected into them, with the
// HTTP semantic-convention attributes; propagation cross-checked against the official
// OpenTelemetry JS Jaeger propagator (tests/peers/propagators.js).
#include <doctest/doctest.h>

#include <string>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/string_body.hpp>

#include "support/peer_process.hpp"
#include "support/recording_provider.hpp"
#include "tracewire/instrumentation/beast.hpp"
#include "tracewire/config/make_propagator.hpp"

using namespace tracewire;
namespace http = boost::beast::http;

namespace {

using Recorded = tracewire_test::RecordingProvider;

std::string string_attribute(const SpanData& span, std::string_view key) {
  const AttributeValue* value = span.attribute(key);
  if (value == nullptr || value->get_if<std::string_view>() == nullptr) return "<absent>";
  return std::string(*value->get_if<std::string_view>());
}
std::int64_t int_attribute(const SpanData& span, std::string_view key) {
  const AttributeValue* value = span.attribute(key);
  return value && value->get_if<std::int64_t>() ? *value->get_if<std::int64_t>() : -1;
}

}  // namespace

TEST_SUITE("instrumentation") {
  TEST_CASE("a server span continues the uber-trace-id the reference Jaeger propagator wrote, with HTTP attributes") {
    Recorded recorded;
    tracewire_test::ReferencePropagators reference;
    const auto headers = reference.inject("jaeger", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true);
    http::request<http::string_body> request{http::verb::get, "/cart/items?id=7", 11};
    for (const auto& [name, value] : headers.items()) request.set(name, value.get<std::string>());
    request.set(http::field::host, "shop.example:8443");
    request.set(http::field::user_agent, "curl/8.0");
    const auto jaeger = make_propagator("jaeger");

    auto span = start_server_span(recorded.tracer, request, {}, *jaeger);
    CHECK_FALSE(Context::current().span_context().is_valid());  // not current: Scope(span) makes it so
    {
      Scope scope(span);
      CHECK(Context::current().span_context() == span.context());
    }  // current while handling
    http::response<http::string_body> response{http::status::service_unavailable, 11};
    finish_server_span(span, response);
    CHECK_FALSE(Context::current().span_context().is_valid());

    const auto spans = recorded.spans->snapshot();
    REQUIRE(spans.size() == 1);
    const SpanData& server = spans[0];
    CHECK(server.name() == "GET /cart/items");
    CHECK(server.kind() == SpanKind::server);
    CHECK(server.trace_id().to_hex() == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(server.parent_span_id().to_hex() == "00f067aa0ba902b7");
    CHECK(server.parent_is_remote());
    CHECK(string_attribute(server, "http.request.method") == "GET");
    CHECK(string_attribute(server, "url.path") == "/cart/items");
    CHECK(string_attribute(server, "server.address") == "shop.example");
    CHECK(int_attribute(server, "server.port") == 8443);
    CHECK(string_attribute(server, "user_agent.original") == "curl/8.0");
    CHECK(int_attribute(server, "http.response.status_code") == 503);
    CHECK(server.status_code() == StatusCode::error);  // 5xx is the server's failure
  }

  TEST_CASE("a client span is injected into the outgoing request so the reference propagator reads it back") {
    Recorded recorded;
    tracewire_test::ReferencePropagators reference;
    const auto jaeger = make_propagator("jaeger");
    auto parent = recorded.tracer.start_span("handle_incoming_call", SpanKind::server);
    http::request<http::empty_body> request{http::verb::post, "/orders", 11};
    request.set(http::field::host, "[::1]");

    auto client = start_client_span(recorded.tracer, request, "call_other_uservice", *jaeger);
    CHECK(Context::current().span_context() == parent.context());  // the client span is not made current
    const auto extracted = reference.extract("jaeger", {{"uber-trace-id", std::string(request["uber-trace-id"])}});
    CHECK(extracted["valid"] == true);
    CHECK(extracted["traceId"] == client.context().trace_id.to_hex());
    CHECK(extracted["spanId"] == client.context().span_id.to_hex());
    CHECK(extracted["sampled"] == true);

    http::response<http::string_body> response{http::status::not_found, 11};
    finish_client_span(client, response);
    parent.end();
    const auto spans = recorded.spans->snapshot();
    REQUIRE(spans.size() == 2);
    const SpanData& span = spans[0];
    CHECK(span.name() == "call_other_uservice");
    CHECK(span.kind() == SpanKind::client);
    CHECK(span.parent_span_id() == spans[1].span_id());
    CHECK(string_attribute(span, "http.request.method") == "POST");
    CHECK(string_attribute(span, "server.address") == "::1");
    CHECK(int_attribute(span, "server.port") == 80);
    CHECK(int_attribute(span, "http.response.status_code") == 404);
    CHECK(span.status_code() == StatusCode::error);  // 4xx fails the client's call
  }

  TEST_CASE("bad Host headers and absent trace headers neither throw nor invent values") {
    Recorded recorded;
    for (const char* host : {"", ":", "host:99999", "host:12ab", "[::1]:8080", "example.com:"}) {
      CAPTURE(host);
      http::request<http::string_body> request{http::verb::get, "/", 11};
      if (*host) request.set(http::field::host, host);
      auto span = start_server_span(recorded.tracer, request);
      http::response<http::string_body> response{http::status::ok, 11};
      finish_server_span(span, response);
    }
    const auto spans = recorded.spans->snapshot();
    REQUIRE(spans.size() == 6);
    CHECK(spans[0].attribute("server.address") == nullptr);
    CHECK(spans[1].attribute("server.address") == nullptr);
    CHECK(spans[1].attribute("server.port") == nullptr);
    CHECK(string_attribute(spans[2], "server.address") == "host");
    CHECK(int_attribute(spans[2], "server.port") == 80);  // out of range: the default
    CHECK(int_attribute(spans[3], "server.port") == 80);
    CHECK(string_attribute(spans[4], "server.address") == "::1");
    CHECK(int_attribute(spans[4], "server.port") == 8080);
    CHECK(int_attribute(spans[5], "server.port") == 80);
    for (const SpanData& span : spans) {
      CHECK(span.name() == "GET /");
      CHECK_FALSE(span.parent_span_id().is_valid());  // no incoming context: a new trace
      CHECK(span.status_code() == StatusCode::unset);
    }
  }
}
