"""Build step the pyproject config cannot express: ship the top-level data folders in the wheel.

``resources/`` (the film packs) and ``timings/`` (the shipped timing files) stay at the top of
the checkout, where the design puts them; a build copies each folder whole into the package as
``companion/bundled/<folder>``, where ``companion.bootstrap`` finds it through
``importlib.resources``. An editable install copies nothing: it reads the checkout's folders.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("resources", "timings")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for name in BUNDLED:
            target = Path(self.build_lib, "companion", "bundled", name)
            shutil.rmtree(target, ignore_errors=True)  # a file removed since the last build goes
            self.copy_tree(name, str(target))


setup(cmdclass={"build_py": BuildWithData})
