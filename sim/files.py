"""Output files that appear complete or not at all."""
import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator


class OutputError(Exception):
    """An output path that cannot be written."""


def _check_parent(path: Path) -> None:
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(f"Output folder {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"Output folder {str(parent)!r} is not writable")
    if path.is_dir():
        raise OutputError(f"Output path {str(path)!r} is a folder, not a file")


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike) -> Iterator[Path]:
    """Yields a temporary path beside ``path``; moves it into place only if the block succeeds."""
    path = Path(path).absolute()
    _check_parent(path)
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"Output folder {str(path.parent)!r} is not writable ({error.strerror})") from None
    os.close(fd)
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def check_folder(path: str | os.PathLike) -> None:
    """Raises :class:`OutputError` if ``path`` cannot be written as a folder."""
    path = Path(path).absolute()
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(f"Output folder {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise OutputError(f"Output folder {str(path)!r} is not writable")
    if path.exists() and not path.is_dir():
        raise OutputError(f"Output path {str(path)!r} is a file, not a folder")
    # Permission bits do not tell everything (root, read-only mounts, /proc): try it.
    try:
        os.rmdir(tempfile.mkdtemp(dir=parent, prefix=f".{path.name}.", suffix=".probe"))
    except OSError as error:
        raise OutputError(f"Output folder {str(parent)!r} is not writable ({error.strerror})") from None


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike) -> Iterator[Path]:
    """Yields a temporary folder beside ``path``; it replaces ``path`` only if the block succeeds."""
    check_folder(path)
    path = Path(path).absolute()
    parent = path.parent
    try:
        temporary = Path(tempfile.mkdtemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp"))
    except OSError as error:
        raise OutputError(f"Output folder {str(parent)!r} is not writable ({error.strerror})") from None
    try:
        yield temporary
        if path.exists():
            shutil.rmtree(path)
        os.replace(temporary, path)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_file(path) as temporary:
        temporary.write_text(text)
