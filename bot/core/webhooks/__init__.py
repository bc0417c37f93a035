"""Provider webhooks read into Reports (bot.core.webhooks.report), one reader per provider."""

PROVIDERS = ("twilio", "telnyx", "bandwidth")  # the providers whose webhooks we read
