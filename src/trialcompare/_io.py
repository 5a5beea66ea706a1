"""Atomic file output: a reader sees either the old file or the complete new one, never a part.

The data are written to a temporary file in the destination folder (so that the final
:func:`os.replace` is a rename within one file system), flushed and fsynced, then moved over the
destination. If anything fails on the way, the temporary file is removed and the destination is
left untouched.

Only a regular file (or a path that does not exist yet) is ever written: a device (``/dev/null``,
``/dev/full``), a FIFO, a socket, a folder or a symbolic link at the destination is refused with
:class:`OutputError` before anything is written, so that a rename never replaces a device node or a
link. An existing file keeps its permission bits. Where the OS offers it (Linux ``O_TMPFILE``) the data
are written to an anonymous file that is given a name only once complete, so that even ``kill -9`` during
the write leaves nothing behind; SIGTERM and SIGINT during the write remove the temporary file.

A temporary file is named ``.<name>.<pid>-<random>.tmp`` after the destination and the writing process.
``kill -9`` in the instant between naming the complete anonymous file and the rename (or during a write without
``O_TMPFILE``) leaves one behind; **the next write of the same destination removes it**, together with every
other temporary file of that destination whose process no longer runs (or, for a name without a process id,
that is more than an hour old). Temporary files of a writer that is still running are left alone.

This module sits below both ``descriptor`` (scaffolds) and ``render`` (reports, tables), which write through it;
``trialcompare.render.atomic`` is the same module under its former name.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["OutputError", "atomic_write_bytes", "atomic_write_text", "check_output", "make_folders",
           "missing_folders", "remove_folders", "remove_stale_temporaries"]

#: A temporary file without a process id in its name (an older version's) is stale after this many seconds.
STALE_AFTER = 3600.0


class OutputError(OSError):
    """The destination cannot or must not be written; the message names it. Nothing was written."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def check_output(path: str | os.PathLike[str], *, make_parents: bool = False) -> os.stat_result | None:
    """Refuse a destination that is not a regular file or a new name in an existing (or creatable) folder.

    Parameters
    ----------
    path : str or os.PathLike
        The destination.
    make_parents : bool, default False
        Create missing folders (only where the command documents it); otherwise a missing folder is an error.

    Returns
    -------
    os.stat_result or None
        The ``lstat`` of the existing destination, None if it does not exist yet.

    Raises
    ------
    OutputError
        A device, FIFO, socket, folder or symbolic link at the destination; a missing folder; a folder in the
        way; a path that cannot be examined.
    """
    target = Path(path)
    if not str(path) or target.name in ("", ".", ".."):
        raise OutputError(errno.EINVAL, f"{path}: not a file name")
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise OutputError(errno.ENOTDIR, f"{target.parent}: not a folder") from None
    except OSError as exc:
        raise OutputError(exc.errno, f"{target}: cannot write ({exc.strerror or exc})") from None
    if info is not None:
        for test, kind in _KINDS:
            if test(info.st_mode):
                raise OutputError(errno.EEXIST, f"{target}: is {kind}; only a regular file is written (give a "
                                                "new file name)")
        return info
    _check_folder(target.parent, make_parents)
    return None


