from flask import Blueprint, render_template
from flask_login import current_user

from ..forums.services import current_forum, list_forums
from ..permissions import public
from .next_steps import next_steps_for

bp = Blueprint("home", __name__)


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return render_template("home/welcome.html", forum=current_forum())
    forum = current_forum()
    return render_template(f"home/{current_user.role}.html", forum=forum,
                           steps=next_steps_for(current_user, forum), forums=list_forums())
