"""The kinds of job: who may start each, what it checks first and what it runs.

Features may add their own kinds with register() (an announcement's job is communications').
Runners take (job, actor, report) and return the result file as (filename, mimetype, bytes) or None;
report(done, total) records progress. They call the features' own services: a job is one more entry
point to a use case, like a page or a command.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l

from ..errors import ValidationError


@dataclass(frozen=True)
class Kind:
    name: str
    label: object  # lazy string
    permission: str
    run: Callable
    startable: bool = True  # organisers start it from a page (else only the worker does)
    check: Callable = lambda forum, params: None
    page: Callable | None = None  # page(job) -> the URL of what the job is about (an announcement)


def _check_badges(forum, params) -> None:
    if forum is None:
        raise ValidationError(_l("Badges belong to a forum."))
    if params.get("layout", "a6") not in ("a6", "a4"):
        raise ValidationError(_l("Layout must be a6 or a4."), field="layout")


def _run_badges(job, actor, report):
    from ..attendees.badges import forum_badge_count, forum_badges_pdf

    total = forum_badge_count(job.forum)
    report(0, total)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        report(done, total)

    layout = job.params.get("layout", "a6")
    options = {"chunk": int(job.params["chunk"])} if job.params.get("chunk") else {}
    pdf = forum_badges_pdf(actor, job.forum, layout=layout, progress=step, **options)
    return f"{job.forum.slug}-badges-{layout}.pdf", "application/pdf", pdf


def _check_recommendations(forum, params) -> None:
    if forum is None:
        raise ValidationError(_l("Recommendations belong to a forum."))


def _run_recommendations(job, actor, report):
    from ..matchmaking.batch import write_recommendations

    out = io.StringIO()
    # Outside a request the reasons are worded in English, as the command words them.
    people, _solutions, _seconds = write_recommendations(actor, job.forum, int(job.params.get("k", 10)), out)
    report(people, people)
    return f"{job.forum.slug}-recommendations.csv", "text/csv", ("\ufeff" + out.getvalue()).encode("utf-8")


def _check_catalogue(forum, params) -> None:
    if forum is None:
        raise ValidationError(_l("The catalogue belongs to a forum."))


def _document_steps(report):
    """A document job's progress in PDF_STEPS steps (the HTML made, laid out, written)."""
    from ..pdf import PDF_STEPS

    report(0, PDF_STEPS)
    return lambda step: report(step, PDF_STEPS)


def _run_catalogue(job, actor, report):
    from ..exhibitors.documents import catalogue

    return f"{job.forum.slug}-catalogue.pdf", "application/pdf", catalogue(job.forum, _document_steps(report))


def _check_pilot_report(forum, params) -> None:
    if params.get("lang") not in ("en", "zh"):
        raise ValidationError(_l("The report is in English or Chinese."), field="lang")


def _run_pilot_report(job, actor, report):
    from ..pilots.dashboard import figures
    from ..pilots.export import report_pdf

    lang = job.params["lang"]
    steps = _document_steps(report)
    pdf = report_pdf(figures(actor, job.forum), "zh_Hant_HK" if lang == "zh" else "en", steps)
    return f"pilot-report-{job.forum.slug if job.forum else 'series'}-{lang}.pdf", "application/pdf", pdf


def _run_follow_ups(job, actor, report):
    from ..db import HK, utcnow
    from ..pilots.followups import send_all_due

    sent = send_all_due(actor, utcnow().astimezone(HK).date())  # pilots' owners and meetings' participants
    asked = len(sent["pilots"]) + len(sent["meetings"])
    report(asked, asked)
    return None


def _run_retention_purge(job, actor, report):
    from ..privacy.erasure import purge_expired

    purged = purge_expired(actor)  # [(forum slug, attendees anonymised)]; a second run finds nothing
    report(len(purged), len(purged))
    return None


def _not_run(job, actor, report):  # mail deliveries are huey tasks of their own; the row only reports
    raise ValidationError("mail jobs are delivered by the deliver_mail task")


KINDS = {k.name: k for k in (
    Kind("badges", _l("Badges (PDF)"), "attendee.manage", _run_badges, check=_check_badges),
    Kind("recommendations", _l("Recommendations (CSV)"), "recommendation.batch", _run_recommendations,
         check=_check_recommendations),
    Kind("catalogue", _l("Exhibitor catalogue (PDF)"), "directory.view", _run_catalogue, check=_check_catalogue),
    Kind("pilot_report", _l("Pilot report (PDF)"), "pilot.dashboard", _run_pilot_report, check=_check_pilot_report),
    Kind("follow_ups", _l("Six-month pilot follow-ups"), "pilot.edit", _run_follow_ups, startable=False),
    Kind("retention_purge", _l("Retention purge"), "privacy.purge", _run_retention_purge, startable=False),
    Kind("mail", _l("Mail delivery"), "job.view", _not_run, startable=False),
)}


def get(name: str) -> Kind | None:
    return KINDS.get(name)


def register(kind: Kind) -> None:
    """A feature adds a kind of its own (communications: announcements) from its init_app."""
    KINDS[kind.name] = kind


def page(job) -> str | None:
    kind = KINDS.get(job.kind)
    return kind.page(job) if kind and kind.page and job.forum is not None else None


def label(name: str) -> str:
    kind = KINDS.get(name)
    return str(kind.label) if kind else name
