// libcurl instrumentation (tracewire/instrumentation/curl.hpp) against a loopback HTTP server
// that records the headers it receives: the trace headers arrive, the caller's header list
// is sent, left as it was and back on the handle, and the span describes the request.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <curl/curl.h>

#include "support/closed_port.hpp"
#include "support/recording_http_server.hpp"
#include "support/recording_provider.hpp"
#include "support/span_attributes.hpp"
#include "tracewire/instrumentation/curl.hpp"
#include "tracewire/propagation/b3_propagator.hpp"
#include "tracewire/propagation/trace_context_propagator.hpp"

using namespace tracewire;
using tracewire_test::int_attribute;
using tracewire_test::RecordingHttpServer;
using tracewire_test::text_attribute;

namespace {

// An easy handle for `url` that discards the response body.
struct Easy {
  CURL* handle = curl_easy_init();
  explicit Easy(const std::string& url) {
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(
        handle, CURLOPT_WRITEFUNCTION, +[](char*, std::size_t size, std::size_t count, void*) { return size * count; });
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, 10000L);
  }
  ~Easy() { curl_easy_cleanup(handle); }
};

// The lines of a header list.
std::vector<std::string> lines(const curl_slist* list) {
  std::vector<std::string> result;
  for (; list; list = list->next) result.emplace_back(list->data);
  return result;
}

// A traceparent split by hand (not by tracewire's parser): version, trace id, parent id, flags.
std::vector<std::string> traceparent_fields(const std::string& value) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t dash; (dash = value.find('-', start)) != std::string::npos; start = dash + 1) {
    fields.push_back(value.substr(start, dash - start));
  }
  fields.push_back(value.substr(start));
  return fields;
}

SpanData only_span(const std::vector<SpanData>& spans) {
  REQUIRE(spans.size() == 1);
  return spans[0];
}

}  // namespace

