"""Rule base classes: file rules are read-only libcst visitors, project rules read the tree."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from archlint.core import (
    ALL_PRESETS,
    Case,
    Diagnostic,
    FileSummary,
    Fix,
    NoOptions,
    ProjectContext,
    ProjectTree,
    Role,
    RuleMeta,
    Severity,
    TreeCase,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

if TYPE_CHECKING:
    from archlint.rules.context import FileContext
    from archlint.rules.fixes import FixTarget

OptionsT = TypeVar("OptionsT")
NO_SUMMARIES: Mapping[str, FileSummary] = MappingProxyType({})


class Rule(Generic[OptionsT]):
    """Metadata every rule declares. The class docstring is the rule's documentation."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    roles: ClassVar[frozenset[Role]] = frozenset()
    # The rule runs only in a project holding a module of each of these roles (SVC003 asks
    # services to leave SQL to a data layer only where the project has one).
    needs_roles: ClassVar[frozenset[Role]] = frozenset()
    presets: ClassVar[frozenset[str]] = ALL_PRESETS
    severity: ClassVar[Severity] = Severity.ERROR  # what `warn` (config or --warn) lowers
    options_type: ClassVar[type] = NoOptions
    cases: ClassVar[tuple[Case, ...]] = ()
    tree_cases: ClassVar[tuple[TreeCase, ...]] = ()
    fixable: ClassVar[bool] = False  # True when ``fix`` can resolve some of its findings

    @classmethod
    def fix(cls, target: FixTarget, found: Sequence[Diagnostic], options: OptionsT) -> Iterator[Fix]:
        """Fixes for this rule's findings ``found`` in one file (those it can fix safely;
        the rest stay reported). Every rule with ``fixable`` overrides it."""
        return iter(())

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def meta(cls) -> RuleMeta:
        return RuleMeta(
            code=cls.code, name=cls.name, summary=cls.summary, doc=cls.doc(), severity=cls.severity
        )


class FileRule(Rule[OptionsT]):
    """A rule over one module, run in the engine's single read-only traversal.

    Subclasses define ``visit_<Node>`` / ``leave_<Node>`` methods like a libcst visitor and
    report through ``self.report``. They never mutate the tree and never print.
    """

    # Words (identifiers or keywords) without one of which the rule cannot report in a file:
    # the engine skips the rule, and libcst altogether, for a file whose source has none.
    # None: the rule may report anywhere. A superset is always safe; a word missed is a bug.
    triggers: ClassVar[frozenset[str] | None] = None

    @classmethod
    def trigger_words(cls, options: object) -> frozenset[str] | None:
        """The trigger words under the rule's options (``triggers``, unless the options name
        what the rule looks for, as SVC002's ``banned_names`` do)."""
        return cls.triggers

    def __init__(self, ctx: FileContext, options: OptionsT) -> None:
        self.ctx = ctx
        self.options = options

    @classmethod
    def project_words(cls, sources: Iterable[bytes]) -> frozenset[str]:
        """More trigger words, read from every source of the project: the names of the
        project's own subclasses of a class the rule looks for. Handed back to the rule as
        ``ctx.project_words``. A superset is always safe."""
        return frozenset()

    def report(self, node: cst.CSTNode, message: str) -> None:
        self.ctx.report(self.code, self.name, node, message)


class ProjectRule(Rule[OptionsT]):
    """A rule over the whole classified project: its tree (file paths, roles, domains) and the
    summary of every file that has one, by path. ``context`` holds what the run knows besides
    (import settings, a memo the rules of one run share)."""

    def __init__(self, context: ProjectContext | None = None) -> None:
        self.context = context if context is not None else ProjectContext()

    def check(
        self, tree: ProjectTree, options: OptionsT, summaries: Mapping[str, FileSummary] = NO_SUMMARIES
    ) -> Iterator[Diagnostic]:
        raise NotImplementedError
