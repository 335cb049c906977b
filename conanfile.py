# Conan 2 recipe of tracewire, after conan-center-index's header-only conventions:
#   conan create . -o "tracewire/*:with_otlp_http=True"
import os
import re

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir

required_conan_version = ">=2.1"


class TracewireConan(ConanFile):
    name = "tracewire"
    description = "Header-only C++17 distributed tracing on OpenTelemetry's data model"
    license = "Apache-2.0"
    topics = ("tracing", "opentelemetry", "otlp", "jaeger", "zipkin", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {
        "with_otlp_http": [True, False],
        "with_otlp_grpc": [True, False],
        "with_beast": [True, False],
        "with_grpc": [True, False],
        "with_curl": [True, False],
        "with_libpq": [True, False],
        "with_spdlog": [True, False],
    }
    default_options = {
        "with_otlp_http": False,
        "with_otlp_grpc": False,
        "with_beast": False,
        "with_grpc": False,
        "with_curl": False,
        "with_libpq": False,
        "with_spdlog": False,
    }
    exports_sources = "CMakeLists.txt", "LICENSE", "cmake/*", "include/*"
    no_copy_source = True

    # Each option: the component it adds, the requirements it brings, and what the
    # component requires of them ("<package>::<component>"; "<package>::<package>" is all of it).
    _components = {
        "with_otlp_http": ("otlp_http", ["libcurl/[>=7.78 <9]", "zlib/[>=1.2.11 <2]"], ["libcurl::curl", "zlib::zlib"]),
        "with_otlp_grpc": ("otlp_grpc", ["grpc/[>=1.51 <2]"], ["grpc::grpc++"]),
        "with_beast": ("beast", ["boost/[>=1.74 <2]"], ["boost::headers"]),
        # The instrumentation of the libraries services call.
        "with_grpc": ("grpc", ["grpc/[>=1.51 <2]"], ["grpc::grpc++"]),
        "with_curl": ("curl", ["libcurl/[>=7.78 <9]"], ["libcurl::curl"]),
        "with_libpq": ("libpq", ["libpq/[>=13 <18]"], ["libpq::libpq"]),
        "with_spdlog": ("spdlog", ["spdlog/[>=1.10 <2]"], ["spdlog::spdlog"]),
    }

    def set_version(self):
        # The version is project(VERSION) in CMakeLists.txt, nowhere else.
        cmakelists = load(self, os.path.join(self.recipe_folder, "CMakeLists.txt"))
        self.version = re.search(r"project\(tracewire VERSION (\d+\.\d+\.\d+)", cmakelists).group(1)

    def layout(self):
        cmake_layout(self, src_folder=".")

    def requirements(self):
        # The public headers include these libraries' headers, and a header-only package's
        # consumers link them: headers and libraries are both transitive.
        self.requires("fmt/[>=9.1 <12]", transitive_headers=True, transitive_libs=True)
        # Once each: two components may need the same package (gRPC, libcurl), and Conan
        # rejects a duplicated requirement.
        requirements = []
        for option, (_, needed, _) in self._components.items():
            if self.options.get_safe(option):
                requirements += [requirement for requirement in needed if requirement not in requirements]
        for requirement in requirements:
            self.requires(requirement, transitive_headers=True, transitive_libs=True)

    def package_id(self):
        self.info.clear()

    def validate(self):
        check_min_cppstd(self, 17)

    def generate(self):
        # Only the headers and the generated version.hpp are packaged; the CMake and
        # pkg-config files Conan's consumers use come from package_info(), so the install
        # needs fmt and nothing else.
        toolchain = CMakeToolchain(self)
        toolchain.cache_variables["TRACEWIRE_BUILD_TESTS"] = False
        toolchain.cache_variables["TRACEWIRE_BUILD_EXAMPLES"] = False
        toolchain.cache_variables["TRACEWIRE_BUILD_BENCH"] = False
        # The package is the header-only library; the command-line tools (tracewire-view,
        # tracewire-gen) are executables with a dependency of their own (nlohmann-json).
        toolchain.cache_variables["TRACEWIRE_BUILD_TOOLS"] = False
        toolchain.cache_variables["TRACEWIRE_INSTALL"] = True
        for variable in ("TRACEWIRE_WITH_CURL", "TRACEWIRE_WITH_GRPC", "TRACEWIRE_WITH_BOOST",
                         "TRACEWIRE_WITH_GRPC_INSTRUMENTATION", "TRACEWIRE_WITH_CURL_INSTRUMENTATION",
                         "TRACEWIRE_WITH_LIBPQ", "TRACEWIRE_WITH_SPDLOG"):
            toolchain.cache_variables[variable] = "OFF"
        toolchain.generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()

    def package(self):
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.install()
        rmdir(self, os.path.join(self.package_folder, "share"))

    def package_info(self):
        # find_package(tracewire) and the same targets as tracewire's own CMake package. The
        # root target is renamed: CMakeDeps makes it depend on every component, and
        # tracewire::tracewire must stay the core alone.
        self.cpp_info.set_property("cmake_file_name", "tracewire")
        self.cpp_info.set_property("cmake_target_name", "tracewire::tracewire_all_components")
        self.cpp_info.set_property("pkg_config_name", "tracewire-all-components")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []

        core = self.cpp_info.components["core"]
        core.set_property("cmake_target_name", "tracewire::tracewire")
        core.set_property("pkg_config_name", "tracewire")
        core.requires = ["fmt::fmt"]
        core.bindirs = []
        core.libdirs = []
        if self.settings.os in ("Linux", "FreeBSD"):
            core.system_libs = ["pthread"]

        for option, (component_name, _, requires) in self._components.items():
            if not self.options.get_safe(option):
                continue
            component = self.cpp_info.components[component_name]
            component.set_property("cmake_target_name", f"tracewire::{component_name}")
            component.set_property("pkg_config_name", "tracewire-" + component_name.replace("_", "-"))
            component.requires = ["core"] + requires
            component.bindirs = []
            component.libdirs = []
