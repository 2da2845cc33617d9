"""drafter serve: the questionnaire as a local web page (all the work is in drafter.web)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="在浏览器中填写问卷，随时预览，下载 Word 文档",
        description="在本机启动一个网页版问卷并打开浏览器：各组题目一目了然、可按任意顺序修改，"
                    "每填一项自动保存（与 drafter new 共用续填文件），右侧实时预览文稿，"
                    "填好后下载 .docx。只在本机（127.0.0.1）可访问，按 Ctrl-C 停止。",
        epilog="示例：drafter serve kexie    drafter serve kexie --answers 去年.yaml",
    )
    p.add_argument("template", nargs="?", metavar="模板",
                   help="模板编号（如 kexie）或模板文件夹路径；不写则在网页上从模板列表中选择")
    p.add_argument("--port", type=_port, default=0, metavar="端口",
                   help="网页服务的端口（默认自动选一个空闲端口）")
    p.add_argument("--host", default="127.0.0.1", metavar="地址",
                   help="监听地址（默认 127.0.0.1，只有本机可访问；改为其他地址会给出警告）")
    p.add_argument("--no-browser", action="store_true", help="不自动打开浏览器，只显示网址")
    p.add_argument("--answers", "-a", metavar="去年的答案文件",
                   help="用这个答案文件预先填好表单（年份改为今年，与去年相同的数字会标出待核对）")
    p.add_argument("--template-dir", action="append", metavar="文件夹",
                   help="另外查找模板的文件夹，可多次使用")
    p.set_defaults(func=run)


def _port(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"端口应为 0～65535 之间的整数；“{text}”不行")
    return value


def run(args) -> int:
    from drafter.web.server import serve
    from drafter.web.workspace import Workspace

    workspace = Workspace([args.template] if args.template else [], args.template_dir or [],
                          last=args.answers)
    return serve(workspace, args.host, args.port, open_browser=not args.no_browser)
