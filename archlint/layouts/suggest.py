"""A ready-to-paste config for a backend layered by technical concern, when no preset fits."""

from __future__ import annotations

from collections.abc import Sequence

from archlint.core import LAYER_SYNONYMS, Role

_ROOTS = ("app", "src", "backend/app", "backend/src", "backend", ".")
_PREFERENCE = {name: i for i, name in enumerate(LAYER_SYNONYMS)}
_LAYERS = (Role.ROUTER, Role.DEPENDENCIES, Role.SERVICE, Role.REPOSITORY, Role.MODELS, Role.SCHEMAS)


def technical_layout(files: Sequence[str]) -> str | None:
    """``[tool.archlint]`` for a tree like ``app/api/``, ``app/services/``, ``app/repositories/``.

    Returned only when some folder holds a router package and a service or data-layer package
    side by side; every other top-level name there is listed as shared, to be trimmed by hand.
    """
    for root in _ROOTS:
        prefix = "" if root == "." else root + "/"
        inside = [f[len(prefix) :] for f in files if f.startswith(prefix)]
        packages = sorted({r.split("/")[0] for r in inside if "/" in r})
        modules = sorted(r for r in inside if "/" not in r)
        roles: dict[Role, str] = {}
        # The most telling name wins a role: repositories/ over db/, routers/ over api/.
        for name in sorted(packages, key=lambda n: _PREFERENCE.get(n, len(_PREFERENCE))):
            role = LAYER_SYNONYMS.get(name)
            if role in _LAYERS and role not in roles:
                roles[role] = name
        if Role.ROUTER not in roles or not ({Role.SERVICE, Role.REPOSITORY} & roles.keys()):
            continue
        layered = set(roles.values())
        shared = [p for p in packages if p not in layered and p not in ("tests", "alembic")]
        lines = [
            "[tool.archlint]",
            'preset = "layered-v1"',
            f'root = "{root}"',
            "",
            "[tool.archlint.layout]",
            'domains = ["."]',
            "shared = [" + ", ".join(f'"{n}"' for n in [*shared, *modules]) + "]",
            *(f'roles.{role.value} = ["{name}/"]' for role, name in roles.items()),
            "required = []",
        ]
        return "\n".join(lines)
    return None
