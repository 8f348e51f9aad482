"""The project stage: config, project root, import roots and the classified tree.

The project root comes from markers (the config file, else the nearest ``pyproject.toml`` or
``.git`` at or above the first path named), never from the folder named itself, so the paths
given only limit what is reported; module names come from the project's own imports.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from archlint.config import Config, find_config, load_config
from archlint.config.importlinter import read_user_contracts
from archlint.core import ConfigError, ImportSettings, LayoutMode, ProjectTree, UsageError
from archlint.engine.discovery import discover_all, read_sources
from archlint.engine.selection import all_options, check_selectors, enabled_codes, rules_by_code
from archlint.layouts import (
    PRESETS,
    build_layout,
    classify,
    declared_base,
    detect,
    find_import_roots,
    require_layer_roles,
)


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What the caller (the CLI, a test, an editor) asks of a run."""

    paths: tuple[Path, ...] = (Path("."),)
    config_file: Path | None = None
    preset: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    jobs: int | None = None
    use_cache: bool = True
    diff_base: str | None = None
    warn: tuple[str, ...] = ()
    baseline: Path | None = None
    update_baseline: bool = False
    add_to_baseline: bool = False
    progress: Callable[[int, int], None] | None = None


@dataclass(frozen=True, slots=True)
class Project:
    """A resolved project: its config, classified tree, enabled rules and the files' bytes."""

    config: Config
    tree: ProjectTree
    enabled: frozenset[str]
    options: Mapping[str, object] = field(default_factory=dict)
    preset_source: str = "config"
    sources: Mapping[str, bytes] = field(default_factory=dict)
    unreadable: Mapping[str, OSError] = field(default_factory=dict)
    unreadable_folders: Mapping[str, OSError] = field(default_factory=dict)
    outside_links: tuple[str, ...] = ()
    imports: ImportSettings = field(default_factory=ImportSettings)

    @property
    def root(self) -> Path:
        return self.config.project_root


def cli_error(key: str, problem: str) -> ConfigError:
    return ConfigError("<command line>", f"--{key}", problem)


