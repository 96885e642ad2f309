"""The figures table of RELIABILITY.md: one row per attack, its last run, sorted; spliced between the markers only."""

from tests.redteam.figures import END, START, splice, table


def test_table_keeps_the_last_run_of_each_attack_sorted() -> None:
    records: list[dict[str, object]] = [
        {"name": "yaml bomb", "exit_code": 1, "seconds": 0.5, "cpu_seconds": 0.4, "peak_mb": 61.2},
        {"name": "fifo", "exit_code": 1, "seconds": 0.25, "cpu_seconds": 0.2, "peak_mb": 60.0},
        {"name": "yaml bomb", "exit_code": 1, "seconds": 0.75, "cpu_seconds": 0.5, "peak_mb": 63.7},
    ]
    assert table(records) == (
        "| attack | exit | wall s | CPU s | peak MB |\n| --- | ---: | ---: | ---: | ---: |\n"
        "| fifo | 1 | 0.25 | 0.20 | 60 |\n| yaml bomb | 1 | 0.75 | 0.50 | 64 |"
    )


def test_splice_replaces_only_what_is_between_the_markers() -> None:
    document = f"intro\n{START}\nold\n{END}\nafter\n"
    assert splice(document, "new") == f"intro\n{START}\nnew\n{END}\nafter\n"
