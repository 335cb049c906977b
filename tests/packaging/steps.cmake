# The steps of tests/packaging that are not a consumer build, run with cmake -P:
#   -DSTEP=configure -DBUILD=<dir> -DOPTIONS=<-D...,...>   configure this checkout (nothing to build)
#   -DSTEP=install -DBUILD=<dir> -DPREFIX=<dir>            install it into a fresh prefix
#   -DSTEP=move ... -DPREFIX=<dir> -DMOVED=<dir>           install, then move the prefix
#   -DSTEP=destdir -DBUILD=<dir> -DDESTDIR=<dir>           DESTDIR install, checked for usr/lib
#   -DSTEP=archive -DARCHIVE=<file.tar.gz>                 the checkout as an archive (no build/, .git/)
#   -DSTEP=pkg_config ...                                  build consumer/main.cpp with pkg-config's flags
#   -DSTEP=vcpkg ...                                       the vcpkg port's portfile (vcpkg_stand_in.cmake)
# SOURCE is the checkout.
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} COMMAND_ECHO STDOUT COMMAND_ERROR_IS_FATAL ANY)
endfunction()

if(STEP STREQUAL "configure")
  string(REPLACE "," ";" OPTIONS "${OPTIONS}")
  file(REMOVE_RECURSE "${BUILD}")
  # A packager's configure: no tests, examples or benchmarks, install rules on.
  run(${CMAKE_COMMAND} -S "${SOURCE}" -B "${BUILD}" -G Ninja -DCMAKE_BUILD_TYPE=Release
      -DTRACEWIRE_BUILD_TESTS=OFF -DTRACEWIRE_BUILD_EXAMPLES=OFF -DTRACEWIRE_INSTALL=ON ${OPTIONS})
  run(${CMAKE_COMMAND} --build "${BUILD}")

elseif(STEP STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")
  run(${CMAKE_COMMAND} --install "${BUILD}" --prefix "${PREFIX}")

elseif(STEP STREQUAL "move")
  file(REMOVE_RECURSE "${PREFIX}" "${MOVED}")
  run(${CMAKE_COMMAND} --install "${BUILD}" --prefix "${PREFIX}")
  file(RENAME "${PREFIX}" "${MOVED}")
  message(STATUS "moved ${PREFIX} to ${MOVED}")

elseif(STEP STREQUAL "destdir")
  file(REMOVE_RECURSE "${DESTDIR}")
  set(ENV{DESTDIR} "${DESTDIR}")
  run(${CMAKE_COMMAND} --install "${BUILD}")
  if(EXISTS "${DESTDIR}/usr/lib")
    file(GLOB_RECURSE misplaced RELATIVE "${DESTDIR}" "${DESTDIR}/usr/lib/*")
    message(FATAL_ERROR "an architecture-independent package installed under usr/lib: ${misplaced}")
  endif()
  foreach(expected usr/share/cmake/tracewire/tracewireConfig.cmake usr/share/pkgconfig/tracewire.pc
                   usr/include/tracewire/version.hpp)
    if(NOT EXISTS "${DESTDIR}/${expected}")
      message(FATAL_ERROR "${expected} is missing from the DESTDIR install")
    endif()
  endforeach()
  # Headers and the architecture-independent package files in include/ and share/; the
  # command-line tools, the only architecture-dependent files, in bin/ (a distribution puts
  # them in a package of their own).
  file(GLOB_RECURSE outside RELATIVE "${DESTDIR}" "${DESTDIR}/*")
  list(FILTER outside EXCLUDE REGEX "^usr/(include|share)/|^usr/bin/tracewire-(view|gen)$")
  if(outside)
    message(FATAL_ERROR "installed outside usr/include, usr/share and the tools in usr/bin: ${outside}")
  endif()

elseif(STEP STREQUAL "archive")
  find_program(TAR tar REQUIRED)
  get_filename_component(directory "${ARCHIVE}" DIRECTORY)
  file(MAKE_DIRECTORY "${directory}")
  run(${TAR} -czf "${ARCHIVE}" --exclude=./build --exclude=./.git --exclude=node_modules -C "${SOURCE}" .)

elseif(STEP STREQUAL "pkg_config")
  # Each pkg-config directory (a moved prefix, a DESTDIR staging tree) must give working
  # flags for every component but gRPC and libcurl's instrumentation (gRPC's consumer build is
  # the slowest, find_all covers both).
  string(REPLACE "," ";" PKG_CONFIG_DIRS "${PKG_CONFIG_DIRS}")
  file(MAKE_DIRECTORY "${OUT}")
  foreach(directory IN LISTS PKG_CONFIG_DIRS)
    set(ENV{PKG_CONFIG_PATH} "${directory}")
    execute_process(COMMAND ${PKG_CONFIG} --cflags --libs tracewire-otlp-http tracewire-beast tracewire-libpq tracewire-spdlog
                    OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
    message(STATUS "pkg-config --cflags --libs tracewire-otlp-http tracewire-beast tracewire-libpq tracewire-spdlog (${directory}): ${flags}")
    separate_arguments(flags UNIX_COMMAND "${flags}")
    # The include directory is found relative to the .pc file, wherever the prefix now is.
    get_filename_component(expected "${directory}/../../include" ABSOLUTE)
    set(found FALSE)
    foreach(flag IN LISTS flags)
      if(flag MATCHES "^-I(.*)")
        get_filename_component(include "${CMAKE_MATCH_1}" ABSOLUTE)
        if(include STREQUAL expected)
          set(found TRUE)
        endif()
      endif()
    endforeach()
    if(NOT found)
      message(FATAL_ERROR "the flags do not point into ${expected}: ${flags}")
    endif()
    set(program "${OUT}/consumer")
    file(REMOVE "${program}")
    run(${CXX} -std=c++17 -DCONSUMER_WITH_OTLP_HTTP -DCONSUMER_WITH_BEAST -DCONSUMER_WITH_LIBPQ -DCONSUMER_WITH_SPDLOG "${CONSUMER}" ${flags} -o "${program}")
    run("${program}")
  endforeach()

elseif(STEP STREQUAL "vcpkg")
  include("${HERE}/vcpkg_stand_in.cmake")
  string(REPLACE "," ";" FEATURES "${FEATURES}")
  vcpkg_stand_in_run_port("${PORT_DIR}" "${VCPKG_ROOT}" "${FEATURES}")

else()
  message(FATAL_ERROR "unknown STEP ${STEP}")
endif()
