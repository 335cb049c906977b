# Wiring of the independent test peers, for the tests' CMakeLists.txt:
#
#   include(peers/CMakeLists.fragment.cmake)
#   tracewire_use_peers(<test target>)                 # compile definitions
#   set_tests_properties(<tests> PROPERTIES FIXTURES_REQUIRED tracewire_peers)
#
# The peers run at test time, not at build time: the CTest fixture
# `tracewire_peers` installs the pinned npm packages (`npm ci`), then generates
# the Jaeger Thrift code from the IDL that one of them ships. Neither the
# packages nor the generated code are in the repository.
#
# Tools: node and npm (Node.js), thrift (Debian thrift-compiler). The
# self-test tests/test_peers.cpp also runs /usr/bin/python3 with
# python3-thrift, protoc (protobuf-compiler), gzip, openssl and curl.

find_program(TRACEWIRE_NODE node REQUIRED)
find_program(TRACEWIRE_NPM npm REQUIRED)
find_program(TRACEWIRE_THRIFT thrift REQUIRED)

set(TRACEWIRE_PEERS_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(TRACEWIRE_THRIFT_GEN_DIR "${CMAKE_CURRENT_BINARY_DIR}/peers-thrift-gen")
set(TRACEWIRE_JAEGER_IDL
    "${TRACEWIRE_PEERS_DIR}/node_modules/jaeger-client/dist/src/jaeger-idl/thrift/agent.thrift")
file(MAKE_DIRECTORY "${TRACEWIRE_THRIFT_GEN_DIR}")

# Exactly the versions of package-lock.json, from the npm registry only.
add_test(NAME tracewire_peers_npm_ci
         COMMAND "${TRACEWIRE_NPM}" ci --prefix "${TRACEWIRE_PEERS_DIR}" --no-audit --no-fund --prefer-offline)
# Once per test run, so that receivers started in parallel never generate it
# themselves at the same time (receiver.js generates into an empty directory).
add_test(NAME tracewire_peers_thrift_gen
         COMMAND "${TRACEWIRE_THRIFT}" -r --gen js:node -out "${TRACEWIRE_THRIFT_GEN_DIR}" "${TRACEWIRE_JAEGER_IDL}")
set_tests_properties(tracewire_peers_npm_ci tracewire_peers_thrift_gen PROPERTIES FIXTURES_SETUP tracewire_peers)
set_tests_properties(tracewire_peers_thrift_gen PROPERTIES DEPENDS tracewire_peers_npm_ci)

find_package(nlohmann_json REQUIRED)

# A test target that uses tests/support/peer_process.hpp.
function(tracewire_use_peers target)
  target_include_directories(${target} PRIVATE "${TRACEWIRE_PEERS_DIR}/..")
  target_compile_definitions(${target} PRIVATE
    TRACEWIRE_PEERS_DIR="${TRACEWIRE_PEERS_DIR}"
    TRACEWIRE_NODE="${TRACEWIRE_NODE}"
    TRACEWIRE_THRIFT_GEN_DIR="${TRACEWIRE_THRIFT_GEN_DIR}")
  target_link_libraries(${target} PRIVATE nlohmann_json::nlohmann_json)
endfunction()
