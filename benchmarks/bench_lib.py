"""Shared helpers for the benchmarks: run a command, measure wall time, CPU and peak memory.

Every measurement runs a real child process, as a user would, through
launch.py, which reads its resource usage with os.wait4: CPU is user+system
time of the child and of the workers it waited for, peak memory is ru_maxrss
of the largest single process among them.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
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
    if "cache" in _INSTALLED:  # drafter's own cache: the benchmark's, not the user's
        env["DRAFTER_CACHE_DIR"] = str(_INSTALLED["cache"])
    return env


def drafter_cache() -> Path | None:
    """The folder drafter's caches go to in these runs (emptied for the cold-start rows)."""
    return _INSTALLED.get("cache")


_INSTALLED: dict[str, Path] = {}


def install(work: Path) -> str:
    """Install drafter as `pip install .` would, into a scratch environment, and use it.

    An editable install (pip install -e) puts an import hook in site-packages that
    every interpreter of that environment runs at start-up, bare `python -c pass`
    included; a checkout may also lack .pyc files. Neither is what a user has. So
    the wheel is built and unpacked into a fresh venv whose only other content is a
    path entry to this environment's site-packages (for jinja2, python-docx, …).
    Returns a note for the report.
    """
    import sysconfig
    import zipfile

    wheels = work / "wheel"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(REPO)], capture_output=True, text=True)
    if build.returncode != 0:
        return ("无法构建 wheel（需要 pip 和 setuptools），改用当前环境测量："
                + build.stderr.strip().splitlines()[-1] if build.stderr.strip() else "")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    new_python = bin_dir / Path(sys.executable).name
    site = Path(subprocess.run(
        [str(new_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip())
    with zipfile.ZipFile(next(wheels.glob("*.whl"))) as wheel:  # gongwen_drafter-…whl
        wheel.extractall(site)
    (site / "_bench_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    subprocess.run([str(new_python), "-m", "compileall", "-q", str(site / "drafter")],
                   check=True, env=child_env())
    script = bin_dir / "drafter"
    script.write_text(
        f"#!{new_python}\n# -*- coding: utf-8 -*-\nimport re\nimport sys\n"
        "from drafter.cli import main\nif __name__ == '__main__':\n"
        "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
        "    sys.exit(main())\n", "utf-8")
    script.chmod(0o755)
    _INSTALLED["python"] = new_python
    _INSTALLED["cache"] = work / "drafter-cache"
    _INSTALLED["drafter"] = script
    # Commands run in a scratch folder, as a user's would: in the repository, its templates/
    # would be found as a user's ./templates (and checked) instead of the installed built-ins.
    _INSTALLED["cwd"] = work / "cwd"
    _INSTALLED["cwd"].mkdir(exist_ok=True)
    return ("drafter 按 pip install . 的方式装入临时环境后测量（wheel，含 .pyc），依赖取自当前环境；"
            "命令在临时文件夹中运行（不在仓库目录）。")


def python() -> str:
    return str(_INSTALLED.get("python", sys.executable))


def drafter_command() -> list[str]:
    """The console script a user types."""
    if "drafter" in _INSTALLED:
        return [str(_INSTALLED["drafter"])]
    script = Path(sys.executable).with_name("drafter")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "drafter"]


LAUNCHER = Path(__file__).with_name("launch.py")


def run_once(cmd: list[str], cwd: Path | None = None, env: dict | None = None,
             check: bool = True) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in kB) of one run of cmd, via launch.py."""
    import tempfile

    with tempfile.NamedTemporaryFile("r", suffix=".txt") as result:
        proc = subprocess.run([sys.executable, "-S", "-I", str(LAUNCHER), result.name, *cmd],
                              cwd=cwd or _INSTALLED.get("cwd"), env=env or child_env(),
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        fields = result.read().split()
    if proc.returncode != 0 or len(fields) != 4:
        raise RuntimeError(f"launcher failed for {' '.join(cmd)}:\n{proc.stderr.decode()}")
    wall, cpu, maxrss, code = float(fields[0]), float(fields[1]), int(fields[2]), int(fields[3])
    if check and code != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({code}):\n{proc.stderr.decode()}")
    return wall, cpu, maxrss


def measure(name: str, cmd: list[str], repeat: int, warmup: int = 2, cwd: Path | None = None,
            env: dict | None = None, before=None) -> Stats:
    """Median and best of `repeat` runs after `warmup` unmeasured ones (caches, .pyc files)."""
    return measure_group([(name, cmd, before)], repeat, warmup, cwd, env)[0]


def measure_group(commands: list[tuple], repeat: int, warmup: int = 2, cwd: Path | None = None,
                  env: dict | None = None) -> list[Stats]:
    """Measure several (name, cmd[, before]) in turn, round after round.

    Interleaving spreads any load from other processes evenly over the commands
    compared, so their ratios stay fair on a shared machine.
    """
    commands = [(c[0], c[1], c[2] if len(c) > 2 else None) for c in commands]
    samples: dict[str, list[tuple[float, float, int]]] = {name: [] for name, _, _ in commands}
    for round_ in range(warmup + repeat):
        for name, cmd, before in commands:
            if before:
                before()
            sample = run_once(cmd, cwd, env)
            if round_ >= warmup:
                samples[name].append(sample)
    result = []
    for name, cmd, _ in commands:
        walls = [s[0] for s in samples[name]]
        cpus = [s[1] for s in samples[name]]
        result.append(Stats(name, " ".join(_short(c) for c in cmd), repeat,
                            statistics.median(walls) * 1000, min(walls) * 1000,
                            statistics.median(cpus) * 1000,
                            max(s[2] for s in samples[name]) / 1024))
    return result


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
