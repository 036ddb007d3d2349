"""The files under a directory, in a stable order, with a `Problem` for everything that cannot be read:
an unreadable folder, a FIFO or device, a broken symbolic link, a link back into its own tree."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from marsad.records import Origin, Problem

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


def walk_files(root: Path) -> Iterator[Path | Problem]:
    """Regular files under `root` (hidden names skipped), sorted by path; symbolic links followed once."""
    found: list[Path | Problem] = []
    _walk(root, {_identity(root)}, found)
    yield from sorted(found, key=lambda item: item if isinstance(item, Path) else Path(item.origin.path))


def _walk(folder: Path, ancestors: set[tuple[int, int]], found: list[Path | Problem]) -> None:
    try:
        with os.scandir(folder) as entries:
            children = sorted((Path(e.path) for e in entries if not e.name.startswith(".")), key=str)
    except OSError as exc:
        found.append(Problem(Origin(str(folder)), f"cannot read folder ({exc.strerror or exc}); skipped"))
        return
    for path in children:
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            found.append(Problem(Origin(str(path)), _stat_problem(path, exc)))
            continue
        if stat.S_ISDIR(mode):
            identity = _identity(path)
            if identity in ancestors:
                found.append(Problem(Origin(str(path)), "a symbolic link into its own folder (a loop); not followed"))
                continue
            _walk(path, ancestors | {identity}, found)
        elif stat.S_ISREG(mode):
            found.append(path)
        else:
            found.append(Problem(Origin(str(path)), f"{special_kind(mode)}, not a regular file; skipped"))


def special_kind(mode: int) -> str:
    """What a non-regular, non-directory file is: "a FIFO (named pipe)", "a socket"..."""
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def _stat_problem(path: Path, exc: OSError) -> str:
    if path.is_symlink():
        reason = "a symbolic link loop" if exc.errno == errno.ELOOP else "a broken symbolic link"
        return f"{reason} (to {os.readlink(path)}); skipped"
    return f"cannot read ({exc.strerror or exc}); skipped"


def _identity(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_dev, info.st_ino
