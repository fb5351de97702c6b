"""Events as JSON objects in the schema of the evaluation set."""

from __future__ import annotations

from monitor.model import Event


def event_to_json(event: Event) -> dict[str, object]:
    """kind, country, counterpart, value, unit, qualifier, status, evidence, period, confidence."""
    figure = event.figure
    return {
        "kind": event.kind.value,
        "country": event.country,
        "counterpart": event.counterpart,
        "value": figure.value if figure else None,
        "unit": figure.unit if figure else None,
        "qualifier": figure.qualifier.value if figure else None,
        "status": event.status.value if event.status else None,
        "evidence": event.evidence,
        "period_start": event.period_start.isoformat() if event.period_start else None,
        "period_end": event.period_end.isoformat() if event.period_end else None,
        "confidence": round(event.confidence, 2),
    }
