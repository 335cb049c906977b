// Multi-service traces made by tracewire itself for the trace viewer tests: each simulated
// service has its own TracerProvider and OtlpFileExporter (one OTLP/JSON file per service,
// as the demo writes them), calls between services carry their context through headers
// and a real propagator, and every span's times are fixed, so a test knows where each one
// must appear. The shop scenario has six services, errors, events, a link across traces and
// a span whose caller was not traced; the demo scenario is the microservices demo's trace.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tracewire/export/otlp/otlp_file_exporter.hpp"
#include "tracewire/propagation/jaeger_propagator.hpp"
#include "tracewire/propagation/text_map_carrier.hpp"
#include "tracewire/propagation/trace_context_propagator.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/simple_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"

namespace tracewire_test {

/// The scenarios' time origin: 2026-12-01 09:30:00 UTC, in nanoseconds since the epoch.
inline constexpr std::uint64_t scenario_origin_ns = 1796117400ULL * 1000000000ULL;

/// One span of a scenario, and its calls. Times are microseconds after the origin.
struct Call {
  std::string service;
  std::string name;
  tracewire::SpanKind kind = tracewire::SpanKind::internal;
  std::uint64_t start_us = 0;
  std::uint64_t end_us = 0;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string error;                                          // the status message of a failed span; empty: ok or unset
  bool ok = false;                                            // status ok
  std::vector<std::pair<std::uint64_t, std::string>> events;  // (time in us, name)
  std::string link_to;                                        // "service/name" of an earlier span this one links to
  bool remote_parent = false;  // a root whose caller was not traced (a header from a proxy)
  std::vector<Call> calls;     // in the order they start
};

/// What the viewer must show for one span, in waterfall order.
struct ExpectedSpan {
  std::string service;
  std::string name;
  int depth = 0;
  std::uint64_t start_us = 0;
  std::uint64_t end_us = 0;
  bool error = false;
  std::vector<std::uint64_t> event_us;
  std::string parent;  // "service/name", empty for a root
  bool remote_parent = false;
  std::string link_to;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string trace_id;
  std::string span_id;
};

struct ExpectedTrace {
  std::vector<ExpectedSpan> spans;  // waterfall order: depth first, children by start time
  std::uint64_t start_us = 0;
  std::uint64_t end_us = 0;
};

/// Runs scenarios: one provider per service, writing `<directory>/<service>.jsonl`. Call
/// `finish()` (or destroy it) to shut the providers down, which writes the last spans.
class TracedServices {
 public:
  /// `propagator` carries context between services ("tracecontext" or "jaeger");
  /// `batch_services` use a batch processor (one OTLP/JSON line per batch), the others
  /// export each span as it ends (one line per span).
  TracedServices(std::string directory, std::string propagator, std::vector<std::string> batch_services = {})
      : directory_(std::move(directory)), batch_services_(std::move(batch_services)) {
    if (propagator == "jaeger") {
      propagator_ = std::make_unique<tracewire::JaegerPropagator>();
    } else {
      propagator_ = std::make_unique<tracewire::TraceContextPropagator>();
    }
  }

  /// Runs one trace and returns what the viewer must show for it.
  ExpectedTrace run(const Call& root) {
    ExpectedTrace trace;
    tracewire::Context parent;
    if (root.remote_parent) {
      // A caller that was not traced, as a proxy's uber-trace-id or traceparent brings it.
      tracewire::SpanContext caller{*tracewire::TraceId::from_hex("5c3a9e0f4b1d47e2a8f6c0d3b7e91a24"),
                                    *tracewire::SpanId::from_hex("0e1f2a3b4c5d6e7f"),
                                    tracewire::TraceFlags(1),
                                    {},
                                    true};
      parent = through_headers(tracewire::Context().with_span_context(caller));
    }
    run_call(root, parent, "", 0, trace.spans);
    trace.start_us = root.start_us;
    trace.end_us = root.end_us;
    for (const ExpectedSpan& span : trace.spans) trace.end_us = std::max(trace.end_us, span.end_us);
    return trace;
  }

  /// Shuts every provider down (writing the spans still held) and returns the files.
  std::vector<std::string> finish() {
    std::vector<std::string> files;
    for (auto& [name, service] : services_) {
      service.provider->shutdown();
      files.push_back(service.file);
    }
    return files;
  }

  ~TracedServices() { finish(); }
  TracedServices(const TracedServices&) = delete;
  TracedServices& operator=(const TracedServices&) = delete;

 private:
  struct Service {
    std::shared_ptr<tracewire::TracerProvider> provider;
    tracewire::Tracer tracer;
    std::string file;
  };

