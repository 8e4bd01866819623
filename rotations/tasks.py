"""Celery tasks of the rotations app.

Rotation reminders need no task of their own: `integration.due_reminders` is registered as a
sweep source (`rotations.due`) and runs in the shared daily sweep
(cadre_supervision.tasks.run_sweep), which inserts each reminder once per
(recipient, kind, mandatory date, cadre:post:rule).
"""
