"""Reading a git revision's SQL and catalog straight from git objects.

The working tree and the index are never touched: `git ls-tree` lists a revision's files and
`git cat-file --batch` streams their contents into a temporary directory, which is scanned like
any folder and then forgotten; paths in the result are relative to the repository.
"""

from __future__ import annotations

import errno
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from lineage.errors import ConfigError
from lineage.model import Diagnostic, Location
from lineage.revision import Revision, relocate, relocate_diagnostic
from parsers.sources.paths import display_path, scanned_name
from parsers.sources.reading import DEFAULT_MAX_BYTES, too_big
from parsers.scan import ScanOptions, ScanResult, scan
from parsers.sql.extract import get_dialect

_CHUNK = 2**20
_REGULAR_FILES = ("100644", "100755")  # symlinks (120000) and submodules (160000) are skipped


@dataclass(frozen=True, slots=True)
class GitRepo:
    root: Path


@dataclass(frozen=True, slots=True)
class RevisionOptions:
    dialect: str | None = None
    catalog: str | None = None  # repository-relative path of the catalog, when not found by scanning
    max_bytes: int | None = DEFAULT_MAX_BYTES  # a bigger file is not exported: one problem, as a scan says
    jobs: int = 1  # processes extracting SQL files (the scan's --jobs): the result is the same for any value


