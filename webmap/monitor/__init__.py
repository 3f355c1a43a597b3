"""The monitor: watched sources read live by a worker (procrastinate on the app's PostgreSQL).

sources.py manages Source rows, clients.py builds a source's connector from the
config, runner.py runs one source (batch + cursor per transaction), jobs.py is
the job queue and its periodic tick, commands.py the ``sources`` and ``monitor`` CLI.
"""
