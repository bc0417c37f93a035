"""Cards: pure functions from catalog entries to what people read (text or Block Kit)."""
