"""Event detection: a news entry's text to typed events. Pure functions, no I/O, no clock.

detect(title, summary, published) -> Detection
explain(title, summary, published) -> tuple[Explanation, ...]
event_to_json(event) -> dict
"""

from monitor.detect.detector import Detection, Explanation, detect, explain, merge_findings
from monitor.detect.numbers import parse_number
from monitor.detect.serialize import event_to_json

__all__ = [
    "Detection",
    "Explanation",
    "detect",
    "event_to_json",
    "explain",
    "merge_findings",
    "parse_number",
]
