"""Routes declared in a view module and added to its blueprint in one named place.

A feature whose pages are spread over several view modules keeps one blueprint (so endpoint names
stay `exhibitors.directory` and the like): each module collects its routes in a `Routes`, and the
feature's views.py adds every module's routes to the blueprint. Nothing is registered by the mere
import of a module.
"""
from __future__ import annotations

from flask import Blueprint


class Routes:
    def __init__(self) -> None:
        self._rules: list[tuple[str, dict, object]] = []
        self._added_to: set[int] = set()

    def route(self, rule: str, **options):
        """Like Blueprint.route: the same rule, options and endpoint name (the function's)."""
        def decorator(view):
            self._rules.append((rule, options, view))
            return view

        return decorator

    def add_to(self, bp: Blueprint) -> None:
        """Once per blueprint: a blueprint keeps its rules for every app it is registered on later."""
        if id(bp) in self._added_to:
            return
        self._added_to.add(id(bp))
        for rule, options, view in self._rules:
            options = dict(options)
            bp.add_url_rule(rule, options.pop("endpoint", None), view, **options)
