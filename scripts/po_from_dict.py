"""Write or update a zh_Hant_HK catalogue from a {English: Chinese} dict in a Python file.

    python scripts/po_from_dict.py translations.py forum/<feature>/translations

Existing entries are kept; the dict's entries are added or replaced.
"""
import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def main(source: str, directory: str) -> None:
    table = runpy.run_path(source)["T"]
    path = Path(directory) / "zh_Hant_HK" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="zh_Hant_HK")
    else:
        catalog = Catalog(locale="zh_Hant_HK", project="HKSTP x HA Innovation Forum")
    for msgid, msgstr in table.items():
        catalog.add(msgid, msgstr, flags=[f for f in ("python-format",) if "%(" in msgid])
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=True, omit_header=False)
    print(f"{path}: {len(catalog)} messages")


if __name__ == "__main__":
    main(*sys.argv[1:3])
