"""Pilots: which use case is piloted at which hospital, clinic or lab, and how each one ends."""
