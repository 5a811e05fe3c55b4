"""Background jobs: badge and recommendation batches, mail delivery, the periodic tasks, and the page
that shows them. See docs/jobs.md."""
from __future__ import annotations


def init_app(app) -> None:
    from . import permissions
    from .queue import JobQueue, listen_for_commits, make_huey
    from .tasks import register_tasks
    from .views import bp

    permissions.register()  # the grants, before any view or kind below names one
    jobs = JobQueue(app, make_huey(app.config))
    register_tasks(jobs)
    app.extensions["jobs"] = jobs
    listen_for_commits()
    app.register_blueprint(bp)  # its command group is registered with the others in forum/cli.py
