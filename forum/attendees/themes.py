"""Smart Hospital themes attendees pick; they feed scheduling and recommendations.

A constant list for now: the stored value is the key, so a later editable list can keep these keys.
"""
from flask_babel import lazy_gettext as _l

THEMES = {
    "patient_experience": _l("Patient experience"),
    "clinical_workflow": _l("Clinical workflow"),
    "facility_asset": _l("Facility and asset management"),
    "logistics_supply": _l("Logistics and supply chain"),
    "infection_control": _l("Infection control"),
    "data_ai": _l("Data and AI"),
    "resilience": _l("Resilience"),
}


def theme_label(key: str) -> str:
    return str(THEMES.get(key, key))
