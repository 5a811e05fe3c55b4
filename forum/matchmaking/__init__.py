"""Matchmaking: bookmarks, explained recommendations and exhibitors' leads."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the pages and the helpers the directory, booth and home templates call."""
    from flask_babel import lazy_gettext as _l
    from flask_login import current_user

    from ..agenda.personal import add_personal_items
    from ..api.core import add_endpoints
    from ..home.next_steps import add_steps
    from ..nav import nav_link
    from . import api, bookmark_slots, bookmarks, lead_views, meeting_api, networking_views, permissions, views
    from .meeting_views import agenda_items
    from .meeting_views import bp as meetings_bp

    permissions.register()  # the grants, before any view or kind below names one
    lead_views.routes.add_to(views.bp)  # the lead pages share the matchmaking blueprint
    app.register_blueprint(views.bp)
    add_endpoints(api)  # its API endpoints, on the API blueprint registered last
    add_endpoints(meeting_api)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(networking_views.bp)
    add_personal_items(agenda_items)
    for module in (views, lead_views, networking_views):
        add_steps(module)  # their suggestions on the home page
    nav_link("matchmaking.my_bookmarks", _l("My bookmarks"), "bookmark.own", 35)
    nav_link("matchmaking.meet_current", _l("People to meet"), "lead.manage", 36,
             when=lambda user: user.company_id is not None)
    nav_link("matchmaking.pairs_current", _l("Startup-site pairs"), "recommendation.pairs", 36)
    nav_link("matchmaking.leads_current", _l("Leads"), "lead.manage", 37, when=lambda user: user.company_id is not None)
    nav_link("meetings.mine_current", _l("My meetings"), "meeting.answer", 37)

    def bookmark_marks(forum):
        """({solution_id: bookmark_id}, {company_id: bookmark_id}) for the buttons, or None: no buttons."""
        from ..permissions import can

        if forum is None or not can(current_user, "bookmark.own"):
            return None
        return bookmarks.marks_of(current_user, forum)

    def home_recommendations(forum, k: int = 5):
        from ..forums.models import ForumStatus
        from ..permissions import can
        from .recommendations import for_person

        if forum is None or forum.status == ForumStatus.draft or not can(current_user, "recommendation.own"):
            return None
        return for_person(current_user, forum, k)

    def solution_forum(solution):
        """The current forum when the solution is shown there (its bookmark button's forum), else None."""
        from ..forums.services import current_forum

        forum = current_forum()
        return forum if forum is not None and bookmarks.shown_at(forum, solution.id) else None

    def meetings_awaiting_pilot():
        from .meeting_outcomes import awaiting_pilot

        return awaiting_pilot()

    app.add_template_global(meetings_awaiting_pilot)
    app.add_template_global(solution_forum)
    app.add_template_global(bookmark_marks)

    def fill_bookmark_buttons(listing, forum):
        """A list rendered once for everyone, with the viewer's own bookmark buttons."""
        return bookmark_slots.fill(listing, forum, bookmark_marks(forum))

    app.add_template_global(fill_bookmark_buttons)
    app.add_template_global(bookmark_slots.CSRF_SLOT, "bookmark_csrf_slot")
    app.add_template_global(home_recommendations)
