// TextMapPropagator: the interface every header format implements.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tracewire/core/logger.hpp"
#include "tracewire/propagation/text_map_carrier.hpp"
#include "tracewire/trace/context.hpp"

namespace tracewire {
inline namespace v0 {

/// Moves a Context across a process boundary through string headers. `extract` reads an
/// incoming request's headers and returns `base` with what it found: the remote span
/// context (`is_remote = true`) when the headers hold a valid one, and baggage merged over
/// `base`'s. Anything invalid is ignored — the result is then `base` unchanged — never an
/// exception. `inject` writes the context's span context (when valid) and baggage into an
/// outgoing request with lowercase header names and values free of control characters.
///
/// Propagators are immutable after construction and safe to share between threads.
/// To implement one, override `do_extract`, `do_inject`, `fields` and `describe`; the public
/// functions catch what they throw (allocation failure) so it never reaches the application.
///
/// **Example**:
/// ```
/// // server: continue the caller's trace
/// auto parent = propagator.extract(tracewire::ContainerGetter(request_headers));
/// // client: pass the current trace on
/// tracewire::ContainerSetter setter(outgoing_headers);
/// propagator.inject(tracewire::Context::current(), setter);
/// ```
class TextMapPropagator {
 public:
  virtual ~TextMapPropagator() = default;

  /// `base` updated with the context found in `carrier`.
  Context extract(const TextMapGetter& carrier, const Context& base = Context()) const noexcept {
    try {
      return do_extract(carrier, base);
    } catch (...) {
      static detail::RateLimitedLog log;
      log(LogLevel::error, "{}: extract failed (out of memory?); continuing without the incoming context", safe_name());
      return base;
    }
  }

  /// Writes `context` into `carrier`.
  void inject(const Context& context, TextMapSetter& carrier) const noexcept {
    try {
      do_inject(context, carrier);
    } catch (...) {
      static detail::RateLimitedLog log;
      log(LogLevel::error, "{}: inject failed (out of memory, or the carrier threw); headers may be incomplete",
          safe_name());
    }
  }

  /// The header names this propagator writes (lowercase), e.g. to pre-allocate or to clear them.
  virtual const std::vector<std::string>& fields() const noexcept = 0;

  /// One line for the startup log, e.g. `TraceContextPropagator{max_tracestate_length=512}`.
  virtual std::string describe() const = 0;

 protected:
  virtual Context do_extract(const TextMapGetter& carrier, const Context& base) const = 0;
  virtual void do_inject(const Context& context, TextMapSetter& carrier) const = 0;

 private:
  std::string safe_name() const noexcept {
    try {
      return describe();
    } catch (...) {
      return "propagator";
    }
  }
};

}  // namespace v0
}  // namespace tracewire
