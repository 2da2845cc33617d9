"""`drafter --help` and `--version` against bare `python -c pass`.

Target (issue 7): --help under 2× bare Python.
"""

from __future__ import annotations

from bench_lib import Check, Report, drafter_command, measure, python


def run(repeat: int = 30) -> Report:
    report = Report()
    bare = measure("python -c pass", [python(), "-c", "pass"], repeat)
    helped = measure("drafter --help", [*drafter_command(), "--help"], repeat)
    version = measure("drafter --version", [*drafter_command(), "--version"], repeat)
    report.stats += [bare, helped, version]
    report.checks.append(Check("--help ÷ python -c pass（墙钟中位数）", helped.wall_ms / bare.wall_ms,
                               2.0, "倍"))
    report.checks.append(Check("--version ÷ python -c pass", version.wall_ms / bare.wall_ms,
                               2.0, "倍"))
    return report


if __name__ == "__main__":
    from run_all import print_report

    print_report(run())
