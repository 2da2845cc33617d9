"""docxtpl rendering the same documents as drafter, in one process (timed from outside).

    python benchmarks/docxtpl_render.py contexts.json template.docx out_dir

The template bytes are read once and every document is rendered from them:
docxtpl's best case, since it renders in place and needs a fresh copy each time.
"""

import io
import json
import sys
from pathlib import Path

from docxtpl import DocxTemplate


def main() -> None:
    contexts = json.loads(Path(sys.argv[1]).read_text("utf-8"))
    template = Path(sys.argv[2]).read_bytes()
    out = Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    for i, context in enumerate(contexts):
        document = DocxTemplate(io.BytesIO(template))
        document.render(context)
        document.save(str(out / f"{i:03d}.docx"))


if __name__ == "__main__":
    main()
