"""The home page: the welcome, and each role's next steps (features add theirs with @step)."""
from __future__ import annotations


def init_app(app) -> None:
    from . import next_steps
    from .views import bp

    app.register_blueprint(bp)
    next_steps.add_steps(next_steps)
