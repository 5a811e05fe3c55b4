"""What exhibitors, organisers and HA staff should do next about exhibitors (home page)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..home.next_steps import Step, step


@step("exhibitor")
def _exhibitor_steps(user, forum):
    from .applications import application_of, is_open
    from .companies import own_company

    if user.company_id is None:
        return []
    company = own_company(user)
    out = []
    if not company.solutions:
        out.append(Step(_l("Add your first solution"), url_for("exhibitors.new_solution"),
                        _l("Describe what you will show HA: title, summary, themes, maturity.")))
    if forum is not None:
        application = application_of(forum, company.id)
        if application is None and is_open(forum):
            out.append(Step(_l("Apply to exhibit at the forum"), url_for("exhibitors.apply", forum=forum.slug),
                            _l("Choose your solutions, booth needs and staff; you may request a stage demo.")))
        elif application is not None:
            out.append(Step(_l("Follow your application"),
                            url_for("exhibitors.application", application_id=application.id)))
    return out


@step("admin", "organiser")
def _organiser_steps(user, forum):
    if forum is None:
        return []
    return [Step(_l("Review exhibitor applications"), url_for("exhibitors.review", forum=forum.slug),
                 _l("Approve, waitlist or decline; assign booths; choose the stage demos."))]


@step("ha_staff", "partnership")
def _directory_steps(user, forum):
    if forum is None:
        return []
    return [Step(_l("Browse the exhibitors"), url_for("exhibitors.directory", forum=forum.slug),
                 _l("Search their solutions in English or Chinese."))]
