// bind_context: carrying the current trace into Boost.Asio completion handlers.
#pragma once

#if !__has_include(<boost/asio/associated_executor.hpp>)
#error \
    "tracewire/instrumentation/asio.hpp needs Boost.Asio's headers (Boost 1.74+; Debian: libboost-dev; CMake: link tracewire::beast)"
#endif

#include <type_traits>
#include <utility>

#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_executor.hpp>

#include "tracewire/trace/context.hpp"
#include "tracewire/trace/span.hpp"

namespace tracewire {
inline namespace v0 {

/// A completion handler that runs with a Context current. Asio runs handlers on whatever
/// thread calls `io_context::run`, where the thread-local current span is unrelated to
/// the operation; this wrapper makes the context captured when the operation started
/// current for the duration of the call, so spans started inside the handler become its
/// children, and restores the thread's previous context afterwards, so nothing the
/// handler leaves current leaks into the next, unrelated handler on that thread. The
/// wrapped handler's associated executor and allocator are kept (a strand still
/// serializes it). Made by `bind_context`.
template <class Handler>
class ContextBoundHandler {
 public:
  ContextBoundHandler(Context context, Handler handler) : context_(std::move(context)), handler_(std::move(handler)) {}

  template <class... Args>
  decltype(auto) operator()(Args&&... args) {
    Scope scope(context_);
    return handler_(std::forward<Args>(args)...);
  }
  template <class... Args>
  decltype(auto) operator()(Args&&... args) const {
    Scope scope(context_);
    return handler_(std::forward<Args>(args)...);
  }

  const Context& context() const noexcept { return context_; }
  Handler& handler() noexcept { return handler_; }
  const Handler& handler() const noexcept { return handler_; }

 private:
  Context context_;
  Handler handler_;
};

/// Wraps `handler` so that it runs with `context` current, in the style of
/// `boost::asio::bind_executor`.
///
/// **Example**:
/// ```
/// auto span = tracer.start_span("redis_call");
/// timer.async_wait(tracewire::bind_context(tracewire::Context::current(), [](auto ec) {
///   auto child = tracer.start_span("parse");   // a child of redis_call, on any thread
/// }));
/// ```
template <class Handler>
ContextBoundHandler<std::decay_t<Handler>> bind_context(Context context, Handler&& handler) {
  return ContextBoundHandler<std::decay_t<Handler>>(std::move(context), std::forward<Handler>(handler));
}

/// `bind_context(span.to_context(), handler)`: the handler runs with `span` current (and the
/// baggage it was started with), e.g. the completion handler of a server span's write.
/// Evaluate it before moving `span` anywhere (a session member is the usual place).
template <class Handler>
ContextBoundHandler<std::decay_t<Handler>> bind_context(const Span& span, Handler&& handler) {
  return bind_context(span.to_context(), std::forward<Handler>(handler));
}

/// `bind_context(Context::current(), handler)`: the handler continues the trace that is
/// current where the asynchronous operation is started.
template <class Handler>
ContextBoundHandler<std::decay_t<Handler>> bind_context(Handler&& handler) {
  return bind_context(Context::current(), std::forward<Handler>(handler));
}

}  // namespace v0
}  // namespace tracewire

namespace boost {
namespace asio {

// Asio finds a handler's executor and allocator through these traits; forwarding them to
// the wrapped handler keeps strands and custom allocators working through bind_context.
template <class Handler, class Executor>
struct associated_executor<tracewire::ContextBoundHandler<Handler>, Executor> {
  using type = typename associated_executor<Handler, Executor>::type;
  static type get(const tracewire::ContextBoundHandler<Handler>& handler,
                  const Executor& executor = Executor()) noexcept {
    return associated_executor<Handler, Executor>::get(handler.handler(), executor);
  }
};

template <class Handler, class Allocator>
struct associated_allocator<tracewire::ContextBoundHandler<Handler>, Allocator> {
  using type = typename associated_allocator<Handler, Allocator>::type;
  static type get(const tracewire::ContextBoundHandler<Handler>& handler,
                  const Allocator& allocator = Allocator()) noexcept {
    return associated_allocator<Handler, Allocator>::get(handler.handler(), allocator);
  }
};

}  // namespace asio
}  // namespace boost
