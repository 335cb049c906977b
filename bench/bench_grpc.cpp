// gRPC instrumentation cost: a unary call to an echo method on a loopback server, with no
// interceptors and with tracewire's on both sides (client and server spans, traceparent
// in the metadata, extracted by the server). Generic calls (byte buffers), so no protobuf
// code generation is needed; the interceptors see them as any other call.
#include <benchmark/benchmark.h>

#if defined(TRACEWIRE_BENCH_WITH_GRPC)

#include <future>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "support/pipeline.hpp"
#include "tracewire/instrumentation/grpc.hpp"

namespace {

// Answers every call with its request.
class EchoReactor final : public grpc::ServerGenericBidiReactor {
 public:
  EchoReactor() { StartRead(&message_); }
  void OnReadDone(bool ok) override {
    if (!ok) return Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request"));
    StartWriteAndFinish(&message_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer message_;
};

class EchoService final : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    return new EchoReactor();
  }
};

// A loopback server and a channel to it, traced or not.
struct EchoCall {
  EchoService service;
  std::unique_ptr<grpc::Server> server;
  std::shared_ptr<grpc::Channel> channel;

  explicit EchoCall(const tracewire::Tracer* tracer) {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterCallbackGenericService(&service);
    if (tracer) {
      std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
      interceptors.push_back(std::make_unique<tracewire::GrpcServerTracing>(*tracer));
      builder.experimental().SetInterceptorCreators(std::move(interceptors));
    }
    server = builder.BuildAndStart();
    const std::string target = "127.0.0.1:" + std::to_string(port);
    channel = tracer ? tracewire::create_traced_channel(*tracer, target, grpc::InsecureChannelCredentials())
                     : grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  }
  ~EchoCall() { server->Shutdown(); }

  // One call, waited for; false unless it succeeded.
  bool call(grpc::GenericStub& stub, const grpc::ByteBuffer& request) const {
    grpc::ClientContext context;
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, "/bench.Echo/Echo", grpc::StubOptions(), &request, &response,
                   [&done](grpc::Status status) { done.set_value(std::move(status)); });
    return done.get_future().get().ok();
  }
};

void unary_calls(benchmark::State& state, const tracewire::Tracer* tracer) {
  EchoCall echo(tracer);
  grpc::GenericStub stub(echo.channel);
  grpc::Slice payload(std::string("cart 4217"));
  const grpc::ByteBuffer request(&payload, 1);
  if (!echo.call(stub, request)) return state.SkipWithError("the first call failed");  // connected before timing
  for (auto _ : state) {
    if (!echo.call(stub, request)) return state.SkipWithError("a call failed");
  }
}

void BM_GrpcUnaryBare(benchmark::State& state) { unary_calls(state, nullptr); }
BENCHMARK(BM_GrpcUnaryBare)->UseRealTime();

void BM_GrpcUnaryTraced(benchmark::State& state) {
  tracewire_bench::Pipeline& pipeline = tracewire_bench::sampled_pipeline();
  pipeline.provider->force_flush();
  const std::size_t before = pipeline.sink->exported() + pipeline.processor->stats().dropped_queue_full;
  unary_calls(state, &pipeline.tracer);
  pipeline.provider->force_flush();
  const std::size_t spans = pipeline.sink->exported() + pipeline.processor->stats().dropped_queue_full - before;
  // A client and a server span per call, and the untimed first call's two.
  if (spans != 2 * (static_cast<std::size_t>(state.iterations()) + 1))
    state.SkipWithError("not every call was traced on both sides");
}
BENCHMARK(BM_GrpcUnaryTraced)->UseRealTime();

}  // namespace

#endif
