"""drafter new: answer questions in the terminal, get a draft and its answers file."""

from __future__ import annotations

import errno
import sys
from pathlib import Path

NO_TTY = (
    "drafter new 需要在终端里逐题回答，但现在的输入不是终端（来自管道、重定向或脚本），"
    "因此没有提问。\n"
    "请改用：drafter render 模板 --answers 答案文件.yaml -o 输出.docx\n"
    "或者：drafter new 模板 --defaults（不提问，按默认值和示例出稿）。"
)


def register(sub) -> None:
    from drafter.writers import add_format_option

    p = sub.add_parser(
        "new",
        help="在终端逐题回答，起草一篇文稿",
        description="在终端逐题回答问题，生成文稿，并在文稿旁保存答案文件（明年可直接沿用）。"
                    "中途按 Ctrl-C 退出不会丢失已答内容，下次运行可接着填写。",
    )
    p.add_argument("template", nargs="?", metavar="模板",
                   help="模板编号（如 kexie）或模板文件夹路径；不写则从列表中选择")
    p.add_argument("-o", "--output", metavar="输出文件",
                   help="输出文件名；不写则按模板规定命名，保存在当前文件夹")
    add_format_option(p)
    p.add_argument("--force", action="store_true", help="允许覆盖已存在的输出文件和答案文件")
    p.add_argument("--allow-missing", action="store_true",
                   help="必填内容缺失时仍然出稿，缺项以【待补充：…】醒目标出")
    p.add_argument("--answers", "-a", metavar="去年的答案文件",
                   help="用这个答案文件预先填好每一题（年份题默认为今年），逐题确认或修改")
    p.add_argument("--defaults", action="store_true",
                   help="不提问，按默认值和示例直接出稿（缺项以【待补充：…】标出），可在无终端时使用")
    p.add_argument("--template-dir", action="append", metavar="文件夹",
                   help="另外查找模板的文件夹，可多次使用")
    p.set_defaults(func=run)


def run(args) -> int:
    from drafter.errors import UserError

    terminal = sys.stdin is not None and sys.stdin.isatty()
    if not args.defaults and not terminal:
        raise UserError(NO_TTY)
    if args.defaults and not args.template and not terminal:
        raise UserError("使用 --defaults 时请写明模板，例如：drafter new kexie --defaults。"
                        "可用 drafter templates list 查看全部模板。")
    session = _Session(args)
    return session.run()


