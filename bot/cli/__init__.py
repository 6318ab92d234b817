"""The ``briefbot`` command line: run the bot, manage the archive, try it offline.

Exit status follows the convention: 0 success, 1 the operation failed (nothing
found, some items rejected, the database refused), 2 bad usage or configuration.
The commands live by concern in the modules beside this one; ``main`` is the entry point.
"""

from bot.cli._main import main

__all__ = ["main"]
