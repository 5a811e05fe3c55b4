"""`flask --app wsgi jobs worker`: the process that runs queued jobs, mail and the periodic tasks."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Background jobs: the worker and the queue.")


@jobs_cli.command("worker")
@click.option("--workers", type=click.IntRange(1, 32), default=None,
              help="Threads running tasks at once (default: JOBS_WORKERS).")
def worker_command(workers):
    """Run queued jobs until stopped (Ctrl-C or SIGTERM finish the tasks in hand first)."""
    from ..extensions import db
    from .tasks import heartbeat

    jobs = current_app.extensions["jobs"]
    if jobs.huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is set: jobs run where they are queued, no worker needed")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Jobs this worker was running when it was last stopped (killed, the machine restarted) go back
    # on the queue now; jobs of other workers when their lease runs out (the heartbeat task).
    with current_app.app_context():
        heartbeat(jobs, starting=True)
        db.session.remove()
    consumer = jobs.huey.create_consumer(workers=workers or current_app.config["JOBS_WORKERS"],
                                         worker_type="thread", periodic=True, max_delay=1.0,
                                         check_worker_health=True)
    click.echo(f"jobs worker {jobs.worker_name}: {jobs.huey.storage.__class__.__name__}", err=True)
    consumer.run()
