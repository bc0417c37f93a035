"""Detect: a message's text -> the SMS error codes and names written in it, without false alarms.

Pure: the Slack app calls `detect(text, providers=channel_providers)`, `smserror detect` calls
it per line, and neither the catalog nor the text is changed.
"""

from bot.core.detect.detector import Detector, default_detector, detect, might_hold_a_code
from bot.core.detect.match import Match

__all__ = ["Detector", "Match", "default_detector", "detect", "might_hold_a_code"]
