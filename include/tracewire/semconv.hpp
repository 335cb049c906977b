// OpenTelemetry semantic-convention attribute names, pinned to one release.
#pragma once

namespace tracewire {
inline namespace v0 {

/// Attribute names of the OpenTelemetry semantic conventions, release 1.44.0
/// (`schema_url`). Names outside `incubating` are **stable** in that release: they will not
/// change, and backends build their views on them (Tempo's and Jaeger's service graphs,
/// Honeycomb's HTTP boards). Names in `semconv::incubating` are not stable yet (development
/// or release candidate in 1.44.0) and may be renamed by a later release; tracewire changes
/// them only with a new minor version and says so in CHANGELOG.md. Enum-like values are
/// written as the conventions spell them (e.g. `http.request.method` is `"GET"`).
/// tests/test_semconv.cpp checks every name here against the release's model files.
///
/// **Example**:
/// ```
/// namespace semconv = tracewire::semconv;
/// auto span = tracer.start_span("GET /users/:id", tracewire::SpanKind::server);
/// span.set_attributes({{semconv::http::request_method, "GET"}, {semconv::http::route, "/users/:id"}});
/// span.set_attribute(semconv::http::response_status_code, 200);
/// ```
namespace semconv {

/// The release these names come from, as OTLP's `schema_url` fields carry it.
inline constexpr const char* schema_url = "https://opentelemetry.io/schemas/1.44.0";

namespace http {
inline constexpr const char* request_method = "http.request.method";  ///< "GET", "POST", … or "_OTHER"
inline constexpr const char* request_method_original =
    "http.request.method_original";                                               ///< as received, when not standard
inline constexpr const char* request_resend_count = "http.request.resend_count";  ///< retries and redirects so far
inline constexpr const char* response_status_code = "http.response.status_code";  ///< int
inline constexpr const char* route = "http.route";  ///< the matched route template, e.g. "/users/:id"
}  // namespace http

namespace url {
inline constexpr const char* full = "url.full";  ///< absolute URL of a client request (no credentials)
inline constexpr const char* path = "url.path";
inline constexpr const char* query = "url.query";  ///< without the leading '?'
inline constexpr const char* scheme = "url.scheme";
inline constexpr const char* fragment = "url.fragment";
}  // namespace url

namespace server {
inline constexpr const char* address = "server.address";  ///< host name or IP the client addressed
inline constexpr const char* port = "server.port";        ///< int
}  // namespace server

namespace client {
inline constexpr const char* address = "client.address";
inline constexpr const char* port = "client.port";  ///< int
}  // namespace client

namespace network {
inline constexpr const char* peer_address = "network.peer.address";
inline constexpr const char* peer_port = "network.peer.port";  ///< int
inline constexpr const char* local_address = "network.local.address";
inline constexpr const char* local_port = "network.local.port";              ///< int
inline constexpr const char* protocol_name = "network.protocol.name";        ///< "http", "amqp", …
inline constexpr const char* protocol_version = "network.protocol.version";  ///< "1.1", "2", …
inline constexpr const char* transport = "network.transport";                ///< "tcp", "udp", "unix", …
inline constexpr const char* type = "network.type";                          ///< "ipv4", "ipv6"
}  // namespace network

namespace db {
inline constexpr const char* system_name = "db.system.name";                    ///< "postgresql", "redis", …
inline constexpr const char* namespace_name = "db.namespace";                   ///< the database (and schema) name
inline constexpr const char* collection_name = "db.collection.name";            ///< table, collection, …
inline constexpr const char* operation_name = "db.operation.name";              ///< "SELECT", "GET", …
inline constexpr const char* operation_batch_size = "db.operation.batch.size";  ///< int
inline constexpr const char* query_text = "db.query.text";                      ///< sanitized: no literal values
inline constexpr const char* query_summary = "db.query.summary";
inline constexpr const char* stored_procedure_name = "db.stored_procedure.name";
inline constexpr const char* response_status_code = "db.response.status_code";
}  // namespace db

namespace exception {
inline constexpr const char* type = "exception.type";
inline constexpr const char* message = "exception.message";
inline constexpr const char* stacktrace = "exception.stacktrace";
}  // namespace exception

namespace error {
inline constexpr const char* type = "error.type";  ///< the error's class, or "_OTHER"
}  // namespace error

namespace service {
inline constexpr const char* name = "service.name";
inline constexpr const char* version = "service.version";
inline constexpr const char* namespace_name = "service.namespace";
inline constexpr const char* instance_id = "service.instance.id";
}  // namespace service

namespace telemetry {
inline constexpr const char* sdk_name = "telemetry.sdk.name";
inline constexpr const char* sdk_language = "telemetry.sdk.language";  ///< "cpp" for tracewire
inline constexpr const char* sdk_version = "telemetry.sdk.version";
inline constexpr const char* distro_name = "telemetry.distro.name";
inline constexpr const char* distro_version = "telemetry.distro.version";
}  // namespace telemetry

namespace user_agent {
inline constexpr const char* original = "user_agent.original";  ///< the User-Agent header as received
}  // namespace user_agent

namespace code {
inline constexpr const char* function_name = "code.function.name";
inline constexpr const char* file_path = "code.file.path";
inline constexpr const char* line_number = "code.line.number";      ///< int
inline constexpr const char* column_number = "code.column.number";  ///< int
inline constexpr const char* stacktrace = "code.stacktrace";
}  // namespace code

/// What non-OTLP exporters (Jaeger, Zipkin) write for the parts of a span their formats lack.
namespace otel {
inline constexpr const char* status_code = "otel.status_code";  ///< "OK" or "ERROR"
inline constexpr const char* status_description = "otel.status_description";
inline constexpr const char* scope_name = "otel.scope.name";
inline constexpr const char* scope_version = "otel.scope.version";
}  // namespace otel

/// Not stable in release 1.44.0 (development or release candidate): these may still be
/// renamed by a later release of the conventions.
namespace incubating {

namespace rpc {
inline constexpr const char* system_name = "rpc.system.name";  ///< "grpc", "jsonrpc", …
inline constexpr const char* method = "rpc.method";            ///< "package.Service/Method" for gRPC
inline constexpr const char* response_status_code = "rpc.response.status_code";
}  // namespace rpc

namespace process {
inline constexpr const char* pid = "process.pid";  ///< int
inline constexpr const char* executable_name = "process.executable.name";
inline constexpr const char* executable_path = "process.executable.path";
inline constexpr const char* command = "process.command";
inline constexpr const char* command_args = "process.command_args";  ///< string array
inline constexpr const char* command_line = "process.command_line";
}  // namespace process

namespace os {
inline constexpr const char* type = "os.type";  ///< "linux", "windows", "darwin", …
inline constexpr const char* description = "os.description";
inline constexpr const char* name = "os.name";
inline constexpr const char* version = "os.version";
}  // namespace os

namespace host {
inline constexpr const char* name = "host.name";
inline constexpr const char* arch = "host.arch";  ///< "amd64", "arm64", …
inline constexpr const char* id = "host.id";
inline constexpr const char* type = "host.type";
}  // namespace host

namespace messaging {
inline constexpr const char* system = "messaging.system";  ///< "kafka", "rabbitmq", …
inline constexpr const char* operation_name = "messaging.operation.name";
inline constexpr const char* operation_type = "messaging.operation.type";  ///< "send", "receive", "process", …
inline constexpr const char* destination_name = "messaging.destination.name";
inline constexpr const char* message_id = "messaging.message.id";
}  // namespace messaging

}  // namespace incubating
}  // namespace semconv
}  // namespace v0
}  // namespace tracewire
