// closed_port: a loopback TCP port with nothing listening on it.
#pragma once

#include <unistd.h>

#include "support/loopback_socket.hpp"

namespace tracewire_test {

/// A port that was free a moment ago (bound, then closed), so a connection to it is refused:
/// the "collector not running" case.
inline int closed_port() {
  int port = 0;
  ::close(bind_loopback(port, false));
  return port;
}

}  // namespace tracewire_test
