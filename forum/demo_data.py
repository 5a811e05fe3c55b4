"""The demo's shared names: sign-ins, the demo company and the loader's summary.

Feature demo parts import these; this module imports no feature, so forum/demo.py can list the
parts in order without an import cycle.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .forums.models import Forum

DEMO_PASSWORD = "demo-forum-2026"
DEMO_USERS = [
    # role, email, English name, Chinese name
    ("admin", "admin@forum.example", "Alex Lam", "林志明"),
    ("organiser", "organiser@forum.example", "Winnie Cheung", "張慧敏"),
    ("scanner", "scanner@forum.example", "Kelvin Ho", "何家俊"),
    ("exhibitor", "exhibitor@forum.example", "Joyce Wong", "黃卓儀"),
    ("ha_staff", "ha.staff@forum.example", "Dr Raymond Chan", "陳國強醫生"),
    ("partnership", "partnership@forum.example", "Grace Leung", "梁嘉欣"),
]
DEMO_COMPANY = ("CareFlow Robotics Limited", "康流機械人有限公司")


@dataclass
class DemoSummary:
    forum: "Forum | None" = None
    counts: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"Demo forum: {self.forum.slug} ({self.forum.title_en})"] if self.forum else []
        out += [f"  {name}: {count}" for name, count in self.counts.items()]
        return out
