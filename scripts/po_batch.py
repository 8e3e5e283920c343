"""Translate a gettext catalogue in batches: list what needs a translator, then fill it in.

    make messages                                   # refresh the catalogues from the source
    .venv/bin/uv pip install polib                  # once; not a dependency of the product
    .venv/bin/python scripts/po_batch.py pending PO > todo.json
    # write {msgid: translation} for the entries of todo.json into done.json
    .venv/bin/python scripts/po_batch.py fill PO done.json
    make messages                                   # re-wrap the .po as gettext does, compile
    .venv/bin/pytest -q aftersales/core/tests/test_translations.py

"pending" lists the untranslated and fuzzy entries as JSON: msgid, msgid_plural, msgctxt,
flags, and for a fuzzy one makemessages' guess and the old msgid it guessed from. A guess is
often wrong: review each one. "fill" takes a JSON object of msgid (or "msgctxt\\u0004msgid")
to translation, writes it (into msgstr[0] for a plural: zh-Hans has one form), drops the fuzzy
flag and the previous msgid, and refuses a translation whose placeholders differ from the
source's. PO is a .po path, e.g. aftersales/locale/zh_Hans/LC_MESSAGES/django.po.
"""

import argparse
import json
import re
import sys
from pathlib import Path

try:
    import polib
except ImportError:  # pragma: no cover
    sys.exit("polib is needed: .venv/bin/uv pip install polib")

PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdif]|\{\w*\}"
)


def key_of(entry: "polib.POEntry") -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def is_pending(entry: "polib.POEntry") -> bool:
    if entry.obsolete or not entry.msgid:
        return False
    if "fuzzy" in entry.flags:
        return True
    texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
    return not texts or not all(text.strip() for text in texts)


def pending(po_path: Path) -> list[dict]:
    rows = []
    for entry in polib.pofile(str(po_path), wrapwidth=0):
        if not is_pending(entry):
            continue
        row = {"msgid": entry.msgid}
        if entry.msgid_plural:
            row["msgid_plural"] = entry.msgid_plural
        if entry.msgctxt:
            row["msgctxt"] = entry.msgctxt
        flags = [flag for flag in entry.flags if flag != "fuzzy"]
        if flags:
            row["flags"] = flags
        if "fuzzy" in entry.flags:
            row["guess"] = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
            if entry.previous_msgid:
                row["guessed_from"] = entry.previous_msgid
        rows.append(row)
    return rows


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def fill(po_path: Path, translations: dict[str, str]) -> tuple[int, list[str]]:
    po = polib.pofile(str(po_path), wrapwidth=0)
    entries = {key_of(entry): entry for entry in po if not entry.obsolete}
    problems = []
    filled = 0
    for key, text in translations.items():
        entry = entries.get(key)
        if entry is None:
            problems.append(f"not in the catalogue: {key!r}")
            continue
        text = text.strip()
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        if not text or placeholders(text) not in [placeholders(s) for s in sources]:
            problems.append(f"placeholders differ: {key!r} -> {text!r}")
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        filled += 1
    po.save(str(po_path))
    return filled, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("pending", help="the untranslated and fuzzy entries, as JSON")
    listing.add_argument("po", type=Path)
    filling = commands.add_parser("fill", help="write translations from a JSON object")
    filling.add_argument("po", type=Path)
    filling.add_argument("translations", type=Path)
    args = parser.parse_args()

    if args.command == "pending":
        json.dump(pending(args.po), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    translations = json.loads(args.translations.read_text(encoding="utf-8"))
    filled, problems = fill(args.po, translations)
    for problem in problems:
        print(problem, file=sys.stderr)
    left = sum(1 for entry in polib.pofile(str(args.po)) if is_pending(entry))
    print(f"{filled} filled, {len(problems)} refused, {left} still pending in {args.po}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
