"""SUP001 and SUP002: the suppression comments themselves (judged by the engine's suppression
stage, which is the one place that sees every finding and every comment)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from archlint.core import Diagnostic, Fix, NoOptions, Role, invalid, valid
from archlint.rules.base import Rule

if TYPE_CHECKING:
    from archlint.rules.fixes import FixTarget

# The one spelling of a suppression comment (the engine parses comments with it).
DIRECTIVE = re.compile(
    r"#\s*archlint:\s*(?P<kind>ignore-file|ignore)\b(?:\s*\[(?P<codes>[^\]]*)\])?"
    r"(?:\s*--\s*(?P<reason>.*\S))?"
)
SEPARATOR = re.compile(r"[,\s]+")

_ROUTER_HEAD = "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"


class UnusedSuppression(Rule[NoOptions]):
    """
    ## What it does
    Reports a suppression comment that hides nothing: `# archlint: ignore[CODE]` where CODE
    is not reported on that line (nor on the first line of the statement the comment ends),
    `# archlint: ignore-file[CODE]` where CODE is reported nowhere in the file, and a code no
    rule has (`ignore[RTR03]`: "unknown rule code RTR03 (did you mean RTR003?)").

    A code is only judged when its rule ran on the file: a suppression for a rule that is not
    selected, or that per-file-ignores switch off for the file, is never called unused, so
    `--select RTR001` does not turn every other comment into a finding. A comment that hides a
    finding the baseline also holds is used. SUP001 and SUP002 cannot be suppressed inline (a
    comment that could silence the report about itself would make them useless): naming them
    in a suppression is reported, and `ignore` or per-file-ignores switch them off.

    ## Why is this bad?
    Suppressions outlive the code they were written for. Once the query moved into a service,
    `# archlint: ignore[RTR001]` stays behind and silently hides the next query someone
    writes on that line; a misspelt code hides nothing and only looks like it does.

    ## Example
    ```python
    @router.get("/orders")
    async def list_orders(service: OrderServiceDep):
        return await service.list()  # archlint: ignore[RTR001]
    ```

    Use instead:
    ```python
    @router.get("/orders")
    async def list_orders(service: OrderServiceDep):
        return await service.list()
    ```

    ## Options
    None. Switch it off for generated code with `per-file-ignores`.

    ## Fix
    Remove the codes the message names (the whole comment when it names nothing else), or
    correct a misspelt code. Autofixable: `archlint check --fix` takes the codes out of the
    comment, and the comment away when it named nothing else. A comment on a line of its own
    hides nothing: put it at the end of the reported line, or of the first line of its
    statement.
    """

    code = "SUP001"
    fixable = True
    name = "unused-suppression"
    summary = "suppression comment for a code that is not reported there, or for an unknown code"
    cases = (
        invalid(
            _ROUTER_HEAD + '@router.get("/")\nasync def list_orders(session: AsyncSession):\n'
            "    total = 0  # archlint: ignore[RTR001]\n    return total\n",
            (8, 16),
            role=Role.ROUTER,
            also=("RTR001",),
        ),
        invalid(
            "import fastapi as fa\n\nrouter = fa.APIRouter()\n\n\n"
            '@router.post("/")\nasync def close(db: AsyncSession):\n'
            "    await db.commit()  # archlint: ignore[RTR02] -- legacy\n",
            (8, 24),
            role=Role.ROUTER,
            also=("RTR002",),
        ),
        invalid(
            "# archlint: ignore-file[RTR003]\n" + _ROUTER_HEAD + '@router.get("/")\ndef ping():\n'
            '    return {"ok": True}\n',
            (1, 1),
            role=Role.ROUTER,
            also=("RTR003",),
        ),
        invalid(
            _ROUTER_HEAD + '@router.post("/")\ndef close(session: Session):\n'
            "    # archlint: ignore[RTR002]\n    session.commit()\n",
            (8, 5),
            role=Role.ROUTER,
            also=("RTR002",),
        ),
        invalid(
            "def total(orders):\n    def price(order):\n"
            "        return order.price  # archlint: ignore[SUP002]\n"
            "    return sum(price(o) for o in orders)\n",
            (3, 29),
            role=Role.SERVICE,
        ),
        valid(
            _ROUTER_HEAD + '@router.post("/")\nasync def close(session: AsyncSession):\n'
            "    await session.commit()  # archlint: ignore[RTR002] -- nightly job\n",
            role=Role.ROUTER,
            also=("RTR002",),
        ),
        valid(
            _ROUTER_HEAD + '@router.get("/")\nasync def list_orders(session: AsyncSession):\n'
            "    rows = await (  # archlint: ignore[RTR001] -- reporting\n"
            "        session.execute(STATS_SQL)\n    )\n    return rows\n",
            role=Role.ROUTER,
            also=("RTR001",),
        ),
        valid(
            "# archlint: ignore-file[RTR002] -- admin tool\n" + _ROUTER_HEAD + '@router.post("/")\n'
            "def close(db: Session):\n    def done():\n        db.commit()\n    done()\n",
            role=Role.ROUTER,
            also=("RTR002",),
        ),
        valid(
            _ROUTER_HEAD + '@router.get("/")\ndef ping():\n'
            '    return {"ok": True}  # archlint: ignore[RTR003]\n',
            role=Role.ROUTER,
        ),
        valid(
            'HINT = "# archlint: ignore[RTR001]"\n',
            role=Role.ROUTER,
            also=("RTR001",),
        ),
    )

    @classmethod
    def fix(cls, target: FixTarget, found: Sequence[Diagnostic], options: NoOptions) -> Iterator[Fix]:
        """Take the codes the finding names (its symbol) out of the comment; the whole
        directive goes when nothing is left, and the comment with it when it held nothing else."""
        for diagnostic in found:
            comment = target.comment_at(diagnostic.line) if diagnostic.line else None
            match = DIRECTIVE.search(comment.value) if comment is not None else None
            if comment is None or match is None or not diagnostic.symbol or match.group("codes") is None:
                continue
            drop = set(diagnostic.symbol.split(", "))
            keep = [c for c in SEPARATOR.split(match.group("codes").strip()) if c and c.upper() not in drop]
            if keep:
                start, end = match.span("codes")
                text = comment.value[:start] + ", ".join(keep) + comment.value[end:]
                edit = target.replace(comment, text)
                what = f"removed {diagnostic.symbol} from the suppression on line {diagnostic.line}"
            else:
                rest = (comment.value[: match.start()] + comment.value[match.end() :]).rstrip()
                edit = target.replace(comment, rest) if rest.strip("# ") else target.remove_comment(comment)
                what = f"removed the unused suppression on line {diagnostic.line}"
            yield Fix((diagnostic,), (edit,), what)


class InvalidSuppression(Rule[NoOptions]):
    """
    ## What it does
    Reports a suppression comment that cannot work as written:

    - a bare `# archlint: ignore` (or `ignore[]`, or `ignore-file` without codes) names no
      code, and hides nothing: archlint does not let one comment silence every rule on a
      line, which would hide tomorrow's findings too;
    - an `# archlint: ignore-file[...]` below the module's leading comments: it counts only
      before the first statement (a module docstring is a statement), so anywhere else it
      hides nothing;
    - with `require-reason = true` in `[tool.archlint]`, a suppression without a reason after
      ` -- `.

    SUP002 cannot itself be suppressed inline (see SUP001).

    ## Why is this bad?
    A comment that looks like it hides a finding but does not misleads the reader, and a
    blanket ignore hides every rule's findings on that line, including ones nobody has seen
    yet. A reason is what lets the next reader decide whether the exception still holds.

    ## Example
    ```python
    from fastapi import APIRouter
    # archlint: ignore-file[RTR003]

    await session.commit()  # archlint: ignore
    ```

    Use instead:
    ```python
    # archlint: ignore-file[RTR003] -- admin screens, rewritten in Q3
    from fastapi import APIRouter

    await session.commit()  # archlint: ignore[RTR002] -- outbox needs the committed row
    ```

    ## Options
    `require-reason` (in `[tool.archlint]`, default false): also report a suppression that
    gives no `-- reason`.

    ## Fix
    Name the codes the comment is for (the message lists the codes reported on that line),
    move an `ignore-file` to the top of the file, and add `-- reason` where reasons are
    required.
    """

    code = "SUP002"
    name = "invalid-suppression"
    summary = "suppression that names no code, a misplaced ignore-file, or (opt-in) one without a reason"
    cases = (
        invalid(
            _ROUTER_HEAD + '@router.post("/")\nasync def close(session: AsyncSession):\n'
            "    await session.commit()  # archlint: ignore\n",
            (8, 29),
            role=Role.ROUTER,
            also=("RTR002",),
        ),
        invalid(
            '"""Orders API."""\n# archlint: ignore-file[RTR003]\n' + _ROUTER_HEAD,
            (2, 1),
            role=Role.ROUTER,
        ),
        invalid(
            "def total(orders):\n    return sum(o.price for o in orders)  # archlint: ignore[]\n",
            (2, 42),
            role=Role.SERVICE,
        ),
        invalid(
            "# archlint: ignore-file -- generated\nimport sqlalchemy as sa\n\n\n"
            "class OrderRepository:\n    def __init__(self, session):\n        self.session = session\n",
            (1, 1),
            role=Role.REPOSITORY,
        ),
        valid(
            _ROUTER_HEAD + '@router.post("/")\nasync def close(session: AsyncSession):\n'
            "    await session.commit()  # archlint: ignore[RTR002] -- nightly job\n",
            role=Role.ROUTER,
            also=("RTR002",),
        ),
        valid(
            "#!/usr/bin/env python\n# archlint: ignore-file[RTR003] -- admin screens\n"
            '"""Orders API."""\n' + _ROUTER_HEAD,
            role=Role.ROUTER,
        ),
        valid(
            'USAGE = "# archlint: ignore"\n\n\ndef helper():\n    # see the archlint docs: ignore[CODE]\n'
            "    return USAGE\n",
            role=Role.SERVICE,
        ),
    )
