// C++20 coroutines with Boost.Asio: a coroutine's trace context follows it across co_await,
// whichever thread it resumes on.
#pragma once

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#if !__has_include(<boost/asio/awaitable.hpp>)
#error \
    "tracewire/instrumentation/asio_awaitable.hpp needs Boost.Asio's headers (Boost 1.74+; Debian: libboost-dev; CMake: link tracewire::beast)"
#endif

#include <boost/asio/awaitable.hpp>

#if !defined(BOOST_ASIO_HAS_CO_AWAIT)
#error \
    "tracewire/instrumentation/asio_awaitable.hpp needs C++20 coroutines in Boost.Asio (-std=c++20; clang with libstdc++ and Boost 1.74: also -DBOOST_ASIO_HAS_CO_AWAIT=1)"
#endif

#include <memory>
#include <type_traits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution/execute.hpp>
#include <boost/asio/execution/executor.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>

#include "tracewire/trace/context.hpp"

namespace tracewire {
inline namespace v0 {

namespace detail {

/// What a coroutine carries between threads: its own activation stack (see ThreadContext).
/// Shared by the copies of its executor.
struct CoroutineContext {
  explicit CoroutineContext(const Context& base) : stack(base) {}
  ThreadContext stack;
};

/// Installs a coroutine's stack on this thread for one resumption, then puts back what was
/// there (a thread's own stack, or the stack of a coroutine this one was resumed inside).
class InstalledStack {
 public:
  explicit InstalledStack(CoroutineContext& coroutine) noexcept : previous_(ThreadContext::install(&coroutine.stack)) {}
  ~InstalledStack() { ThreadContext::install(previous_); }
  InstalledStack(const InstalledStack&) = delete;
  InstalledStack& operator=(const InstalledStack&) = delete;

 private:
  ThreadContext* previous_;
};

/// A function an executor runs for a coroutine: it runs with the coroutine's stack installed.
template <class Function>
class Resumption {
 public:
  Resumption(std::shared_ptr<CoroutineContext> coroutine, Function function)
      : coroutine_(std::move(coroutine)), function_(std::move(function)) {}
  void operator()() {
    InstalledStack installed(*coroutine_);
    function_();
  }

 private:
  std::shared_ptr<CoroutineContext> coroutine_;
  Function function_;
};

}  // namespace detail

/// An Asio executor that runs everything it is given with a coroutine's trace context
/// installed, over `Executor` (which does the running; its properties are forwarded). Made
/// by `co_spawn_with_context`, which gives each coroutine its own; copies share it.
template <class Executor>
class ContextExecutor {
 public:
  ContextExecutor(Executor executor, std::shared_ptr<detail::CoroutineContext> coroutine) noexcept
      : executor_(std::move(executor)), coroutine_(std::move(coroutine)) {}

  template <class Function>
  void execute(Function&& function) const {
    boost::asio::execution::execute(
        executor_, detail::Resumption<std::decay_t<Function>>(coroutine_, std::forward<Function>(function)));
  }

  template <class Property>
  auto query(const Property& property) const noexcept(boost::asio::is_nothrow_query<const Executor&, Property>::value)
      -> std::enable_if_t<boost::asio::can_query<const Executor&, Property>::value,
                          typename boost::asio::query_result<const Executor&, Property>::type> {
    return boost::asio::query(executor_, property);
  }
  template <class Property>
  auto require(const Property& property) const -> std::enable_if_t<
      boost::asio::can_require<const Executor&, Property>::value,
      ContextExecutor<std::decay_t<typename boost::asio::require_result<const Executor&, Property>::type>>> {
    return {boost::asio::require(executor_, property), coroutine_};
  }
  template <class Property>
  auto prefer(const Property& property) const -> std::enable_if_t<
      boost::asio::can_prefer<const Executor&, Property>::value,
      ContextExecutor<std::decay_t<typename boost::asio::prefer_result<const Executor&, Property>::type>>> {
    return {boost::asio::prefer(executor_, property), coroutine_};
  }

  const Executor& inner_executor() const noexcept { return executor_; }

  friend bool operator==(const ContextExecutor& a, const ContextExecutor& b) noexcept {
    return a.coroutine_ == b.coroutine_ && a.executor_ == b.executor_;
  }
  friend bool operator!=(const ContextExecutor& a, const ContextExecutor& b) noexcept { return !(a == b); }

 private:
  template <class>
  friend class ContextExecutor;

  Executor executor_;
  std::shared_ptr<detail::CoroutineContext> coroutine_;
};

/// `boost::asio::co_spawn(executor, coroutine, token)`, with a trace context of the
/// coroutine's own that starts as `base` (by default what is current where it is spawned).
/// The context follows the coroutine, not the thread: whatever is current in it — a span
/// it started, a `Scope` — is current again after each `co_await`, on whichever thread of
/// the io_context it resumes, and spans end correctly there; two coroutines interleaved on
/// one thread never see each other's spans; and the thread gets back its own context
/// between resumptions. Coroutines it awaits (`co_await other()`) share its context, as a
/// called function would; spawn a concurrent one with co_spawn_with_context too
/// (`co_await boost::asio::this_coro::executor` is a fine executor for it).
///
/// It works with `awaitable<T>` (any_io_executor) and Asio's own asynchronous operations;
/// a coroutine resumed by something that bypasses its executor is not covered.
///
/// **Example**:
/// ```
/// boost::asio::awaitable<void> handle(tcp::socket socket) {
///   auto span = tracer.start_span("session");
///   co_await socket.async_read_some(buffer, boost::asio::use_awaitable);  // may resume elsewhere
///   auto child = tracer.start_span("parse");   // still a child of span
/// }
/// tracewire::co_spawn_with_context(io.get_executor(), handle(std::move(socket)), boost::asio::detached);
/// ```
template <class Executor, class T, class AwaitableExecutor, class CompletionToken>
auto co_spawn_with_context(const Executor& executor, boost::asio::awaitable<T, AwaitableExecutor> coroutine,
                           CompletionToken&& token, const Context& base = Context::current()) {
  ContextExecutor<Executor> traced(executor, std::make_shared<detail::CoroutineContext>(base));
  return boost::asio::co_spawn(traced, std::move(coroutine), std::forward<CompletionToken>(token));
}

}  // namespace v0
}  // namespace tracewire
