"""The exhibitor use cases other features call, under the names they have always used.

Each lives in the module for its noun (companies, themes, solutions, applications, review); code
inside this package imports from there. Services take the acting user, raise domain errors and
flush; the caller commits.
"""
from .applications import (OPEN_STATUSES, REVIEW_ONLY_ACTIONS, application_of, get_application, history,
                           is_open, parse_windows, save_application, staff_for_badges, sync_badges)
from .companies import (COMPANY_FIELDS, invite_colleague, is_company_admin,
                        make_company_admin, members_of, own_company, refresh_company_search, remove_colleague,
                        sign_up, update_company)
from .review import (BOOTH_CODE, DECISIONS, application_by_booth, approved_count, assign_booth, booth_codes,
                     decide, decide_many, promote_waitlist, score_demo, select_demo)
from .solutions import SOLUTION_FIELDS, get_solution, refresh_solution_search, save_solution
from .themes import list_themes, save_theme

__all__ = [
    "OPEN_STATUSES", "REVIEW_ONLY_ACTIONS", "application_of", "get_application", "history", "is_open",
    "parse_windows", "save_application", "staff_for_badges", "sync_badges", "COMPANY_FIELDS",
    "invite_colleague", "is_company_admin", "make_company_admin", "members_of",
    "own_company", "refresh_company_search", "remove_colleague", "sign_up", "update_company", "BOOTH_CODE",
    "DECISIONS", "application_by_booth", "approved_count", "assign_booth", "booth_codes", "decide",
    "decide_many", "promote_waitlist", "score_demo", "select_demo", "SOLUTION_FIELDS", "get_solution",
    "refresh_solution_search", "save_solution", "list_themes", "save_theme",
]
