// CompositePropagator: several header formats read and written as one.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tracewire/propagation/text_map_propagator.hpp"

namespace tracewire {
inline namespace v0 {

/// Runs several propagators as one, so a service understands every format its callers
/// send and speaks every format its callees expect (what `OTEL_PROPAGATORS=a,b` builds).
///
/// Extract runs each propagator in order on the same headers: the first one that finds a
/// valid span context wins (later formats cannot override it, so a stale second header
/// cannot hijack the trace), and the baggage every propagator finds is merged. Inject runs
/// every propagator. An empty composite propagates nothing (`OTEL_PROPAGATORS=none`).
///
/// **Example**:
/// ```
/// std::vector<std::unique_ptr<tracewire::TextMapPropagator>> formats;
/// formats.push_back(std::make_unique<tracewire::TraceContextPropagator>());
/// formats.push_back(std::make_unique<tracewire::BaggagePropagator>());
/// tracewire::CompositePropagator propagator(std::move(formats));
/// ```
class CompositePropagator final : public TextMapPropagator {
 public:
  explicit CompositePropagator(std::vector<std::unique_ptr<TextMapPropagator>> propagators)
      : propagators_(std::move(propagators)) {
    for (const auto& propagator : propagators_) {
      for (const std::string& field : propagator->fields()) {
        bool known = false;
        for (const std::string& existing : fields_) known = known || existing == field;
        if (!known) fields_.push_back(field);
      }
    }
  }

  const std::vector<std::unique_ptr<TextMapPropagator>>& propagators() const noexcept { return propagators_; }
  const std::vector<std::string>& fields() const noexcept override { return fields_; }

  std::string describe() const override {
    std::string text = "CompositePropagator{";
    for (std::size_t i = 0; i < propagators_.size(); ++i) {
      if (i > 0) text += ", ";
      text += propagators_[i]->describe();
    }
    return text + "}";
  }

 protected:
  Context do_extract(const TextMapGetter& carrier, const Context& base) const override {
    Context current = base;
    bool found = false;
    for (const auto& propagator : propagators_) {
      Context next = propagator->extract(carrier, current);
      if (found) {
        next = next.with_span_context(current.span_context());
      } else if (next.span_context() != current.span_context() && next.span_context().is_valid()) {
        found = true;
      }
      current = std::move(next);
    }
    return current;
  }

  void do_inject(const Context& context, TextMapSetter& carrier) const override {
    for (const auto& propagator : propagators_) propagator->inject(context, carrier);
  }

 private:
  std::vector<std::unique_ptr<TextMapPropagator>> propagators_;
  std::vector<std::string> fields_;
};

}  // namespace v0
}  // namespace tracewire
