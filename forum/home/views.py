from types import SimpleNamespace

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..forums.services import current_forum, list_forums
from ..permissions import public
from .next_steps import next_steps_for

bp = Blueprint("home", __name__)

# Each role's home page differs only in its title and lead; the steps below come from next_steps.
ROLE_HOMES = {
    "admin": (_l("Administration"),
              _l("You can do everything organisers can, and manage users, roles and the audit trail.")),
    "organiser": (_l("Organiser home"),
                  _l("Create forums, review exhibitors, build the programme and see who has arrived.")),
    "exhibitor": (_l("Exhibitor home"),
                  _l("Describe your solutions, apply to exhibit and follow up the people you meet.")),
    "ha_staff": (_l("Welcome"),
                 _l("Your invitation, your ticket, and the solutions you want to follow up.")),
    "partnership": (_l("Partnership home"),
                    _l("Track which use cases are piloted at which hospital, clinic or lab.")),
    "scanner": (_l("Door scanning"), _l("On the day you scan tickets at your check-in point.")),
}


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return render_template("home/welcome.html", forum=current_forum())
    forum = current_forum()
    title, lead = ROLE_HOMES[current_user.role]
    return render_template("home/role.html", page=SimpleNamespace(title=title, lead=lead), forum=forum,
                           steps=next_steps_for(current_user, forum), forums=list_forums())
