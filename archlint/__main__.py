"""``python -m archlint``."""

from archlint.cli import main

main()
