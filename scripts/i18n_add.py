#!/usr/bin/env python3
"""Add or change PWA strings in both dictionaries at once, under a file lock (several people
may be editing). Input: a JSON file {"en": {key: text}, "zh-CN": {key: text}} with the same
keys in both. Keys keep their order; new keys go after the last key of the same prefix.
    .venv/bin/python scripts/i18n_add.py strings.json
"""

from __future__ import annotations

import fcntl
import json
import sys
from pathlib import Path

I18N = Path(__file__).resolve().parents[1] / "frontend" / "i18n"


def merge(current: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    merged = dict(current)
    for key, text in new.items():
        if key in merged:
            merged[key] = text
            continue
        prefix = key.split(".", 1)[0] + "."
        same = [k for k in merged if k.startswith(prefix)]
        if not same:
            merged[key] = text
            continue
        items = list(merged.items())
        at = max(i for i, (k, _) in enumerate(items) if k in same) + 1
        items.insert(at, (key, text))
        merged = dict(items)
    return merged


def main(path: str) -> None:
    strings = json.loads(Path(path).read_text(encoding="utf-8"))
    if set(strings) != {"en", "zh-CN"} or set(strings["en"]) != set(strings["zh-CN"]):
        sys.exit('need {"en": {...}, "zh-CN": {...}} with the same keys')
    with open(I18N / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for lang in ("en", "zh-CN"):
            file = I18N / f"{lang}.json"
            current = json.loads(file.read_text(encoding="utf-8"))
            merged = merge(current, strings[lang])
            text = json.dumps(merged, ensure_ascii=False, indent=2) + "\n"
            file.write_text(text, encoding="utf-8")
    sys.stdout.write(f"{len(strings['en'])} keys merged into en.json and zh-CN.json\n")


if __name__ == "__main__":
    main(sys.argv[1])
