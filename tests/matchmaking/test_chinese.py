"""The matchmaking pages speak Traditional Chinese to Chinese readers, reasons included."""
from forum.extensions import db
from forum.matchmaking import bookmarks
from tests.matchmaking.test_recommendations import _world


def test_reasons_and_pages_in_chinese(client, forum):
    me, solutions = _world(forum)
    me.locale = "zh_Hant_HK"
    mark, _ = bookmarks.add_bookmark(me, forum, solution_id=solutions["linen"].id, note="病床周轉")
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = me.get_id()
        session["_fresh"] = True
    html = client.get(f"/bookmarks/{mark.id}").get_data(as_text=True)
    assert "您或許也想看看" in html
    assert "Radiology有 3 位同事收藏了它" in html and "與您同樣關注感染控制及數據及人工智能" in html
    assert "切合您描述的需要：病床周轉" in html
    assert "我的書籤" in client.get("/my/bookmarks").get_data(as_text=True)
