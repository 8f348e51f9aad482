"""Benchmark archlint on realistic generated backends, next to the floors and other tools.

    python benchmarks/run.py                          # 50 and 200 domains, layered-v1
    python benchmarks/run.py --sizes 50,200,800 --presets all --repeat 3 --json out.json

For each preset and size, in one interleaved run repeated ``--repeat`` times (medians
reported): archlint with no cache present (it writes one), warm (nothing changed), one
service file changed (a constant's value: its result stays the same) and then a line added
at its top (its findings move: the cross-file phase runs again), and ``--jobs 1`` without
cache; the floors (read and hash every file, ``ast.parse`` and ``libcst.parse_module`` of
every file, each in one process, start-up excluded); ``ruff check`` and semgrep with the
equivalent rules of semgrep_rules.yml when installed. Every sample is a fresh process
measured by measure.py (wall, CPU of the whole process tree, peak memory: see its
docstring). Prints a Markdown table per tree, the findings per code next to those planted,
whether cold and warm grow linearly with the tree,
and the targets of issue 8 as pass/fail lines. Compare numbers from one run on one machine;
never assert on them in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from gen import PRESETS, Tree, generate
from measure import python_files
from realistic import describe

HERE = Path(__file__).resolve().parent
MEASURE = HERE / "measure.py"
ARCHLINT = [sys.executable, "-m", "archlint", "check", ".", "--format", "concise", "--exit-zero"]
FLOORS = ("hash", "ast", "libcst")
# Issue 8's targets, on the 200-domain tree: (what, scenario, reference, at most this ratio).
TARGETS = (
    ("cold <= 0.35x libcst.parse_module of every file", "cold", "libcst", 0.35),
    ("cold <= 0.35x semgrep with the equivalent rules", "cold", "semgrep", 0.35),
    ("warm <= 0.2x ast.parse of every file", "warm", "ast", 0.2),
    ("one file changed <= 0.3x ast.parse of every file", "changed", "ast", 0.3),
)
MAX_RSS_MB = 300
LINEAR_SLACK = 1.3  # seconds per file may grow this much from the smallest tree to the largest


def _sample(command: list[str], cwd: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(MEASURE), "--cwd", str(cwd), "--", *command],
        capture_output=True,
        text=True,
        check=True,
    )
    sample: dict[str, float] = json.loads(out.stdout)
    return sample


def _floor(kind: str, root: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(MEASURE), "--floor", kind, str(root)], capture_output=True, text=True, check=True
    )
    sample: dict[str, float] = json.loads(out.stdout)
    return sample


def _changed_file(tree: Tree) -> str:
    """The first service module (every layered convention has one), else the first module."""
    services = [
        p for p in tree.files if p.rsplit("/", 1)[-1] in {"service.py", "services.py"} or "/services/" in p
    ]
    modules = sorted(p for p in services if not p.endswith("__init__.py"))
    return modules[0] if modules else min(p for p in tree.files if p.endswith(".py"))


def _existing(path: Path, into: Path) -> Tree:
    """A copy of an existing backend (it needs its own archlint config), as a Tree."""
    shutil.copytree(path, into, ignore=shutil.ignore_patterns(".git", ".archlint_cache", ".venv"))
    files = {p.relative_to(into).as_posix(): p.read_text(errors="replace") for p in python_files(into)}
    return Tree(path.name, files, (), ())


def _edit(path: Path, round_: int) -> None:
    """Change one constant's value (the file's lines stay where they are), or, in a backend
    not generated here, append a comment."""
    text = path.read_text()
    start = text.find("MAX_OPEN_PER_OWNER = ")
    if start < 0:
        path.write_text(f"{text.rstrip()}\n# benchmark edit {round_}\n")
        return
    end = text.index("\n", start)
    path.write_text(f"{text[:start]}MAX_OPEN_PER_OWNER = {1000 + round_}{text[end:]}")


def _insert_line(path: Path, round_: int) -> None:
    """A line added near the top: every finding and import below it moves, so the file's
    result changes and the project phase runs again."""
    first, _, rest = path.read_text().partition("\n")
    path.write_text(f"{first}\n# revision {round_}\n{rest}")


def _tools(args: argparse.Namespace) -> dict[str, list[str]]:
    tools: dict[str, list[str]] = {}
    ruff = args.ruff or shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if Path(ruff).exists() or shutil.which(ruff):
        tools["ruff"] = [ruff, "check", "--no-cache", "--isolated", "--exit-zero", "-q", "."]
    semgrep = args.semgrep or shutil.which("semgrep")
    if semgrep:
        rules = HERE / "semgrep_rules.yml"
        tools["semgrep"] = [
            semgrep,
            "scan",
            "--config",
            str(rules),
            "--metrics=off",
            "--disable-version-check",
            "--quiet",
            "--jobs",
            str(os.cpu_count() or 1),
            ".",
        ]
    return tools


def _round(
    root: Path, tree: Tree, round_: int, tools: dict[str, list[str]], floors: tuple[str, ...]
) -> dict[str, dict[str, float]]:
    """One pass over every scenario on one tree."""
    samples: dict[str, dict[str, float]] = {}
    for kind in floors:
        samples[kind] = _floor(kind, root)
    for name, command in tools.items():
        samples[name] = _sample(command, root)
    shutil.rmtree(root / ".archlint_cache", ignore_errors=True)
    samples["cold"] = _sample(ARCHLINT, root)
    samples["warm"] = _sample(ARCHLINT, root)
    _edit(root / _changed_file(tree), round_)
    samples["changed"] = _sample(ARCHLINT, root)
    _insert_line(root / _changed_file(tree), round_)
    samples["moved"] = _sample(ARCHLINT, root)
    samples["cold -j1"] = _sample([*ARCHLINT, "--no-cache", "--jobs", "1"], root)
    return samples


def _findings(root: Path) -> Counter[str]:
    out = subprocess.run(
        [sys.executable, "-m", "archlint", "check", ".", "--format", "json", "--exit-zero", "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return Counter(d["code"] for d in json.loads(out.stdout)["diagnostics"])


def _load() -> str:
    try:
        return ", ".join(f"{n:.1f}" for n in os.getloadavg())
    except OSError:
        return "unknown"


def _median(samples: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def _table(tree: Tree, files: int, medians: dict[str, dict[str, float]]) -> list[str]:
    refs = [r for r in ("ast", "libcst", "semgrep") if r in medians]
    head = "| scenario | wall s | CPU s | peak RSS MB (tree / largest) | files/s |"
    head += "".join(f" vs {r}, wall (CPU) |" for r in refs)
    rows = [head, "|---" * (5 + len(refs)) + "|"]
    order = ["cold", "cold -j1", "warm", "changed", "moved", *FLOORS, "ruff", "semgrep"]
    labels = {
        "cold": "archlint, no cache (writes it)",
        "cold -j1": "archlint --jobs 1 --no-cache",
        "warm": "archlint warm (nothing changed)",
        "changed": "archlint, one service file changed",
        "moved": "archlint, a line added at its top",
        "hash": "floor: read + hash every file",
        "ast": "floor: ast.parse every file",
        "libcst": "floor: libcst.parse_module every file",
        "ruff": "ruff check (reference)",
        "semgrep": "semgrep, equivalent rules (reference)",
    }
    for name in (n for n in order if n in medians):
        m = medians[name]
        rss = f"{m['rss_mb']:.0f} / {m['max_rss_mb']:.0f}" if "rss_mb" in m else "-"
        row = f"| {labels[name]} | {m['wall']:.2f} | {m['cpu']:.2f} | {rss} | {files / m['wall']:,.0f} |"
        row += "".join(
            f" {m['wall'] / medians[r]['wall']:.2f}x ({m['cpu'] / medians[r]['cpu']:.2f}x) |" for r in refs
        )
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200", help="domains per tree, comma-separated (800 is opt-in)")
    parser.add_argument(
        "--presets", default="layered-v1", help=f"comma-separated, or all: {', '.join(PRESETS)}"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate the trees here and leave them")
    parser.add_argument("--json", type=Path, help="also write every sample and median here")
    parser.add_argument("--semgrep", help="semgrep executable (default: from PATH)")
    parser.add_argument("--ruff", help="ruff executable (default: from PATH or next to this Python)")
    parser.add_argument("--no-libcst-floor", action="store_true", help="skip the slowest floor")
    parser.add_argument(
        "--path",
        type=Path,
        help="benchmark a copy of this backend (with its own config) instead of generated ones",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    presets = list(PRESETS) if args.presets == "all" else args.presets.split(",")
    floors = tuple(f for f in FLOORS if not (f == "libcst" and args.no_libcst_floor))
    tools = _tools(args)
    base = args.keep or Path(tempfile.mkdtemp(prefix="archlint-bench-"))
    trees: dict[tuple[str, int], tuple[Path, Tree]] = {}
    if args.path is not None:
        sizes = [0]
        root = base / args.path.resolve().name
        shutil.rmtree(root, ignore_errors=True)
        trees[args.path.resolve().name, 0] = (root, _existing(args.path, root))
    for preset in presets if args.path is None else ():
        for size in sizes:
            root = base / f"{preset}-{size}"
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            trees[preset, size] = (root, generate(root, preset, size))
    print(
        f"# archlint benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"median of {args.repeat}"
    )
    print(
        f"Tools: {', '.join(tools) or 'neither ruff nor semgrep found'}; memory: /proc sampling + ru_maxrss"
    )
    print(f"Load average before: {_load()}")
    samples: dict[str, dict[str, list[dict[str, float]]]] = {}
    try:
        for round_ in range(args.repeat):
            for (preset, size), (root, tree) in trees.items():
                found = _round(root, tree, round_, tools, floors)
                for name, sample in found.items():
                    samples.setdefault(f"{preset}-{size}", {}).setdefault(name, []).append(sample)
                print(f"round {round_ + 1}/{args.repeat}: {preset} {size} domains done", file=sys.stderr)
        print(f"Load average after: {_load()} (wall times are only comparable on an idle machine)")
        report: dict[str, object] = {}
        per_file: dict[tuple[str, str], dict[int, float]] = {}
        for (preset, size), (root, tree) in trees.items():
            key = f"{preset}-{size}"
            medians = {name: _median(runs) for name, runs in samples[key].items()}
            files = sum(1 for p in tree.files if p.endswith(".py"))
            findings = _findings(root)
            planted = Counter(code for code, _, _ in tree.expected)
            print(f"\n## {preset}, {size} domains\n\n{describe(tree)}\n")
            print("\n".join(_table(tree, files, medians)))
            print(
                "\nFindings: "
                + ", ".join(f"{c} {n}" for c, n in sorted(findings.items()))
                + f" ({sum(findings.values())}; planted {sum(planted.values())}"
                + (
                    ", all found)"
                    if findings == planted
                    else f", planted per code: {dict(sorted(planted.items()))})"
                )
            )
            for scenario in ("cold", "warm"):
                per_file.setdefault((preset, scenario), {})[size] = medians[scenario]["wall"] / files
            report[key] = {"files": files, "medians": medians, "samples": samples[key], "findings": findings}
            if size == 200:
                print()
                for what, scenario, ref, ratio in TARGETS:
                    if ref in medians:
                        wall = medians[scenario]["wall"] / medians[ref]["wall"]
                        cpu = medians[scenario]["cpu"] / medians[ref]["cpu"]
                        print(
                            f"- {'PASS' if wall <= ratio else 'FAIL'} {what}: wall {wall:.2f}x "
                            f"(CPU {cpu:.2f}x: {'PASS' if cpu <= ratio else 'FAIL'})"
                        )
                    else:
                        print(f"- SKIP {what}: {ref} not measured")
                rss = max(
                    medians[s]["rss_mb"] or medians[s]["max_rss_mb"]
                    for s in ("cold", "warm", "changed", "moved")
                )
                print(
                    f"- {'PASS' if rss <= MAX_RSS_MB else 'FAIL'} peak RSS of the process tree "
                    f"<= {MAX_RSS_MB} MB: {rss:.0f} MB"
                )
        if len(sizes) > 1:
            print("\n## Growth (seconds per file, smallest tree to largest)\n")
            for (preset, scenario), by_size in per_file.items():
                small, large = by_size[min(by_size)], by_size[max(by_size)]
                verdict = "linear" if large <= small * LINEAR_SLACK else "worse than linear"
                print(
                    f"- {'PASS' if verdict == 'linear' else 'FAIL'} {preset} {scenario} grows {verdict}: "
                    f"{small * 1000:.2f} ms/file at {min(by_size)} domains, "
                    f"{large * 1000:.2f} at {max(by_size)}"
                )
        if args.json:
            args.json.write_text(json.dumps(report, indent=2, default=dict))
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
