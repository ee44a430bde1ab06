"""The ``socialproof`` command: a root app that each command module registers into."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from socialproof import __version__
from socialproof.cli._common import STATE

# Each module defines ``register(app)``; order here is the order in --help.
COMMAND_MODULES = (
    "socialproof.cli.workspace_cmds",  # init, settings, accounts
    "socialproof.cli.ingest_cmds",  # import, imports
    "socialproof.cli.metrics_cmds",  # metrics, report
    "socialproof.cli.campaigns_cmds",  # audit, pilot
    "socialproof.cli.pilot_cmds",  # pilot new, list, report, plan, delete
    "socialproof.cli.community_cmds",  # community, sentiment, themes, moderate
    "socialproof.cli.textmodels_cmds",  # sentiment, themes, moderate (ad hoc, no workspace)
    "socialproof.cli.content_cmds",  # lint, calendar, approve, approvals
    "socialproof.cli.portfolio_cmds",  # portfolio
    "socialproof.cli.careers_cmds",  # roles, paths, profile, gap, plan, jobs, market
    "socialproof.cli.web_cmds",  # serve
    "socialproof.cli.engine_cmds",  # engine migrate, engine status
    "socialproof.cli.demo_cmds",  # demo
)


def _unchanged_by_coercion(param: Any, value: Any) -> bool:
    """An option left out (None), or its default already of the declared type."""
    if param.required or param.multiple or param.nargs == -1:
        return False  # None becomes an error or () there
    if value is None:
        return True
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    return value is param.default and type(value) is annotation


_NOT_CHEAP = object()


def _cheap_coercion(param: Any, value: Any) -> Any:
    """What typer's pydantic coercion makes of a plain text value, without pydantic.

    Only the shapes whose result is certain: text for a ``str`` parameter (as given),
    non-empty text for a ``Path`` (``Path(text)``) or ``list[Path]`` argument (a list);
    anything else (numbers, choices, empty text) returns ``_NOT_CHEAP`` and goes through
    typer. This skips typer's per-parameter pydantic adapters for the common options of
    ``socialproof import FILE --account A --workspace W`` (pydantic itself still loads for
    the settings; BENCHMARKS.md "fixed cost" gives the measured saving).
    """
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if param.multiple:
        return _NOT_CHEAP
    if param.nargs == 1:
        if annotation is str and type(value) is str:
            return value
        if annotation is Path and type(value) is str and value:
            return Path(value)
        return _NOT_CHEAP
    if (
        param.nargs == -1
        and annotation == list[Path]
        and isinstance(value, tuple)
        and value
        and all(type(v) is str and v for v in value)
    ):
        return [Path(v) for v in value]
    return _NOT_CHEAP


def _absent_values_skip_coercion() -> None:
    """Options left out or at their typed default skip typer's coercion (a no-op for them).

    Typer (0.29) builds a pydantic adapter for a parameter before coercing its value,
    even a value that comes back as it is; the first one imports pydantic, twice the
    time of importing typer. The root's options and the options of every group are
    processed before a command runs, ``CMD --help`` included, so each start paid it.
    """
    from typer.core import TyperArgument, TyperOption

    for cls in (TyperOption, TyperArgument):
        original = cls.process_value
        if getattr(original, "absent_skips_coercion", False):
            continue

        def process_value(self: Any, ctx: Any, value: Any, _original: Any = original) -> Any:
            if _unchanged_by_coercion(self, value):
                return value if self.callback is None else self.callback(ctx, self, value)
            cheap = _cheap_coercion(self, value)
            if cheap is not _NOT_CHEAP:
                return cheap if self.callback is None else self.callback(ctx, self, cheap)
            return _original(self, ctx, value)

        process_value.absent_skips_coercion = True  # type: ignore[attr-defined]
        setattr(cls, "process_value", process_value)  # noqa: B010


_absent_values_skip_coercion()

app = typer.Typer(
    name="socialproof",
    help="socialproof: measure campaigns, understand your community, publish safely, "
    "prove your results and steer your social media career, from the exports the "
    "platforms already give you.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"socialproof {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder (default: the current folder or the nearest parent "
            "holding socialproof.toml).",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print results.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    STATE.workspace = workspace
    STATE.quiet = quiet
    STATE.debug = debug or STATE.debug


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # a command group not built yet
                continue
            raise
        module.register(app)


_register_all()

_ROOT_VALUE_OPTIONS = frozenset({"--workspace", "-w"})


def _command_name(args: list[str]) -> str | None:
    """The first command word of ``args`` (after the root options), or None."""
    take_value = False
    for k, arg in enumerate(args):
        if take_value:
            take_value = False
            continue
        if arg == "--":
            return args[k + 1] if k + 1 < len(args) else None
        if arg in _ROOT_VALUE_OPTIONS:
            take_value = True
        elif arg.startswith("-"):
            # combined short flags ('-qw PATH') end in the option that takes the value
            take_value = not arg.startswith("--") and len(arg) > 2 and arg.endswith("w")
        else:
            return arg
    return None


def _placeholder() -> None:
    """Stands in for a command in the root --help (its parameters are not built)."""


def _light_app(args: list[str]) -> typer.Typer:
    """``app`` with only what these arguments need turned into click commands.

    Typer builds every command's parameters from its annotations before it runs
    anything (most of the start-up time). ``socialproof CMD ...`` builds CMD only;
    the root --help lists every command from its help text alone. Anything else
    (an unknown command, a typo) gets the full app, so click's messages and
    suggestions stay the same.
    """
    import copy
    import inspect

    name = _command_name(args)
    commands = {c.name: c for c in app.registered_commands if isinstance(c.name, str)}
    groups = {g.name: g for g in app.registered_groups if isinstance(g.name, str)}
    if len(commands) != len(app.registered_commands) or len(groups) != len(app.registered_groups):
        return app
    light = copy.copy(app)
    if name is None:  # root help (or no arguments): names and help texts only
        light.registered_commands = []
        for info in app.registered_commands:
            stub = copy.copy(info)
            if stub.help is None:
                stub.help = inspect.getdoc(info.callback)
            stub.callback = _placeholder
            light.registered_commands.append(stub)
        light.registered_groups = []
        for group in app.registered_groups:
            empty = copy.copy(group)
            if empty.typer_instance is not None:
                empty.typer_instance = copy.copy(empty.typer_instance)
                empty.typer_instance.registered_commands = []
                empty.typer_instance.registered_groups = []
            light.registered_groups.append(empty)
        return light
    if name in commands:
        light.registered_commands, light.registered_groups = [commands[name]], []
        return light
    if name in groups:
        light.registered_commands, light.registered_groups = [], [groups[name]]
        return light
    return app


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning errors into one line and an exit code."""
    from socialproof.cli._common import click_exceptions
    from socialproof.errors import SocialproofError

    cx = click_exceptions()

    if argv is None:  # the console script: this process ends with the command
        _skip_exit_collection()
    args = list(sys.argv[1:] if argv is None else argv)
    STATE.debug = "--debug" in args or os.environ.get("SOCIALPROOF_DEBUG") == "1"
    try:
        result = _light_app(args)(args=args, prog_name="socialproof", standalone_mode=False)
    except SocialproofError as exc:
        if STATE.debug:
            raise
        _error(str(exc))
        return exc.exit_code
    except cx.Exit as exc:
        return int(exc.exit_code or 0)
    except cx.Abort:
        _error("Interrupted; nothing was left half-written.")
        return 130
    except KeyboardInterrupt:
        _error("Interrupted; nothing was left half-written.")
        return 130
    except cx.ClickException as exc:
        exc.show()
        return int(exc.exit_code)
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a path the user gave that cannot be read or written
        if STATE.debug or exc.filename is None:
            if STATE.debug:
                raise
            _error(f"unexpected {type(exc).__name__}: {exc}. Re-run with --debug and report it.")
            return 1
        target = exc.filename if exc.filename2 is None else exc.filename2
        _error(
            f"Cannot use {target}: {exc.strerror or type(exc).__name__}. "
            "Check the path exists, is the right kind (file or folder) and is writable."
        )
        return 1
    except Exception as exc:  # the edge of the program: one line, never a traceback
        if STATE.debug:
            raise
        if isinstance(exc, (ValueError, OverflowError)) and _raised_in_yaml(exc):
            _error(
                f"A YAML file holds a date or time that cannot exist ({exc}). "
                "Check the dates in the YAML files this command reads (e.g. 2026-02-30, "
                "or an offset beyond 24:00)."
            )
            return 1
        _error(f"unexpected {type(exc).__name__}: {exc}. Re-run with --debug and report it.")
        return 1
    return result if isinstance(result, int) else 0


def _skip_exit_collection() -> None:
    """At exit, leave the objects alive by then out of the interpreter's last collection.

    Python's shutdown walks every object left (numpy, pyarrow, pandas, duckdb, the
    formats: about 0.1-0.2 CPU-s after an import, measured) looking for cycles to free
    just before the process ends. ``gc.freeze`` in an ``atexit`` hook (which runs
    after the command, its connections closed, and before that collection) moves them
    out of its way; the memory goes back with the process. Only for the console
    script: a test or a host calling :func:`main` keeps its collector as it was.
    """
    import atexit
    import gc

    atexit.register(gc.freeze)


def _raised_in_yaml(exc: BaseException) -> bool:
    """PyYAML builds dates while parsing and lets their ValueError out (not a YAMLError)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_next is None:
            name = tb.tb_frame.f_code.co_filename.replace("\\", "/")
            return "/yaml/" in name
        tb = tb.tb_next
    return False


def _error(message: str) -> None:
    sys.stderr.write(f"Error: {message}\n")


if __name__ == "__main__":
    raise SystemExit(main())
