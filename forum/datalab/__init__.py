"""The HKSP-HA Data Lab (docs/datalab.md)."""


def init_app(app) -> None:
    """The lab's door is a check-in point of kind "data lab": the check-in's scanner page and API serve
    it, and its scans are judged here, by the lab's pass rules (door.judge)."""
    from ..checkin import permissions as _checkin  # noqa: F401  (checkin.point exists before the kind adds to it)
    from ..checkin.kinds import PointRules, register
    from ..checkin.models import PointKind
    from . import door
    from . import permissions as _permissions  # noqa: F401  (datalab.staff exists before the kind names it)

    register(PointKind.data_lab, PointRules(permission="datalab.staff", judge=door.judge,
                                            code_pattern=door.CODE_PATTERN, words=door.SCANNER_WORDS))