def marked_root(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` holding a pyproject.toml or a .git."""
    start = path if path.is_dir() else path.parent
    for candidate in (start, *start.parents):
        if (candidate / "pyproject.toml").is_file() or (candidate / ".git").exists():
            return candidate
    return None


def project_root_of(path: Path) -> Path:
    """The project a path belongs to: its config file's folder, else the nearest folder at
    or above it holding a pyproject.toml or .git, else the path's own folder."""
    resolved = path.resolve()
    found = find_config(resolved)
    if found is not None:
        return found.parent
    return marked_root(resolved) or (resolved if resolved.is_dir() else resolved.parent)


def group_by_project(options: CheckOptions) -> list[tuple[Path, ...]]:
    """The paths named, grouped by the project each belongs to (pre-commit in a monorepo
    names files of several), in the order first named."""
    if options.config_file is not None:
        return [options.paths]
    groups: dict[Path, list[Path]] = {}
    for path in options.paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        groups.setdefault(project_root_of(path), []).append(path)
    return [tuple(paths) for paths in groups.values()]


def load_project_config(options: CheckOptions) -> Config:
    for path in options.paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    first = options.paths[0].resolve()
    if options.config_file is not None:
        if not options.config_file.is_file():
            raise UsageError(f"{options.config_file}: config file not found")
        return load_config(options.config_file.resolve())
    found = find_config(first)
    if found is not None:
        return load_config(found)
    return Config(project_root=marked_root(first) or (first if first.is_dir() else first.parent))


def _validate_selection(config: Config, options: CheckOptions) -> dict[str, object]:
    """Rule codes and options, checked before the tree so a config error is never hidden."""
    codes = list(rules_by_code())
    for key, values, error in (
        ("select", config.select or (), config.key_error),
        ("extend-select", config.extend_select, config.key_error),
        ("ignore", config.ignore, config.key_error),
        ("warn", config.warn, config.key_error),
        ("select", options.select or (), cli_error),
        ("extend-select", options.extend_select, cli_error),
        ("ignore", options.ignore, cli_error),
        ("warn", options.warn, cli_error),
    ):
        check_selectors(values, codes, key, error)
    for pattern, selectors in config.per_file_ignores.items():
        check_selectors(selectors, codes, f'per-file-ignores."{pattern}"', config.key_error)
    return all_options(config.rules, config.key_error)


def _has_layout_overrides(config: Config) -> bool:
    overrides = config.layout
    return bool(
        config.root is not None
        or overrides.domains is not None
        or overrides.shared is not None
        or overrides.roles
        or overrides.required is not None
        or bool(overrides.allow)
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Classification allocates a few small objects per file and frees none: the cyclic
    collector would only walk them again and again (a fifth of the stage's time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def classified_tree(
    config: Config, preset: str | None, files: list[str], sources: Mapping[str, bytes]
) -> ProjectTree:
    """The tree under the declared layout, or the detected one."""
    with _collector_paused():
        return _classified_tree(config, preset, files, sources)


def _classified_tree(
    config: Config, preset: str | None, files: list[str], sources: Mapping[str, bytes]
) -> ProjectTree:
    where = config.project_root
    if not files:
        raise UsageError(f"no Python file found under {where}")
    import_roots = find_import_roots(files, sources)
    if preset is None and not _has_layout_overrides(config):
        return detect(files, import_roots)
    overrides = config.layout
    layout = build_layout(
        preset or declared_base(files),
        root=config.root,
        domains=overrides.domains,
        shared=overrides.shared,
        roles=overrides.roles,
        required=overrides.required,
        allow=overrides.allow,
    )
    tree = classify(layout, files, mode=LayoutMode.DECLARED, import_roots=import_roots)
    if layout.domains and not tree.domains:
        raise UsageError(
            f"layout {layout.name} matched no domain: looked for {' or '.join(layout.domains)} "
            f"under {where / tree.source_root}; set `preset`, `root` or "
            "[tool.archlint.layout] domains (or remove `preset` to let archlint detect the layout)"
        )
    return tree


def resolve_project(options: CheckOptions, *, require_roles: bool = True) -> Project:
    """Config, files, layout and classification for a run; raises ArchlintError with a clear
    message (a config error before anything about the tree, so it is never hidden)."""
    config = load_project_config(options)
    preset = options.preset or config.preset
    if preset is not None and preset not in PRESETS:
        problem = f"unknown preset {preset!r} (expected one of: {', '.join(PRESETS)})"
        raise cli_error("preset", problem) if options.preset else config.key_error("preset", problem)
    rule_options = _validate_selection(config, options)
    found = discover_all(config.project_root, config.exclude)
    files = found.files
    sources, unreadable = read_sources(config.project_root, files)
    tree = classified_tree(config, preset, files, sources)
    if require_roles and tree.mode is not LayoutMode.DECLARED:
        require_layer_roles(tree, str(config.project_root))
    enabled = enabled_codes(
        tree.layout.name,
        select=options.select if options.select is not None else config.select,
        extend_select=(*config.extend_select, *options.extend_select),
        ignore=(*config.ignore, *options.ignore),
    )
    if tree.mode is LayoutMode.BY_NAME:
        enabled = frozenset(code for code in enabled if not code.startswith("LAY"))
    source = "command line" if options.preset else "config" if preset or config.path else "detected"
    if tree.mode is not LayoutMode.DECLARED:
        source = "detected"
    return Project(
        config=config,
        tree=tree,
        enabled=enabled,
        options=rule_options,
        preset_source=source,
        sources=sources,
        unreadable=unreadable,
        unreadable_folders=found.unreadable_folders,
        outside_links=found.outside_links,
        imports=ImportSettings(
            include_type_checking=config.include_type_checking,
            user=read_user_contracts(config.project_root),
        ),
    )
