"""Bounds for untrusted templates beyond what Jinja's sandbox gives.

Jinja's ImmutableSandboxedEnvironment keeps a template away from Python
internals, but not from exhausting the machine: `"x" * 10**9`,
`"x"|center(10**9)`, a string doubled with `~` in a loop, a block that captures
gigabytes, nested loops that never end. Here every operation that can multiply
a size is checked *before* it runs, no text or list may grow past `MAX_TEXT`,
and loop steps and calls share one budget per render. On Linux the address
space is capped during a render as a last line of defence.
"""

from __future__ import annotations

import functools
import re
import signal
import string
import sys
import threading
import types
from collections.abc import Callable
from contextlib import contextmanager

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from drafter.errors import SandboxError

MAX_TEXT = 2_000_000  # longest string, list or output a template may build
MAX_STEPS = 1_000_000  # loop iterations plus calls in one render
MACRO_WEIGHT = 10  # a macro call costs about as much as ten loop steps
MAX_INT_BITS = 65_536  # integers beyond ~20,000 digits are refused
MEMORY_HEADROOM = 1 << 30  # bytes a render may add to the process (Linux only)
TIME_LIMIT = 10  # seconds any piece of template-supplied code may run (main thread, POSIX)
REMOVED_GLOBALS = ("lipsum",)  # generates text by the megabyte; useless in a draft
REMOVED_FILTERS = ("pprint", "tojson", "xmlattr", "urlize", "random")
SIZE_ARG_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice"})

_PERCENT_RE = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_SIZED = (str, bytes, list, tuple)


def _too_big(what: str) -> SecurityError:
    return SecurityError(f"{what}超过 {MAX_TEXT} 字的上限，可能是失控的循环或乘法")


def text_size(value: object, limit: int = MAX_TEXT) -> int:
    """Roughly how many characters str(value) would make, stopping past limit.

    Nested lists that share items make a small object whose text is huge
    (`[a, a]` nested thirty times); this walks at most `limit` nodes.
    """
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + 2 * len(item)
            stack.extend(item)
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        else:
            total += 8
        if total > limit:
            raise _too_big("生成的文字")
    return total


def check_size(value: object) -> object:
    """Refuse a finished value longer than MAX_TEXT."""
    if isinstance(value, _SIZED) and len(value) > MAX_TEXT:
        raise _too_big("生成的文字或列表")
    return value


