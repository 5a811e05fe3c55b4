"""Bookmark pages: the buttons' target, "My bookmarks" across forums, one bookmark's details, exports."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..errors import DomainError, NotFound
from ..extensions import db
from ..form_actions import submit
from ..safe_redirects import safe_next
from ..forums.models import ForumStatus
from ..forums.services import visible_forum
from ..home.next_steps import Step, step
from ..permissions import requires
from . import bookmarks, exports
from .forms import BookmarkForm

bp = Blueprint("matchmaking", __name__)



@step("ha_staff", "admin", order=30)
def _bookmark_steps(user, forum):
    if forum is None or forum.status == ForumStatus.draft:
        return []
    return [Step(_l("Bookmark what you want to follow up"), url_for("exhibitors.directory", forum=forum.slug),
                 _l("From the directory, or scan a booth's QR poster with your phone.")),
            Step(_l("Scan a booth poster"), url_for("matchmaking.scan_booth"))]


@step("partnership", order=30)
def _partnership_steps(user, forum):
    if forum is None or forum.status == ForumStatus.draft:
        return []
    return [Step(_l("See the strongest startup-site pairs"), url_for("matchmaking.pairs", forum=forum.slug),
                 _l("Candidate sites named in bookmarks, and interest from the people who work there."))]


@step("exhibitor", order=60)
def _exhibitor_steps(user, forum):
    if forum is None or forum.status == ForumStatus.draft or user.company_id is None:
        return []
    return [Step(_l("See the HA people and departments to meet"), url_for("matchmaking.meet", forum=forum.slug))]


def _forum(ref: str):
    """The forum of a matchmaking page: a draft only for those who manage forums (forums.permissions.may_see)."""
    return visible_forum(current_user, ref)


@bp.route("/forums/<forum>/bookmarks", methods=["POST"])
@requires("bookmark.own")
def add(forum: str):
    """The bookmark buttons (directory, solution page, booth page): one tap, then the bookmark's page."""
    forum = _forum(forum)
    back = safe_next(request.form.get("next"), url_for("exhibitors.directory", forum=forum.slug))
    try:
        bookmark, created = bookmarks.add_bookmark(
            current_user, forum, solution_id=request.form.get("solution") or None,
            booth=request.form.get("booth") or None, company_id=request.form.get("exhibitor") or None)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    bookmark_id = bookmark.id  # read before the commit: another device may remove it right after
    db.session.commit()
    flash(_("Bookmarked.") if created else _("Already in your bookmarks."), "success")
    return redirect(url_for("matchmaking.show", bookmark_id=bookmark_id, next=back))


@bp.route("/scan-booth")
@requires("bookmark.own")
def scan_booth():
    """The phone camera reads a booth poster's QR and opens the booth page (for phones without a QR reader)."""
    return render_template("matchmaking/booth_scan.html")


@bp.route("/bookmarks/<int:bookmark_id>", methods=["GET", "POST"])
@requires("bookmark.own")
def show(bookmark_id: int):
    """One bookmark: its note, interest and candidate site, and what to look at next."""
    bookmark = bookmarks.get_bookmark(current_user, bookmark_id)
    form = BookmarkForm(obj=bookmark if request.method == "GET" else None)
    if request.method == "GET":
        form.interest.data = bookmark.interest.value
        form.site_id.data = str(bookmark.site_id or "")
    form.site_id.choices = [("", _("No site yet"))] + [(str(s.id), s.display_name if not _zh() else
                                                        (s.name_zh or s.name_en))
                                                       for s in bookmarks.candidate_sites()]
    done = submit(form, lambda: bookmarks.update_bookmark(current_user, bookmark.id, {
                      "interest": form.interest.data, "note": form.note.data, "site_id": form.site_id.data or None}),
                  success=_("Saved."), to=url_for("matchmaking.show", bookmark_id=bookmark.id))
    if done:
        return done
    from .recommendations import for_person

    recommendations = for_person(current_user, bookmark.forum, k=5)
    return render_template("matchmaking/bookmark.html", bookmark=bookmark, form=form, forum=bookmark.forum,
                           recommendations=recommendations,
                           back=safe_next(request.args.get("next"), url_for("matchmaking.my_bookmarks")))


def _zh() -> bool:
    from ..i18n import is_chinese

    return is_chinese()


@bp.route("/bookmarks/<int:bookmark_id>/delete", methods=["POST"])
@requires("bookmark.own")
def delete(bookmark_id: int):
    bookmarks.remove_bookmark(current_user, bookmark_id)
    db.session.commit()
    flash(_("Removed from your bookmarks."), "info")
    return redirect(safe_next(request.form.get("next"), url_for("matchmaking.my_bookmarks")))


@bp.route("/my/bookmarks")
@requires("bookmark.own")
def my_bookmarks():
    rows = bookmarks.my_bookmarks(current_user)
    booths = bookmarks.booth_codes_for(rows)
    return render_template("matchmaking/my_bookmarks.html", rows=rows, booths=booths,
                           interest_labels=exports.INTEREST_LABELS)


@bp.route("/my/bookmarks.csv")
@requires("bookmark.own")
def my_bookmarks_csv():
    return Response(exports.bookmarks_csv(current_user), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="my-bookmarks.csv"'})


@bp.route("/my/bookmarks.pdf")
@requires("bookmark.own")
def my_bookmarks_pdf():
    return Response(exports.bookmarks_pdf(current_user), mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="my-bookmarks.pdf"'})


# --- recommendations ---------------------------------------------------------------------------------

def _current():
    from ..forums.services import current_forum

    forum = current_forum()
    if forum is None:
        raise NotFound(_l("No forum is open yet."))
    return forum


@bp.route("/forums/<forum>/recommendations")
@requires("recommendation.own")
def recommendations(forum: str):
    from .recommendations import for_person

    forum = _forum(forum)
    return render_template("matchmaking/recommendations.html", forum=forum,
                           recommendations=for_person(current_user, forum, k=10))


@bp.route("/meet")
@requires("lead.manage")
def meet_current():
    return redirect(url_for("matchmaking.meet", forum=_current().slug))


@bp.route("/forums/<forum>/meet")
@requires("lead.manage")
def meet(forum: str):
    """For an exhibitor: the HA departments and people to meet at this forum."""
    from .recommendations import for_exhibitor

    forum = _forum(forum)
    if current_user.company is None:
        raise NotFound(_l("Your account is not linked to a company."))
    people, departments = for_exhibitor(current_user, forum, current_user.company)
    return render_template("matchmaking/meet.html", forum=forum, people=people, departments=departments)


@bp.route("/pairs")
@requires("recommendation.pairs")
def pairs_current():
    return redirect(url_for("matchmaking.pairs", forum=_current().slug))


@bp.route("/forums/<forum>/pairs")
@requires("recommendation.pairs")
def pairs(forum: str):
    """For the partnership team: the strongest startup-to-site pairs."""
    from .recommendations import site_pairs

    from .leads import connection_requests

    forum = _forum(forum)
    return render_template("matchmaking/pairs.html", forum=forum, pairs=site_pairs(current_user, forum),
                           requests=connection_requests(current_user, forum),
                           pair_bookmarks=bookmarks.pair_bookmarks(forum))
