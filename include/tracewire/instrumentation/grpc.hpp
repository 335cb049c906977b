// gRPC C++ instrumentation: client and server interceptors that trace every call and carry
// its context in the call's metadata.
#pragma once

#if !__has_include(<grpcpp/support/client_interceptor.h>)
#error "tracewire/instrumentation/grpc.hpp needs gRPC C++ (Debian: libgrpc++-dev; CMake: link tracewire::grpc)"
#endif

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <grpcpp/create_channel.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/client_interceptor.h>
#include <grpcpp/support/interceptor.h>
#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>

#include "tracewire/core/detail/grpc_status_names.hpp"
#include "tracewire/instrumentation/detail/http_span.hpp"
#include "tracewire/instrumentation/server_span.hpp"
#include "tracewire/propagation/global_propagator.hpp"
#include "tracewire/propagation/text_map_carrier.hpp"
#include "tracewire/semconv.hpp"
#include "tracewire/trace/tracer.hpp"

namespace tracewire {
inline namespace v0 {

/// What the gRPC interceptors need besides a Tracer.
struct GrpcTracingOptions {
  /// Injects (client) and extracts (server) the context; the global propagator when null.
  const TextMapPropagator* propagator = nullptr;
  /// Client: the channel's target as given to `grpc::CreateChannel` (`inventory:50051`,
  /// `dns:///inventory:50051`, `unix:///run/app.sock`), from which `server.address` and
  /// `server.port` are taken as the RPC conventions describe; an interceptor cannot see the
  /// channel's target itself. Server: optional, the address clients use to reach it.
  std::string target;
};

namespace detail {

/// `server.address` and `server.port` from a gRPC target string, as the RPC semantic
/// conventions parse it (gRPC's name syntax): `host[:port]` and `dns:[//authority/]host[:port]`
/// give the host and the port (443 when absent, gRPC's default); `unix:path` and
/// `unix:///path` give the path and no port; a single `ipv4:`/`ipv6:` address its host and
/// port; anything else (several addresses, other resolvers) is the address as a whole.
inline void set_grpc_target_attributes(Span& span, std::string_view target) {
  if (target.empty()) return;
  std::string_view rest = target;
  const auto strip = [&rest](std::string_view prefix) {
    if (rest.compare(0, prefix.size(), prefix) != 0) return false;
    rest.remove_prefix(prefix.size());
    return true;
  };
  if (strip("unix:")) {
    strip("//");
    span.set_attribute(semconv::server::address, rest);
    return;
  }
  if (strip("dns:")) {
    if (strip("//")) rest = rest.substr(std::min(rest.size(), rest.find('/') + 1));  // dns://authority/host:port
  } else if (!strip("ipv4:") && !strip("ipv6:") && target.find("://") != std::string_view::npos) {
    rest = {};  // another resolver's name
  }
  const bool one_host = !rest.empty() && rest.find_first_of(",/") == std::string_view::npos &&
                        (rest.front() == '[' || rest.find(':') == rest.rfind(':'));
  if (one_host) {
    set_host_attributes(span, rest, 443);
  } else {
    span.set_attribute(semconv::server::address, target);  // not one host: the target as a whole
  }
}

/// The method's name for spans and `rpc.method`: `package.Service/Method` (gRPC gives
/// `/package.Service/Method`).
inline std::string_view grpc_method_name(const char* method) noexcept {
  std::string_view name = method ? method : "";
  if (!name.empty() && name.front() == '/') name.remove_prefix(1);
  return name;
}

/// Records the status of a call and ends its span. Errors: every code but OK on the client
/// side; on the server side only those the RPC conventions list as the server's fault
/// (UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS).
inline void finish_grpc_span(Span& span, grpc::StatusCode code, std::string_view message, bool server) {
  const std::string_view name = grpc_status_code_name(static_cast<int>(code));
  span.set_attribute(semconv::incubating::rpc::response_status_code, name);
  bool error = code != grpc::StatusCode::OK;
  if (server) {
    error = code == grpc::StatusCode::UNKNOWN || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
            code == grpc::StatusCode::UNIMPLEMENTED || code == grpc::StatusCode::INTERNAL ||
            code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DATA_LOSS;
  }
  if (error) {
    span.set_attribute(semconv::error::type, name);
    span.set_status(StatusCode::error, message);
  }
  span.end();
}

/// Writes into a call's outgoing metadata: gRPC requires lowercase keys.
class GrpcMetadataSetter final : public TextMapSetter {
 public:
  explicit GrpcMetadataSetter(std::multimap<std::string, std::string>& metadata) : metadata_(metadata) {}
  void set(std::string_view key, std::string_view value) override {
    std::string lower = to_lower(key);
    metadata_.erase(lower);
    metadata_.emplace(std::move(lower), std::string(value));
  }

 private:
  std::multimap<std::string, std::string>& metadata_;
};

/// Reads a call's incoming metadata (whose keys gRPC delivers in lowercase).
class GrpcMetadataGetter final : public TextMapGetter {
 public:
  explicit GrpcMetadataGetter(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata)
      : metadata_(metadata) {}
  std::optional<std::string_view> get(std::string_view key) const override {
    const std::string lower = to_lower(key);
    const auto found = metadata_.find(grpc::string_ref(lower.data(), lower.size()));
    if (found == metadata_.end()) return std::nullopt;
    return std::string_view(found->second.data(), found->second.size());
  }
  void get_all(std::string_view key, const Visitor& visit) const override {
    const std::string lower = to_lower(key);
    const auto range = metadata_.equal_range(grpc::string_ref(lower.data(), lower.size()));
    for (auto it = range.first; it != range.second; ++it) visit(std::string_view(it->second.data(), it->second.size()));
  }
  void keys(const Visitor& visit) const override {
    for (const auto& entry : metadata_) visit(std::string_view(entry.first.data(), entry.first.size()));
  }

 private:
  const std::multimap<grpc::string_ref, grpc::string_ref>& metadata_;
};

/// The contexts of the server spans of the calls in progress, by their ServerContext, for
/// `grpc_server_context` (a handler cannot reach its call's interceptors).
class GrpcServerSpans {
 public:
  static GrpcServerSpans& instance() {
    static GrpcServerSpans* spans = new GrpcServerSpans();  // never destroyed: calls may end during exit
    return *spans;
  }
  void add(const grpc::ServerContextBase* call, Context context) {
    std::lock_guard<std::mutex> lock(mutex_);
    contexts_[call] = std::move(context);
  }
  void remove(const grpc::ServerContextBase* call) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    contexts_.erase(call);
  }
  Context find(const grpc::ServerContextBase* call) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = contexts_.find(call);
    return found == contexts_.end() ? Context() : found->second;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<const grpc::ServerContextBase*, Context> contexts_;
};

/// One client call: the span starts with the call (a child of what is current where the
/// call is made), its context goes out with the initial metadata, and it ends with the
/// status.
class GrpcClientInterceptor final : public grpc::experimental::Interceptor {
 public:
  GrpcClientInterceptor(Tracer& tracer, const GrpcTracingOptions& options, grpc::experimental::ClientRpcInfo* info)
      : propagator_(options.propagator ? options.propagator : global_propagator().get()) {
    const std::string_view method = grpc_method_name(info->method());
    span_ = tracer.start_span(method.empty() ? std::string_view("grpc") : method,
                              SpanStartOptions().with_kind(SpanKind::client).not_current());
    span_.set_attribute(semconv::incubating::rpc::system_name, "grpc");
    if (!method.empty()) span_.set_attribute(semconv::incubating::rpc::method, method);
    set_grpc_target_attributes(span_, options.target);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using Hook = grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_INITIAL_METADATA)) {
      if (auto* metadata = methods->GetSendInitialMetadata()) {
        GrpcMetadataSetter setter(*metadata);
        inject_context(span_, setter, *propagator_);
      }
    }
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_STATUS)) {
      if (const grpc::Status* status = methods->GetRecvStatus()) {
        finish_grpc_span(span_, status->error_code(), status->error_message(), false);
      }
    }
    methods->Proceed();
  }

 private:
  const TextMapPropagator* propagator_;
  Span span_;  // ends here if the call never got a status
};

