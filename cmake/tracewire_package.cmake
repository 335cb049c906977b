# The package tracewire installs (TRACEWIRE_INSTALL) and the same package in the build tree:
# one targets file per component, a config file that looks for the dependencies of the
# requested components only, a version file, and one pkg-config file per component.

set(TRACEWIRE_CMAKE_FILES_DIR "${PROJECT_BINARY_DIR}/package")

# tracewire-targets.cmake (the core) and tracewire-<component>-targets.cmake.
set(TRACEWIRE_PACKAGE_PARTS core ${TRACEWIRE_COMPONENTS})
foreach(part IN LISTS TRACEWIRE_PACKAGE_PARTS)
  if(part STREQUAL "core")
    set(target tracewire)
    set(targets_file tracewire-targets)
  else()
    set(target tracewire_${part})
    set(targets_file tracewire-${part}-targets)
  endif()
  if(TRACEWIRE_INSTALL)
    install(TARGETS ${target} EXPORT ${targets_file})
    install(EXPORT ${targets_file} NAMESPACE tracewire:: DESTINATION ${TRACEWIRE_INSTALL_CMAKEDIR})
  endif()
  # The build tree is a package too: -Dtracewire_DIR=<this build directory>.
  export(TARGETS ${target} NAMESPACE tracewire:: FILE ${PROJECT_BINARY_DIR}/${targets_file}.cmake)
endforeach()

configure_package_config_file(cmake/tracewireConfig.cmake.in
  ${PROJECT_BINARY_DIR}/tracewireConfig.cmake
  INSTALL_DESTINATION ${TRACEWIRE_INSTALL_CMAKEDIR})
# Header-only: the package fits any architecture. 0.x releases follow SameMajorVersion too,
# so `find_package(tracewire 0.2)` accepts 0.2 and every later 0.y.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tracewireConfigVersion.cmake
  COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)

# pkg-config: tracewire.pc and tracewire-<component>.pc, with a prefix relative to the
# file's own location so that a moved prefix (or a DESTDIR staging tree) still works.
if(IS_ABSOLUTE "${TRACEWIRE_INSTALL_PKGCONFIGDIR}")
  message(FATAL_ERROR "TRACEWIRE_INSTALL_PKGCONFIGDIR must be relative to the prefix: ${TRACEWIRE_INSTALL_PKGCONFIGDIR}")
endif()
file(RELATIVE_PATH TRACEWIRE_PC_PREFIX_FROM_PCFILEDIR
  "/prefix/${TRACEWIRE_INSTALL_PKGCONFIGDIR}" "/prefix")
string(REGEX REPLACE "/$" "" TRACEWIRE_PC_PREFIX_FROM_PCFILEDIR "${TRACEWIRE_PC_PREFIX_FROM_PCFILEDIR}")
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(TRACEWIRE_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(TRACEWIRE_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
set(TRACEWIRE_PC_FILES)
set(TRACEWIRE_PC_REQUIRES_core "fmt")
set(TRACEWIRE_PC_DESCRIPTION_core "${PROJECT_DESCRIPTION}: API, SDK, propagators, console/file/UDP exporters")
set(TRACEWIRE_PC_REQUIRES_otlp_http "tracewire = ${PROJECT_VERSION}, libcurl, zlib")
set(TRACEWIRE_PC_DESCRIPTION_otlp_http "tracewire's libcurl transport: OTLP/HTTP, Jaeger collector and Zipkin export")
set(TRACEWIRE_PC_REQUIRES_otlp_grpc "tracewire = ${PROJECT_VERSION}, grpc++")
set(TRACEWIRE_PC_DESCRIPTION_otlp_grpc "tracewire's OTLP/gRPC exporter")
# Boost installs no .pc file: its headers are found in the compiler's default paths.
set(TRACEWIRE_PC_REQUIRES_beast "tracewire = ${PROJECT_VERSION}")
set(TRACEWIRE_PC_DESCRIPTION_beast "tracewire's Boost.Beast and Boost.Asio helpers (needs Boost's headers)")
set(TRACEWIRE_PC_REQUIRES_grpc "tracewire = ${PROJECT_VERSION}, grpc++")
set(TRACEWIRE_PC_DESCRIPTION_grpc "tracewire's gRPC client and server interceptors")
set(TRACEWIRE_PC_REQUIRES_curl "tracewire = ${PROJECT_VERSION}, libcurl")
set(TRACEWIRE_PC_DESCRIPTION_curl "tracewire's libcurl instrumentation: requests as client spans")
set(TRACEWIRE_PC_REQUIRES_libpq "tracewire = ${PROJECT_VERSION}, libpq")
set(TRACEWIRE_PC_DESCRIPTION_libpq "tracewire's libpq instrumentation: PostgreSQL queries as client spans")
set(TRACEWIRE_PC_REQUIRES_spdlog "tracewire = ${PROJECT_VERSION}, spdlog")
set(TRACEWIRE_PC_DESCRIPTION_spdlog "tracewire's spdlog integration: trace ids in log lines, log lines as span events")
foreach(part IN LISTS TRACEWIRE_PACKAGE_PARTS)
  if(part STREQUAL "core")
    set(pc_name tracewire)
  else()
    string(REPLACE "_" "-" pc_name "tracewire-${part}")
  endif()
  set(TRACEWIRE_PC_NAME ${pc_name})
  set(TRACEWIRE_PC_REQUIRES "${TRACEWIRE_PC_REQUIRES_${part}}")
  set(TRACEWIRE_PC_DESCRIPTION "${TRACEWIRE_PC_DESCRIPTION_${part}}")
  configure_file(cmake/tracewire.pc.in ${TRACEWIRE_CMAKE_FILES_DIR}/pkgconfig/${pc_name}.pc @ONLY)
  list(APPEND TRACEWIRE_PC_FILES ${TRACEWIRE_CMAKE_FILES_DIR}/pkgconfig/${pc_name}.pc)
endforeach()

if(TRACEWIRE_INSTALL)
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(FILES ${PROJECT_BINARY_DIR}/generated/include/tracewire/version.hpp
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tracewire)
  install(FILES ${PROJECT_BINARY_DIR}/tracewireConfig.cmake ${PROJECT_BINARY_DIR}/tracewireConfigVersion.cmake
    DESTINATION ${TRACEWIRE_INSTALL_CMAKEDIR})
  install(FILES ${TRACEWIRE_PC_FILES} DESTINATION ${TRACEWIRE_INSTALL_PKGCONFIGDIR})
endif()
