"""Pantau's sandbox: fictional Mastodon, Bluesky, YouTube and a rendered microblog on 127.0.0.1.

See docs/sandbox.md. ``Sandbox`` (in-process) and ``SandboxProcess`` (child process)
serve the same world; ``write_sample_roster`` writes the roster that goes with it.
"""

from pantau.sandbox.roster import write_sample_roster
from pantau.sandbox.server import Sandbox, SandboxProcess

__all__ = ["Sandbox", "SandboxProcess", "write_sample_roster"]
