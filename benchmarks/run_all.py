"""Every benchmark of issue 7 in one run, side by side:

    python benchmarks/run_all.py            # full run (500-document batch), a few minutes
    python benchmarks/run_all.py --quick    # smoke run: fewer repeats, 100 documents

Prints the measurements and the targets; a full run also writes
benchmarks/results.json. Run it from the project's environment
with the bench extra installed: pip install -e '.[bench]'. pandoc is optional.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_lib import Report, header, install, machine, save  # noqa: E402


def print_report(report: Report) -> None:
    print(header())
    for stats in report.stats:
        print(stats.row())
    print()
    for check in report.checks:
        print(check.row())
    for note in report.notes:
        print(f"注：{note}")


def standalone(run) -> None:
    """Run one benchmark module on its own: `python benchmarks/single.py`."""
    with tempfile.TemporaryDirectory(prefix="drafter-bench-") as tmp:
        work = Path(tmp)
        note = install(work)
        report = run(work)
        report.notes.insert(0, note)
        print_report(report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="drafter 性能基准（issue 7）")
    parser.add_argument("--quick", action="store_true", help="少跑几次，批量 100 篇")
    parser.add_argument("--docs", type=int, help="批量篇数（默认 500，--quick 时 100）")
    parser.add_argument("--only", choices=("startup", "single", "batch"), action="append",
                        help="只跑其中几项")
    args = parser.parse_args(argv)
    import batch_bench
    import single
    import startup

    count = args.docs or (100 if args.quick else 500)
    only = set(args.only or ("startup", "single", "batch"))
    info = machine()
    print("机器：" + "；".join(f"{k} {v}" for k, v in info.items()))
    report = Report()
    with tempfile.TemporaryDirectory(prefix="drafter-bench-") as tmp:
        work = Path(tmp)
        report.notes.append(install(work))
        if "startup" in only:
            report.extend(startup.run(repeat=10 if args.quick else 40))
        if "single" in only:
            report.extend(single.run(work, repeat=5 if args.quick else 20))
        if "batch" in only:
            report.extend(batch_bench.run(work, count=count, repeat=1 if args.quick else 6))
    print()
    print_report(report)
    if not args.quick and not args.only:
        save(report, HERE / "results.json", info)
        print(f"\n结果已写入 {HERE / 'results.json'}")
    return 0 if all(c.met for c in report.checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