def _check_number(value: object, what: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and value > MAX_TEXT:
        raise SecurityError(f"{what}（{value}）过大，上限为 {MAX_TEXT}")


def check_format(fmt: str) -> None:
    """Refuse str.format fields whose width or precision would build huge text."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format will raise the same error with a clear message
    for _, _, spec, _ in fields:
        if not spec:
            continue
        if "{" in spec:
            raise SecurityError("格式中不能嵌套 {…} 指定宽度")
        for digits in re.findall(r"\d+", spec):
            if len(digits) > 7 or int(digits) > MAX_TEXT:
                raise SecurityError(f"格式宽度或精度（{digits[:12]}）过大，上限为 {MAX_TEXT}")


def check_percent(fmt: str) -> None:
    """The same for printf-style `"%10s" % x`."""
    for width, precision in _PERCENT_RE.findall(fmt):
        for number in (width, precision):
            if number == "*":
                raise SecurityError("格式中不能用 * 指定宽度")
            if number and (len(number) > 7 or int(number) > MAX_TEXT):
                raise SecurityError(f"格式宽度或精度（{number[:12]}）过大，上限为 {MAX_TEXT}")


def _replace_size(text: str | bytes, old: object, new: object, count: object = -1) -> int:
    if not isinstance(old, (str, bytes)) or not isinstance(new, (str, bytes)):
        return len(text)
    hits = len(text) + 1 if not old else text.count(old)  # type: ignore[arg-type]
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


def _join_size(separator: str | bytes, items: list) -> int:
    total = len(separator) * max(len(items) - 1, 0)
    for item in items:
        total += len(item) if isinstance(item, (str, bytes)) else text_size(item)
        if total > MAX_TEXT:
            raise _too_big("拼接后的文字")
    return total


def _guard_str_method(method: object, args: tuple, kwargs: dict) -> tuple:
    """Check a call of a str/bytes method before it runs; return the args to use."""
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, (str, bytes)) or not isinstance(method, types.BuiltinMethodType):
        return args
    name = method.__name__
    if name in ("ljust", "rjust", "center", "zfill"):
        _check_number(args[0] if args else kwargs.get("width"), "宽度")
    elif name == "expandtabs":
        tab = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(tab, int) and len(owner) * max(tab, 1) > MAX_TEXT:
            raise _too_big("展开制表符后的文字")
    elif name == "replace" and len(args) >= 2:
        if _replace_size(owner, *args[:3]) > MAX_TEXT:
            raise _too_big("替换后的文字")
    elif name == "join" and args:
        items = list(args[0])
        _join_size(owner, items)
        return (items, *args[1:])
    elif name in ("format", "format_map") and isinstance(owner, str):
        check_format(owner)
    elif name in ("translate", "maketrans"):
        raise SecurityError(f"模板中不能使用 {name}()")
    return args


def _guard_filter(name: str, func, sandbox: GuardedSandbox):
    """Wrap a filter: check its arguments before it runs and its result after."""

    @functools.wraps(func)
    def guarded(*args, **kwargs):
        sandbox.step()
        offset = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0
        value = args[offset] if len(args) > offset else None
        rest = args[offset + 1:]
        if isinstance(value, (list, tuple, set, dict)):
            text_size(value)
        if name in SIZE_ARG_FILTERS:
            for extra in (*rest, *kwargs.values()):
                _check_number(extra, f"过滤器 {name} 的参数")
        if name == "indent" and isinstance(value, str):
            width = rest[0] if rest else kwargs.get("width", 4)
            width = len(width) if isinstance(width, str) else width
            if isinstance(width, int) and (value.count("\n") + 1) * width > MAX_TEXT:
                raise _too_big("缩进后的文字")
        elif name == "wordwrap" and isinstance(value, str):
            wrap = rest[2] if len(rest) > 2 else kwargs.get("wrapstring") or "\n"
            if isinstance(wrap, str) and len(wrap) > 10:
                raise SecurityError("wordwrap 的换行字符串过长")
        elif name == "replace" and isinstance(value, str) and len(rest) >= 2:
            if _replace_size(value, *rest[:3]) > MAX_TEXT:
                raise _too_big("替换后的文字")
        elif name == "join" and value is not None and not isinstance(value, str):
            separator = rest[0] if rest else kwargs.get("d", "")
            items = list(value)
            _join_size(str(separator), items)
            args = (*args[:offset], items, *rest)
        elif name == "format" and isinstance(value, str):
            check_percent(value)
        return check_size(func(*args, **kwargs))

    return guarded


class _GuardedFilters(dict):
    """The filter table; every filter put in it, now or later, is wrapped by _guard_filter."""

    def __init__(self, sandbox: GuardedSandbox, filters: dict):
        super().__init__()
        self.sandbox = sandbox
        self.update(filters)

    def __setitem__(self, name, func) -> None:
        super().__setitem__(name, _guard_filter(name, func, self.sandbox))

    def update(self, *args, **kwargs) -> None:
        for name, func in dict(*args, **kwargs).items():
            self[name] = func

    def copy(self) -> dict:
        return dict(self)


@jinja2.pass_environment
def counted(environment: GuardedSandbox, iterable):
    """Every loop's iterable passes through here so each step is counted."""
    return environment.counted(iterable)


class GuardedCodeGenerator(CodeGenerator):
    """Routes `~` and every `for` through the sandbox so they can be bounded."""

    def visit_Template(self, node: nodes.Template, frame=None) -> None:
        for loop in list(node.find_all(nodes.For)):
            loop.iter = nodes.Call(
                nodes.ImportedName(f"{__name__}.counted"), [loop.iter], [], None, None,
                lineno=loop.iter.lineno,
            )
        super().visit_Template(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class GuardedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with bounded sizes, loop steps and calls."""

    code_generator_class = GuardedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps_left = MAX_STEPS
        for name in REMOVED_GLOBALS:
            self.globals.pop(name, None)
        self.filters = _GuardedFilters(self, {
            name: func for name, func in self.filters.items() if name not in REMOVED_FILTERS
        })
        inner = self.finalize

        def finalize(value):
            if isinstance(value, (list, tuple, set, dict)):
                text_size(value)
            return inner(value) if inner is not None else value

        self.finalize = finalize
        self.concat = self.bounded_join

    def reset_budget(self) -> None:
        self.steps_left = MAX_STEPS

    def step(self, weight: int = 1) -> None:
        self.steps_left -= weight
        if self.steps_left < 0:
            raise SecurityError(f"运行步数超过 {MAX_STEPS} 步（循环次数或调用次数过多），可能是失控的循环")

    def counted(self, iterable):
        for item in iterable:
            self.step()
            yield item

    def is_safe_attribute(self, obj, attr, value):
        if attr.startswith("_"):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def unsafe_undefined(self, obj, attribute):
        """Refuse at once instead of returning an Undefined that may be printed as nothing."""
        raise SecurityError(f"不能访问内部属性“{attribute}”")

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, _SIZED) and isinstance(times, int) and (
                    len(seq) * max(times, 0) > MAX_TEXT
                ):
                    raise _too_big("乘法得到的文字或列表")
            if isinstance(left, int) and isinstance(right, int) and (
                left.bit_length() + right.bit_length() > MAX_INT_BITS
            ):
                raise SecurityError("乘法得到的整数过大")
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and (
                right > 0 and left.bit_length() * right > MAX_INT_BITS
            ):
                raise SecurityError("乘方得到的整数过大")
        elif operator == "+":
            if isinstance(left, _SIZED) and isinstance(right, _SIZED) and (
                len(left) + len(right) > MAX_TEXT
            ):
                raise _too_big("相加得到的文字或列表")
        elif operator == "%" and isinstance(left, str):
            check_percent(left)
        try:
            result = super().call_binop(context, operator, left, right)
        except OverflowError:
            raise SecurityError("计算结果超出数值范围") from None
        return check_size(result)

    def call(self, context, obj, /, *args, **kwargs):  # noqa: D417 - Jinja API
        self.step(MACRO_WEIGHT if isinstance(obj, Macro) else 1)
        for arg in (*args, *kwargs.values()):
            if isinstance(arg, (list, tuple, set, dict)):
                text_size(arg)
        if isinstance(obj, LoopContext) and args:  # a recursive loop: loop(children)
            args = (self.counted(args[0]), *args[1:])
        target = obj.__wrapped__ if isinstance(obj, types.FunctionType) and hasattr(
            obj, "__wrapped__") else obj
        args = _guard_str_method(target, args, kwargs)
        return check_size(super().call(context, obj, *args, **kwargs))

    def bounded_concat(self, parts) -> str:
        """What `a ~ b` compiles to: strings joined only if the result fits."""
        texts = []
        total = 0
        for part in parts:
            if not isinstance(part, str):
                total += text_size(part)
                part = str(part)
            texts.append(part)
            total += len(part)
            if total > MAX_TEXT:
                raise _too_big("用 ~ 连接的文字")
        return "".join(texts)

    def bounded_join(self, parts) -> str:
        """Jinja's `concat`, used for captured blocks, macros and super()."""
        parts = list(parts)
        if sum(map(len, parts)) > MAX_TEXT:
            raise _too_big("生成的文字")
        return "".join(parts)


_timer = threading.local()  # whether a time limit is running on this thread


@contextmanager
def time_limit(seconds: float, message: str):
    """Raise SandboxError(message) if the block runs longer than `seconds`.

    Stops endless loops and catastrophic regexes alike (Python's re checks for signals
    while matching). Only possible on the main thread; a limit inside another keeps the
    outer one.
    """
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and not getattr(_timer, "running", False))
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise SandboxError(message)

    previous = signal.signal(signal.SIGALRM, expire)
    _timer.running = True
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        try:  # the alarm may go off just as the block ends: the rest must still happen
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
            _timer.running = False


def guarded(call: Callable[[], object], what: str) -> object:
    """Run one piece of template-supplied code (a question's default or `when`, the
    output file-name pattern, a `pattern:` regex) under the outline's bounds: time,
    memory, recursion, the sandbox. Any failure becomes a SandboxError whose message
    starts with `what` and says why."""
    seconds = TIME_LIMIT
    try:
        with time_limit(seconds, f"{what}运行超过 {seconds} 秒仍未结束（可能是死循环或过于复杂的正则表达式），已停止。"), \
                memory_limit():
            return call()
    except SandboxError:
        raise
    except SecurityError as exc:
        raise SandboxError(f"{what}做了沙箱不允许的操作（{exc}），已停止。") from None
    except RecursionError:
        raise SandboxError(f"{what}递归或嵌套过深，已停止。请改为不递归、嵌套较浅的写法。") from None
    except SyntaxError:  # Python refused the compiled code: nesting past its parser's limits
        raise SandboxError(f"{what}嵌套过深，无法编译。请拆成几个较短的表达式。") from None
    except MemoryError:
        raise SandboxError(f"{what}占用内存过多，已停止（可能是失控的循环）。") from None
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError,
            re.error) as exc:
        raise SandboxError(f"{what}无法计算：{exc}") from None


