"""`drafter --help` and `--version` against bare `python -c pass`.

Target (issue 7): --help under 2× bare Python.
"""

from __future__ import annotations

from bench_lib import Check, Report, drafter_command, measure_group, python


def run(repeat: int = 30) -> Report:
    report = Report()
    bare, helped, version = measure_group([
        ("python -c pass", [python(), "-c", "pass"]),
        ("drafter --help", [*drafter_command(), "--help"]),
        ("drafter --version", [*drafter_command(), "--version"]),
    ], repeat, warmup=3)
    report.stats += [bare, helped, version]
    report.checks.append(Check("--help ÷ python -c pass", helped.wall_min_ms / bare.wall_min_ms,
                               2.0, "倍"))
    report.checks.append(Check("--version ÷ python -c pass", version.wall_min_ms / bare.wall_min_ms,
                               2.0, "倍"))
    return report


if __name__ == "__main__":
    from run_all import standalone

    standalone(lambda work: run())
