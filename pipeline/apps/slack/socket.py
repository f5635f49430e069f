"""Socket Mode: the same app over a WebSocket that it opens to Slack, for a team without a
public URL. It runs its own job workers, as `newsbrief serve` does."""

from __future__ import annotations

from pipeline.apps.jobs import JobRunner
from pipeline.apps.slack.config import slack_tokens
from pipeline.settings import Settings


def socket_handler(config: Settings, runner: JobRunner, client=None):
    """bolt's SocketModeHandler over the app; ``client`` replaces its WebSocket client (tests)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from pipeline.apps.slack.app import build_app

    tokens = slack_tokens(socket_mode=True)
    handler = SocketModeHandler(build_app(tokens, config, runner), tokens.app_token)
    if client is not None:
        handler.client.close()  # the built-in client starts its threads when made; nothing else stops them
        handler.client = client
        client.socket_mode_request_listeners.append(handler.handle)
    return handler


def run_socket_mode(config: Settings) -> None:
    """Connect and serve until interrupted; the job workers stop with it."""
    slack_tokens(socket_mode=True)  # a missing token stops it before any worker starts
    runner = JobRunner(config, config.api.job_threads)
    runner.start()
    try:
        socket_handler(config, runner).start()  # blocks
    finally:
        runner.stop()
