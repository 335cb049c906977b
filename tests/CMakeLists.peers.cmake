# The suites that check wire formats and cross-implementation behaviour with the independent
# peers of tests/peers (TRACEWIRE_TEST_PEERS=ON): the npm OpenTelemetry packages, Apache
# Thrift, protoc. They run after the CTest fixture tracewire_peers (`npm ci`).

include(peers/CMakeLists.fragment.cmake)

# tracewire_add_peers_suite(<name> ...): a suite (as tracewire_add_test_suite) that needs the peers.
function(tracewire_add_peers_suite name)
  tracewire_add_test_suite(${name} ${ARGN})
  tracewire_use_peers(${name})
  set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED tracewire_peers)
endfunction()

tracewire_add_peers_suite(tracewire_peers_tests LABELS peers SOURCES test_peers.cpp)

# Cross-implementation tests against the official OpenTelemetry JS propagators.
tracewire_add_peers_suite(tracewire_propagation_peers_tests LABELS propagation SOURCES test_make_propagator.cpp)

# "Pass your own HttpClient": a client written in the test on plain sockets carries the
# posts of the three HTTP exporters, in a program linked with tracewire::tracewire alone (no
# libcurl).
tracewire_add_peers_suite(tracewire_http_client_tests LABELS export SOURCES test_http_client.cpp)

# OTLP exporters. The integration tests decode what was sent with tests/peers/receiver.js
# (the OpenTelemetry-generated protobufjs code from the pinned npm lock file).
if(TARGET tracewire::otlp_http)
  tracewire_add_peers_suite(tracewire_otlp_tests LABELS export SOURCES
    test_proto_writer.cpp
    test_otlp_http_exporter.cpp
    test_otlp_file_exporter.cpp
    test_otlp_from_environment.cpp
    test_fork.cpp
    LIBS tracewire::otlp_http)
  # A program that forks children while it traces (test_fork.cpp runs it).
  add_executable(tracewire_fork_program programs/fork_children.cpp)
  target_link_libraries(tracewire_fork_program PRIVATE tracewire::otlp_http tracewire_project_options)
  target_include_directories(tracewire_fork_program PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})  # support/
  add_dependencies(tracewire_otlp_tests tracewire_fork_program)
  target_compile_definitions(tracewire_otlp_tests PRIVATE TRACEWIRE_FORK_PROGRAM="$<TARGET_FILE:tracewire_fork_program>")
else()
  tracewire_skip_suite(tracewire_otlp_tests "needs tracewire::otlp_http (libcurl, zlib)")
endif()

# OTLP/gRPC: a gRPC C++ generic server on loopback receives the calls and hands the bytes
# to receiver.js (over HTTP, hence libcurl) for decoding; protoc encodes the RetryInfo
# details the server sends.
if(TARGET tracewire::otlp_grpc AND TARGET tracewire::otlp_http)
  tracewire_add_peers_suite(tracewire_otlp_grpc_tests LABELS export SOURCES
    test_otlp_grpc_exporter.cpp
    LIBS tracewire::otlp_grpc tracewire::otlp_http)
else()
  tracewire_skip_suite(tracewire_otlp_grpc_tests "needs tracewire::otlp_grpc and tracewire::otlp_http (gRPC C++, libcurl)")
endif()

# Jaeger Thrift and Zipkin exporters. Wire formats are decoded by tests/peers/receiver.js
# (Apache Thrift's Node library on the official Jaeger IDL; a JSON parser for Zipkin), run
# with the node found here after `npm ci --prefix tests/peers`.
if(TARGET tracewire::otlp_http)
  tracewire_add_peers_suite(tracewire_jaeger_zipkin_tests LABELS export SOURCES
    test_thrift_writer.cpp
    test_jaeger_udp_exporter.cpp
    test_jaeger_http_exporter.cpp
    test_zipkin_exporter.cpp
    test_jaeger_zipkin_from_environment.cpp
    test_http_sender.cpp  # the retry rules of the three HTTP exporters end to end
    LIBS tracewire::otlp_http)
