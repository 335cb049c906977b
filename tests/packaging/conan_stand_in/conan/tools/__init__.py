"""conan.tools stand-in."""
