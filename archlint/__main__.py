"""``python -m archlint``."""

import os
import sys

# ``python -m`` puts the working directory first on sys.path: in a project being linted, a
# planted ``*.dist-info`` could register a formatter plugin. Plugins come only from what is
# installed.
sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]

from archlint.cli import main  # noqa: E402

main()
