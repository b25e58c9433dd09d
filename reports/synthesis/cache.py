"""The result cache of the synthesis flows: one folder per kind of result, one JSON file per key
(a hash of everything the result depends on), written whole or not at all; a bad entry is a miss
and an unusable folder a warning, printed once, after which the flows work without it."""
import contextlib
import json
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable


def cache_dir(kind: str) -> Path:
    """The folder of the cached ``kind`` results: ``$MITCHELL_CACHE_DIR/kind``, by default
    ``~/.cache/mitchell/kind`` (following ``XDG_CACHE_HOME``)."""
    base = os.environ.get("MITCHELL_CACHE_DIR") or \
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mitchell"
    return Path(base) / kind


# Cache folders found unusable in this process (workers forked later inherit it): left alone.
# One warning a process, for the first: the kinds' folders share a parent, usually the cause.
_unusable_caches: set[Path] = set()


def _cache_unusable(folder: Path, error: OSError) -> None:
    if folder not in _unusable_caches:
        if not _unusable_caches:
            print(f"mitchell: warning: cannot use the cache folder {str(folder)!r} "
                  f"({error.strerror or error}); working without the cache", file=sys.stderr)
        _unusable_caches.add(folder)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_cache(kind: str) -> bool:
    """Whether the ``kind`` cache folder can be made and written; warns once if not. Call it
    before starting worker processes, so that the warning is printed once, not once per worker."""
    folder = cache_dir(kind)
    if folder in _unusable_caches:
        return False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".probe.")
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        _cache_unusable(folder, error)
        return False
    return True


def read_cache(kind: str, key: str, fields: Iterable[str]) -> dict | None:
    """The result stored under ``key`` in the ``kind`` cache, or None for a miss. An entry counts
    only if it is a JSON object with a finite number for each name in ``fields``: a truncated,
    empty or foreign entry is a miss, which the next :func:`write_cache` overwrites."""
    folder = cache_dir(kind)
    if folder in _unusable_caches:
        return None
    try:
        entry = json.loads((folder / f"{key}.json").read_bytes())
    except (FileNotFoundError, IsADirectoryError, ValueError):
        return None
    except OSError as error:
        _cache_unusable(folder, error)
        return None
    if not isinstance(entry, dict) or not all(_is_number(entry.get(name)) for name in fields):
        return None
    return entry


def write_cache(kind: str, key: str, result: dict) -> None:
    """Stores ``result`` under ``key`` in the ``kind`` cache, whole or not at all."""
    folder = cache_dir(kind)
    if folder in _unusable_caches:
        return
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{key}.", suffix=".tmp")
        with os.fdopen(fd, "w") as stream:
            json.dump(result, stream)
        os.replace(temporary, folder / f"{key}.json")
    except OSError as error:
        _cache_unusable(folder, error)
    finally:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def cached(kind: str, key: str, fields: Iterable[str], compute: Callable[[], dict], *,
           use_cache: bool = True) -> dict:
    """``compute()``, or the result stored under ``key`` in the ``kind`` cache by an earlier call
    (unless ``use_cache`` is false); a computed result is stored for the next call."""
    if use_cache and (entry := read_cache(kind, key, fields)) is not None:
        return entry
    result = compute()
    write_cache(kind, key, result)
    return result
