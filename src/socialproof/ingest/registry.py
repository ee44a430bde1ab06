"""One registry of export formats: built-in and third-party, loaded lazily.

Formats come from the ``socialproof.formats`` entry point group. An entry
point loads to a callable (or a list) giving Format classes, instances or
``"module:Class"`` strings; the built-in formats are one such entry
(``socialproof.ingest.formats:builtin_formats``). A built-in module that is
missing is skipped, so a partly built package still imports what it can.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from socialproof.errors import SocialproofError, UnknownFormat, UsageError
from socialproof.ingest.base import Format

if TYPE_CHECKING:
    from socialproof.ingest.base import Source

ENTRY_POINT_GROUP = "socialproof.formats"
MIN_CONFIDENCE = 0.5  # below this a detection is not trusted


class Registry:
    """Format instances by name, in registration order."""

    def __init__(self) -> None:
        self._formats: dict[str, Format] = {}
        self._loaded = False
        self.load_errors: list[str] = []

    # -- registration -------------------------------------------------------
    def register(self, fmt: Format | type[Format]) -> Format:
        instance = fmt() if isinstance(fmt, type) else fmt
        name = getattr(instance, "name", None)
        if not isinstance(instance, Format) or not name:
            raise UsageError(
                f"{fmt!r} is not a socialproof Format (it needs a name).",
                hint="Subclass socialproof.ingest.base.Format and set name, label and tables.",
            )
        self._formats[name] = instance
        return instance

    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        from socialproof.plugins import entry_points

        eps = entry_points(ENTRY_POINT_GROUP)
        if not any(ep.value.startswith("socialproof.ingest.formats") for ep in eps):
            # running from a source tree without installed metadata
            from socialproof.ingest.formats import builtin_formats

            self._add_all(builtin_formats(), "builtin")
        for ep in sorted(eps, key=lambda e: (not e.value.startswith("socialproof."), e.name)):
            try:
                target = ep.load()
            except Exception as exc:  # a broken plugin must not break imports
                self.load_errors.append(f"{ep.name}: {type(exc).__name__}: {exc}")
                continue
            items = target() if callable(target) and not isinstance(target, type) else target
            self._add_all(items, ep.name)

    def _add_all(self, items: Any, origin: str) -> None:
        if isinstance(items, (Format, type, str)):
            items = [items]
        for item in items if isinstance(items, Iterable) else []:
            try:
                self.register(_resolve(item))
            except ModuleNotFoundError as exc:
                module = str(item).partition(":")[0]
                if (
                    isinstance(item, str)
                    and module.startswith("socialproof.")
                    and exc.name == module
                ):
                    continue  # a built-in format not in this build
                self.load_errors.append(f"{item}: {exc}")
            except Exception as exc:
                self.load_errors.append(f"{item}: {type(exc).__name__}: {exc}")

    # -- lookup ---------------------------------------------------------------
    def all(self) -> list[Format]:
        self._ensure_loaded()
        return list(self._formats.values())

    def names(self) -> list[str]:
        return [f.name for f in self.all()]

    def get(self, name: str) -> Format:
        self._ensure_loaded()
        key = name.strip().lower()
        for fmt in self._formats.values():
            if fmt.name.lower() == key:
                return fmt
        import difflib

        close = difflib.get_close_matches(key, list(self._formats), n=1)
        hint = f"Did you mean '{close[0]}'? " if close else ""
        raise UsageError(
            f"Unknown format '{name}'.",
            hint=f"{hint}'socialproof formats' lists the formats.",
        )

    def detect(self, source: Source) -> list[tuple[Format, float]]:
        """Every format's confidence for ``source``, best first (zero scores left out)."""
        scores: list[tuple[Format, float]] = []
        for fmt in self.all():
            if source.kind not in fmt.kinds:
                continue
            try:
                score = float(fmt.detect(source))
            except _NOT_RECOGNISED:  # the file's content does not fit this format
                score = 0.0
            except Exception as exc:
                if _is_builtin(fmt):
                    raise  # a bug in our own detection: shown as a bug (details with --debug)
                # a third-party format's bug must not hide the file from the others
                self.load_errors.append(f"{fmt.name}: detect failed: {type(exc).__name__}: {exc}")
                score = 0.0
            if score > 0:
                scores.append((fmt, min(score, 1.0)))
        scores.sort(key=lambda p: -p[1])
        return scores

    def choose(self, source: Source) -> tuple[Format, float]:
        """The best format for ``source``, or UnknownFormat naming the closest one."""
        scores = self.detect(source)
        if scores and scores[0][1] >= MIN_CONFIDENCE:
            return scores[0]
        raise self.unknown(source, scores)

    def closest(self, source: Source) -> tuple[Format, list[str]] | None:
        """The format ``source`` comes closest to (and the required columns it lacks), as
        the "closest: ..." of an unrecognised file names it; None when none comes close."""
        return _closest(source, self.all(), self.detect(source))

    def unknown(self, source: Source, scores: list[tuple[Format, float]]) -> UnknownFormat:
        closest = _closest(source, self.all(), scores)
        hint = (
            f"{UNKNOWN_HINT_START} ('socialproof formats' lists them), or start a --mapping "
            f"file with: socialproof mapping new '{source.display_name}'."
        )
        if closest is None:
            return UnknownFormat(
                f"{source.display_name}: no known format recognises its columns.", hint=hint
            )
        fmt, missing = closest
        what = f" (missing: {', '.join(missing)})" if missing else ""
        return UnknownFormat(
            f"{source.display_name}: no known format recognises its columns; "
            f"closest: {fmt.label}{what}.",
            hint=hint,
        )


