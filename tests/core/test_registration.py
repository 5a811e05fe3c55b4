"""Features register explicitly from their init_app: grants, home-page steps; a misspelt action fails at start-up."""
import re
import sys
import types

import pytest

from forum import permissions
from forum.home import next_steps


def _refused_at_start_up(action: str, where: str) -> None:
    """check_required() names `action` and where it was required, then passes once it is gone."""
    try:
        with pytest.raises(KeyError, match=rf"'{re.escape(action)}' \(required by {where}\)"):
            permissions.check_required()
    finally:
        del permissions.REQUIRED[action]
    permissions.check_required()


def test_a_view_requiring_an_action_no_feature_granted_stops_the_app_from_starting(app):
    permissions.check_required()  # the real app: every @requires names a granted action

    @permissions.requires("pilot.veiw")
    def misspelt():
        return "never"

    _refused_at_start_up("pilot.veiw", r".*misspelt")


def test_a_menu_entry_naming_an_action_no_feature_granted_stops_the_app_from_starting(app):
    from forum.nav import _LINKS, nav_link

    count = len(_LINKS)
    nav_link("pilots.index", "Pilots", "pilot.veiw_board", 99)  # an entry already there: no second one
    assert len(_LINKS) == count
    _refused_at_start_up("pilot.veiw_board", r"the menu entry pilots\.index")


def test_every_guarded_page_and_endpoint_names_an_action_the_app_granted(app):
    named = {getattr(view, "permission", None) for view in app.view_functions.values()} - {None, permissions.PUBLIC}
    assert named and named <= set(permissions.ROLE_GRANTS)
    assert named <= set(permissions.REQUIRED)


def test_a_step_joins_the_home_page_only_when_its_feature_adds_it(app):
    module = types.ModuleType("tests_fake_steps")
    sys.modules[module.__name__] = module

    def offer(user, forum):
        return []

    offer.__module__ = module.__name__
    module.offer = next_steps.step("admin", order=99)(offer)
    try:
        assert all(fn is not offer for _o, _r, fn in next_steps._PROVIDERS)
        next_steps.add_steps(module)
        next_steps.add_steps(module)  # a second app made in the same process adds nothing twice
        assert sum(fn is offer for _o, _r, fn in next_steps._PROVIDERS) == 1
    finally:
        next_steps._PROVIDERS[:] = [p for p in next_steps._PROVIDERS if p[2] is not offer]
        del sys.modules[module.__name__]
