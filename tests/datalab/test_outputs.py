"""Output release: disclosure check first, two independent reviews, never by the author."""
import pytest

from forum.datalab import outputs
from forum.datalab.models import OutputStatus
from forum.errors import Conflict, PermissionDenied, ValidationError
from tests.factories import UserFactory

TABLE = b"age band,patients\n0-17,7\n18-64,1520\n65+,2301\n"


def test_small_cells_are_flagged(datalab, company, approved):
    _company, applicant, _colleague = company
    request = outputs.create_request(applicant, approved, "Falls by age band", [(TABLE, "falls.csv")])
    assert request.files[0].flags == ["row 2, column 2: 7"]
    assert outputs.disclosure_flags(b"a,b\n10,0\n", 10) == []


def test_two_reviews_release_and_the_applicant_downloads(datalab, company, approved):
    _company, applicant, colleague = company
    request = outputs.create_request(applicant, approved, "Falls by age band", [(TABLE, "falls.csv")])
    file_id = request.files[0].id
    with pytest.raises(PermissionDenied):
        outputs.released_file(applicant, file_id)
    outputs.review_output(datalab.staff, request, "release")
    assert request.status == OutputStatus.submitted  # one review is not enough
    with pytest.raises(Conflict):
        outputs.review_output(datalab.staff, request, "release")
    outputs.review_output(datalab.staff2, request, "release")
    assert request.status == OutputStatus.released
    row, data = outputs.released_file(colleague, file_id)
    assert data == TABLE and row.original_name == "falls.csv"


def test_the_author_cannot_review(datalab, approved):
    request = outputs.create_request(datalab.staff, approved, "Prepared with the team", [(TABLE, "t.csv")])
    with pytest.raises(PermissionDenied):
        outputs.review_output(datalab.staff, request, "release")
    admin = UserFactory(role="admin")
    request.author_id = admin.id
    with pytest.raises(PermissionDenied):
        outputs.review_output(admin, request, "release")


def test_returned_or_rejected_with_reasons(datalab, company, approved):
    _company, applicant, _colleague = company
    request = outputs.create_request(applicant, approved, "Falls", [(TABLE, "falls.csv")])
    with pytest.raises(ValidationError):
        outputs.review_output(datalab.staff, request, "return", "")
    outputs.review_output(datalab.staff, request, "return", "Merge the 0-17 band: 7 is below 10.")
    outputs.review_output(datalab.staff2, request, "release")
    assert request.status == OutputStatus.returned and "Merge the 0-17 band" in request.reason
    second = outputs.create_request(applicant, approved, "Raw rows", [(TABLE, "rows.csv")])
    with pytest.raises(ValidationError) as error:  # a rejection names its reason from the list
        outputs.review_output(datalab.staff, second, "reject", "Record-level data cannot leave the lab.")
    assert error.value.field == "reason"
    with pytest.raises(ValidationError) as error:  # "other" needs the comments
        outputs.review_output(datalab.staff, second, "reject", reason="other")
    assert error.value.field == "comments"
    outputs.review_output(datalab.staff, second, "reject", reason="record_level")
    outputs.review_output(datalab.staff2, second, "release")
    assert second.status == OutputStatus.rejected and second.reject_reason == "record_level"


def test_only_named_files(datalab, company, approved):
    _company, applicant, _colleague = company
    with pytest.raises(ValidationError):
        outputs.create_request(applicant, approved, "An image", [(b"\x89PNG...", "shot.png")])
    with pytest.raises(ValidationError):
        outputs.create_request(applicant, approved, "", [(TABLE, "t.csv")])


def test_rejected_through_the_page_with_a_reason_from_the_list(client, datalab, company, approved):
    _company, applicant, _colleague = company
    request = outputs.create_request(applicant, approved, "Rows", [(TABLE, "rows.csv")])
    with client.session_transaction() as session:
        session["_user_id"] = datalab.staff.get_id()
    page = client.get(f"/datalab/staff/outputs/{request.id}").get_data(as_text=True)
    assert 'name="reason"' in page and "Record-level data" in page
    response = client.post(f"/datalab/staff/outputs/{request.id}", data={"verdict": "reject"})
    assert response.status_code == 200 and "Choose the reason for rejecting" in response.get_data(as_text=True)
    response = client.post(f"/datalab/staff/outputs/{request.id}", data={"verdict": "reject",
                                                                         "reason": "identifiable"})
    assert response.status_code == 302
    outputs.review_output(datalab.staff2, request, "release")
    with client.session_transaction() as session:
        session["_user_id"] = applicant.get_id()
    page = client.get(f"/datalab/applications/{approved.id}").get_data(as_text=True)
    assert "A person could be identified" in page
