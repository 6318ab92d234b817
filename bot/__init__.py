"""briefbot: a Discord bot for policy briefings."""

__version__ = "0.1.0"
