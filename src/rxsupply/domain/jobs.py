"""A planning run in the background, as its page and endpoint show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PlanningJob:
    """Where a background planning run is: ``status`` running, done or failed; ``stage``
    what it is doing; ``progress`` from 0 to 1; ``message`` the summary or the error."""

    id: int
    started_at: datetime
    started_by: str
    status: str
    stage: str
    progress: float
    message: str
    updated_at: datetime
    finished_at: datetime | None = None
    series: int | None = None
    proposed: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "status": self.status,
            "stage": self.stage,
            "progress": round(self.progress, 4),
            "message": self.message,
            "started_at": self.started_at.isoformat(),
            "started_by": self.started_by,
            "updated_at": self.updated_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "series": self.series,
            "proposed": self.proposed,
        }
