// The Quick start's block in the code around it: the session of examples/uservices/uservice4.cpp
// (the demo's Session base, its tracer and options), so that the excerpt compiles as printed.
#ifndef USERVICES_HTML
#define USERVICES_HTML "hello-world.html"  // the page the demo serves; never read here
#endif
#include <tracewire/instrumentation/beast.hpp>

#include "../../examples/uservices/service.hpp"

namespace {

uservices::Options options;
tracewire::Tracer tracer;
namespace beast = uservices::beast;

class Session : public uservices::Session<Session> {
 public:
  using uservices::Session<Session>::Session;

#include TRACEWIRE_README_SNIPPET

 private:
  tracewire::Span span_;
  tracewire::Span query_;
};

}  // namespace

// What the demo's server does with a session type.
int serve_readme_session() { return uservices::serve<Session>(options); }
