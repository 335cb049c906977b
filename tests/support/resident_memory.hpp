// Resident memory of the test process, for the tests that bound what tracewire keeps.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <fstream>

#include "support/sanitizers.hpp"

namespace tracewire_test {

/// Resident memory of this process, in bytes (Linux /proc/self/statm).
inline std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

/// False under AddressSanitizer: its quarantine keeps freed memory resident (up to 256 MiB)
/// on purpose, so resident memory says nothing about what the program still holds. The
/// tests then check what tracewire itself reports (storage_bytes, pool sizes) only.
inline constexpr bool resident_memory_is_meaningful = !under_address_sanitizer;

}  // namespace tracewire_test