def _check_folder(folder: Path, make_parents: bool) -> None:
    if folder.is_dir():
        return
    if folder.exists() or folder.is_symlink():
        raise OutputError(errno.ENOTDIR, f"{folder}: not a folder")
    if not make_parents:
        raise OutputError(errno.ENOENT, f"{folder}: no such folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(exc.errno, f"{folder}: cannot create the folder ({exc.strerror or exc})") from None


def missing_folders(folder: str | os.PathLike[str]) -> list[Path]:
    """The folders :func:`make_folders` would create for ``folder``, outermost first; refuse what it would refuse.

    Parameters
    ----------
    folder : str or os.PathLike
        A folder the user named (``out/reports``).

    Returns
    -------
    list of pathlib.Path
        The missing folders, outermost first (empty when ``folder`` exists).

    Raises
    ------
    OutputError
        A part of the path is a file, a symbolic link that does not lead to a folder, or (for a relative path) an
        existing symbolic link that leads out of the working folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> [p.relative_to(d).as_posix() for p in missing_folders(d / "a" / "b")]
    ['a', 'a/b']
    """
    folder = Path(folder)
    missing: list[Path] = []
    probe = folder
    while str(probe) not in ("", ".") and not probe.is_dir():
        if probe.exists() or probe.is_symlink():
            what = "a symbolic link" if probe.is_symlink() else "not a folder"
            raise OutputError(errno.ENOTDIR, f"{probe}: {what}; no folder is created there")
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    if not folder.is_absolute() and str(probe) not in ("", "."):
        here = Path.cwd().resolve()
        if not probe.resolve().is_relative_to(here):
            raise OutputError(errno.EXDEV, f"{probe}: leads out of the working folder (a symbolic link); no folder "
                                           "is created through it (give the path it leads to)")
    return missing[::-1]


def make_folders(folder: str | os.PathLike[str]) -> list[Path]:
    """Create the missing folders of ``folder`` one by one, never through a symbolic link; return those created.

    Each folder is made with :func:`os.mkdir` (which does not follow a link at its name) and checked to be a real
    folder afterwards. Remove them again with :func:`remove_folders` when the write that needed them fails.

    Parameters
    ----------
    folder : str or os.PathLike
        A folder the user named.

    Returns
    -------
    list of pathlib.Path
        The folders created, outermost first.

    Raises
    ------
    OutputError
        As :func:`missing_folders`, or a folder cannot be created (nothing created is left behind then).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> len(make_folders(d / "a" / "b")), (d / "a" / "b").is_dir()
    (2, True)
    """
    created: list[Path] = []
    for part in missing_folders(folder):
        try:
            os.mkdir(part)
            if stat.S_ISLNK(os.lstat(part).st_mode):
                raise OutputError(errno.ENOTDIR, f"{part}: replaced by a symbolic link while being created")
        except OSError as exc:
            remove_folders(created)
            if isinstance(exc, OutputError):
                raise
            raise OutputError(exc.errno, f"{part}: cannot create the folder ({exc.strerror or exc})") from None
        created.append(part)
    return created


def remove_folders(created: list[Path]) -> None:
    """Remove folders :func:`make_folders` created, innermost first, where they are still empty (best effort).

    Parameters
    ----------
    created : list of pathlib.Path
        As returned by :func:`make_folders`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> remove_folders(make_folders(d / "a" / "b")); (d / "a").exists()
    False
    """
    for part in reversed(created):
        with contextlib.suppress(OSError):
            os.rmdir(part)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, make_parents: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Destination file: a regular file (replaced, its permissions kept) or a new name.
    data : bytes
        The complete content to write.
    make_parents : bool, default False
        Create missing folders; otherwise a missing folder is an :class:`OutputError`.

    Returns
    -------
    pathlib.Path
        The destination path.

    Raises
    ------
    TypeError
        If ``data`` is not bytes-like.
    OutputError
        (an :class:`OSError`) If the destination is not a regular file, the folder is missing, or writing fails
        (read-only or full file system, file size limit...). Nothing is left behind.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write_bytes(d / "a.bin", b"abc").read_bytes()
    b'abc'
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    target = Path(path)
    existing = check_output(target, make_parents=make_parents)
    folder = target.parent if str(target.parent) else Path(".")
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
    remove_stale_temporaries(target)
    tmp_name: str | None = None
    try:
        with _signals_cleanup():
            tmp_name = _write_temp(folder, target.name, data, mode, existing, anonymous=True)
            if tmp_name is None:  # the file system cannot name an anonymous file: a named one
                tmp_name = _write_temp(folder, target.name, data, mode, existing, anonymous=False)
            assert tmp_name is not None
            os.replace(tmp_name, target)
            tmp_name = None
    except OSError as exc:
        if isinstance(exc, OutputError):
            raise
        raise OutputError(exc.errno, f"{target}: cannot write ({exc.strerror or exc})") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    _fsync_folder(folder)
    return target


def _write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_temp(folder: Path, name: str, data: bytes | bytearray | memoryview, mode: int,
                existing: os.stat_result | None, *, anonymous: bool) -> str | None:
    """Write the complete data to a temporary file in ``folder`` and return its name.

    ``anonymous``: an O_TMPFILE file that gets a name only once complete (nothing to clean up after ``kill -9``);
    None when the OS or file system cannot do that. Otherwise a named temporary file (removed on every error).
    """
    if anonymous:
        flag = getattr(os, "O_TMPFILE", 0)
        if not flag or not os.path.isdir("/proc/self/fd"):
            return None
        try:
            fd, tmp = os.open(folder, flag | os.O_WRONLY, 0o600), None
        except OSError:
            return None
    else:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.{os.getpid()}-", suffix=".tmp", dir=folder)
    try:
        _write_all(fd, data)
        os.fchmod(fd, mode)
        if existing is not None and os.geteuid() == 0:
            with contextlib.suppress(OSError):
                os.fchown(fd, existing.st_uid, existing.st_gid)
        os.fsync(fd)
        return tmp if tmp is not None else _name_anonymous(fd, folder, name)
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    finally:
        os.close(fd)


def _name_anonymous(fd: int, folder: Path, name: str) -> str | None:
    """Give an anonymous (O_TMPFILE) file a name in ``folder``; None if the file system cannot."""
    for _ in range(100):
        candidate = str(folder / f".{name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
        try:
            os.link(f"/proc/self/fd/{fd}", candidate, follow_symlinks=True)
        except FileExistsError:
            continue
        except OSError:
            return None
        return candidate
    return None


def remove_stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files a killed writer of ``path`` left behind; return what was removed.

    A temporary file of ``path`` is ``.<name>.<pid>-<random>.tmp`` in its folder. It is stale when process
    ``<pid>`` no longer runs; a name without a process id (written by an older version) is stale when older than
    :data:`STALE_AFTER` seconds. Only regular files are removed; errors are ignored (best effort).

    Parameters
    ----------
    path : str or os.PathLike
        The destination whose temporary files are looked for.

    Returns
    -------
    list of pathlib.Path
        The files removed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / ".out.pdf.999999999-ab12.tmp").write_bytes(b"%PDF")  # no such process
    >>> [p.name for p in remove_stale_temporaries(d / "out.pdf")]
    ['.out.pdf.999999999-ab12.tmp']
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    pattern = re.compile(r"\." + re.escape(target.name) + r"\.(?:(\d+)-)?[A-Za-z0-9_]+\.tmp")
    removed = []
    try:
        names = [e.name for e in os.scandir(folder) if pattern.fullmatch(e.name)]
    except OSError:
        return []
    for name in names:
        candidate = folder / name
        with contextlib.suppress(OSError):
            info = os.lstat(candidate)
            if stat.S_ISREG(info.st_mode) and _stale(pattern.fullmatch(name), info):
                os.unlink(candidate)
                removed.append(candidate)
    return removed


def _stale(match: re.Match[str] | None, info: os.stat_result) -> bool:
    if match is None:
        return False
    if match.group(1) is None:
        return time.time() - info.st_mtime > STALE_AFTER
    pid = int(match.group(1))
    if pid == os.getpid():
        return False  # this process is writing it (another thread)
    if pid > 2**22:  # above Linux's largest process id: no such process
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:  # it exists (another user's process)
        return False
    return False


class _Terminated(BaseException):
    """Raised from a SIGTERM handler so that the temporary file is removed before the process ends."""


@contextlib.contextmanager
def _signals_cleanup() -> Iterator[None]:
    """During the write, SIGTERM ends the process with status 143 after the temporary file is removed; SIGINT
    raises KeyboardInterrupt as usual. Only in the main thread (where Python runs signal handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise _Terminated(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, previous)
        raise SystemExit(128 + signal.SIGTERM) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8", *,
                      make_parents: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically (encoded, newlines written as given).

    Parameters
    ----------
    path : str or os.PathLike
        Destination file: a regular file (replaced, its permissions kept) or a new name.
    text : str
        The complete content to write. No newline translation is applied.
    encoding : str, default "utf-8"
        Text encoding.
    make_parents : bool, default False
        Create missing folders.

    Returns
    -------
    pathlib.Path
        The destination path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write_text(d / "a.txt", "é\\n").read_text(encoding="utf-8")
    'é\\n'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    return atomic_write_bytes(path, text.encode(encoding), make_parents=make_parents)


def _fsync_folder(folder: Path) -> None:
    """Fsync a folder so the rename itself is durable (best effort; not possible on every OS)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
