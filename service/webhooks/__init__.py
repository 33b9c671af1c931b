"""Webhook delivery: Standard Webhooks signing, the retry policy, the SSRF guard and the HTTP sender.

These modules hold no database code: `signing` and `policy` are pure functions, `network` checks targets, and
`sender` is the `WebhookSender` adapter that puts one signed request on the wire.
"""