#: The start of the terminal's hint for a file no format recognises (a page that offers its
#: own controls for the same choices cuts the message here).
UNKNOWN_HINT_START = "Pass --format NAME"

#: platform -> what names it in a file: words in headers and titles, domains in cells
_PLATFORM_EVIDENCE: dict[str, str] = {
    "meta": r"\b(?:fb|facebook|instagram|ig|meta|page|reels?|ad ?set|amount spent)\b|"
    r"facebook\.com|instagram\.com|fb\.(?:com|me)",
    "tiktok": r"\btiktok\b|tiktok\.com",
    "linkedin": r"\blinkedin\b|linkedin\.com|lnkd\.in",
    "x": r"\b(?:tweets?|twitter|retweets?|reposts?)\b|twitter\.com|x\.com/",
    "youtube": r"\byoutube\b|youtube\.com|youtu\.be",
}
_FORMAT_PLATFORM = (
    ("meta-", "meta"),
    ("facebook-", "meta"),
    ("instagram-", "meta"),
    ("business-suite", "meta"),
    ("tiktok-", "tiktok"),
    ("linkedin-", "linkedin"),
    ("x-", "x"),
    ("youtube", "youtube"),
)


def _platform_evidence(source: Source) -> dict[str, int]:
    """How many headers, title lines and cells (first rows) name each platform."""
    import re

    texts: list[str] = []
    for frame in source.frames[:8]:
        texts.extend(frame.header)
        texts.extend(frame.title_lines)
        for row in frame.data.slice(0, 20).to_pylist():
            texts.extend(str(v) for v in row.values() if v)
    joined = [t.casefold().replace("_", " ") for t in texts]
    return {
        platform: sum(bool(re.search(pattern, t)) for t in joined)
        for platform, pattern in _PLATFORM_EVIDENCE.items()
    }


#: within a platform, words that point at one of its formats (ads vs posts)
_FORMAT_WORDS: dict[str, str] = {
    "meta-ads": r"\b(?:ads?|campaign|spent|spend|ad set|conversions?|cpc|cpm|ctr|results?)\b",
    "meta-posts": r"\b(?:post|posts|permalink|publish(?:ed)?|caption|saves)\b",
}


def _format_words(fmt: Format, source: Source) -> int:
    import re

    pattern = _FORMAT_WORDS.get(fmt.name)
    if pattern is None:
        return 0
    headers = [h.casefold().replace("_", " ") for f in source.frames for h in f.header]
    return sum(bool(re.search(pattern, h)) for h in headers)


def _platform_of(fmt: Format) -> str | None:
    return next((p for prefix, p in _FORMAT_PLATFORM if fmt.name.startswith(prefix)), None)


def _closest(
    source: Source, formats: list[Format], scores: list[tuple[Format, float]]
) -> tuple[Format, list[str]] | None:
    """The format with the best score, else the one whose platform the file names most
    (headers, ids, links), else the fewest missing required columns."""
    best: tuple[Format, list[str]] | None = None
    best_key: tuple[float, int, float, int] | None = None
    score_of = {f.name: s for f, s in scores}
    evidence = _platform_evidence(source)
    for fmt in formats:
        if not fmt.required or source.kind not in fmt.kinds:
            continue
        try:
            missing = fmt.missing(source)
        except Exception:  # noqa: S112 - a format that cannot say is not the closest
            continue
        found = max(0, len(fmt.required) - len(missing))
        named = evidence.get(_platform_of(fmt) or "", 0)
        if found <= 0 and not score_of.get(fmt.name) and not named:
            continue
        words = _format_words(fmt, source) if named else 0
        key = (score_of.get(fmt.name, 0.0), named, found / len(fmt.required), words)
        if best_key is None or key > best_key:
            best, best_key = (fmt, missing), key
    return best


#: Errors that mean "this file is not in my format", not a bug in the format's code.
_NOT_RECOGNISED: tuple[type[Exception], ...] = (
    SocialproofError,
    UnicodeError,
    ValueError,  # includes csv/number/date parsing errors
    OverflowError,
)


def _is_builtin(fmt: Format) -> bool:
    return type(fmt).__module__.startswith("socialproof.")


def _resolve(item: Any) -> Format | type[Format]:
    if isinstance(item, str):
        module, _, attr = item.partition(":")
        obj = getattr(importlib.import_module(module), attr)
        return obj  # type: ignore[no-any-return]
    return item  # type: ignore[no-any-return]


_REGISTRY: Registry | None = None


def registry() -> Registry:
    """The process-wide registry."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = Registry()
    return _REGISTRY


def get(name: str) -> Format:
    return registry().get(name)


def detect(source: Source) -> list[tuple[Format, float]]:
    return registry().detect(source)


def all_formats() -> list[Format]:
    return registry().all()
