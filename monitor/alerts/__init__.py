"""Alert rendering (`render`), rate limiting (`digest`) and delivery through apprise (`send`).

`alerts/` never reads the store or the settings: the caller (the send job) passes
changes, target URLs and limits in, and records the results it gets back. The package
imports nothing itself, so rendering a figure for a table does not load apprise.
"""
