"""The one base class for problems a user must be told about (bad file, busy database, ...).

The CLI turns any of them into a one-line message and exit code 2; the UI into a message in the
window. Anything else is a bug and keeps its traceback.
"""


class CompanionError(Exception):
    """A problem with the user's input or environment; ``str()`` is the message to show."""
