"""What a connector hands the monitor: batches of records, edits, deletions and the cursor after them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from webmap.ingest.readers import ReadItem
from webmap.ingest.revisions import Deletion, Revision

__all__ = ["Batch", "Deletion", "Revision"]


@dataclass(slots=True)
class Batch:
    """Records to store and the cursor that holds once they are committed."""

    items: list[ReadItem] = field(default_factory=list)
    cursor: dict[str, Any] = field(default_factory=dict)
    revisions: list[Revision] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)
    skipped: int = 0
