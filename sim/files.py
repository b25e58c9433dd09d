"""Output files and folders that appear complete or not at all.

A regular file (or a symbolic link to one, whose target is written) is written to a temporary file
beside it and moved into place when complete. A device or a FIFO is written straight: it cannot
be replaced, and replacing it would be wrong (``-o /dev/null``). A new file gets the mode the
umask allows; an existing one keeps its mode. A folder is filled beside its final place and then
swapped in; of two runs finishing into the same folder at once, one wins whole.
"""
import contextlib
import errno
import os
import secrets
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import Iterator


class OutputError(Exception):
    """An output path that cannot be written."""


def _umask() -> int:
    # The only portable way to read the umask is to set it.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temporary_prefix(name: str) -> str:
    # Short enough that the temporary name fits wherever ``name`` fits.
    return f".{name[:32]}."


def _stat(path: Path, what: str) -> os.stat_result | None:
    """``os.stat(path)``, or None if nothing is there; other failures are an OutputError."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OutputError(f"{what} {str(path)!r} cannot be used ({error.strerror})") from None


def _check_name(path: Path, what: str) -> None:
    try:
        limit = os.pathconf(path.parent, "PC_NAME_MAX")
    except OSError:
        return  # No such folder: the caller says so.
    if len(os.fsencode(path.name)) > limit:
        raise OutputError(f"{what} name {path.name[:40]!r}... is too long for the file system "
                          f"({len(os.fsencode(path.name))} bytes, at most {limit})")


def _check_parent(path: Path) -> None:
    """The folder ``path`` goes in exists and takes new entries."""
    parent = path.parent
    info = _stat(parent, "Output folder")
    if info is None:
        raise OutputError(f"Output folder {str(parent)!r} does not exist")
    if not stat.S_ISDIR(info.st_mode):
        raise OutputError(f"Output folder {str(parent)!r} is not a folder")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"Output folder {str(parent)!r} is not writable")


def check_file(path: str | os.PathLike) -> tuple[Path, os.stat_result | None]:
    """The file that writing ``path`` writes (symbolic links followed) and its status (None if it
    does not exist yet); raises :class:`OutputError` if it cannot be written."""
    text = os.fspath(path)
    if not text:
        raise OutputError("Output path is empty")
    if text.endswith(os.sep):
        raise OutputError(f"Output path {text!r} ends with {os.sep!r}: it must name a file")
    target = Path(os.path.realpath(text))
    _check_name(target, "Output file")
    info = _stat(target, "Output path")
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)
                             or stat.S_ISBLK(info.st_mode)):
        if not os.access(target, os.W_OK):
            raise OutputError(f"Output {text!r} is not writable")
        return target, info
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"Output path {text!r} is a folder, not a file")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError(f"Output path {text!r} is neither a file, a device nor a FIFO")
    _check_parent(target)
    if info is not None and not os.access(target, os.W_OK):
        # An immutable file, or one without write permission: replacing it would defeat that.
        raise OutputError(f"Output file {str(target)!r} is not writable")
    return target, info


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike) -> Iterator[Path]:
    """Yields the path to write ``path`` through: a temporary file beside it (symbolic links
    followed) that replaces it only if the block succeeds, or ``path`` itself for a device or a
    FIFO."""
    target, info = check_file(path)
    if info is not None and not stat.S_ISREG(info.st_mode):
        yield target
        return
    try:
        fd, temporary = tempfile.mkstemp(dir=target.parent,
                                         prefix=_temporary_prefix(target.name), suffix=".tmp")
    except OSError as error:
        raise OutputError(f"Output folder {str(target.parent)!r} is not writable "
                          f"({error.strerror})") from None
    try:
        try:
            if info is None:
                os.fchmod(fd, 0o666 & ~_umask())
            else:
                os.fchmod(fd, stat.S_IMODE(info.st_mode))
                # Root replacing someone else's file gives it back to them; others cannot, and
                # need not.
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, info.st_uid, info.st_gid)
        finally:
            os.close(fd)
        yield Path(temporary)
        try:
            os.replace(temporary, target)
        except OSError as error:
            raise OutputError(f"Cannot write {os.fspath(path)!r} ({error.strerror})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def write_text(path: str | os.PathLike, text: str) -> None:
    """Writes ``text`` to ``path`` through :func:`atomic_file`."""
    with atomic_file(path) as writable:
        try:
            with open(writable, "w") as stream:
                stream.write(text)
        except OSError as error:
            raise OutputError(f"Cannot write {os.fspath(path)!r} ({error.strerror})") from None


def make_folder(path: str | os.PathLike, what: str = "Folder") -> Path:
    """Makes the folder ``path`` (and its parents) if needed and checks that it takes new entries;
    raises :class:`OutputError` naming ``what`` otherwise."""
    path = Path(path).absolute()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{what} {str(path)!r} is a file, not a folder") from None
    except OSError as error:
        raise OutputError(f"{what} {str(path)!r} cannot be made ({error.strerror})") from None
    # Permission bits do not tell everything (root, read-only mounts, immutable folders): try it.
    try:
        os.rmdir(tempfile.mkdtemp(dir=path, prefix=".probe."))
    except OSError as error:
        raise OutputError(f"{what} {str(path)!r} is not writable ({error.strerror})") from None
    return path


def check_folder(path: str | os.PathLike) -> Path:
    """The folder that writing ``path`` replaces (symbolic links followed); raises
    :class:`OutputError` if it cannot be written as a folder."""
    text = os.fspath(path)
    target = Path(os.path.realpath(text))
    here = Path(os.path.realpath(os.curdir))
    if here == target or target in here.parents:
        raise OutputError(f"Output folder {text!r} is the current folder or one of its parents, "
                          f"which it would replace; choose another")
    info = _stat(target, "Output folder")
    if info is not None and not stat.S_ISDIR(info.st_mode):
        raise OutputError(f"Output path {text!r} is a file, not a folder")
    _check_parent(target)
    _check_name(target, "Output folder")
    if info is not None and not os.access(target, os.W_OK):
        raise OutputError(f"Output folder {text!r} is not writable")
    try:
        os.rmdir(tempfile.mkdtemp(dir=target.parent, prefix=_temporary_prefix(target.name),
                                  suffix=".probe"))
    except OSError as error:
        raise OutputError(f"Output folder {str(target.parent)!r} is not writable "
                          f"({error.strerror})") from None
    return target


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike) -> Iterator[Path]:
    """Yields a temporary folder beside ``path``; it replaces ``path`` only if the block succeeds.
    A new folder gets the mode the umask allows; a replaced one keeps its mode."""
    target = check_folder(path)
    prefix = _temporary_prefix(target.name)
    try:
        temporary = Path(tempfile.mkdtemp(dir=target.parent, prefix=prefix, suffix=".tmp"))
    except OSError as error:
        raise OutputError(f"Output folder {str(target.parent)!r} is not writable "
                          f"({error.strerror})") from None
    set_aside: list[Path] = []
    try:
        yield temporary
        info = _stat(target, "Output folder")
        temporary.chmod(0o777 & ~_umask() if info is None else stat.S_IMODE(info.st_mode))
        _swap(temporary, target, prefix, set_aside)
    finally:
        remove_through_interrupts([temporary, *set_aside])


def remove_through_interrupts(folders: list[Path]) -> None:
    """Removes ``folders`` (those that exist) to the end, even when Ctrl-C or SIGTERM (raised as
    ``KeyboardInterrupt``) lands halfway, as a clean-up must; the interrupt is raised after."""
    interrupt = None
    for folder in folders:
        while True:
            try:
                shutil.rmtree(folder, ignore_errors=True)
                break
            except KeyboardInterrupt as error:
                interrupt = error
    if interrupt is not None:
        raise interrupt


@contextlib.contextmanager
def work_folder(prefix: str, *, dir: str | os.PathLike | None = None) -> Iterator[str]:
    """A new private folder (in ``dir``, else the system's temporary folder) for the block,
    removed after it. Unlike :class:`tempfile.TemporaryDirectory`, no Ctrl-C or SIGTERM can leave
    it behind: not one landing just after it is made, nor one landing while it is removed."""
    parent = Path(tempfile.gettempdir() if dir is None else dir)
    folder = None
    try:
        while folder is None:
            # Named before it is made, so that an interrupt just after os.mkdir still finds it.
            folder = parent / f"{prefix}{secrets.token_hex(6)}"
            try:
                os.mkdir(folder, 0o700)
            except FileExistsError:
                folder = None
        yield str(folder)
    finally:
        if folder is not None:
            remove_through_interrupts([folder])


def _swap(folder: Path, target: Path, prefix: str, set_aside: list[Path]) -> None:
    """Renames ``folder`` to ``target``, first moving any folder there aside into ``set_aside``.
    Renames are atomic, so with several writers at once the last to rename wins and none fails."""
    while True:
        try:
            os.rename(folder, target)
            return
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise OutputError(f"Cannot write {str(target)!r} ({error.strerror})") from None
        # An empty folder is a rename target that no one else can take: ours alone.
        aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=prefix, suffix=".old"))
        set_aside.append(aside)
        try:
            os.rename(target, aside)
        except FileNotFoundError:
            pass  # Another writer moved it aside first; try again.
        except OSError as error:
            raise OutputError(f"Cannot replace {str(target)!r} ({error.strerror})") from None


class _GuardedStream:
    """A text stream whose write failures (a full disk, say) are :class:`OutputError` naming it.
    A closed pipe stays a ``BrokenPipeError``: the reader going away is not an error."""

    def __init__(self, stream, name: str):
        self._stream = stream
        self._name = name

    def _guard(self, method, *args):
        try:
            return method(*args)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(f"Cannot write to {self._name} ({error.strerror})") from None

    def write(self, text: str) -> int:
        return self._guard(self._stream.write, text)

    def flush(self) -> None:
        self._guard(self._stream.flush)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Within the block, failures to write standard output are :class:`OutputError`; everything
    written is flushed at its end. After a failure, what could not be written is dropped, so that
    Python's own flush at exit does not fail again with a traceback."""
    stream = sys.stdout
    sys.stdout = _GuardedStream(stream, "standard output")
    try:
        yield
        sys.stdout.flush()
    except OutputError:
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        raise
    finally:
        sys.stdout = stream
