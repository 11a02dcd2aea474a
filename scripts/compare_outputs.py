"""Compare two ``make demo`` output folders: same files, same contents.

    python scripts/compare_outputs.py /tmp/demo-before /tmp/demo-after

Used to show that a refactoring leaves every output of ``make demo`` unchanged.
Files are compared byte for byte, with these exceptions, and only these:

* CSV files: cell by cell; cells that read as numbers may differ by at most
  1e-12 (relative, or absolute near zero); every other cell must be equal.
* JSON files: the same tolerance for numbers; the values of the keys
  ``created`` (the model's creation time, in ``manifest.json``) and
  ``manifest_checksum`` (a hash over the manifest, so over that time) are not
  compared.
* Excel workbooks (``.xlsx``, a zip of XML parts): every part byte for byte,
  except the creation and modification times in ``docProps/core.xml``.
* The absolute path of each output folder is replaced by ``<OUT>`` before
  comparing, so folders at different places can be compared.

Exit status 0 when the folders agree, 1 with a list of differences otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

TOLERANCE = 1e-12
IGNORED_JSON_KEYS = frozenset({"created", "manifest_checksum"})
CORE_TIMES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _close(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if math.isnan(x) and math.isnan(y):
        return True
    return abs(x - y) <= TOLERANCE * max(1.0, abs(x), abs(y))


def _compare_csv(a: bytes, b: bytes) -> list[str]:
    ra = list(csv.reader(io.StringIO(a.decode("utf-8-sig"))))
    rb = list(csv.reader(io.StringIO(b.decode("utf-8-sig"))))
    if len(ra) != len(rb):
        return [f"{len(ra)} rows against {len(rb)}"]
    out: list[str] = []
    for i, (x, y) in enumerate(zip(ra, rb, strict=True)):
        if len(x) != len(y):
            out.append(f"row {i + 1}: {len(x)} cells against {len(y)}")
            continue
        out += [
            f"row {i + 1} column {j + 1}: {u!r} against {v!r}"
            for j, (u, v) in enumerate(zip(x, y, strict=True))
            if not _close(u, v)
        ]
    return out[:20]


def _compare_json(a: Any, b: Any, where: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"{where}: keys {sorted(set(a) ^ set(b))} in one only"]
        out: list[str] = []
        for k in a:
            if k not in IGNORED_JSON_KEYS:
                out += _compare_json(a[k], b[k], f"{where}/{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items against {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _compare_json(x, y, f"{where}[{i}]")
        ]
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return [] if _close(repr(a), repr(b)) else [f"{where}: {a!r} against {b!r}"]
    return [] if a == b else [f"{where}: {a!r} against {b!r}"]


def _compare_xlsx(a: bytes, b: bytes) -> list[str]:
    za, zb = zipfile.ZipFile(io.BytesIO(a)), zipfile.ZipFile(io.BytesIO(b))
    if za.namelist() != zb.namelist():
        return ["different parts"]
    out = []
    for name in za.namelist():
        x, y = za.read(name), zb.read(name)
        if name == "docProps/core.xml":
            x, y = CORE_TIMES.sub(b"", x), CORE_TIMES.sub(b"", y)
        if x != y:
            out.append(f"part {name} differs")
    return out


def compare_file(path: str, a: bytes, b: bytes) -> list[str]:
    """The differences between two versions of one output file (empty: equal)."""
    if path.endswith(".csv"):
        return _compare_csv(a, b)
    if path.endswith(".json"):
        return _compare_json(json.loads(a), json.loads(b))
    if path.endswith(".xlsx"):
        return _compare_xlsx(a, b)
    return [] if a == b else ["bytes differ"]


def compare_folders(before: Path, after: Path) -> list[str]:
    """Every difference between two output folders, as ``file: what`` lines."""

    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}

    fa, fb = files(before), files(after)
    out = [f"{name}: only in {before}" for name in sorted(set(fa) - set(fb))]
    out += [f"{name}: only in {after}" for name in sorted(set(fb) - set(fa))]
    for name in sorted(set(fa) & set(fb)):
        a = fa[name].read_bytes().replace(str(before.resolve()).encode(), b"<OUT>")
        b = fb[name].read_bytes().replace(str(after.resolve()).encode(), b"<OUT>")
        out += [f"{name}: {d}" for d in compare_file(name, a, b)]
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    before, after = Path(argv[0]), Path(argv[1])
    differences = compare_folders(before, after)
    n = sum(1 for p in before.rglob("*") if p.is_file())
    if differences:
        print("\n".join(differences))
        print(f"{len(differences)} differences")
        return 1
    print(f"{n} files compared: identical (floats to {TOLERANCE:g}, creation times not compared)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
