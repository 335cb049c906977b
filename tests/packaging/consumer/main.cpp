// A program built against tracewire the way a user gets it (an installed package, a moved
// or staged prefix, add_subdirectory, FetchContent, pkg-config, the vcpkg port's layout):
// includes the umbrella header, exports one span to the console and over UDP (Jaeger
// compact Thrift, to a socket of its own: the core needs no component for that), and uses
// each component it was built with (CONSUMER_WITH_<COMPONENT>). Prints "<span name>
// exported" last, and only when all is well.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include <tracewire/tracewire.hpp>

#if defined(CONSUMER_WITH_OTLP_HTTP)
#include <tracewire/export/otlp/otlp_http_exporter.hpp>
#include <tracewire/transport/curl_http_client.hpp>
#endif
#if defined(CONSUMER_WITH_OTLP_GRPC)
#include <tracewire/export/otlp/otlp_grpc_exporter.hpp>
#endif
#if defined(CONSUMER_WITH_BEAST)
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <tracewire/instrumentation/beast_carrier.hpp>
#include <tracewire/propagation/trace_context_propagator.hpp>
#endif
#if defined(CONSUMER_WITH_LIBPQ)
#include <libpq-fe.h>
#include <tracewire/instrumentation/libpq.hpp>
#endif
#if defined(CONSUMER_WITH_SPDLOG)
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <tracewire/instrumentation/spdlog.hpp>
#endif

namespace {

bool check(bool ok, const char* what) {
  if (!ok) std::fprintf(stderr, "consumer: %s failed\n", what);
  return ok;
}

// Uses the components; `span` is the span being exported, current, started by `tracer`.
bool use_components([[maybe_unused]] tracewire::Tracer& tracer, [[maybe_unused]] const tracewire::Span& span) {
  bool ok = true;
#if defined(CONSUMER_WITH_OTLP_HTTP)
  // Including the libcurl client made it the default one.
  ok &= check(tracewire::make_default_http_client() != nullptr, "otlp_http: the default HTTP client");
  tracewire::OtlpHttpExporter http(finalize_config(tracewire::OtlpExporterConfig()));
  ok &= check(http.describe().rfind("OtlpHttpExporter{", 0) == 0, "otlp_http: OtlpHttpExporter");
#endif
#if defined(CONSUMER_WITH_OTLP_GRPC)
  tracewire::OtlpExporterConfig options;
  options.protocol = tracewire::OtlpProtocol::grpc;
  tracewire::OtlpGrpcExporter grpc(finalize_config(options));
  ok &= check(grpc.describe().rfind("OtlpGrpcExporter{", 0) == 0, "otlp_grpc: OtlpGrpcExporter");
#endif
#if defined(CONSUMER_WITH_BEAST)
  boost::beast::http::request<boost::beast::http::string_body> request;
  tracewire::BeastHeaderSetter setter(request);
  tracewire::TraceContextPropagator().inject(tracewire::Context::current(), setter);
  const std::string traceparent(request["traceparent"]);
  ok &= check(traceparent.find(span.context().trace_id.to_hex()) != std::string::npos, "beast: traceparent");
#endif
#if defined(CONSUMER_WITH_LIBPQ)
  // No server: a socket directory that does not exist fails the connection at once, and the
  // query's span records the failure.
  PGconn* connection = PQconnectdb("host=/nonexistent-tracewire-consumer connect_timeout=1");
  tracewire::LibpqConnection database(connection, tracer);
  PGresult* result = database.exec("SELECT 1");
  ok &= check(PQstatus(connection) == CONNECTION_BAD && PQresultStatus(result) == PGRES_FATAL_ERROR,
              "libpq: a query on a failed connection");
  PQclear(result);
  PQfinish(connection);
#endif
#if defined(CONSUMER_WITH_SPDLOG)
  std::ostringstream text;
  spdlog::logger logger("consumer", std::make_shared<spdlog::sinks::ostream_sink_st>(text));
  logger.set_formatter(tracewire::make_spdlog_trace_formatter("%&%v"));
  logger.info("logged");
  ok &= check(text.str().find("trace_id=" + span.context().trace_id.to_hex()) != std::string::npos,
              "spdlog: the trace id in the line");
#endif
  return ok;
}

// A UDP socket on a free loopback port, standing in for a Jaeger agent.
struct UdpAgent {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  std::uint16_t port = 0;
  UdpAgent() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port = ntohs(address.sin_port);
    }
  }
  ~UdpAgent() {
    if (fd >= 0) ::close(fd);
  }
  // The next datagram, or "" after 10 s.
  std::string receive() const {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 10000) != 1) return {};
    char buffer[65536];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }
};

}  // namespace

int main() {
  std::FILE* console = std::tmpfile();
  if (console == nullptr) return 1;
  tracewire::ConsoleExporter::Options console_options;
  console_options.output = console;
  tracewire::TracerProviderOptions options;
  options.processors.push_back(
      std::make_unique<tracewire::SimpleSpanProcessor>(std::make_unique<tracewire::ConsoleExporter>(console_options)));
  const UdpAgent agent;
  if (agent.port == 0) return 1;
  tracewire::JaegerUdpExporterOptions udp_options;
  udp_options.host = "127.0.0.1";
  udp_options.port = agent.port;
  options.processors.push_back(
      std::make_unique<tracewire::SimpleSpanProcessor>(std::make_unique<tracewire::JaegerUdpExporter>(udp_options)));
  tracewire::TracerProvider provider(std::move(options));

  // Built at run time, so that the name appears in the output only if it was exported.
  const std::string name = "consumer-span-" + std::to_string(6 * 7);
  bool ok = true;
  {
    auto tracer = provider.tracer("consumer", tracewire::version_string);
    auto span = tracer.start_span(name);
    ok &= use_components(tracer, span);
  }
  ok &= check(provider.shutdown(), "shutdown");

  // What the console exporter wrote, shown, and checked.
  std::string written;
  std::rewind(console);
  for (int c; (c = std::fgetc(console)) != EOF;) written.push_back(static_cast<char>(c));
  std::fputs(written.c_str(), stdout);
  ok &= check(written.find(name) != std::string::npos, "the console export");
  // Thrift writes the operation name as is: a datagram carries it (a component's own spans,
  // such as libpq's query, end first and come before it).
  bool sent = false;
  for (std::string datagram; !sent && !(datagram = agent.receive()).empty();)
    sent = datagram.find(name) != std::string::npos;
  ok &= check(sent, "the Jaeger UDP export");
  if (ok) std::printf("%s exported\n", name.c_str());
  return ok ? 0 : 1;
}
