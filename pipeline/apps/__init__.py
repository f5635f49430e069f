"""The doors: the CLI now, the HTTP API, Slack, digests and workers as they come.

Each parses its input, calls the library and renders the result; none computes a brief its own way.
"""

