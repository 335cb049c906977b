# tracewire is header-only: one (release) configuration is all there is to install.
set(VCPKG_BUILD_TYPE release)

# An overlay port of the checkout it lives in (ports/tracewire -> the repository root):
#   vcpkg install tracewire[otlp-http] --overlay-ports=<clone>/ports
# A registry's port would take the sources from vcpkg_from_github(... REF v${VERSION}).
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

# Each feature requires its component: the configure stops if its dependency is missing.
vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
  FEATURES
    otlp-http TRACEWIRE_WITH_CURL
    otlp-grpc TRACEWIRE_WITH_GRPC
    beast     TRACEWIRE_WITH_BOOST
    grpc      TRACEWIRE_WITH_GRPC_INSTRUMENTATION
    curl      TRACEWIRE_WITH_CURL_INSTRUMENTATION
    libpq     TRACEWIRE_WITH_LIBPQ
    spdlog    TRACEWIRE_WITH_SPDLOG
)

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    ${FEATURE_OPTIONS}
    -DTRACEWIRE_BUILD_TESTS=OFF
    -DTRACEWIRE_BUILD_EXAMPLES=OFF
    -DTRACEWIRE_BUILD_BENCH=OFF
    # A header-only port installs no executable: the tools (tracewire-view, tracewire-gen)
    # are built from a checkout (they need nlohmann-json).
    -DTRACEWIRE_BUILD_TOOLS=OFF
    -DTRACEWIRE_INSTALL=ON
    -DTRACEWIRE_INSTALL_CMAKEDIR=share/tracewire
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup()
vcpkg_fixup_pkgconfig()

vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