else()
  tracewire_skip_suite(tracewire_jaeger_zipkin_tests "needs tracewire::otlp_http (libcurl, zlib)")
endif()

# AWS X-Ray: ids, segment documents and the daemon's UDP protocol, checked against AWS's
# segment document rules (support/xray_segment_rules.hpp), the AWS X-Ray SDK for Node.js
# and OpenTelemetry's X-Ray packages (tests/peers/xray.js), and receiver.js's UDP port.
tracewire_add_peers_suite(tracewire_xray_tests LABELS export SOURCES
  test_xray_id_generator.cpp
  test_xray_encoder.cpp
  test_xray_udp_exporter.cpp
  test_xray_from_environment.cpp
)
if(TARGET quickstart)
  add_dependencies(tracewire_xray_tests quickstart)
  target_compile_definitions(tracewire_xray_tests PRIVATE TRACEWIRE_QUICKSTART_PATH="$<TARGET_FILE:quickstart>")
endif()

# The README's Usage block (built by tests/readme/) run against receiver.js, and the quickstart.
if(TARGET readme_usage AND TARGET quickstart)
  tracewire_add_peers_suite(tracewire_readme_tests LABELS readme SOURCES test_readme.cpp)
  add_dependencies(tracewire_readme_tests readme_usage quickstart)
  target_compile_definitions(tracewire_readme_tests PRIVATE README_USAGE_PATH="$<TARGET_FILE:readme_usage>"
    QUICKSTART_PATH="$<TARGET_FILE:quickstart>")
else()
  tracewire_skip_suite(tracewire_readme_tests "needs the README's Usage block (tracewire::otlp_http, python3) and the examples")
endif()

# tracewire-gen run end to end: its OTLP/HTTP output decoded by receiver.js; its topology
# parser's messages through the tool's own headers.
if(TARGET tracewire-gen AND TARGET tracewire::otlp_http)
  tracewire_add_peers_suite(tracewire_gen_tests LABELS tools SOURCES test_tracewire_gen.cpp LIBS tracewire_gen_headers)
  add_dependencies(tracewire_gen_tests tracewire-gen)
  target_compile_definitions(tracewire_gen_tests PRIVATE TRACEWIRE_GEN_PATH="$<TARGET_FILE:tracewire-gen>")
else()
  tracewire_skip_suite(tracewire_gen_tests "needs TRACEWIRE_BUILD_TOOLS (tracewire-gen, nlohmann-json) and tracewire::otlp_http")
endif()

# Boost.Beast helpers (tracewire::beast), and the microservices demo end to end with its
# OTLP/HTTP spans decoded by receiver.js.
if(TARGET tracewire::beast)
  tracewire_add_peers_suite(tracewire_instrumentation_tests LABELS instrumentation SOURCES test_beast.cpp
    LIBS tracewire::beast)
else()
  tracewire_skip_suite(tracewire_instrumentation_tests "needs tracewire::beast (Boost)")
endif()
if(TARGET uservice3 AND TARGET trace_tree)
  tracewire_add_peers_suite(tracewire_demo_tests LABELS demo SOURCES test_uservices.cpp LIBS tracewire::beast)
  add_dependencies(tracewire_demo_tests uservice1 uservice2 uservice3 uservice4 trace_tree loadgen)
  target_compile_definitions(tracewire_demo_tests PRIVATE
    USERVICE1_PATH="$<TARGET_FILE:uservice1>" USERVICE2_PATH="$<TARGET_FILE:uservice2>"
    USERVICE3_PATH="$<TARGET_FILE:uservice3>" USERVICE4_PATH="$<TARGET_FILE:uservice4>"
    TRACE_TREE_PATH="$<TARGET_FILE:trace_tree>" LOADGEN_PATH="$<TARGET_FILE:loadgen>"
    USERVICES_HTML="${PROJECT_SOURCE_DIR}/examples/uservices/hello-world.html")
  # uservice4 --postgres against a PostgreSQL server the test starts (tests/support/postgres_server.hpp).
  if(TARGET tracewire::libpq)
    target_link_libraries(tracewire_demo_tests PRIVATE tracewire::libpq)
    target_compile_definitions(tracewire_demo_tests PRIVATE TRACEWIRE_DEMO_POSTGRES)
  else()
    tracewire_skip_suite("tracewire_demo_tests' uservice4 --postgres case" "needs tracewire::libpq (Debian: libpq-dev)")
  endif()