class _Session:
    """One `drafter new` run: pick a template, drive an interview session, print what it says."""

    def __init__(self, args) -> None:
        self.args = args
        self.asker = None
        self.session = None
        self.hung_up = False
        self.template_warnings: list[str] = []

    def run(self) -> int:
        from drafter.render.pipeline import format_for, load_checked_template

        args = self.args
        fmt = format_for(args.output, args.format)
        interactive = not args.defaults
        if interactive or not args.template:
            from drafter.interview.terminal import TerminalAsker

            self.asker = TerminalAsker()
        try:
            name = args.template or self.asker.pick_template(_template_entries(args.template_dir))
        except (KeyboardInterrupt, EOFError):
            return _cancelled("已取消，没有保存任何内容。")
        template, self.template_warnings = load_checked_template(name, args.template_dir)
        self._check_explicit_targets()
        from drafter.interview.session import InterviewSession

        last = None
        if args.answers:
            from drafter.interview.answers import read_answers

            last = read_answers(args.answers)
        self.session = InterviewSession.open(template, last=last, persist=interactive)
        self.session.sample = args.defaults
        if interactive:
            if not self._interview():
                return 129 if self.hung_up else 130
        else:
            self._print_notes()
            from drafter.interview.terminal import DefaultAnswers, Questionnaire

            Questionnaire(self.session, DefaultAnswers()).run()
        return self._finish(fmt, allow_missing=args.allow_missing or args.defaults)

    def _print_notes(self) -> None:
        for note in self.session.take_notes():
            text = note.text if note.text.startswith(("提示", "注意")) else f"提示：{note.text}"
            if self.asker is not None and not self.args.defaults:
                self.asker.warn(text)
            else:
                print(text, file=sys.stderr)

    # -- before asking ------------------------------------------------------------------

    def _check_explicit_targets(self) -> None:
        """Refuse an existing -o target before the user spends time answering."""
        from drafter.files.output import check_target
        from drafter.interview.session import answers_path_for

        output = self.args.output
        if output and output != "-":
            check_target(Path(output), self.args.force)
            check_target(answers_path_for(Path(output)), self.args.force)

    # -- asking -------------------------------------------------------------------------

    def _interview(self) -> bool:
        """The questionnaire with resume; False when the user left it (already reported)."""
        import signal

        from drafter.interview.terminal import Questionnaire

        session, asker = self.session, self.asker
        previous = _catch_hangup(signal)
        try:
            self._print_notes()
            saved = session.saved
            if saved is not None and asker.offer_resume(len(saved.values), saved.saved_at,
                                                        saved.path):
                session.resume()
            asker.say(f"\n{session.template.title}", "bold")
            for line in _introduction(session):
                asker.say(line, "fg:ansibrightblack")
            Questionnaire(session, asker).run()
            return True
        except (KeyboardInterrupt, EOFError) as exc:
            self.hung_up = isinstance(exc, _HangUp)
            self._report_interrupt()
            return False
        except OSError as exc:
            # The window closed while the screen was being drawn: the write fails (EIO)
            # before SIGHUP is delivered. The answers are safe on disk; leave as for a hang-up.
            if exc.errno not in _TERMINAL_GONE:
                raise
            self.hung_up = True
            self._report_interrupt()
            return False
        finally:
            if previous is not None and not self.hung_up:
                signal.signal(signal.SIGHUP, previous)

    def _report_interrupt(self) -> None:
        from drafter.interview import resume

        template_id = self.session.template.id
        path = resume.resume_path(template_id)
        if path.is_file() and not self.session.save_failed:
            message = (f"\n问卷已中断。已回答的内容保存在：{path}\n"
                       f"再次运行 drafter new {template_id} 即可接着填写；"
                       f"也可以修改该文件后用 drafter render {template_id} --answers 该文件 出稿。")
        elif self.session.save_failed:
            message = (f"\n问卷已中断。已回答 {len(self.session.values)} 题，但断点文件夹 {path.parent} "
                       f"无法写入，这些回答没能保存，下次需要重新填写。可设置环境变量 {resume.ENV_VAR} "
                       "指定一个可写的文件夹。")
        else:
            message = "\n问卷已中断，尚未回答任何问题，没有需要保存的内容。"
        try:
            print(message, file=sys.stderr)
        except OSError:  # the terminal is gone (SIGHUP); the answers are safe on disk
            pass

    # -- after asking -------------------------------------------------------------------

    def _finish(self, fmt: str, allow_missing: bool) -> int:
        from drafter.errors import UserError
        from drafter.interview import resume
        from drafter.interview.session import OutputExists
        from drafter.render.pipeline import summary_lines

        args, session = self.args, self.session
        tid = session.template.id
        on_clash = self.asker.on_clash if self.asker is not None and not args.defaults else None
        try:
            finished = session.finish(args.output, fmt, force=args.force,
                                      allow_missing=allow_missing, on_clash=on_clash)
        except OutputExists:
            print(f"没有保存文稿。已回答的内容仍保存在 {resume.resume_path(tid)}：再次运行 "
                  f"drafter new {tid} 可接着修改。", file=sys.stderr)
            return 1
        except UserError as exc:
            path = resume.resume_path(tid)
            if not session.persist or not path.is_file():
                raise
            kept = UserError(f"{exc.message}\n已回答的内容仍保存在 {path}：再次运行 "
                             f"drafter new {tid} 可接着修改；或用 drafter render {tid} --answers "
                             f"{path} 出稿。")
            kept.exit_code = exc.exit_code
            raise kept from None
        draft, path = finished.draft, finished.path
        info = sys.stderr if path is None else sys.stdout
        for warning in self.template_warnings + draft.warnings + finished.notes:
            print(f"提示：{warning}", file=sys.stderr)
        for line in summary_lines(draft, path):
            print(line, file=info)
        answers = _relative(finished.answers_path)
        if session.sample:
            print(f"这是样稿：标题带【样稿】，单位名称和数字都是示例。把答案文件 {answers} 改成本单位的"
                  f"实际情况后，用 drafter render {tid} --answers {answers} 出稿；"
                  f"或运行 drafter new {tid} 逐题填写。", file=info)
        else:
            print(f"答案已保存：{finished.answers_path}（明年可用 drafter new {tid} --answers "
                  f"{answers} 预先填好）", file=info)
        if path is not None and path.suffix.lower() == ".docx":
            print(f"下一步：用 Word 或 WPS 打开“{_relative(path)}”，修改润色后即可使用。", file=info)
        return 0


def _introduction(session) -> list[str]:
    """What the questionnaire asks of the user, said once before the first question."""
    from drafter.interview.screens import BACK_KEY_NAME

    first = session.next_question()
    lines = []
    if first is not None:
        progress = session.progress(first.name)
        lines.append(f"共 {progress.total} 题，还需约 {progress.minutes_left} 分钟。")
    lines += [
        f"逐题回答，回车确认；按 {BACK_KEY_NAME} 回到上一题修改。",
        "全部答完后有一页总览，可以再修改任何一题，确认无误才生成文稿。",
        "随时可按 Ctrl-C 暂停，已答内容会保存，下次运行同一命令即可接着填写。",
    ]
    if session.last:
        lines.append("每题已按去年的答案填好：没有变化直接回车；和去年相同的数字会在最后列出请你核对。")
    return lines


def _relative(path: Path) -> Path:
    """A path as short as the user can type it from here."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _template_entries(template_dirs) -> list[tuple[str, str, str]]:
    """Every template found, with title and description; broken ones say so."""
    from drafter.errors import UserError
    from drafter.templates.loader import listings

    entries = [(item.id, f"{item.id}（{item.description.rstrip('。')}）" if item.broken
                else item.title, "" if item.broken else item.description)
               for item in listings(template_dirs)]
    if not entries:
        raise UserError("没有找到任何模板。请用 --template-dir 指明模板文件夹，或重新安装 drafter。")
    return entries


_TERMINAL_GONE = (errno.EIO, errno.ENXIO, errno.EBADF)  # what a closed pseudo-terminal gives


class _HangUp(KeyboardInterrupt):
    """The terminal closed. A KeyboardInterrupt so prompt_toolkit's event loop lets it through."""


def _catch_hangup(signal):
    """Turn SIGHUP into _HangUp; return the previous handler (None where there is no SIGHUP)."""
    if not hasattr(signal, "SIGHUP"):
        return None

    def hang_up(signum, frame):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # one is enough; more must not kill the exit
        raise _HangUp

    return signal.signal(signal.SIGHUP, hang_up)


def _cancelled(message: str) -> int:
    print(f"\n{message}", file=sys.stderr)
    return 130
