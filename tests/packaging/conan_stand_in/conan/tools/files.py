"""conan.tools.files stand-in: load reads; the others record."""
import os


def load(conanfile, path, encoding="utf-8"):
    with open(path, encoding=encoding) as handle:
        return handle.read()


def copy(conanfile, pattern, src, dst, keep_path=True, excludes=None, ignore_case=True):
    conanfile.calls.append(("copy", pattern, os.path.relpath(src, conanfile.source_folder), dst))
    return []


def rmdir(conanfile, path):
    conanfile.calls.append(("rmdir", path))


def rm(conanfile, pattern, folder, recursive=False, excludes=None):
    conanfile.calls.append(("rm", pattern, folder))
