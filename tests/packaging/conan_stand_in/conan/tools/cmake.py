"""conan.tools.cmake stand-in: records configure/build/install and the toolchain's variables."""


class CMakeToolchain:
    def __init__(self, conanfile):
        self._conanfile = conanfile
        self.variables = {}
        self.cache_variables = {}
        self.preprocessor_definitions = {}

    def generate(self):
        self._conanfile.calls.append(("CMakeToolchain.generate", dict(self.cache_variables), dict(self.variables)))


class CMakeDeps:
    def __init__(self, conanfile):
        self._conanfile = conanfile

    def generate(self):
        self._conanfile.calls.append(("CMakeDeps.generate",))


class CMake:
    def __init__(self, conanfile):
        self._conanfile = conanfile

    def configure(self, variables=None, build_script_folder=None, cli_args=None):
        self._conanfile.calls.append(("CMake.configure", variables))

    def build(self, build_type=None, target=None, cli_args=None, build_tool_args=None):
        self._conanfile.calls.append(("CMake.build", target))

    def install(self, build_type=None, component=None):
        self._conanfile.calls.append(("CMake.install",))

    def test(self, build_type=None, target=None, cli_args=None, build_tool_args=None, env=""):
        self._conanfile.calls.append(("CMake.test",))


def cmake_layout(conanfile, generator=None, src_folder=".", build_folder="build"):
    conanfile.calls.append(("cmake_layout", src_folder))
    conanfile.cpp = type("Cpp", (), {"build": type("Build", (), {"bindirs": ["build/Release"]})()})()
