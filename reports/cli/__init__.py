"""The ``mitchell`` command line: one module per command (``verilog``, ``sim``, ``prove``,
``error``, ``area``, ``export``, ``apply``, ``report``, ``sweep``, ``pick``), each with
``add_arguments(parser)`` and ``run(args) -> int``; the options they share are in
:mod:`~mitchell.reports.cli.options`. This module assembles the parser and maps errors to exit
statuses."""
import argparse
import os
import signal
import sys

from ...sim.files import OutputError, guarded_stdout
from ...sim.pool import Terminated, terminate_as_interrupt
from ...sim.toolchain import ToolFailed, ToolMissing
from . import apply, area, error, export, pick, prove, report, sim, sweep, verilog
from .options import UsageError

COMMANDS = {"verilog": verilog, "sim": sim, "prove": prove, "error": error, "area": area,
            "export": export, "apply": apply, "report": report, "sweep": sweep,
            "pick": pick}


class Parser(argparse.ArgumentParser):
    """argparse with its errors on one line, as every other error (argparse prints the usage
    block first), and unrecognised options reported by the subcommand they were given to."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def add_subparsers(self, **kwargs):
        self.commands = super().add_subparsers(**kwargs)
        return self.commands

    def parse_args(self, args=None, namespace=None) -> argparse.Namespace:
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            commands = getattr(self, "commands", None)
            command = commands.choices[getattr(namespace, commands.dest)] if commands else self
            command.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace


def parser(command: str | None) -> Parser:
    """The command line's parser, with the options of ``command`` only (the one that runs, if
    any): the other commands are listed, and their options, whose help and types import what
    they name, are left unbuilt."""
    root = Parser(
        prog="mitchell", description="Mitchell's logarithmic multiplier as a real circuit.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        subparser = commands.add_parser(name, help=module.HELP, description=module.DESCRIPTION)
        if name == command:
            module.add_arguments(subparser)
            subparser.set_defaults(run=module.run)
    return root


# Exit statuses by exception: bad input and missing tools are the user's to fix (2), a tool that
# ran and failed has its own status (3) and message; a failed check returns 1 from its command.
EXIT_STATUS = ((UsageError, 2), (OutputError, 2), (ToolMissing, 2), (ToolFailed, 3))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # The first word that is not an option names the command (mitchell's own options are -h).
    args = parser(next((word for word in argv if not word.startswith("-")), None)).parse_args(argv)
    try:
        with terminate_as_interrupt(), guarded_stdout():
            return args.run(args)
    except tuple(error for error, _ in EXIT_STATUS) as error:
        print(f"mitchell {args.command}: error: {error}", file=sys.stderr)
        return next(status for kind, status in EXIT_STATUS if isinstance(error, kind))
    except Terminated:
        print(f"mitchell {args.command}: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print(f"mitchell {args.command}: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
