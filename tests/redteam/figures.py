"""Render the red-team runs recorded by the harness (REDTEAM_RECORD) as RELIABILITY.md's figures table.

    python -m tests.redteam.figures bench/results/redteam.jsonl RELIABILITY.md

The table sits between two marker comments and is replaced whole, so a re-run never edits prose.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

START, END = "<!-- redteam figures: start -->", "<!-- redteam figures: end -->"


def table(records: list[dict[str, object]]) -> str:
    """One row per attack (the last run of each name), sorted by name."""
    latest = {str(record["name"]): record for record in records}
    rows = ["| attack | exit | wall s | CPU s | peak MB |", "| --- | ---: | ---: | ---: | ---: |"]
    for name in sorted(latest):
        r = latest[name]
        rows.append(f"| {name} | {r['exit_code']} | {float(str(r['seconds'])):.2f} | {float(str(r['cpu_seconds'])):.2f} | {float(str(r['peak_mb'])):.0f} |")
    return "\n".join(rows)


def splice(document: str, rendered: str) -> str:
    if START not in document or END not in document:
        raise SystemExit(f"the document has no '{START}' ... '{END}' markers")
    head, rest = document.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{rendered}\n{END}{tail}"


def main(argv: list[str]) -> None:
    records_path, document_path = Path(argv[0]), Path(argv[1])
    records = [json.loads(line) for line in records_path.read_text(encoding="utf-8").splitlines() if line]
    document_path.write_text(splice(document_path.read_text(encoding="utf-8"), table(records)), encoding="utf-8")
    print(f"{document_path}: {len({r['name'] for r in records})} attacks from {records_path}")


if __name__ == "__main__":
    main(sys.argv[1:])
