"""Run a bot entry point as a real process against a fake Discord.

    python -m tests.fakediscord.launch --base-url http://127.0.0.1:PORT -- bot.cli:main run --config x.toml

patches discord.py (see :mod:`tests.fakediscord.patch`; the process's pid goes in its
User-Agent, so the fake can tell launched processes apart), puts the remaining arguments in
``sys.argv`` and calls the entry point; a coroutine function is run with ``asyncio.run``.
The exit status is the entry point's return value (an ``int``) or 0. ``FakeDiscord.launch_command``
builds this command line; run it with the repository root as the working directory.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import sys

from . import patch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakediscord.launch")
    parser.add_argument("--base-url", required=True, help="the fake's base URL, e.g. http://127.0.0.1:8123")
    parser.add_argument("entry_point", help="module:function to call, e.g. bot.cli:main")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the entry point")
    ns = parser.parse_args(argv)
    patch.apply(ns.base_url)
    patch.tag_process()
    module_name, _, func_name = ns.entry_point.partition(":")
    func = getattr(importlib.import_module(module_name), func_name or "main")
    args = ns.args[1:] if ns.args[:1] == ["--"] else ns.args
    sys.argv = [ns.entry_point, *args]
    result = func()
    if inspect.isawaitable(result):
        result = asyncio.run(result)  # type: ignore[arg-type]
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
