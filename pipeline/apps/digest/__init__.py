"""Digests: feeds in; the top stories ranked, briefed (or updated) and compared with the last
digest; rendered as Markdown, HTML or JSON; stored; e-mailed.

- ``config``: feeds.yaml, validated; ``run.run_digest``: one run, stored;
- ``rank``: stories by independent families and recency; ``render``: md, html, json;
- ``deliver.email``: SMTP; ``schedule``: crontab lines in one process;
- ``commands``: the CLI's digest, digests, changes and schedule.

Nothing is imported here, so that the CLI's ``--help`` stays fast.
"""