/// One served call: the span starts when the caller's metadata arrives (extracted onto an
/// empty context: a call without trace metadata starts a new trace), is registered for the
/// handler (`grpc_server_context`), and ends when the status is sent.
class GrpcServerInterceptor final : public grpc::experimental::Interceptor {
 public:
  GrpcServerInterceptor(Tracer& tracer, const GrpcTracingOptions& options, grpc::experimental::ServerRpcInfo* info)
      : tracer_(tracer), options_(options), info_(info) {}
  ~GrpcServerInterceptor() override {
    if (registered_) GrpcServerSpans::instance().remove(info_->server_context());
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using Hook = grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_INITIAL_METADATA)) start(methods->GetRecvInitialMetadata());
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      finish_grpc_span(span_, status.error_code(), status.error_message(), true);
    }
    methods->Proceed();
  }

 private:
  void start(const std::multimap<grpc::string_ref, grpc::string_ref>* metadata) {
    const std::string_view method = grpc_method_name(info_->method());
    const std::multimap<grpc::string_ref, grpc::string_ref> none;
    span_ = start_server_span(tracer_, method.empty() ? std::string_view("grpc") : method,
                              GrpcMetadataGetter(metadata ? *metadata : none),
                              options_.propagator ? *options_.propagator : *global_propagator());
    span_.set_attribute(semconv::incubating::rpc::system_name, "grpc");
    if (!method.empty()) span_.set_attribute(semconv::incubating::rpc::method, method);
    set_grpc_target_attributes(span_, options_.target);
    try {
      GrpcServerSpans::instance().add(info_->server_context(), span_.to_context());
      registered_ = true;
    } catch (...) {  // out of memory: the handler finds no span; the call is still traced
    }
  }

  Tracer tracer_;
  const GrpcTracingOptions& options_;
  grpc::experimental::ServerRpcInfo* info_;
  Span span_;  // ends here, as it is, if the call ended without a status (cancelled)
  bool registered_ = false;
};

}  // namespace detail