def open_repo(start: Path) -> GitRepo:
    """The repository `start` is in."""
    if not start.is_dir():
        raise ConfigError(f"{start}: no such directory")
    done = _run(start, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise ConfigError(f"{start}: not a git repository", hint="run this inside a git checkout")
    return GitRepo(Path(done.stdout.decode().strip()))


def resolve(repo: GitRepo, ref: str) -> str:
    """The commit SHA `ref` names: a branch, a tag, `HEAD~1`, a SHA."""
    if not ref or ref.startswith("-"):
        raise ConfigError(f"unknown git revision '{ref}'")
    done = _run(repo.root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if done.returncode != 0:
        # a shallow CI checkout has only the tip: the base must be fetched
        raise ConfigError(f"unknown git revision '{ref}'", hint="check the name, or fetch it first (actions/checkout with fetch-depth: 0)")
    return done.stdout.decode().strip()


def repo_paths(repo: GitRepo, paths: Sequence[Path]) -> tuple[str, ...]:
    """Paths as given (relative to the working directory) as repository-relative POSIX paths."""
    root = repo.root.resolve()
    out: list[str] = []
    for path in paths or [Path.cwd()]:
        relative = os.path.relpath(path.resolve(), root)
        if relative == ".." or relative.startswith(".." + os.sep):
            raise ConfigError(f"{path}: outside the repository {repo.root}")
        out.append(PurePosixPath(Path(relative)).as_posix())
    return tuple(sorted(set(out)))


def read_revision(repo: GitRepo, ref: str, paths: Sequence[str], options: RevisionOptions) -> Revision:
    """Scan `paths` (repository-relative) as they are at `ref`; a broken catalog there is a problem, not an error."""
    get_dialect(options.dialect)  # a bad dialect is a usage error, whatever the revision
    sha = resolve(repo, ref)
    scratch = _scratch()
    try:
        return _read_revision(repo, (ref, sha), paths, options, scratch)
    except OSError as err:
        if scratch is None or err.errno != errno.ENOSPC:
            raise
        return _read_revision(repo, (ref, sha), paths, options, None)  # the memory-backed folder is full: on disk, then


def _scratch() -> str | None:
    """Where a revision is exported: a memory-backed folder (Linux's /dev/shm) unless TMPDIR says otherwise.

    The export is written once, read once and deleted; on a disk every one of its files is a journal
    entry (3,000 files of the diff benchmark: 0.1 s in memory, over 2 s on a busy disk).
    """
    if os.environ.get("TMPDIR"):
        return None
    return _SHM if os.path.isdir(_SHM) and os.access(_SHM, os.W_OK | os.X_OK) else None


_SHM = "/dev/shm"


def _read_revision(repo: GitRepo, revision: tuple[str, str], paths: Sequence[str], options: RevisionOptions, scratch: str | None) -> Revision:
    ref, sha = revision
    with tempfile.TemporaryDirectory(prefix="lineage-", dir=scratch) as tmp:
        root = Path(tmp)
        # the catalog's folder too: the dashboard queries it names are relative to it
        wanted = [*paths, str(PurePosixPath(options.catalog).parent)] if options.catalog else list(paths)
        skipped, blobs = export(repo, sha, wanted, root, options.max_bytes)
        prefixes = (display_path(root), str(root), os.path.relpath(root))
        catalog = _catalog_at(root, options.catalog)
        max_file_mb = None if options.max_bytes is None else options.max_bytes / 2**20
        result, problems = _scan([root / p for p in paths if (root / p).exists()], ScanOptions(options.dialect, None, catalog, jobs=options.jobs, max_file_mb=max_file_mb), root)
        files, moved = relocate(result.files, result.catalog, prefixes)
        problems += skipped
        return Revision(ref, sha, files, moved, tuple(relocate_diagnostic(p, prefixes) for p in problems), tuple(sorted((path, oid) for oid, path in blobs)))


def _catalog_at(root: Path, catalog: str | None) -> Path | None:
    """An explicit catalog the revision does not have yet is an empty one, not a search for another."""
    if catalog is None:
        return None
    path = root / catalog
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    return path


def _scan(paths: list[Path], options: ScanOptions, root: Path) -> tuple[ScanResult, list[Diagnostic]]:
    """Scan; when the catalog itself is broken, report it and scan again without it."""
    try:
        return scan(paths, options), []
    except ConfigError as err:
        # resolved, not lexical: an error location must not lead the write below out of the export
        if err.at is None or not Path(err.at.file).resolve().is_relative_to(root.resolve()):
            raise
        detail = f"{err.message}; {err.hint}" if err.hint else err.message
        problem = Diagnostic(err.at, f"{detail}; the catalog is ignored at this revision")
        Path(err.at.file).write_text("", encoding="utf-8")
    return scan(paths, options), [problem]


def export(repo: GitRepo, sha: str, paths: Sequence[str], dest: Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> tuple[list[Diagnostic], list[tuple[str, str]]]:
    """Write the files a scan would read under `paths` at commit `sha` into `dest`: why any was not, and
    the (blob id, path) of each that was."""
    blobs: list[tuple[str, str]] = []
    skipped: list[Diagnostic] = []
    for mode, oid, size, path in _listing(repo, sha, paths):
        if mode not in _REGULAR_FILES:
            continue
        if not _inside(path):
            # git itself never writes such trees, but objects can be crafted: `/home/x/.bashrc` would be written there
            raise ConfigError(f"{path}: unsafe path in commit {sha[:12]}", hint="a file name in that commit leads outside the repository")
        if not scanned_name(path):
            continue  # data files committed beside the SQL: a scan never reads them, so they are not exported
        if max_bytes is not None and size > max_bytes:
            skipped.append(too_big(Location(path), size, max_bytes))
        else:
            blobs.append((oid, path))
    _write_blobs(repo, blobs, dest)
    return skipped, blobs


def _listing(repo: GitRepo, sha: str, paths: Sequence[str]) -> Iterator[tuple[str, str, int, str]]:
    """(mode, oid, size, path) of every blob under `paths` at `sha`."""
    for entry in _git(repo, "ls-tree", "-r", "-z", "-l", "--full-tree", sha, "--", *paths).split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        if entry and meta.split()[1] == b"blob":
            mode, _, oid, size = meta.decode().split()
            yield mode, oid, int(size), name.decode("utf-8", errors="surrogateescape")


def _write_blobs(repo: GitRepo, blobs: list[tuple[str, str]], dest: Path) -> None:
    """Each blob into its file through `git cat-file --batch`, in chunks: never a whole blob in memory.

    The object names go in from a thread while this one reads the objects out, so neither pipe can
    fill and block the other side, and a thousand files cost no thousand round trips to git.
    """
    try:
        batch = subprocess.Popen(["git", "-C", str(repo.root), "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except FileNotFoundError:
        raise ConfigError("git is not installed, or not on PATH") from None
    assert batch.stdin is not None and batch.stdout is not None
    feeder = threading.Thread(target=_feed, args=(batch.stdin, [oid for oid, _ in blobs]), daemon=True)
    with batch:
        feeder.start()
        try:
            for oid, path in blobs:
                header = batch.stdout.readline().split()
                if len(header) != 3:
                    raise ConfigError(f"git cat-file failed on {path} ({oid[:12]})")
                (dest / path).parent.mkdir(parents=True, exist_ok=True)
                with open(dest / path, "wb") as out:
                    _copy(batch.stdout, out, int(header[2]))
                batch.stdout.read(1)  # the newline after each object
        finally:
            batch.stdout.close()  # a feeder blocked on a full pipe gets EPIPE and ends
            feeder.join()


def _feed(pipe: BinaryIO, oids: list[str]) -> None:
    try:
        pipe.write("".join(f"{oid}\n" for oid in oids).encode())
        pipe.close()
    except (BrokenPipeError, ValueError, OSError):
        pass  # git went away or the reader gave up: the reader reports it


def _copy(source: BinaryIO, target: BinaryIO, size: int) -> None:
    while size > 0:
        chunk = source.read(min(_CHUNK, size))
        if not chunk:
            raise ConfigError("git cat-file ended early")
        target.write(chunk)
        size -= len(chunk)


def _inside(path: str) -> bool:
    """Whether the repository path `path` names a file below the repository's root."""
    parts = PurePosixPath(path).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts


def git_output(repo: GitRepo, *args: str) -> bytes:
    """What `git ARGS` prints in the repository; a failure is one ConfigError line."""
    return _git(repo, *args)


def _git(repo: GitRepo, *args: str, stdin: bytes | None = None) -> bytes:
    done = _run(repo.root, *args, stdin=stdin)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise ConfigError(f"git {args[0]} failed: {message[0] if message else f'exit {done.returncode}'}")
    return done.stdout


def _run(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise ConfigError("git is not installed, or not on PATH") from None
