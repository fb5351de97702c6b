"""Fetching, parsing, poll scheduling and OPML: everything about feeds before storage.

Import from the modules (`monitor.feeds.fetch`, `.parse`, `.schedule`, `.opml`). This
package imports nothing itself, so a parse worker process never loads aiohttp.
"""
