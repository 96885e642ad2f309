"""Reading a git revision's SQL and catalog straight from git objects.

The working tree and the index are never touched: `git ls-tree` lists a revision's files and
`git cat-file --batch` streams their contents into a temporary directory, which is scanned like
any folder and then forgotten; paths in the result are relative to the repository.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lineage.errors import ConfigError
from lineage.model import Diagnostic, Location
from lineage.revision import Revision, relocate, relocate_diagnostic
from parsers.paths import display_path
from parsers.scan import ScanOptions, ScanResult, scan
from parsers.sql import get_dialect

# Every file a scan may read is exported (SQL, the catalog, ETL code, dbt projects), up to a size
# no source file reaches: data files committed beside the SQL are not worth reading.
MAX_EXPORTED_BYTES = 16 * 1024 * 1024
SOURCE_SUFFIXES = (".sql", ".py", ".yml", ".yaml", ".csv")  # .csv: dbt seeds declare columns in the header  # a skipped one of these leaves the report incomplete
_REGULAR_FILES = ("100644", "100755")  # symlinks (120000) and submodules (160000) are skipped


@dataclass(frozen=True, slots=True)
class GitRepo:
    root: Path


@dataclass(frozen=True, slots=True)
class RevisionOptions:
    dialect: str | None = None
    catalog: str | None = None  # repository-relative path of the catalog, when not found by scanning


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
    with tempfile.TemporaryDirectory(prefix="lineage-") as tmp:
        root = Path(tmp)
        # the catalog's folder too: the dashboard queries it names are relative to it
        wanted = [*paths, str(PurePosixPath(options.catalog).parent)] if options.catalog else list(paths)
        skipped = export(repo, sha, wanted, root)
        prefixes = (display_path(root), str(root), os.path.relpath(root))
        catalog = _catalog_at(root, options.catalog)
        result, problems = _scan([root / p for p in paths if (root / p).exists()], ScanOptions(options.dialect, None, catalog), root)
        files, moved = relocate(result.files, result.catalog, prefixes)
        problems += [Diagnostic(Location(p), f"not read: larger than {MAX_EXPORTED_BYTES // 2**20} MiB") for p in skipped if p.endswith(SOURCE_SUFFIXES)]
        return Revision(ref, sha, files, moved, tuple(relocate_diagnostic(p, prefixes) for p in problems))


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


def export(repo: GitRepo, sha: str, paths: Sequence[str], dest: Path) -> list[str]:
    """Write the files under `paths` at commit `sha` into `dest`; the paths skipped as too large."""
    listing = _git(repo, "ls-tree", "-r", "-z", "-l", "--full-tree", sha, "--", *paths)
    blobs: list[tuple[str, str]] = []
    skipped: list[str] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid, size = meta.decode().split()
        path = name.decode("utf-8", errors="surrogateescape")
        if kind != "blob" or mode not in _REGULAR_FILES:
            continue
        if not _inside(path):
            # git itself never writes such trees, but objects can be crafted: `/home/x/.bashrc` would be written there
            raise ConfigError(f"{path}: unsafe path in commit {sha[:12]}", hint="a file name in that commit leads outside the repository")
        if int(size) > MAX_EXPORTED_BYTES:
            skipped.append(path)
        else:
            blobs.append((oid, path))
    contents = _git(repo, "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid, _ in blobs).encode())
    for (_, path), data in zip(blobs, _batch(contents)):
        (dest / path).parent.mkdir(parents=True, exist_ok=True)
        (dest / path).write_bytes(data)
    return skipped


def _inside(path: str) -> bool:
    """Whether the repository path `path` names a file below the repository's root."""
    parts = PurePosixPath(path).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts


def _batch(output: bytes) -> list[bytes]:
    """Contents from `git cat-file --batch`: `<oid> <type> <size>\\n<bytes>\\n` per object."""
    out: list[bytes] = []
    at = 0
    while at < len(output):
        end = output.index(b"\n", at)
        size = int(output[at:end].split()[2])
        out.append(output[end + 1 : end + 1 + size])
        at = end + 1 + size + 1
    return out


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