/// A client interceptor factory that traces every call of a channel: a `SpanKind::client`
/// span named `package.Service/Method`, a child of the span current where the call is
/// made (not made current itself), with `rpc.system.name` `grpc`, `rpc.method`,
/// `server.address`/`server.port` (from `options.target`), and at the end
/// `rpc.response.status_code` (`OK`, `NOT_FOUND`, ...); every status but OK is an error
/// (`error.type` is the code). The span's context goes out in the call's metadata through
/// the propagator. Unary and streaming calls alike, with the sync, callback and async
/// APIs (interceptors see them all). Attribute names are those of semantic conventions
/// 1.44.0 (older releases had `rpc.system`, `rpc.service` and an integer
/// `rpc.grpc.status_code`).
///
/// **Example**:
/// ```
/// std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
/// interceptors.push_back(std::make_unique<tracewire::GrpcClientTracing>(tracer, tracewire::GrpcTracingOptions{nullptr,
/// "inventory:50051"})); auto channel = grpc::experimental::CreateCustomChannelWithInterceptors(
///     "inventory:50051", grpc::InsecureChannelCredentials(), grpc::ChannelArguments(), std::move(interceptors));
/// ```
/// (or `tracewire::create_traced_channel(tracer, "inventory:50051", grpc::InsecureChannelCredentials())`).
class GrpcClientTracing final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit GrpcClientTracing(Tracer tracer, GrpcTracingOptions options = {})
      : tracer_(std::move(tracer)), options_(std::move(options)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo* info) override {
    return new detail::GrpcClientInterceptor(tracer_, options_, info);
  }

 private:
  Tracer tracer_;
  GrpcTracingOptions options_;
};

/// A server interceptor factory that traces every call a server serves: a
/// `SpanKind::server` span named `package.Service/Method`, the child of the context the
/// caller sent in its metadata (extracted with the propagator onto an empty context, so a
/// call without it starts a new trace, never a child of whatever ran on the thread
/// before), with `rpc.system.name`, `rpc.method` and `rpc.response.status_code`; only the
/// codes the RPC conventions count as the server's fault (UNKNOWN, DEADLINE_EXCEEDED,
/// UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS) are errors. The span is never made
/// current on gRPC's threads: a handler makes it current where it works with
/// `tracewire::Scope scope(tracewire::grpc_server_context(*context));`.
///
/// **Example**:
/// ```
/// std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
/// interceptors.push_back(std::make_unique<tracewire::GrpcServerTracing>(tracer));
/// grpc::ServerBuilder builder;
/// builder.experimental().SetInterceptorCreators(std::move(interceptors));
/// ```
class GrpcServerTracing final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit GrpcServerTracing(Tracer tracer, GrpcTracingOptions options = {})
      : tracer_(std::move(tracer)), options_(std::move(options)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new detail::GrpcServerInterceptor(tracer_, options_, info);
  }

 private:
  Tracer tracer_;
  GrpcTracingOptions options_;
};

/// The context of the server span of the call `call` is serving (its span context and the
/// caller's baggage), for the handler to make current; an empty context if the server has
/// no `GrpcServerTracing` or the call is over.
///
/// **Example** (a sync or callback handler):
/// ```
/// grpc::Status Get(grpc::ServerContext* context, const GetRequest* request, Item* reply) override {
///   tracewire::Scope scope(tracewire::grpc_server_context(*context));
///   auto query = tracer.start_span("SELECT items");  // a child of the call's server span
///   ...
/// }
/// ```
inline Context grpc_server_context(const grpc::ServerContextBase& call) {
  return detail::GrpcServerSpans::instance().find(&call);
}

/// A channel to `target` whose calls are traced by a `GrpcClientTracing` (with
/// `options.target` set to `target`).
inline std::shared_ptr<grpc::Channel> create_traced_channel(
    Tracer tracer, const std::string& target, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const grpc::ChannelArguments& arguments = {}, GrpcTracingOptions options = {}) {
  options.target = target;
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<GrpcClientTracing>(std::move(tracer), std::move(options)));
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, credentials, arguments,
                                                                 std::move(interceptors));
}

}  // namespace v0
}  // namespace tracewire