  Service& service(const std::string& name) {
    auto found = services_.find(name);
    if (found != services_.end()) return found->second;
    Service service;
    service.file = directory_ + "/" + name + ".jsonl";
    tracewire::TracerProviderOptions options;
    options.resource = tracewire::Resource({{"service.name", name},
                                            {"service.version", "1.4.2"},
                                            {"deployment.environment.name", "laptop"},
                                            {"telemetry.sdk.name", "tracewire"}});
    options.detect_resource = false;
    auto exporter = std::make_unique<tracewire::OtlpFileExporter>(service.file);
    bool batch = false;
    for (const std::string& batched : batch_services_) batch = batch || batched == name;
    if (batch) {
      tracewire::BatchSpanProcessorOptions batching;
      batching.schedule_delay = std::chrono::hours(1);  // everything in one batch at shutdown
      batching.max_queue_size = batching.max_export_batch_size = 16384;
      options.processors.push_back(std::make_unique<tracewire::BatchSpanProcessor>(std::move(exporter), batching));
    } else {
      options.processors.push_back(std::make_unique<tracewire::SimpleSpanProcessor>(std::move(exporter)));
    }
    service.provider = std::make_shared<tracewire::TracerProvider>(std::move(options));
    service.tracer = service.provider->tracer(name, "1.4.2");
    return services_.emplace(name, std::move(service)).first->second;
  }

  // The context as the next service reads it from the request's headers.
  tracewire::Context through_headers(const tracewire::Context& context) const {
    std::map<std::string, std::string> headers;
    tracewire::ContainerSetter setter(headers);
    propagator_->inject(context, setter);
    return propagator_->extract(tracewire::ContainerGetter(headers));
  }

  static std::chrono::system_clock::time_point at(std::uint64_t us) {
    return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::nanoseconds(scenario_origin_ns) + std::chrono::microseconds(us)));
  }

  void run_call(const Call& call, const tracewire::Context& parent, const std::string& parent_name, int depth,
                std::vector<ExpectedSpan>& expected) {
    std::vector<tracewire::KeyValue> attributes;
    for (const auto& [key, value] : call.attributes) attributes.push_back({key, value});
    std::vector<tracewire::SpanLink> links;
    if (!call.link_to.empty()) links.push_back({contexts_.at(call.link_to), {}, 0});
    auto span = service(call.service)
                    .tracer.start_span(call.name, tracewire::SpanStartOptions()
                                                      .with_kind(call.kind)
                                                      .with_parent(parent)
                                                      .as_root()
                                                      .with_start_time(at(call.start_us))
                                                      .with_attributes(attributes)
                                                      .with_links(links)
                                                      .not_current());
    const std::string name = call.service + "/" + call.name;
    contexts_[name] = span.context();
    ExpectedSpan mine{call.service,
                      call.name,
                      depth,
                      call.start_us,
                      call.end_us,
                      !call.error.empty(),
                      {},
                      parent_name,
                      call.remote_parent,
                      call.link_to,
                      call.attributes,
                      span.context().trace_id.to_hex(),
                      span.context().span_id.to_hex()};
    for (const auto& [time, event] : call.events) {
      span.add_event(event, {{"at.us", static_cast<std::int64_t>(time)}}, at(time));
      mine.event_us.push_back(time);
    }
    expected.push_back(mine);
    const tracewire::Context here = tracewire::Context().with_span_context(span.context());
    for (const Call& child : call.calls) {
      run_call(child, child.service == call.service ? here : through_headers(here), name, depth + 1, expected);
    }
    if (!call.error.empty()) span.set_status(tracewire::StatusCode::error, call.error);
    if (call.ok) span.set_status(tracewire::StatusCode::ok);
    span.end(at(call.end_us));
  }

  std::string directory_;
  std::vector<std::string> batch_services_;
  std::unique_ptr<tracewire::TextMapPropagator> propagator_;
  std::map<std::string, Service> services_;
  std::map<std::string, tracewire::SpanContext> contexts_;
};

inline Call server(std::string service, std::string name, std::uint64_t start_us, std::uint64_t end_us) {
  Call call;
  call.service = std::move(service);
  call.name = std::move(name);
  call.kind = tracewire::SpanKind::server;
  call.start_us = start_us;
  call.end_us = end_us;
  return call;
}

inline Call span_of(std::string service, std::string name, tracewire::SpanKind kind, std::uint64_t start_us,
                    std::uint64_t end_us, std::vector<Call> calls = {}) {
  Call call = server(std::move(service), std::move(name), start_us, end_us);
  call.kind = kind;
  call.calls = std::move(calls);
  return call;
}

