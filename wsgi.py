import gc

from forum import create_app

app = create_app()

# What importing the app made (modules, classes, the mapper, templates: about 200,000 objects) lives as
# long as the process. Frozen, the collector's full passes stop walking it: each of those took over 100 ms
# in a gunicorn worker under check-in load, a pause every request queued in that worker waited out.
gc.freeze()
