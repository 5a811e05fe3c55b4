"""Background jobs: badge and recommendation batches, mail delivery, the periodic tasks, and the page
that shows them. See docs/jobs.md."""
from __future__ import annotations


def init_app(app) -> None:
    from . import permissions  # noqa: F401  (grants)
    from .queue import JobQueue, listen_for_commits, make_huey
    from .tasks import register_tasks
    from .views import bp
    from .worker import jobs_cli

    jobs = JobQueue(app, make_huey(app.config))
    register_tasks(jobs)
    app.extensions["jobs"] = jobs
    listen_for_commits()
    app.register_blueprint(bp)
    app.cli.add_command(jobs_cli)
