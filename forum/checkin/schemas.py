"""What the door's devices send and get back: one declaration for the API, its document and parse_scan()."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from ..schemas import ApiSchema, HKDateTime, Int

RESULTS = ["ok", "already_checked_in", "invalid", "revoked", "wrong_forum"]
# At a point of another kind (the data lab's door) a scan out answers "left", a pass refused "refused".
POINT_RESULTS = ["ok", "already_checked_in", "left", "refused", "invalid"]
NONCE = r"^[A-Za-z0-9._:-]{8,80}\Z"


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Give the scanned code as text.")


class PointRef(fields.Field):
    """A check-in point's key, or its id as a number or text."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update({
            "oneOf": [{"type": "string", "maxLength": 80}, {"type": "integer"}],
            "description": "check-in point key (or id); default: the forum's first"})
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValidationError("Not a string or an integer.")
        text = str(value).strip()
        if len(text) > 80:
            raise ValidationError("Longer than 80 characters.")
        return text or None


class ScanIn(ApiSchema):
    code = fields.String(required=True, validate=[validate.Length(max=200), _not_blank],
                         metadata={"description": "the exact text of the QR code"})
    point = PointRef(allow_none=True)
    nonce = fields.String(allow_none=True, validate=validate.Regexp(NONCE, error="A nonce is 8 to 80 letters, "
                                                                                   "digits or . _ : -"),
                          metadata={"description": "8-80 characters, unique per scan; a resend gets the first answer"})
    scanned_at = HKDateTime(allow_none=True, metadata={"description": "device time of the scan"})
    device_id = fields.String(allow_none=True,
                              metadata={"description": "the scanning device (first 80 characters kept)"})
    direction = fields.String(allow_none=True, validate=validate.OneOf(["in", "out"]), metadata={
        "description": "in (default) or out; out only at points that scan out (the data lab's)"})


class BatchIn(ApiSchema):
    scans = fields.List(fields.Raw(metadata={"$ref": "#/components/schemas/ScanIn"}), required=True,
                        metadata={"description": "each judged on its own, like a single scan"})


class Person(ApiSchema):
    id = Int()
    name_en = fields.String()
    name_zh = fields.String()
    organisation = fields.String()
    kind = fields.String()
    access_needs = fields.String(allow_none=True,
                                 metadata={"description": "only where the forum shows them at the door"})


class CheckInAnswer(ApiSchema):
    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    attendee = fields.Nested(Person, allow_none=True, required=True)
    checked_in_at = fields.String(allow_none=True, required=True, metadata={
        "format": "date-time", "description": "when the first entry was scanned (HK time)"})
    point = fields.String(allow_none=True, required=True, metadata={"description": "key of the point of the "
                                                                                       "first entry"})


class Problem(ApiSchema):
    code = fields.String(required=True)
    message = fields.String(required=True)


class BatchAnswer(CheckInAnswer):
    result = fields.String(required=True, validate=validate.OneOf(RESULTS + ["error"]), metadata={
        "description": "as a single scan's, or `error` for a scan a single request would refuse with 400"})
    error = fields.Nested(Problem, metadata={"description": "why the scan was refused (result `error` only)"})


class BatchOut(ApiSchema):
    results = fields.List(fields.Nested(BatchAnswer), required=True)


class Stats(ApiSchema):
    invited = fields.Integer()
    registered = fields.Integer()
    checked_in = fields.Integer()
    by_point = fields.Dict(keys=fields.String(), values=fields.Integer(),
                           metadata={"description": "people seen at each point (point key -> count)"})


class PointProblem(ApiSchema):
    code = fields.String()
    message = fields.String(required=True, metadata={"description": "why the scan is refused"})


class PointAnswer(ApiSchema):
    result = fields.String(required=True, validate=validate.OneOf(POINT_RESULTS + ["error"]))
    attendee = fields.Nested(Person, allow_none=True, required=True)
    checked_in_at = fields.String(allow_none=True, metadata={"format": "date-time",
                                                             "description": "when this entry began (HK time)"})
    point = fields.String(allow_none=True, metadata={"description": "key of the point"})
    seat = fields.String(allow_none=True, metadata={"description": "the booked seat, where the kind has seats"})
    error = fields.Nested(PointProblem, metadata={"description": "why the scan is refused (refused, invalid, "
                                                                 "error)"})


class PointBatchOut(ApiSchema):
    results = fields.List(fields.Nested(PointAnswer), required=True)
