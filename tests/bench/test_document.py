"""BENCHMARKS.md is what `python -m bench.document` renders from the saved results and bench/notes: a section
edited in the file alone would be lost at the next benchmark run, so it must live in a note."""

from __future__ import annotations

import json
from pathlib import Path

from bench.document import write
from bench.run import BENCHMARKS, RESULTS


def test_benchmarks_md_is_rendered_from_the_saved_results_and_notes(tmp_path: Path) -> None:
    rendered = tmp_path / "BENCHMARKS.md"
    write(json.loads(RESULTS.read_text(encoding="utf-8")), RESULTS.parent, rendered)
    assert rendered.read_text(encoding="utf-8") == BENCHMARKS.read_text(encoding="utf-8")


def test_a_note_replaces_the_rendered_section_of_its_heading_and_the_others_are_added(tmp_path: Path) -> None:
    from bench.document import _NOTES, _with_notes

    (tmp_path / "a.md").write_text("## Two\n\nby hand\n\n### Two, more\n\nmore by hand\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("### Extra\n\nmeasured by hand\n", encoding="utf-8")
    text = f"# Top\n\n## One\n\none\n{_NOTES}\n## Two\n\nrendered\n\n### Two, sub\n\nrendered too\n\n## Three\n\nthree\n"
    assert _with_notes(text, [tmp_path / "a.md", tmp_path / "b.md"]) == (
        "# Top\n\n## One\n\none\n\n### Extra\n\nmeasured by hand\n\n"
        "## Two\n\nby hand\n\n### Two, more\n\nmore by hand\n\n## Three\n\nthree\n"
    )
