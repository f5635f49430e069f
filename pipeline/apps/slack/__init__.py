"""The Slack door: a slack-bolt app that briefs on request and takes editors' verdicts.

``config`` reads the tokens from the environment, ``blocks`` turns briefs and verdicts into
Block Kit, ``work`` does what a request asks (submit a job, wait, post), ``app`` wires the
listeners, and ``http`` and ``socket`` run it mounted on the API or on its own.
"""
