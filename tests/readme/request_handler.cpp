// The Propagation block in the code around it: a request handler with the incoming and
// outgoing headers as plain maps (what ContainerGetter and ContainerSetter adapt) and a
// tracer, with exactly the include the section names.
#include <map>
#include <string>

#include <tracewire/instrumentation/server_span.hpp>

void handle_readme_request(tracewire::Tracer& tracer, const std::map<std::string, std::string>& incoming_headers,
                           std::map<std::string, std::string>& outgoing_headers) {
#include TRACEWIRE_README_SNIPPET
}
