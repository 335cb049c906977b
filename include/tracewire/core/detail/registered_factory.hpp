// RegisteredFactory: a process-wide function pointer that an optional part's header sets.
#pragma once

#include <atomic>

namespace tracewire {
inline namespace v0 {
namespace detail {

/// How the core reaches an optional part (the libcurl client, the gRPC exporter) without a
/// configuration macro. A macro such as "built with libcurl" inside an inline function
/// would give that function two different bodies in one program whose translation units
/// were built with different link sets (two libraries, one linking tracewire::otlp_http):
/// an ODR violation, after which the linker keeps either body. Instead, the part's header
/// sets the factory here when it is included (through an inline variable's initializer),
/// and the core calls `get()` at run time. Every inline body is then the same in every
/// translation unit; what differs is only whether some translation unit of the program
/// included the part's header, and then the whole program has the part.
///
/// The slot is constant-initialized (null before any dynamic initialization), so setting
/// it from a static initializer is safe. A `get()` made during static initialization,
/// before the including translation unit is initialized, finds nothing: pass the part
/// explicitly there. `Function` is a function type, e.g.
/// `std::unique_ptr<HttpClient>(const HttpTlsOptions&)`.
template <typename Function>
class RegisteredFactory {
 public:
  static void set(Function* function) noexcept { slot_.store(function, std::memory_order_release); }
  /// The registered function, or null when no translation unit registered one.
  static Function* get() noexcept { return slot_.load(std::memory_order_acquire); }

 private:
  static inline std::atomic<Function*> slot_{nullptr};
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
