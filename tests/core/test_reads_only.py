"""A page marked @reads_only runs its statements without a transaction; it must then never write."""
import pytest
from flask import g

from forum.extensions import db
from forum.http_writes import WriteInReadsOnlyPage
from tests.factories import ForumFactory


def test_a_reads_only_page_that_changes_data_is_stopped_before_anything_is_written(app):
    forum = ForumFactory()
    db.session.flush()
    with app.test_request_context("/"):
        g.reads_only = True
        forum.title_en = "Renamed by a page that only reads"
        with pytest.raises(WriteInReadsOnlyPage):
            db.session.flush()
        db.session.rollback()
        g.reads_only = False
        forum.title_en = "Renamed by a page that writes"
        db.session.flush()  # any other page writes as before
