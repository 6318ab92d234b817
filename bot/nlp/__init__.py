"""Language detection, sentence splitting, summaries and key quotes."""

from bot.nlp.language import detect_language

__all__ = ["detect_language"]
