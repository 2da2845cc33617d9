"""drafter fonts: show, install or remove drafter's font aliases for the user's LibreOffice."""

from __future__ import annotations

import sys

INSTALL_HINT = (
    "需要的免费字体（Debian/Ubuntu/统信/麒麟）：sudo apt-get install fonts-noto-cjk "
    "fonts-arphic-ukai fonts-arphic-uming"
)


def register(sub) -> None:
    p = sub.add_parser(
        "fonts",
        help="查看、安装或删除公文字体的替代设置（供本机 LibreOffice 使用）",
        description="公文版式用仿宋_GB2312、方正小标宋简体、黑体、楷体_GB2312、宋体。Windows 一般自带"
                    "（方正小标宋简体需另装）；Linux 上通常没有，LibreOffice 会把它们都显示成同一种"
                    "无衬线字体。drafter 带有一份字体替代表，把它们映射到可免费安装的中文字体。"
                    "drafter preview 总是使用它；要让你自己打开的 LibreOffice 也使用，"
                    "请运行 drafter fonts install（只写入你自己的 fontconfig 设置文件夹，"
                    "drafter fonts remove 可随时撤销）。",
        epilog="示例：drafter fonts          查看现状\n"
               "      drafter fonts install  安装替代设置\n"
               "      drafter fonts remove   删除替代设置",
    )
    p.add_argument("action", nargs="?", choices=("status", "install", "remove"), default="status",
                   metavar="操作", help="status（默认，查看现状）、install（安装）或 remove（删除）")
    p.add_argument("--force", action="store_true",
                   help="install 时替换同名的、不是 drafter 安装的设置文件")
    p.set_defaults(func=run)


def run(args) -> int:
    from drafter.office import font_aliases

    if args.action == "install":
        path = font_aliases.install(args.force)
        print(f"已安装字体替代设置：{path}")
        print("重新打开 LibreOffice 后生效。撤销：drafter fonts remove")
        _report(font_aliases.status(), brief=True)
        return 0
    if args.action == "remove":
        path = font_aliases.remove()
        if path is None:
            print(f"没有安装字体替代设置（{font_aliases.target()} 不存在），无需删除。")
        else:
            print(f"已删除字体替代设置：{path}。重新打开 LibreOffice 后生效。")
        return 0
    _report(font_aliases.status(), brief=False)
    return 0


def _report(status, brief: bool) -> None:
    from drafter.office.font_aliases import FREE_FONTS

    if not brief:
        if status.installed:
            print(f"字体替代设置：已安装（{status.path}）。删除：drafter fonts remove")
        elif status.foreign:
            print(f"字体替代设置：{status.path} 已存在，但不是 drafter 安装的。")
        else:
            print(f"字体替代设置：未安装。安装：drafter fonts install（写入 {status.path}）")
    known = [(font, family) for font, family in status.resolved if family]
    if known:
        print("本机 fontconfig 当前的字体对应：")
        for font, family in known:
            print(f"  {font} → {family}")
    elif not brief:
        print("未找到 fc-match，无法显示字体对应（Windows 和 macOS 上的 LibreOffice 不用 fontconfig）。")
    for family in status.missing:
        print(f"提示：未安装 {family}（软件包 {FREE_FONTS[family]}）。", file=sys.stderr)
    if status.missing:
        print(INSTALL_HINT, file=sys.stderr)