def nested_quantifier(pattern: str) -> bool:
    """Whether a regex repeats something itself repeated (star height above one, as in
    `(a+)+`).

    Such patterns can take exponential time on a near miss ("aaaa…!"); the template check
    refuses them, because the time limit cannot run off the main thread. This is the rule
    of the safe-regex heuristic: it also refuses some harmless patterns such as
    `(\\d+、)+`, which `[\\d、]+` replaces. Alternatives that overlap inside a repeat, e.g.
    `(a|aa)+`, are not detected: the time limit stops those.
    """
    try:
        from re import _parser as parser  # the stdlib's own regex parser (3.11+)

        tree = parser.parse(pattern)
    except (ImportError, re.error, RecursionError, OverflowError):
        return False  # an invalid pattern is reported as such elsewhere
    repeats = {parser.MAX_REPEAT, parser.MIN_REPEAT, parser.POSSESSIVE_REPEAT} - {None}

    def walk(items, repeated: bool) -> bool:
        for op, argument in items:
            if op in repeats:
                low, high, body = argument
                many = high is parser.MAXREPEAT or high > 1
                if many and repeated and body.getwidth()[1] > 0:
                    return True
                if walk(body, repeated or many):
                    return True
            elif op is parser.SUBPATTERN:
                if walk(argument[-1], repeated):
                    return True
            elif op is parser.BRANCH:
                if any(walk(branch, repeated) for branch in argument[1]):
                    return True
            elif op in (parser.ASSERT, parser.ASSERT_NOT):
                if walk(argument[1], repeated):
                    return True
            elif op is getattr(parser, "ATOMIC_GROUP", None):
                continue  # cannot backtrack into it
        return False

    try:
        return walk(tree, False)
    except RecursionError:
        return True


@contextmanager
def memory_limit(headroom: int | None = None):
    """Cap the address space during a render, so no trick can exhaust memory.

    Linux only, and only on the main thread (the limit is process-wide).
    """
    headroom = MEMORY_HEADROOM if headroom is None else headroom
    usable = sys.platform.startswith("linux") and threading.current_thread() is (
        threading.main_thread())
    if usable:
        try:
            import resource

            with open("/proc/self/statm", encoding="ascii") as statm:
                current = int(statm.read().split()[0]) * resource.getpagesize()
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            wanted = current + headroom
            if hard != resource.RLIM_INFINITY:
                wanted = min(wanted, hard)
            if soft != resource.RLIM_INFINITY and soft <= wanted:
                usable = False
            else:
                resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
        except (OSError, ValueError, ImportError):
            usable = False
    try:
        yield
    finally:
        if usable:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