/// A checkout in a shop that fails at payment: frontend → cart (redis, postgres) and
/// payment (→ fraud), then the page is rendered. Ten spans in four services.
inline Call shop_checkout() {
  using tracewire::SpanKind;
  Call fraud = server("fraud", "POST /score", 118000, 196000);
  fraud.events = {{121500, "model loaded"}};
  fraud.attributes = {{"fraud.score", "0.93"}};
  Call payment = server("payment", "POST /charge", 105000, 395000);
  payment.error = "card declined";
  payment.events = {{390000, "exception"}};
  payment.attributes = {{"payment.amount", "129.90 EUR"}, {"payment.card", "**** 4242"}};
  payment.calls = {span_of("payment", "POST fraud-check", SpanKind::client, 112000, 200000, {fraud})};
  Call cart = server("cart", "GET /cart", 13000, 88000);
  cart.attributes = {{"cart.items", "3"}};
  Call redis = span_of("cart", "redis GET cart:42", SpanKind::client, 15000, 24500);
  redis.attributes = {{"db.system", "redis"}};
  Call query = span_of("cart", "SELECT items", SpanKind::client, 30000, 81000);
  query.attributes = {{"db.system", "postgresql"}, {"db.query.text", "SELECT * FROM items WHERE cart_id = $1"}};
  cart.calls = {redis, query};
  Call pay_call = span_of("frontend", "POST payment", SpanKind::client, 100000, 400000, {payment});
  pay_call.error = "402 Payment Required";
  Call render = span_of("frontend", "render checkout", SpanKind::internal, 410000, 470000);
  render.events = {{460000, "template rendered"}};
  Call root = server("frontend", "GET /checkout", 0, 480000);
  root.attributes = {{"http.request.method", "GET"}, {"url.path", "/checkout"}, {"http.response.status_code", "402"}};
  root.error = "payment declined";
  root.calls = {span_of("frontend", "GET cart", SpanKind::client, 10000, 90000, {cart}), pay_call, render};
  return root;
}

/// After the checkout: the e-mail service sends the confirmation in a trace of its own,
/// linked to the checkout (a consumer of a queued message).
inline Call shop_confirmation() {
  Call send = span_of("email", "send confirmation", tracewire::SpanKind::consumer, 650000, 702000,
                      {span_of("email", "SMTP send", tracewire::SpanKind::client, 655000, 698000)});
  send.link_to = "frontend/GET /checkout";
  return send;
}

/// A stock check whose caller (an untraced proxy) passed its span id on: the viewer shows
/// the root with a remote parent that is not in the data.
inline Call shop_stock_check() {
  Call reserve = server("inventory", "POST /reserve", 720000, 733250);
  reserve.remote_parent = true;
  reserve.calls = {span_of("inventory", "UPDATE stock", tracewire::SpanKind::client, 722000, 731000)};
  return reserve;
}

/// The microservices demo's two traces (examples/uservices, as scripts/demo.sh runs it):
/// uservice3 continues a caller's uber-trace-id, waits for redis, then calls uservice4,
/// which queries its database; the second request starts a new trace.
inline std::vector<Call> demo_requests() {
  std::vector<Call> requests;
  const std::uint64_t starts[] = {0, 2400000};
  const std::uint64_t redis_us[] = {173100, 121400};
  const std::uint64_t database_us[] = {1422100, 1077300};
  for (int i = 0; i < 2; ++i) {
    const std::uint64_t t = starts[i];
    Call database = span_of("uservice4", "database_call", tracewire::SpanKind::internal, t + redis_us[i] + 500,
                            t + redis_us[i] + 500 + database_us[i]);
    Call server4 = server("uservice4", "handle_incoming_call", t + redis_us[i] + 300, database.end_us + 200);
    server4.attributes = {{"http.request.method", "GET"}, {"url.path", "/"}, {"server.address", "127.0.0.1"}};
    server4.ok = true;
    server4.events = {{server4.start_us + 60, "Request decoded!"}};
    server4.calls = {database};
    Call client = span_of("uservice3", "call_other_uservice", tracewire::SpanKind::client, t + redis_us[i] + 100,
                          server4.end_us + 800, {server4});
    Call redis = span_of("uservice3", "redis_call", tracewire::SpanKind::internal, t + 40, t + 40 + redis_us[i]);
    redis.attributes = {{"test-attribute-1", "test-values-1"}};
    Call root = server("uservice3", "handle_incoming_call", t, client.end_us + 300);
    root.attributes = {{"http.request.method", "GET"},
                       {"url.path", "/"},
                       {"server.address", "127.0.0.1"},
                       {"user_agent.original", "curl/7.88.1"},
                       {"http.response.status_code", "200"}};
    root.ok = true;
    root.events = {{t + 80, "Request decoded!"}};
    root.remote_parent = i == 0;
    root.calls = {redis, client};
    requests.push_back(root);
  }
  return requests;
}

}  // namespace tracewire_test
