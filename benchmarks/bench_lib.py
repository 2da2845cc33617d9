"""Shared helpers for the benchmarks: run a command, measure wall time, CPU and peak memory.

Every measurement runs a real child process, as a user would, and reads its
resource usage with os.wait4: CPU is user+system time of the child and of the
workers it waited for, peak memory is ru_maxrss of the largest one.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "kexie.yaml"
TEMPLATE = "kexie"


@dataclass
class Stats:
    """Repeated runs of one command: medians are reported, minimums kept for noisy machines."""

    name: str
    command: str
    runs: int
    wall_ms: float  # median
    wall_min_ms: float
    cpu_ms: float  # median user+sys
    maxrss_mb: float  # largest over the runs

    def row(self) -> str:
        return (f"{self.name:<44} {self.wall_ms:9.1f} {self.wall_min_ms:9.1f} {self.cpu_ms:9.1f}"
                f" {self.maxrss_mb:8.1f}")


@dataclass
class Check:
    """One target of issue 7 and how the measurement compares with it."""

    name: str
    measured: float
    target: float
    unit: str
    higher_is_better: bool = False
    note: str = ""

    @property
    def met(self) -> bool:
        return self.measured >= self.target if self.higher_is_better else self.measured <= self.target

    def row(self) -> str:
        sign = "≥" if self.higher_is_better else "<"
        verdict = "达标" if self.met else "未达标"
        return f"{self.name:<46} {self.measured:8.2f} {self.unit:<4} 目标 {sign} {self.target:g}  {verdict}"


@dataclass
class Report:
    stats: list[Stats] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def extend(self, other: Report) -> None:
        self.stats += other.stats
        self.checks += other.checks
        self.notes += other.notes


def child_env() -> dict[str, str]:
    """The environment of a normal installation: bytecode caches are written and used.

    Some shells export PYTHONDONTWRITEBYTECODE; without .pyc files every run would
    recompile drafter's own modules, which no installed copy does.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def python() -> str:
    return sys.executable


def drafter_command() -> list[str]:
    """The console script a user types, from the same environment as this interpreter."""
    script = Path(sys.executable).with_name("drafter")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "drafter"]


def run_once(cmd: list[str], cwd: Path | None = None, env: dict | None = None,
             check: bool = True) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in kB) of one run of cmd."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env or child_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def measure(name: str, cmd: list[str], repeat: int, warmup: int = 2, cwd: Path | None = None,
            env: dict | None = None, before=None) -> Stats:
    """Median of `repeat` runs after `warmup` unmeasured ones (caches, .pyc files)."""
    for _ in range(warmup):
        if before:
            before()
        run_once(cmd, cwd, env)
    walls, cpus, rss = [], [], []
    for _ in range(repeat):
        if before:
            before()
        wall, cpu, maxrss = run_once(cmd, cwd, env)
        walls.append(wall)
        cpus.append(cpu)
        rss.append(maxrss)
    return Stats(name, " ".join(_short(c) for c in cmd), repeat,
                 statistics.median(walls) * 1000, min(walls) * 1000,
                 statistics.median(cpus) * 1000, max(rss) / 1024)


def _short(arg: str) -> str:
    for base, label in ((str(REPO), "."), (str(Path(sys.executable).parent), "$VENV/bin")):
        if arg.startswith(base):
            return label + arg[len(base):]
    return arg


def pandoc() -> str | None:
    return shutil.which("pandoc")


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                          if line.startswith("MemTotal")))
        memory = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        memory = "?"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info = {
        "cpu": cpu,
        "cores": str(cores),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?",
    }
    from importlib.metadata import PackageNotFoundError, version

    for package in ("jinja2", "python-docx", "PyYAML", "lxml", "docxtpl"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = "未安装"
    exe = pandoc()
    if exe:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
        info["pandoc"] = out.splitlines()[0].split()[-1] if out else "?"
    else:
        info["pandoc"] = "未安装"
    return info


def save(report: Report, path: Path, info: dict) -> None:
    data = {"machine": info, "stats": [asdict(s) for s in report.stats],
            "checks": [dict(asdict(c), met=c.met) for c in report.checks], "notes": report.notes}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")


def header() -> str:
    return (f"{'测量项':<44} {'中位数ms':>9} {'最小ms':>9} {'CPU ms':>9} {'内存MB':>8}")
