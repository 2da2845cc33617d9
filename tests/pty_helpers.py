"""Drive `drafter new` through a real pseudo-terminal, asserting on what a person would see.

Expectations match the screen text with escape sequences removed, so colours and
cursor moves between characters never break a test; waits are generous because
CI machines are slow, and every failure shows the end of the screen.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pexpect

COLUMNS, LINES = 100, 40
ANSI_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: window title
    r"|\x1b[@-Z\\-_=>]"  # two-character escapes
)
DATA = Path(__file__).parent / "data"
TEMPLATE = DATA / "interview_template"

UP, DOWN, HOME = "\x1b[A", "\x1b[B", "\x1b[H"
CTRL_C, CTRL_D, CTRL_U, CTRL_P, CTRL_E = "\x03", "\x04", "\x15", "\x10", "\x05"
ENTER, SPACE = "\r", " "
FINISH_TEXT = "\x1b\r"  # Esc then Enter ends a multi-line answer


def clean(raw: str) -> str:
    return ANSI_RE.sub("", raw).replace("\r", "")


class Terminal:
    """`python -m drafter new ARGS` in a pseudo-terminal of fixed size.

    Everything the program writes also goes through a terminal emulator (pyte), so a
    test can look at the screen as it stands (`display`), not only at the stream.
    """

    def __init__(self, args: list[str], cwd: Path, state_dir: Path, timeout: float = 30,
                 columns: int = COLUMNS, lines: int = LINES, command: str = "new"):
        import pyte

        self.vt = pyte.Screen(columns, lines)
        self.stream = pyte.Stream(self.vt)
        env = {
            **os.environ,
            "TERM": "xterm",
            "COLUMNS": str(columns),
            "LINES": str(lines),
            "DRAFTER_STATE_DIR": str(state_dir),
            "PROMPT_TOOLKIT_NO_CPR": "1",  # pexpect never answers cursor-position requests
            "PYTHONIOENCODING": "utf-8",
        }
        env.pop("NO_COLOR", None)
        self.timeout = timeout
        self.raw = ""
        self.pos = 0
        self.child = pexpect.spawn(
            sys.executable, ["-m", "drafter", command, *args], env=env, cwd=str(cwd),
            encoding="utf-8", codec_errors="replace", dimensions=(lines, columns),
            timeout=timeout,
        )

    @property
    def screen(self) -> str:
        """Everything shown so far, without escape sequences."""
        return clean(self.raw)

    def _read(self) -> bool:
        """Read what is there; False once the program has exited."""
        try:
            data = self.child.read_nonblocking(65536, timeout=0.2)
            self.raw += data
            self.stream.feed(data)
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            return False
        return True

    def expect(self, text: str, timeout: float | None = None) -> None:
        """Wait until `text` appears after whatever the last expect matched."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            screen = self.screen
            found = screen.find(text, self.pos)
            if found >= 0:
                self.pos = found + len(text)
                return
            alive = self._read()
            if not alive and screen == self.screen:
                raise AssertionError(f"程序在出现“{text}”之前已退出。屏幕末尾：\n{screen[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"等待“{text}”超时。屏幕末尾：\n{screen[-3000:]}")

    @property
    def display(self) -> list[str]:
        """The screen as it stands now: one string per row, trailing blanks removed."""
        return [row.rstrip() for row in self.vt.display]

    @property
    def shown(self) -> str:
        """The screen's rows joined, so text wrapped across rows can be found whole."""
        return "".join(self.display)

    def wait_screen(self, *texts: str, gone: str = "", timeout: float | None = None) -> list[str]:
        """Wait until the screen shows every text at once (and no longer shows `gone`)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            self._read()
            shown = self.shown
            if all(t in shown for t in texts) and not (gone and gone in shown):
                time.sleep(0.05)  # let the rest of a redraw arrive
                self._read()
                return self.display
            if time.monotonic() > deadline:
                raise AssertionError(f"屏幕上没有同时出现 {texts}（或仍有“{gone}”）。当前屏幕：\n"
                                     + "\n".join(self.display))

    def paste(self, text: str) -> None:
        """Paste as a terminal does when the program asked for bracketed paste."""
        self.send(f"\x1b[200~{text}\x1b[201~")

    def send(self, keys: str, pause: float = 0.15) -> None:
        """Type keys, then give prompt_toolkit a moment (a lone Esc waits for more)."""
        self.child.send(keys)
        time.sleep(pause)

    def answer(self, label: str, *keys: str) -> None:
        """Wait for a question and its input prompt, then type each group of keys in turn."""
        self.expect(label)
        self.expect("›")
        time.sleep(0.15)
        for group in keys:
            self.send(group)

    def finish(self, timeout: float | None = None) -> int:
        """Wait for the program to exit; return its exit status."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while self._read():
            if time.monotonic() > deadline:
                self.child.terminate(force=True)
                raise AssertionError(f"程序没有结束。屏幕末尾：\n{self.screen[-3000:]}")
        self.child.close()
        if self.child.exitstatus is not None:
            return self.child.exitstatus
        return 128 + (self.child.signalstatus or 0)

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)
