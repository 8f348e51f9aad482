"""The data model shared by every layer: diagnostics, module classification, summaries, results."""

from __future__ import annotations

import enum
import hashlib
import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    """How serious a finding is; every architecture rule reports errors by default."""

    ERROR = "error"
    WARNING = "warning"


class Role(str, enum.Enum):
    """The layer a module plays in its backend."""

    ROUTER = "router"
    DEPENDENCIES = "dependencies"
    SERVICE = "service"
    REPOSITORY = "repository"
    MODELS = "models"
    SCHEMAS = "schemas"
    EXCEPTIONS = "exceptions"
    CONSTANTS = "constants"
    CONFIG = "config"
    UTILS = "utils"
    TASKS = "tasks"
    CLIENT = "client"
    TESTS = "tests"
    SHARED = "shared"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: what is wrong, where, and which rule says so.

    ``path`` is POSIX and relative to the project root. Findings about a file or a folder as a
    whole (layout rules) have no line or column.
    """

    code: str
    message: str
    path: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    severity: Severity = Severity.ERROR
    rule: str = ""
    symbol: str = ""
    fingerprint: str = ""

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line or 0, self.column or 0, self.code, self.message)


def make_fingerprint(code: str, path: str, symbol: str, text: str) -> str:
    """A finding's identity that survives edits elsewhere in the file: its code, file,
    enclosing symbol and the offending source with whitespace normalised, never its line.
    SARIF, GitLab and the baseline all carry this one."""
    normalised = " ".join(text.split())
    # surrogateescape: a file name with undecodable bytes still has a fingerprint.
    key = "\x1f".join((code, path, symbol, normalised)).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(key, digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the bytes ``start:end`` of a file, as read, with ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """What a rule changes to resolve its findings ``diagnostics`` (one, or several that only
    go away together): edits applied together or not at all, and what they do in words
    (``renamed the logger 'todos' to 'src.v1.todos.service'``)."""

    diagnostics: tuple[Diagnostic, ...]
    edits: tuple[Edit, ...]
    description: str


@dataclass(frozen=True, slots=True)
class Finding:
    """A diagnostic plus the first line of its enclosing statement (where a suppression may sit)."""

    diagnostic: Diagnostic
    statement_line: int | None = None


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    """How one discovered file maps onto the layout.

    ``module`` is the dotted name the project imports it by (``src.v1.todos.service`` when
    the project writes ``from src.v1.todos import service``), ``names`` every dotted name it
    may be imported under. ``domain`` is the domain folder relative to the project root
    (``backend/src/v1/todos``) or None outside any domain; ``role`` the layer it plays, and
    ``matched`` the name on its path that gave the role (``routes/``, ``*_repository.py``).
    """

    path: str
    module: str
    names: tuple[str, ...] = ()
    domain: str | None = None
    role: Role | None = None
    is_package: bool = False
    matched: str | None = None


@dataclass(frozen=True, slots=True)
class ClassInfo:
    """A module-level class, with its bases as fully qualified names where resolvable (a base
    the module never binds is a builtin: ``builtins.ValueError``), and the position of its
    ``class`` keyword (1-based)."""

    qualname: str
    bases: tuple[str, ...]
    line: int = 0
    column: int = 0


@dataclass(frozen=True, slots=True)
class RouterDef:
    """A module-level name bound to a call that may build a router or an app: ``factory`` is
    the callee's qualified name (``fastapi.APIRouter``, a project subclass, ``polar.routing.
    APIRouter``); the project phase decides what it is. ``routes`` counts the endpoints the
    module registers on it (``@router.get`` ..., ``add_api_route``), ``includes`` the routers
    it includes itself; ``line``/``column`` are the assigned name's (1-based). ``aliases`` are
    other module-level names bound to the same router (``auth_router = r = APIRouter()``,
    ``api = router``)."""

    name: str
    factory: str
    line: int
    column: int
    routes: int = 0
    includes: int = 0
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class RouterInclude:
    """An ``include_router(...)`` or ``mount(...)`` call anywhere in a module.

    ``targets`` are the qualified names the included object may be (several for a loop over
    a literal list of routers), ``factories`` the callees of a router built on the spot
    (``include_router(make_router())``), ``sequences`` the qualified names of sequences from
    elsewhere that a loop iterates (``for r in ROUTERS``), left to the project phase.
    ``dynamic`` marks an argument archlint cannot follow (``getattr``, ``importlib``, a
    parameter): the project's mounting is then unknown."""

    line: int
    column: int
    targets: tuple[str, ...] = ()
    factories: tuple[str, ...] = ()
    sequences: tuple[str, ...] = ()
    dynamic: bool = False


