"""Gather ``bench/results/*.json`` into ``bench/RESULTS.md`` (one table per benchmark)."""

from __future__ import annotations

import json

from .common import RESULTS_DIR

OUT = RESULTS_DIR.parent / "RESULTS.md"


def _machine(m: dict) -> str:
    return f"{m.get('cores', '?')} cores, {m.get('cpu', '?')}, {m.get('memory_gib', '?')} GiB, Python {m.get('python', '?')}"


def render() -> str:
    lines = [
        "# Benchmark results",
        "",
        "Each figure is the median over repeated runs with [min .. max]; `n` is the number of runs. Each section",
        "names the machine it was measured on: compare figures only within a section.",
        "",
    ]
    for path in sorted(RESULTS_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        lines += [
            f"## {data['name']}",
            "",
            f"_measured {data.get('time', '?')} on {_machine(data.get('machine') or {})}_",
            "",
            "| figure | median | unit | spread | n | note |",
            "|---|---:|---|---|---:|---|",
        ]
        for key, f in data["figures"].items():
            spread = f"{f['min']:.4g} .. {f['max']:.4g}" if f["runs"] > 1 else ""
            lines.append(f"| {key} | {f['median']:.4g} | {f['unit']} | {spread} | {f['runs']} | {f.get('note', '')} |")
        lines.append("")
        if data.get("markdown"):  # a benchmark's own table (the learning comparison)
            lines += [data["markdown"], ""]
    return "\n".join(lines)


def main() -> None:
    OUT.write_text(render())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
