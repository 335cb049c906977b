"""conan.tools.build stand-in."""
from conan.errors import ConanInvalidConfiguration


def check_min_cppstd(conanfile, cppstd, gnu_extensions=False):
    """Raises ConanInvalidConfiguration when the configured standard is older, as Conan does."""
    current = conanfile.settings.get_safe("compiler.cppstd")
    conanfile.calls.append(("check_min_cppstd", str(cppstd)))
    if current is None:
        return
    def year(value):
        value = int(str(value).replace("gnu", ""))
        return value + (2000 if value < 98 else 1900)
    if year(current) < year(cppstd):
        raise ConanInvalidConfiguration(
            f"Current cppstd ({current}) is lower than the required C++ standard ({cppstd}).")


def can_run(conanfile):
    return True