@dataclass(frozen=True, slots=True)
class LoggerCall:
    """A module-level ``name = getLogger("literal")`` (``logging.getLogger``, structlog's or a
    project's ``get_logger``): the literal (``__name__`` for ``getLogger(__name__)``) and its
    position (1-based)."""

    name: str
    line: int
    column: int


class Requirement(str, enum.Enum):
    """What a pending finding needs the project phase to confirm about a name."""

    HTTP_EXCEPTION = "http_exception"
    SESSION_TYPE = "session_type"
    NOT_SESSION_TYPE = "not_session_type"  # the finding stands unless the name is a session type
    RESPONSE_TYPE = "response_type"
    PYDANTIC_MODEL = "pydantic_model"
    # Stands if the class is defined in a service or data-layer module; for a class defined
    # elsewhere in the project, or outside it, ``fallback`` decides (models and schemas never).
    LAYER_CLASS = "layer_class"


@dataclass(frozen=True, slots=True)
class Pending:
    """A finding that stands only if ``qualname`` turns out to be ``requires`` across the project.

    The per-file phase cannot see other files; it records the name it could not settle (a class
    imported from another module, a type alias defined elsewhere) and the project phase decides.
    ``fallback`` is the verdict to use when the name is a project name the project never defines.
    """

    finding: Finding
    requires: Requirement
    qualname: str
    fallback: bool = False


@dataclass(frozen=True, slots=True)
class ImportFact:
    """One imported module as written: ``import a.b`` gives ``module="a.b"``, ``from a.b import
    c, d`` gives ``module="a.b"`` and ``names=("c", "d")`` (``c`` may be a module or a symbol:
    the project phase knows which). Relative imports are made absolute. ``line``/``column`` are
    the import statement's (1-based); ``type_checking`` marks imports under ``if TYPE_CHECKING:``
    and ``lazy`` those inside a function."""

    module: str
    names: tuple[str, ...]
    line: int
    column: int
    type_checking: bool = False
    lazy: bool = False


@dataclass(frozen=True, slots=True)
class FileSummary:
    """What the project phase needs from one file, so no file is ever parsed twice.

    ``bindings`` maps module-level names to what they refer to (imports, classes, aliases of
    names defined elsewhere), ``session_aliases`` are the qualified names of module-level aliases
    of a session type, ``routers`` the module-level names bound to an ``APIRouter()`` or
    ``FastAPI()`` call (or a call that may build one), ``imports`` every import statement of the
    module (nested ones too), ``includes`` its ``include_router``/``mount`` calls,
    ``sequences`` its module-level lists and tuples of names (qualified), ``loggers`` its
    module-level loggers named by a literal. ``partial`` marks the summary of a file the
    stdlib parser could not read (syntax newer than the interpreter): its facts are missing,
    not absent.
    """

    module: str
    bindings: Mapping[str, str] = field(default_factory=dict)
    classes: tuple[ClassInfo, ...] = ()
    session_aliases: tuple[str, ...] = ()
    routers: tuple[RouterDef, ...] = ()
    imports: tuple[ImportFact, ...] = ()
    includes: tuple[RouterInclude, ...] = ()
    sequences: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    loggers: tuple[LoggerCall, ...] = ()
    partial: bool = False


@dataclass(frozen=True, slots=True)
class Suppression:
    """An ``# archlint: ignore[...]`` comment; ``codes`` is empty for a bare ignore, which
    hides nothing.

    ``column`` is where the directive's ``#`` is (1-based, characters); ``leading`` whether
    the comment sits in the module's leading comments, before the first statement (where an
    ``ignore-file`` counts); ``own_line`` whether no code precedes it on its line.
    """

    line: int
    codes: tuple[str, ...]
    reason: str | None
    file_level: bool
    column: int = 1
    leading: bool = False
    own_line: bool = False


