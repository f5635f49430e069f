"""Scale-out: the job layer and the digest as Celery tasks on Redis, run by `newsbrief worker`s.

Set ``NEWSBRIEF_CELERY__BROKER_URL`` (redis://host:6379/0) and every door submits to the workers;
unset, everything runs in-process as before. ``app`` holds the Celery app and its reliability
settings, ``tasks`` the tasks, ``coordination`` the Redis locks (the serialised story stages,
per-domain fetch pacing, the one beat), ``distributed`` the digest that fans out and waits.
"""
