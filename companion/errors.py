"""The one base class for problems a user must be told about (bad file, busy database, ...).

The CLI turns any of them into a one-line message and exit code 2; the UI into a message in the
window. Anything else is a bug and keeps its traceback.
"""


class CompanionError(Exception):
    """A problem with the user's input or environment; ``str()`` is the message to show."""


def shown(value: object, limit: int = 40) -> str:
    """A user's value quoted for a message, cut short when long: a message never grows with
    (or fails on) what was typed."""
    quoted = repr(str(value))
    return quoted if len(quoted) <= limit else quoted[: limit - 4] + "…" + quoted[-1]