@dataclass(frozen=True, slots=True)
class FileResult:
    """Everything the per-file phase learns from one file."""

    info: ModuleInfo
    findings: tuple[Finding, ...] = ()
    pending: tuple[Pending, ...] = ()
    summary: FileSummary | None = None
    suppressions: tuple[Suppression, ...] = ()


@dataclass(frozen=True, slots=True)
class SuppressedDiagnostic:
    """A finding an inline ``# archlint: ignore[...]`` hides, and the reason given, if any."""

    diagnostic: Diagnostic
    justification: str | None = None


@dataclass(frozen=True, slots=True)
class RunResult:
    """A finished run: sorted diagnostics plus what a formatter needs to present them.

    ``preset_source`` says where the layout came from: ``config``, ``command line`` or
    ``detected``; ``layout_note`` says what the run could not do with the layout it read
    (no preset matched, so no layout rules ran), and ``layout_mode`` how the layout was read:
    ``declared``, ``detected`` or ``by-name``. ``suppressed_diagnostics`` are the findings
    inline comments hid (SARIF keeps them as suppressed results); ``cwd_prefix`` leads from
    the working directory to the project root (see ``display_path``); ``notifications`` are
    what the run could not do (files it could not read); ``checked_files`` the files (relative
    to the project root) whose findings this run reports; ``baselined`` how many findings the
    baseline accepted and ``stale_baseline`` its entries that match nothing any more;
    ``folders`` maps the fingerprint of each folder finding to its folder, ``places`` each
    path with findings to its (domain, layer role).
    """

    diagnostics: tuple[Diagnostic, ...]
    project_root: str
    files_checked: int
    preset: str
    rules: Mapping[str, RuleMeta] = field(default_factory=dict)
    suppressed: int = 0
    preset_source: str = "config"
    layout_note: str = ""
    layout_mode: str = "declared"
    suppressed_diagnostics: tuple[SuppressedDiagnostic, ...] = ()
    cwd_prefix: str = ""
    notifications: tuple[str, ...] = ()
    checked_files: tuple[str, ...] = ()
    tool_version: str = ""
    execution_successful: bool = True
    baselined: int = 0
    stale_baseline: tuple[str, ...] = ()
    folders: Mapping[str, str] = field(default_factory=dict)
    places: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def counted(self) -> tuple[int, int]:
        """(files, folders) the findings are in: a folder finding counts its folder, not the
        module it is pinned to."""
        folders = {self.folders[d.fingerprint] for d in self.diagnostics if d.fingerprint in self.folders}
        files = {d.path for d in self.diagnostics if d.fingerprint not in self.folders}
        return len(files), len(folders)

    @property
    def errors(self) -> int:
        """Findings that fail the run (warnings only fail it with ``--strict``)."""
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @classmethod
    def failed(cls, problem: str, project_root: str) -> RunResult:
        """A run that could not lint (a config or usage error): for reports a CI job uploads
        whatever happens, so the failure shows where the findings would have."""
        return cls(
            diagnostics=(),
            project_root=project_root,
            files_checked=0,
            preset="-",
            notifications=(problem,),
            execution_successful=False,
        )

    def display_path(self, path: str) -> str:
        """``path`` (relative to the project root) as seen from where archlint was run, so a
        terminal, an editor or a CI annotation can open it."""
        if not self.cwd_prefix or self.cwd_prefix == ".":
            return path
        return posixpath.normpath(posixpath.join(self.cwd_prefix, path))

    @staticmethod
    def prefix_for(project_root: str, cwd: str) -> str:
        """The ``cwd_prefix`` of a project seen from ``cwd``."""
        return os.path.relpath(project_root, cwd).replace(os.sep, "/")


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """What a formatter or the CLI may know about a rule without importing the rules package."""

    code: str
    name: str
    summary: str
    doc: str
    severity: Severity = Severity.ERROR


def import_base(info: ModuleInfo, level: int, module: str) -> str:
    """The absolute package a ``from <dots><module> import ...`` in ``info`` refers to."""
    if not level:
        return module
    parts = info.module.split(".") if info.module else []
    if not info.is_package:
        parts = parts[:-1]
    parts = parts[: len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*parts, module] if module else parts)