TEST_SUITE("instrumentation") {
  TEST_CASE("curl: the request carries the client span's traceparent and the caller's headers") {
    RecordingHttpServer server;
    tracewire_test::RecordingProvider recorded;
    TraceContextPropagator w3c;
    Easy easy(server.url("/items/42?color=red"));
    curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
    headers = curl_slist_append(headers, "X-Request-Id: 7");
    const auto before = lines(headers);
    curl_easy_setopt(easy.handle, CURLOPT_HTTPHEADER, headers);

    SpanContext parent;
    {
      auto request = recorded.tracer.start_span("handle request");
      parent = request.context();
      CHECK(perform(recorded.tracer, easy.handle, headers, {"GET", &w3c}) == CURLE_OK);
    }
    CHECK(lines(headers) == before);  // the caller's list is untouched

    const auto received = server.requests();
    REQUIRE(received.size() == 1);
    CHECK(received[0].method == "GET");
    CHECK(received[0].target == "/items/42?color=red");
    CHECK(received[0].values("Accept") == std::vector<std::string>{"application/json"});
    CHECK(received[0].values("X-Request-Id") == std::vector<std::string>{"7"});
    const auto traceparent = received[0].values("traceparent");
    REQUIRE(traceparent.size() == 1);

    const auto spans = tracewire_test::spans_named(recorded.spans->snapshot(), "GET");
    const SpanData client = only_span(spans);
    const auto fields = traceparent_fields(traceparent[0]);
    REQUIRE(fields.size() == 4);
    CHECK(fields[0] == "00");
    CHECK(fields[1] == client.trace_id().to_hex());
    CHECK(fields[2] == client.span_id().to_hex());        // the client span's own context
    CHECK((std::stoi(fields[3], nullptr, 16) & 1) == 1);  // sampled
    CHECK(client.kind() == SpanKind::client);
    CHECK(client.trace_id() == parent.trace_id);
    CHECK(client.parent_span_id() == parent.span_id);
    CHECK(text_attribute(client, "http.request.method") == "GET");
    CHECK(text_attribute(client, "url.full") == server.url("/items/42?color=red"));
    CHECK(text_attribute(client, "server.address") == "127.0.0.1");
    CHECK(int_attribute(client, "server.port") == server.port());
    CHECK(int_attribute(client, "http.response.status_code") == 200);
    CHECK(text_attribute(client, "network.peer.address") == "127.0.0.1");
    CHECK(int_attribute(client, "network.peer.port") == server.port());
    CHECK(client.status_code() == StatusCode::unset);

    // The caller's list is back on the handle: a plain transfer sends it without trace headers.
    REQUIRE(curl_easy_perform(easy.handle) == CURLE_OK);
    const auto again = server.requests();
    REQUIRE(again.size() == 2);
    CHECK(again[1].values("X-Request-Id") == std::vector<std::string>{"7"});
    CHECK(again[1].values("traceparent").empty());
    curl_slist_free_all(headers);
  }

  TEST_CASE("curl: a trace header of the caller's is replaced, not sent twice; no list at all works too") {
    RecordingHttpServer server;
    tracewire_test::RecordingProvider recorded;
    TraceContextPropagator w3c;
    Easy easy(server.url());
    curl_slist* headers =
        curl_slist_append(nullptr, "TraceParent: 00-11111111111111111111111111111111-2222222222222222-01");
    CHECK(perform(recorded.tracer, easy.handle, headers, {"GET", &w3c}) == CURLE_OK);
    CHECK(perform(recorded.tracer, easy.handle, nullptr, {"GET", &w3c}) == CURLE_OK);
    const auto received = server.requests();
    REQUIRE(received.size() == 2);
    for (const auto& request : received) {
      const auto traceparent = request.values("traceparent");
      REQUIRE(traceparent.size() == 1);
      CHECK(traceparent[0].find("1111111111") == std::string::npos);
    }
    curl_slist_free_all(headers);
  }

  TEST_CASE("curl: without a known method the span is named after the method libcurl used") {
    RecordingHttpServer server;
    tracewire_test::RecordingProvider recorded;
    Easy easy(server.url("/orders"));
    curl_easy_setopt(easy.handle, CURLOPT_POSTFIELDS, "{}");
    CHECK(perform(recorded.tracer, easy.handle, nullptr) == CURLE_OK);
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].method == "POST");
    const SpanData client = only_span(recorded.spans->snapshot());
    CHECK(client.name() == "POST");
    CHECK(text_attribute(client, "http.request.method") == "POST");
  }

  TEST_CASE("curl: 4xx and 5xx responses are errors of a client span, named by their status") {
    RecordingHttpServer server;
    tracewire_test::RecordingProvider recorded;
    for (int status : {404, 503}) {
      Easy easy(server.url("/status/" + std::to_string(status)));
      CHECK(perform(recorded.tracer, easy.handle, nullptr, {"GET"}) == CURLE_OK);
    }
    const auto spans = recorded.spans->snapshot();
    REQUIRE(spans.size() == 2);
    CHECK(int_attribute(spans[0], "http.response.status_code") == 404);
    CHECK(text_attribute(spans[0], "error.type") == "404");
    CHECK(spans[0].status_code() == StatusCode::error);
    CHECK(int_attribute(spans[1], "http.response.status_code") == 503);
    CHECK(text_attribute(spans[1], "error.type") == "503");
    CHECK(spans[1].status_code() == StatusCode::error);
  }

  TEST_CASE("curl: a transfer error is the span's error, named after libcurl's code") {
    tracewire_test::RecordingProvider recorded;
    Easy easy("http://127.0.0.1:" + std::to_string(tracewire_test::closed_port()) + "/");
    CHECK(perform(recorded.tracer, easy.handle, nullptr, {"GET"}) == CURLE_COULDNT_CONNECT);
    const SpanData client = only_span(recorded.spans->snapshot());
    CHECK(client.status_code() == StatusCode::error);
    CHECK(client.status_message() == curl_easy_strerror(CURLE_COULDNT_CONNECT));
    CHECK(text_attribute(client, "error.type") == "CURLE_COULDNT_CONNECT");
    CHECK_FALSE(int_attribute(client, "http.response.status_code"));
  }

  TEST_CASE("curl: url.full never holds credentials or signatures") {
    RecordingHttpServer server;
    tracewire_test::RecordingProvider recorded;
    const std::string base = "http://alice:s3cret@127.0.0.1:" + std::to_string(server.port());
    Easy easy(base + "/file?X-Amz-Signature=abc123&keep=1&sig=xyz#part");
    CHECK(perform(recorded.tracer, easy.handle, nullptr, {"GET"}) == CURLE_OK);
    const SpanData client = only_span(recorded.spans->snapshot());
    CHECK(text_attribute(client, "url.full") == "http://REDACTED:REDACTED@127.0.0.1:" + std::to_string(server.port()) +
                                                    "/file?X-Amz-Signature=REDACTED&keep=1&sig=REDACTED#part");
    // The server still got the real request.
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].target == "/file?X-Amz-Signature=abc123&keep=1&sig=xyz");
    CHECK(server.requests()[0].values("Authorization").size() == 1);
  }

  TEST_CASE("curl: the configured propagator writes the headers (B3 multi)") {
    RecordingHttpServer server;
    tracewire_test::RecordingProvider recorded;
    B3Propagator b3(B3Encoding::multi_header);
    Easy easy(server.url());
    CHECK(perform(recorded.tracer, easy.handle, nullptr, {"GET", &b3}) == CURLE_OK);
    const SpanData client = only_span(recorded.spans->snapshot());
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    const auto& request = requests[0];
    CHECK(request.values("X-B3-TraceId") == std::vector<std::string>{client.trace_id().to_hex()});
    CHECK(request.values("X-B3-SpanId") == std::vector<std::string>{client.span_id().to_hex()});
    CHECK(request.values("traceparent").empty());
  }

  TEST_CASE("curl: CurlClientSpan with curl_multi, finished from the multi loop") {
    RecordingHttpServer server;
    tracewire_test::RecordingProvider recorded;
    TraceContextPropagator w3c;
    CURLM* multi = curl_multi_init();
    Easy first(server.url("/a")), second(server.url("/status/500"));
    std::vector<CurlClientSpan> calls;
    calls.emplace_back(recorded.tracer, first.handle, nullptr, CurlSpanOptions{"GET", &w3c});
    calls.emplace_back(recorded.tracer, second.handle, nullptr, CurlSpanOptions{"GET", &w3c});
    curl_multi_add_handle(multi, first.handle);
    curl_multi_add_handle(multi, second.handle);
    int running = 1;
    for (int rounds = 0; running > 0 && rounds < 10000; ++rounds) {
      curl_multi_perform(multi, &running);
      curl_multi_poll(multi, nullptr, 0, 50, nullptr);
    }
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      calls[message->easy_handle == first.handle ? 0 : 1].finish(message->data.result);
    }
    curl_multi_remove_handle(multi, first.handle);
    curl_multi_remove_handle(multi, second.handle);
    curl_multi_cleanup(multi);
    const auto spans = recorded.spans->snapshot();
    REQUIRE(spans.size() == 2);
    REQUIRE(server.requests().size() == 2);
    int errors = 0;
    for (const SpanData& span : spans) errors += span.status_code() == StatusCode::error;
    CHECK(errors == 1);
    for (const auto& request : server.requests()) CHECK(request.values("traceparent").size() == 1);
  }
}
