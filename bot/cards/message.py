"""A message ready to send: Block Kit blocks plus the fallback text Slack needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    text: str  # fallback: notifications, screen readers, clients without blocks
    blocks: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def kwargs(self) -> dict[str, Any]:
        """Arguments for chat.postMessage / postEphemeral / respond; our links never unfurl."""
        return {
            "text": self.text,
            "blocks": list(self.blocks),
            "unfurl_links": False,
            "unfurl_media": False,
        }