else()
  tracewire_skip_suite(tracewire_demo_tests
    "needs the demo (TRACEWIRE_BUILD_EXAMPLES, tracewire::beast, tracewire::otlp_http, nlohmann-json)")
endif()

# examples/w3c_tracecontext_service driven over loopback (its calls are decoded by the
# reference W3C propagator in tests/peers).
if(TARGET w3c_tracecontext_service)
  tracewire_add_peers_suite(tracewire_examples_tests LABELS examples SOURCES test_w3c_tracecontext_service.cpp
    LIBS tracewire::beast)
  add_dependencies(tracewire_examples_tests w3c_tracecontext_service)
  target_compile_definitions(tracewire_examples_tests PRIVATE
    TRACEWIRE_W3C_SERVICE="$<TARGET_FILE:w3c_tracecontext_service>")
else()
  tracewire_skip_suite(tracewire_examples_tests
    "needs examples/w3c_tracecontext_service (TRACEWIRE_BUILD_EXAMPLES, tracewire::beast, nlohmann-json)")
endif()

# The trace viewer's page in Debian's chromium, driven headless by tests/browser/browser.js
# (playwright-core from tests/browser/package-lock.json, which downloads no browser). A
# missing or broken chromium fails the browser tests with the reason; nothing is skipped.
if(TARGET tracewire_view)
  find_program(TRACEWIRE_CHROMIUM NAMES chromium chromium-browser)
  if(NOT TRACEWIRE_CHROMIUM)
    set(TRACEWIRE_CHROMIUM /usr/bin/chromium)  # absent: the tests fail and say so
  endif()
  set(TRACEWIRE_BROWSER_DIR "${CMAKE_CURRENT_SOURCE_DIR}/browser")
  add_test(NAME tracewire_browser_npm_ci
           COMMAND "${TRACEWIRE_NPM}" ci --prefix "${TRACEWIRE_BROWSER_DIR}" --no-audit --no-fund --prefer-offline)
  set_tests_properties(tracewire_browser_npm_ci PROPERTIES FIXTURES_SETUP tracewire_browser LABELS view
                       ENVIRONMENT PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1)
  tracewire_add_test_suite(tracewire_browser_tests LABELS view SOURCES test_view_page.cpp)
  tracewire_use_peers(tracewire_browser_tests)
  add_dependencies(tracewire_browser_tests tracewire_view)
  file(MAKE_DIRECTORY "${PROJECT_BINARY_DIR}/docs")
  target_compile_definitions(tracewire_browser_tests PRIVATE
    TRACEWIRE_VIEW_PATH="$<TARGET_FILE:tracewire_view>"
    TRACEWIRE_BROWSER_DIR="${TRACEWIRE_BROWSER_DIR}"
    TRACEWIRE_CHROMIUM="${TRACEWIRE_CHROMIUM}"
    TRACEWIRE_SCREENSHOT_DIR="${PROJECT_BINARY_DIR}/docs")
  set_tests_properties(tracewire_browser_tests PROPERTIES FIXTURES_REQUIRED tracewire_browser)
else()
  tracewire_skip_suite(tracewire_browser_tests "needs TRACEWIRE_BUILD_TOOLS (tracewire-view, nlohmann-json)")
endif()
