"""conan.tools.layout stand-in."""


def basic_layout(conanfile, src_folder=".", build_folder=None):
    conanfile.calls.append(("basic_layout", src_folder))
