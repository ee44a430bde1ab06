"""One error hierarchy for the whole package.

Every error says what happened and what to do next. Each class also inherits
the matching builtin so library users can catch what they expect
(``except ValueError``). The CLI turns these into one ``Error: ...`` line and an
exit code; the web app maps them to HTTP statuses via ``http_status``.
"""

from __future__ import annotations


class SocialproofError(Exception):
    """Base class of every error socialproof raises on purpose."""

    exit_code: int = 1
    http_status: int = 400

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message} {hint}")

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message} {self.hint}"


class UsageError(SocialproofError, ValueError):
    """A flag, argument or combination of them that cannot work."""

    exit_code = 2
    http_status = 422


class NeedsForce(UsageError):
    """An action that would take more than the user may expect; it needs an explicit force."""

    http_status = 409


class EditedElsewhere(SocialproofError):
    """A file changed since an editor (a browser tab) opened it: saving would overwrite it."""

    http_status = 409


class NotFound(SocialproofError, LookupError):
    """Something the user named does not exist (a file, a role, a pilot, ...)."""

    http_status = 404


class FileMissing(NotFound, FileNotFoundError):
    """A path that does not exist."""


class WorkspaceNotFound(NotFound):
    """No workspace in this folder or any parent, and no --workspace given."""


class WorkspaceError(SocialproofError, OSError):
    """The workspace cannot be read or written (permissions, corruption)."""

    http_status = 500


class WorkspaceBusy(WorkspaceError):
    """Another socialproof process holds the workspace for writing."""

    http_status = 409


class SettingsError(SocialproofError, ValueError):
    """socialproof.toml (or another settings file) is invalid."""


class BadInput(SocialproofError, ValueError):
    """User-supplied content (a file, YAML, text) that cannot be used as given."""


class BadExport(BadInput):
    """An export file that cannot be read as the format it claims or seems to be."""


class NotText(BadExport):
    """A file read as text holds binary content (an image, a database, ...)."""


class UnknownFormat(BadExport):
    """No registered format recognises the file's columns."""


class NoAccount(BadInput):
    """A file does not say whose data it holds and the workspace cannot tell (--account)."""

    deferrable: bool = False  # other files of the same run may still name the account


class NoData(SocialproofError, LookupError):
    """The workspace holds nothing for what was asked (say what to import)."""

    http_status = 404


class MissingExtra(SocialproofError, ImportError):
    """An optional dependency is not installed; the message names the extra."""

    http_status = 501

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"This needs {package}, which is not installed.",
            hint=f"Install it with: pip install 'socialproof[{extra}]'",
        )


class IntegrityError(SocialproofError, ValueError):
    """A tamper-evident record (the approvals log) does not verify."""

    http_status = 409
