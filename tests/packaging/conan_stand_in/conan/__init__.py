"""A stand-in for the part of Conan 2's `conan` module that tracewire's recipes use, so that
tests/packaging/check_conan_recipe.py can run the recipe's methods without Conan (Debian
has none). It records what the recipe asks for; it builds nothing.
"""


class _Options:
    """`self.options`: attribute access to the values, plus get_safe and rm_safe."""

    def __init__(self, declared, values):
        self._declared = dict(declared)
        self._values = dict(values)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._declared:
            raise AttributeError(f"option '{name}' does not exist. Possible options are {sorted(self._declared)}")
        return self._values[name]

    def get_safe(self, name, default=None):
        return self._values.get(name, default)

    def rm_safe(self, name):
        self._declared.pop(name, None)
        self._values.pop(name, None)


class _Settings:
    """`self.settings`: os, arch, build_type and compiler (with .cppstd, .version, .libcxx)."""

    class _Compiler(str):
        def __new__(cls, name, cppstd, version):
            value = super().__new__(cls, name)
            value.cppstd = cppstd
            value.version = version
            value.libcxx = "libstdc++11"
            return value

    def __init__(self, os="Linux", arch="x86_64", build_type="Release", compiler="gcc", cppstd="17", version="12"):
        self.os = os
        self.arch = arch
        self.build_type = build_type
        self.compiler = _Settings._Compiler(compiler, cppstd, version)

    def get_safe(self, name, default=None):
        value = self
        for part in name.split("."):
            value = getattr(value, part, None)
            if value is None:
                return default
        return value


class _Component:
    """One entry of cpp_info.components (or cpp_info itself)."""

    def __init__(self):
        self.properties = {}
        self.requires = []
        self.includedirs = ["include"]
        self.libdirs = ["lib"]
        self.bindirs = ["bin"]
        self.libs = []
        self.system_libs = []
        self.defines = []

    def set_property(self, name, value):
        self.properties[name] = value

    def get_property(self, name):
        return self.properties.get(name)


class _CppInfo(_Component):
    def __init__(self):
        super().__init__()
        self.components = _AutoDict(_Component)


class _AutoDict(dict):
    def __init__(self, factory):
        super().__init__()
        self._factory = factory

    def __missing__(self, key):
        value = self[key] = self._factory()
        return value


class _Info:
    def __init__(self):
        self.cleared = False

    def clear(self):
        self.cleared = True


class ConanFile:
    """The recipe base class. The stand-in is built with the option values and settings
    under test, as Conan would after computing the graph."""

    name = None
    version = None
    options = {}
    default_options = {}
    settings = ()

    def __init__(self, recipe_folder, option_values=None, settings=None):
        declared = type(self).options
        values = dict(type(self).default_options)
        values.update(option_values or {})
        unknown = set(values) - set(declared)
        if unknown:
            raise ValueError(f"options {sorted(unknown)} are not declared")
        for name, value in values.items():
            if value not in declared[name]:
                raise ValueError(f"option {name}={value!r} is not one of {declared[name]}")
        self.options = _Options(declared, values)
        self.settings = settings or _Settings()
        self.recipe_folder = recipe_folder
        self.source_folder = recipe_folder
        self.package_folder = "/stand-in/package"
        self.build_folder = "/stand-in/build"
        self.generators_folder = "/stand-in/build/generators"
        self.cpp_info = _CppInfo()
        self.info = _Info()
        self.requirements_declared = []  # (reference, traits)
        self.tool_requirements_declared = []
        self.calls = []  # what the tools were asked to do
        self.tested_reference_str = "tracewire/stand-in"

    def requires(self, reference, **traits):
        self.requirements_declared.append((reference, traits))

    def tool_requires(self, reference, **traits):
        self.tool_requirements_declared.append((reference, traits))

    def run(self, command, env=None):
        self.calls.append(("run", command, env))
