"""The data-use undertaking is recorded as a consent with the exact words shown beside the button."""
import sqlalchemy as sa

from forum.datalab import review
from forum.datalab.forms import UNDERTAKING
from forum.extensions import db
from forum.privacy.models import Consent
from tests.datalab.conftest import APPROVAL_DAY


def test_accepting_the_undertaking_records_the_words_shown(client, datalab, company, submitted):
    _company, applicant, colleague = company
    for r, who in zip(review.current_reviews(submitted), (datalab.ethics_member, datalab.governance_chair)):
        review.decide(who, r, "approve", now=APPROVAL_DAY)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = colleague.get_id()
    page = client.get(f"/datalab/applications/{submitted.id}", headers={"Accept-Language": "zh-HK"})
    from flask_babel import force_locale

    with force_locale("zh_Hant_HK"):
        shown = str(UNDERTAKING)
    assert shown in page.get_data(as_text=True)
    client.post(f"/datalab/applications/{submitted.id}/undertaking", headers={"Accept-Language": "zh-HK"})
    [row] = db.session.scalars(sa.select(Consent).where(Consent.user_id == colleague.id)).all()
    assert row.purpose == "datalab_undertaking" and row.given and row.wording == shown and row.locale == "zh_Hant_HK"
