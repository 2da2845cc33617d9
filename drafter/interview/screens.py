"""Terminal screens of the questionnaire, each one prompt_toolkit application sized to the window.

A screen holds its instructions (progress, question, help, keys) inside the same
application as the input, above and below it, and never grows past the terminal's
height: a long list or a long paragraph scrolls inside its own area, so the lines
that say what to do stay on screen at 80×24 and at 60 columns. When a screen is
done it is erased and the caller prints a one-line record of the answer.

Keys common to every screen: Enter confirms, Ctrl-P goes back to the previous
question (where the caller allows it), Ctrl-C and Ctrl-D leave.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

BACK = object()  # what a screen returns when the user pressed the back key
BACK_KEY = "c-p"
BACK_KEY_NAME = "Ctrl-P"

Line = tuple[str, str]  # (style class, text): one logical line, wrapped to the width

STYLE_RULES = [
    ("progress", "fg:ansigreen"),
    ("title", "bold"),
    ("help", "fg:ansibrightblack"),
    ("keys", "reverse"),
    ("pointer", "fg:ansicyan bold"),
    ("current", "fg:ansicyan bold"),
    ("chosen", "fg:ansicyan"),
    ("separator", "fg:ansiyellow"),
    ("detail", "fg:ansibrightblack"),
    ("error", "fg:ansired bold"),
    ("input", ""),
]


@dataclass(frozen=True)
class Option:
    """One line of a list screen; a separator (group heading) cannot be chosen."""

    label: str
    value: object = None
    detail: str = ""  # shown in full under the list while this option is highlighted
    separator: bool = False
    key: str = ""  # a letter that chooses this option at once (y / n)


@dataclass
class _State:
    error: str = ""
    index: int = 0
    checked: set = field(default_factory=set)


def _columns() -> int:
    from prompt_toolkit.application import get_app

    return max(20, get_app().output.get_size().columns)


def _rows() -> int:
    from prompt_toolkit.application import get_app

    return max(6, get_app().output.get_size().rows)


def wrapped_height(lines: list[Line], width: int) -> int:
    """Rows the lines take when wrapped at `width` columns (a Chinese character is two)."""
    from prompt_toolkit.utils import get_cwidth

    rows = 0
    for _, text in lines:
        for part in text.split("\n"):
            rows += max(1, -(-get_cwidth(part) // width))
    return rows


def _text_window(get_lines: Callable[[], list[Line]], cap: Callable[[], int] | None = None):
    """A window showing lines in full (wrapped), as tall as they need, at most `cap` rows."""
    from prompt_toolkit.layout import Window
    from prompt_toolkit.layout.controls import FormattedTextControl
    from prompt_toolkit.layout.dimension import Dimension

    def fragments():
        out = []
        for number, (style, text) in enumerate(get_lines()):
            if number:
                out.append(("", "\n"))
            out.append((f"class:{style}" if style else "", text))
        return out

    def height():
        need = wrapped_height(get_lines(), _columns())
        if cap is not None:
            need = min(need, max(1, cap()))
        return Dimension.exact(need)

    return Window(FormattedTextControl(fragments), wrap_lines=True, height=height,
                  dont_extend_height=True)


def _keys_line(text: str) -> list[Line]:
    return [("keys", text)]


def _run(layout_parts, bindings, focus=None):
    from prompt_toolkit.application import Application
    from prompt_toolkit.layout import HSplit, Layout
    from prompt_toolkit.styles import Style

    layout = Layout(HSplit(layout_parts), focused_element=focus)
    app = Application(layout=layout, key_bindings=bindings, style=Style(STYLE_RULES),
                      full_screen=False, erase_when_done=True, mouse_support=False)
    return app.run()


def _leave_bindings(allow_back: bool, empty: Callable[[], bool]):
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("c-c", eager=True)
    def _(event) -> None:
        event.app.exit(exception=KeyboardInterrupt)

    @bindings.add("c-d", eager=True)
    def _(event) -> None:
        if empty():
            event.app.exit(exception=EOFError)
        else:
            event.current_buffer.delete()

    if allow_back:
        @bindings.add(BACK_KEY, eager=True)
        def _(event) -> None:
            event.app.exit(result=BACK)

    return bindings


# -- typing ---------------------------------------------------------------------------------


def ask_text(header: list[Line], initial: str, validate: Callable[[str], str],
             multiline: bool = False, keys: str = "", allow_back: bool = True,
             status: Callable[[str], str] | None = None) -> object:
    """Typed input under `header`; returns the accepted text, or BACK.

    `validate(text)` returns '' or the reason, shown wrapped under the input while the
    typed text stays. In multi-line input Enter on an empty line ends the answer (Enter
    twice), as do Esc Enter and Alt+Enter; pasted lines arrive as lines.
    """
    from prompt_toolkit.buffer import Buffer
    from prompt_toolkit.document import Document
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.layout import ConditionalContainer, Window
    from prompt_toolkit.layout.controls import BufferControl
    from prompt_toolkit.layout.dimension import Dimension

    state = _State()
    buffer = Buffer(multiline=multiline, document=Document(initial, len(initial)))
    buffer.on_text_changed += lambda _b: setattr(state, "error", "")

    def accept(event) -> None:
        text = buffer.text.rstrip("\n") if multiline else buffer.text
        state.error = validate(text)
        if not state.error:
            event.app.exit(result=text)

    bindings = _leave_bindings(allow_back, lambda: not buffer.text)

    @bindings.add("enter")
    def _(event) -> None:
        if not multiline or not buffer.document.current_line.strip():
            accept(event)
        else:
            buffer.insert_text("\n")

    @bindings.add("escape", "enter")
    def _(event) -> None:
        accept(event)

    def extra_lines() -> list[Line]:
        lines = []
        if status is not None:
            lines.append(("help", status(buffer.text)))
        if state.error:
            lines.append(("error", state.error))
        return lines

    fixed = _text_window(lambda: header, cap=lambda: _rows() - 4)
    below = _text_window(extra_lines)
    keys_window = _text_window(lambda: _keys_line(keys))

    def input_height():
        width = _columns()
        room = _rows() - min(wrapped_height(header, width), _rows() - 4) - wrapped_height(
            extra_lines(), width) - wrapped_height(_keys_line(keys), width)
        need = wrapped_height([("", buffer.text)], width - 2) + (1 if multiline else 0)
        return Dimension(min=1, max=max(1, room), preferred=max(1, min(need, room)))

    def prefix(line_number: int, wrap_count: int):
        return [("class:pointer", "› " if line_number == 0 and not wrap_count else "  ")]

    control = BufferControl(buffer=buffer)
    field_window = Window(control, wrap_lines=True, get_line_prefix=prefix, height=input_height,
                          dont_extend_height=True, style="class:input")
    has_extra = Condition(lambda: bool(extra_lines()))
    parts = [fixed, field_window, ConditionalContainer(below, filter=has_extra), keys_window]
    return _run(parts, bindings, focus=field_window)


# -- choosing -------------------------------------------------------------------------------


def ask_pick(header: list[Line], options: list[Option], start: int = 0, multi: bool = False,
             checked: set | None = None, keys: str = "", allow_back: bool = True,
             validate: Callable[[list], str] | None = None, detail_rows: int = 6,
             on_move: Callable[[int], None] | None = None) -> object:
    """A list under `header`: one value (or, with `multi`, the list of checked values), or BACK.

    The list scrolls inside the room the terminal leaves; the highlighted option's
    detail is shown in full under it. `on_move(index)` hears where the cursor is, so a
    caller can come back to the same place.
    """
    from prompt_toolkit.data_structures import Point
    from prompt_toolkit.layout import Window
    from prompt_toolkit.layout.controls import FormattedTextControl
    from prompt_toolkit.layout.dimension import Dimension

    choosable = [i for i, o in enumerate(options) if not o.separator]
    if not choosable:
        raise ValueError("a list screen needs an option to choose")
    state = _State(index=start if start in choosable else choosable[0],
                   checked=set(checked or ()))

    def move(step: int) -> None:
        position = choosable.index(state.index)
        state.index = choosable[max(0, min(len(choosable) - 1, position + step))]
        state.error = ""
        if on_move is not None:
            on_move(state.index)

    def fragments():
        out = []
        for i, option in enumerate(options):
            if i:
                out.append(("", "\n"))
            if option.separator:
                out.append(("class:separator", option.label))
                continue
            here = i == state.index
            mark = ""
            if multi:
                mark = "[x] " if option.value in state.checked else "[ ] "
            style = "class:current" if here else ("class:chosen" if multi and option.value in
                                                  state.checked else "")
            out.append(("class:pointer", "› " if here else "  "))
            out.append((style, mark + option.label))
        return out

    def detail_lines() -> list[Line]:
        lines = []
        text = options[state.index].detail
        if text:
            lines.append(("detail", text))
        if state.error:
            lines.append(("error", state.error))
        return lines

    def cap_detail() -> int:
        return max(1, min(detail_rows, _rows() - wrapped_height(header, _columns()) - 4))

    fixed = _text_window(lambda: header, cap=lambda: _rows() - 4)
    detail_window = _text_window(detail_lines, cap=cap_detail)
    keys_window = _text_window(lambda: _keys_line(keys))

    def list_height():
        width = _columns()
        need = wrapped_height([("", o.label) for o in options], width - 6)
        room = (_rows() - wrapped_height(header, width) - min(wrapped_height(detail_lines(), width),
                cap_detail()) - wrapped_height(_keys_line(keys), width))
        return Dimension(min=1, max=max(1, room), preferred=max(1, min(need, room)))

    control = FormattedTextControl(fragments, focusable=True, show_cursor=False,
                                   get_cursor_position=lambda: Point(0, state.index))
    list_window = Window(control, wrap_lines=True, height=list_height, dont_extend_height=True,
                         get_line_prefix=lambda _line, wrapped: "      " if wrapped else "")

    bindings = _leave_bindings(allow_back, lambda: True)

    @bindings.add("up")
    def _(event) -> None:
        move(-1)

    @bindings.add("down")
    def _(event) -> None:
        move(1)

    @bindings.add("pageup")
    def _(event) -> None:
        move(-10)

    @bindings.add("pagedown")
    def _(event) -> None:
        move(10)

    @bindings.add("home")
    def _(event) -> None:
        move(-len(options))

    @bindings.add("end")
    def _(event) -> None:
        move(len(options))

    def finish(event) -> None:
        if multi:
            order = [o.value for o in options if not o.separator and o.value in state.checked]
            state.error = validate(order) if validate is not None else ""
            if not state.error:
                event.app.exit(result=order)
        else:
            event.app.exit(result=options[state.index].value)

    @bindings.add("enter")
    def _(event) -> None:
        finish(event)

    if multi:
        @bindings.add(" ")
        def _(event) -> None:
            value = options[state.index].value
            state.checked.symmetric_difference_update({value})
            state.error = ""

    for i, option in enumerate(options):
        if option.key:
            def choose(event, index=i) -> None:
                state.index = index
                finish(event)

            bindings.add(option.key)(choose)

    return _run([fixed, list_window, detail_window, keys_window], bindings, focus=list_window)
