"""Print the fitted items of one file as JSON, the way ``zotsync parse --json`` does, for the records scorer.

The file's bytes are decoded as UTF-8, else Latin-1 (a binary MARC file stays recoverable
either way), and the kind is detected from the content: this scores the parsers and their
sniffing independently of how ``zotsync.documents`` decodes files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from zotsync import schema
from zotsync.errors import ParseError
from zotsync.sources import parse_text
from zotsync.sources.base import Document


def main(path: str) -> int:
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    doc = Document(path)
    try:
        found = parse_text(text, doc)
    except ParseError as exc:
        print(exc, file=sys.stderr)
        return 2
    for problem in doc.problems:
        print(problem, file=sys.stderr)
    print(json.dumps([schema.fit(p.item) for p in found], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
