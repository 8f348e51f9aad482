"""SYN001: the file that could not be read or parsed (reported by the engine itself)."""

from __future__ import annotations

from archlint.core import NoOptions, Role, invalid, valid
from archlint.rules.base import Rule


class UnparsableFile(Rule[NoOptions]):
    """
    ## What it does
    Reports a file archlint could not read or parse: a syntax error, bytes that do not decode
    in the file's declared encoding, or nesting too deep to walk. It points at the line and
    column where parsing stopped; every other file is still linted.

    ## Why is this bad?
    A file archlint cannot parse is a file no layer rule checks: its violations would pass
    silently. It usually does not run either.

    ## Example
    ```python
    def create_order(body: OrderIn)
        ...
    ```

    Use instead:
    ```python
    def create_order(body: OrderIn):
        ...
    ```

    ## Options
    None; always on. Exclude generated or template files with `exclude`.

    ## Fix
    Fix the syntax error (your interpreter reports the same place), or exclude the file.
    """

    code = "SYN001"
    name = "unparsable-file"
    summary = "file could not be read or parsed"
    cases = (
        invalid("def create_order(body)\n    return body\n", (1, 23), role=Role.ROUTER),
        invalid("orders = [\n    1,\n", (1, 10), role=Role.SERVICE),
        invalid("if True:\npass\n", (2, 1), role=None),
        valid("type OrderId = int\n", role=Role.SCHEMAS),
        valid("try:\n    pass\nexcept* ValueError:\n    pass\n", role=Role.SERVICE),
        valid("name = f\"{order['id']}\"\n", role=Role.ROUTER),
    )
