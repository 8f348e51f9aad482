"""``--statistics``: how many findings per rule, per domain and per layer."""

from __future__ import annotations

from collections import Counter

from archlint.core import RunResult


def statistics(result: RunResult) -> dict[str, object]:
    """Counts per code (with the rule's summary), per domain and per layer, and the totals;
    folder findings count their folder's domain and no layer."""
    by_code = Counter(d.code for d in result.diagnostics)
    by_domain: Counter[str] = Counter()
    by_layer: Counter[str] = Counter()
    for d in result.diagnostics:
        domain, role = result.places.get(d.path, ("", "other"))
        if d.fingerprint in result.folders:
            role = "(folder)"
        by_domain[domain or "(outside any domain)"] += 1
        by_layer[role] += 1
    files, folders = result.counted()
    return {
        "by_code": [
            {
                "code": code,
                "count": n,
                "summary": result.rules[code].summary if code in result.rules else "",
            }
            for code, n in sorted(by_code.items(), key=lambda i: (-i[1], i[0]))
        ],
        "by_domain": dict(sorted(by_domain.items(), key=lambda i: (-i[1], i[0]))),
        "by_layer": dict(sorted(by_layer.items(), key=lambda i: (-i[1], i[0]))),
        "findings": len(result.diagnostics),
        "files": files,
        "folders": folders,
    }
