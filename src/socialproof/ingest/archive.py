"""Expand what the user named into files: folders recursively, .zip archives safely.

Platform data downloads arrive as zip archives (often with folders inside).
Members are extracted to a temporary folder with their names checked (no
absolute paths, no '..', no links), and with limits on member count, total
size and compression ratio so a zip bomb cannot fill the disk.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from socialproof.errors import BadExport, FileMissing, SocialproofError

MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 8 * 1024**3  # never more than this, and never more than
FREE_SHARE = 0.5  # ... this share of the free space where the archive is extracted
MAX_RATIO = 200  # uncompressed / compressed, per member (beyond it: a zip bomb)
MAX_DEPTH = 3  # zips inside zips
_SKIP_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
_ZIP_MAGIC = b"PK\x03\x04"
#: Files that are never exports (skipped when found inside folders and archives).
MEDIA_SUFFIXES = frozenset(
    ".jpg .jpeg .png .gif .webp .heic .heif .bmp .tif .tiff .svg .ico .mp4 .mov .m4v .avi "
    ".webm .mkv .mp3 .m4a .wav .ogg .aac .opus .pdf .doc .docx .ppt .pptx .woff .woff2 .ttf "
    ".otf .js .css .py .pyc .yaml .yml .toml .ini .cfg .sh .bat .exe .dll .so .db .duckdb "
    ".sqlite .wal .lock".split()
)


@dataclass
class ArchiveMember:
    path: Path  # a readable file on disk
    display_name: str  # as the user knows it: 'data.zip!ads/report.csv'
    explicit: bool = True  # named by the user (not found inside a folder or an archive)


def _skipped(path: Path) -> bool:
    return (
        any(part.startswith(".") for part in path.parts)  # hidden files and folders
        or path.name.lower() in _SKIP_NAMES
        or "__MACOSX" in path.parts
        or path.name.startswith("~$")  # Excel lock files
    )


def is_plain_zip(path: Path) -> bool:
    """A zip archive that is not an Office workbook."""
    try:
        with path.open("rb") as fh:
            if fh.read(4) != _ZIP_MAGIC:
                return False
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (OSError, zipfile.BadZipFile):
        return path.suffix.lower() == ".zip"
    return not ("[Content_Types].xml" in names and any(n.startswith("xl/") for n in names))


def expand_paths(
    paths: list[Path], workdir: Path
) -> tuple[list[ArchiveMember], list[tuple[str, SocialproofError]]]:
    """Files to import, in a stable order; plus (name, error) for paths that failed."""
    members: list[ArchiveMember] = []
    failed: list[tuple[str, SocialproofError]] = []
    for path in paths:
        name = str(path)
        try:
            if not path.exists():
                raise FileMissing(f"{name} does not exist.", hint="Check the path and retry.")
            if path.is_dir():
                files = sorted(
                    p for p in path.rglob("*") if p.is_file() and not _skipped(p.relative_to(path))
                )
                for f in files:
                    members.extend(_expand_file(f, str(f), workdir, 0, explicit=False))
            else:
                members.extend(_expand_file(path, name, workdir, 0))
        except SocialproofError as exc:
            failed.append((name, exc))
    return members, failed


def _expand_file(
    path: Path, name: str, workdir: Path, depth: int, *, explicit: bool = True
) -> list[ArchiveMember]:
    if is_plain_zip(path):
        if depth >= MAX_DEPTH:
            raise BadExport(f"{name}: zip archives nested too deep.", hint="Extract it first.")
        return extract_zip(path, name, workdir, depth)
    return [ArchiveMember(path, name, explicit)]


def extraction_cap(workdir: Path) -> int:
    """Bytes an archive may unpack to in ``workdir``: 8 GB or half the free space there."""
    try:
        free = shutil.disk_usage(workdir).free
    except OSError:
        return MAX_TOTAL_BYTES
    return min(MAX_TOTAL_BYTES, int(free * FREE_SHARE))


def _size(n: int) -> str:
    return f"{n / 1024**3:.1f} GB" if n >= 1024**3 else f"{n / 1024**2:.0f} MB"


def _keep_date(dest: Path, info: zipfile.ZipInfo) -> None:
    """Give an extracted member the date the archive records for it (local time)."""
    import os
    import time

    try:
        stamp = time.mktime((*info.date_time, 0, 0, -1))
        os.utime(dest, (stamp, stamp))
    except (OverflowError, ValueError, OSError):
        pass  # a date the platform cannot hold: the extraction time stays


def extract_zip(path: Path, name: str, workdir: Path, depth: int = 0) -> list[ArchiveMember]:
    """Extract a zip safely into a fresh folder under ``workdir``; returns its files.

    Every archive, nested ones included, gets its own new folder directly under
    ``workdir`` (never inside another archive's folder), so member names of one
    archive can never collide with another's.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadExport(
            f"{name} is not a readable zip archive ({exc}).", hint="Download it again."
        ) from None
    out: list[ArchiveMember] = []
    workdir.mkdir(parents=True, exist_ok=True)
    target_root = Path(tempfile.mkdtemp(prefix="zip-", dir=workdir))
    cap = extraction_cap(workdir)
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise BadExport(
                f"{name} holds {len(infos):,} files (more than {MAX_MEMBERS:,}).",
                hint="Extract it and import the folders you need.",
            )
        total = 0
        for info in sorted(infos, key=lambda i: i.filename):
            member = PurePosixPath(info.filename.replace("\\", "/"))
            if member.is_absolute() or ".." in member.parts or not member.parts:
                raise BadExport(
                    f"{name} contains an unsafe path {info.filename!r}; nothing was extracted.",
                    hint="Extract it yourself and import the files you trust.",
                )
            mode = (info.external_attr >> 16) & 0o170000
            if mode and stat.S_ISLNK(mode):
                continue  # symbolic links are never followed
            if _skipped(Path(*member.parts)):
                continue
            total += info.file_size
            if total > cap:
                raise BadExport(
                    f"{name} unpacks to more than {_size(cap)} (8 GB at most, and at most "
                    "half the free disk space).",
                    hint="Free some disk space, or extract it yourself and import its files.",
                )
            if (
                info.compress_size
                and info.file_size / info.compress_size > MAX_RATIO
                and info.file_size > 10_000_000
            ):
                raise BadExport(
                    f"{name}: {info.filename} expands {info.file_size // info.compress_size}x "
                    "(a zip bomb?).",
                    hint="Extract it yourself if you trust it.",
                )
            dest = target_root.joinpath(*member.parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, dest.open("wb") as dst:
                    written = 0
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > info.file_size + 1024:
                            raise BadExport(
                                f"{name}: {info.filename} is larger than the archive says.",
                                hint="Download the archive again.",
                            )
                        dst.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise BadExport(
                    f"{name}: cannot extract {info.filename} ({exc}).", hint="Download it again."
                ) from None
            _keep_date(dest, info)  # when it was exported: newer figures win on overlap
            out.extend(
                _expand_file(dest, f"{name}!{info.filename}", workdir, depth + 1, explicit=False)
            )
    return out
