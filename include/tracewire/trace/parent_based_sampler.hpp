// ParentBasedSampler: follows the parent's decision, delegates for root spans.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "tracewire/trace/sampler.hpp"

namespace tracewire {
inline namespace v0 {

/// Respects the decision already made upstream: a span with a parent takes one of four
/// delegates depending on whether the parent is remote and sampled (defaults: sampled →
/// always on, not sampled → always off, for remote and local parents alike); a root span
/// asks `root`. This is the specification's default sampler (`parentbased_always_on`).
///
/// **Example**: `auto sampler = std::make_shared<ParentBasedSampler>(std::make_shared<ProbabilitySampler>(0.1));`
class ParentBasedSampler final : public Sampler {
 public:
  struct Delegates {
    std::shared_ptr<Sampler> remote_parent_sampled = std::make_shared<AlwaysOnSampler>();
    std::shared_ptr<Sampler> remote_parent_not_sampled = std::make_shared<AlwaysOffSampler>();
    std::shared_ptr<Sampler> local_parent_sampled = std::make_shared<AlwaysOnSampler>();
    std::shared_ptr<Sampler> local_parent_not_sampled = std::make_shared<AlwaysOffSampler>();
  };

  explicit ParentBasedSampler(std::shared_ptr<Sampler> root) : ParentBasedSampler(std::move(root), Delegates()) {}
  ParentBasedSampler(std::shared_ptr<Sampler> root, Delegates delegates)
      : root_(root ? std::move(root) : std::make_shared<AlwaysOnSampler>()), delegates_(std::move(delegates)) {}

  SamplingResult should_sample(const SamplingParameters& parameters) noexcept override {
    const SpanContext& parent = parameters.parent;
    if (!parent.is_valid()) return root_->should_sample(parameters);
    Sampler& delegate =
        parent.is_remote ? *(parent.sampled() ? delegates_.remote_parent_sampled : delegates_.remote_parent_not_sampled)
                         : *(parent.sampled() ? delegates_.local_parent_sampled : delegates_.local_parent_not_sampled);
    return delegate.should_sample(parameters);
  }

  std::string describe() const override { return "ParentBased{root=" + root_->describe() + "}"; }

  /// The sampler for root spans and the four delegates (the SDK inspects them once to
  /// decide fixed cases without a virtual call per span).
  const Sampler& root() const noexcept { return *root_; }
  const Delegates& delegates() const noexcept { return delegates_; }

 private:
  std::shared_ptr<Sampler> root_;
  Delegates delegates_;
};

}  // namespace v0
}  // namespace tracewire
