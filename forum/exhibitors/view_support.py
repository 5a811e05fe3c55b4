"""What the exhibitors' view modules share: the uploaded file of a form field and the forum a page is about."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..errors import NotFound
from ..forums.services import current_forum
from ..forums.services import visible_forum as _visible


def uploaded_file(field) -> tuple[bytes, str] | None:
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return storage.read(), storage.filename


def visible_forum(ref: str):
    """A forum by id or slug; drafts only for those who manage forums."""
    return _visible(current_user, ref)


def current_forum_or_404():
    forum = current_forum()
    if forum is None:
        raise NotFound(_l("No forum is open yet."))
    return forum
