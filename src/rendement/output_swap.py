"""Swapping a whole output folder in one step, safe under ``kill -9``.

A command writes its files into a staging folder next to the output folder
(``.rendement-staging-*``); when every file is complete, the two folders trade
places in ONE system call (Linux ``renameat2`` with ``RENAME_EXCHANGE``), so a
reader of the output folder sees the complete old set or the complete new set,
never a mix (for example a new ``ranking.csv`` beside an old ``returns.csv``).
Files already in the output folder that the command does not write are carried
over into the new set as hard links (copies where links are impossible).

Each staging folder has a lock file beside it (``.rendement-staging-*.lock``)
that its process holds with ``flock`` while it lives. A staging folder whose
lock nobody holds was left by a killed process (it may hold client-level data):
:func:`remove_stale_staging` deletes it at the next run in the same place.

Where ``renameat2`` is missing (not Linux, or a file system without it) the
swap falls back to two renames with a moment in between when the output
folder is absent; the staging folder then still holds the old set until it is
removed.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

STAGING_PREFIX = ".rendement-staging-"
_LOCK_SUFFIX = ".lock"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@contextmanager
def staging_folder(parent: Path, *, remove: bool = True) -> Iterator[Path]:
    """A new, locked staging folder in ``parent`` (stale ones there are removed first)."""
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(parent)
    fd, lock_name = _held_lock(parent)
    try:
        staging = Path(lock_name[: -len(_LOCK_SUFFIX)])
        staging.mkdir()
        try:
            yield staging
        finally:
            if remove:
                shutil.rmtree(staging, ignore_errors=True)
    finally:
        with suppress(OSError):
            os.unlink(lock_name)
        os.close(fd)


def _held_lock(parent: Path) -> tuple[int, str]:
    """A new lock file in ``parent``, held: (descriptor, path).

    Another run may remove an unheld lock between its creation and ``flock``;
    then the path no longer names the locked file, and a new one is made.
    """
    while True:
        fd, name = tempfile.mkstemp(prefix=STAGING_PREFIX, suffix=_LOCK_SUFFIX, dir=parent)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.stat(name).st_ino == os.fstat(fd).st_ino:
                return fd, name
        except FileNotFoundError:
            pass
        os.close(fd)


def remove_stale_staging(parent: Path) -> list[Path]:
    """Remove staging folders in ``parent`` whose process is gone; returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(STAGING_PREFIX):
            continue
        if entry.name.endswith(_LOCK_SUFFIX):
            folder = Path(str(entry)[: -len(_LOCK_SUFFIX)])
            if not folder.exists() and _owner_is_gone(entry):
                with suppress(OSError):
                    entry.unlink()  # a run killed just before or after its staging folder
            continue
        if not _owner_is_gone(Path(str(entry) + _LOCK_SUFFIX)):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        if not entry.is_dir():
            with suppress(OSError):
                entry.unlink()
        with suppress(OSError):
            os.unlink(str(entry) + _LOCK_SUFFIX)
        removed.append(entry)
    return removed


def _owner_is_gone(lock: Path) -> bool:
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return True  # the lock is made before the folder and removed after it
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a living process holds it
    finally:
        os.close(fd)
    return True


@contextmanager
def swapped_folder(out_dir: Path | str) -> Iterator[Path]:
    """Yield a staging folder; on success it becomes ``out_dir`` in one step.

    Files in ``out_dir`` that the staging folder does not hold are carried
    over. On an exception ``out_dir`` is not touched.
    """
    out = Path(os.path.abspath(out_dir))
    with staging_folder(out.parent) as staging:
        yield staging
        if out.is_dir():
            _carry_over(out, staging)
            _same_access(out, staging)
            exchange(staging, out)  # staging now holds the old set; removed on exit
        else:
            os.rename(staging, out)


def exchange(a: Path, b: Path) -> None:
    """Trade the places of two folders atomically (two renames where that is impossible)."""
    if _renameat2(a, b):
        return
    aside = a.with_name(a.name + "-old")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def _renameat2(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        call = libc.renameat2
    except (AttributeError, OSError):
        return False
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if call(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _same_access(out: Path, staging: Path) -> None:
    """Give the new folder the old one's permissions (and group, where allowed)."""
    info = out.stat()
    os.chmod(staging, stat.S_IMODE(info.st_mode))
    with suppress(OSError):
        os.chown(staging, -1, info.st_gid)


def _carry_over(out: Path, staging: Path) -> None:
    """Hard-link (or copy) into ``staging`` everything in ``out`` that it does not hold."""
    for root, dirs, files in os.walk(out):
        rel = Path(root).relative_to(out)
        target_dir = staging / rel
        if target_dir.exists() and not target_dir.is_dir():
            dirs[:] = []
            continue
        target_dir.mkdir(parents=True, exist_ok=True)
        dirs[:] = [d for d in dirs if not d.startswith(STAGING_PREFIX)]
        for name in files:
            target = target_dir / name
            if target.exists() or target.is_symlink():
                continue
            source = Path(root) / name
            try:
                os.link(source, target, follow_symlinks=False)
            except OSError:
                shutil.copy2(source, target, follow_symlinks=False)
