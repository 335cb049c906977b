"""conan.errors stand-in."""


class ConanException(Exception):
    pass


class ConanInvalidConfiguration(ConanException):
    pass
