"""Subcommands of the `conformance` program, one module each.

A module here defines `register(subparsers)`, which adds its parser and sets
`handler` to a function taking the parsed arguments and returning an exit code.
To add a command, write its module and add its name to COMMANDS.
"""

COMMANDS = ("inspect", "diff", "init")
