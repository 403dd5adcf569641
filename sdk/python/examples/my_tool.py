#!/usr/bin/env python3
"""my_tool.py: a complete plugd plugin written with plugd_sdk (the Python SDK's example).

plugd.json: {"plugins": [{"name": "my-tool", "command": ["python3", "./my_tool.py"]}]}
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # plugd_sdk.py beside it, or one folder up

import plugd_sdk as plugd
from plugd_sdk import Field

# Up to 4 `run` requests at once, each on its own thread (default 1: plugd queues the rest).
plugin = plugd.Plugin("my-tool", "0.1.0", concurrency=4)


@plugin.on_initialize
def initialize(ctx):
    # Runs before the plugin answers `initialize`; a raise fails the start with its message.
    ctx.log.info("my-tool starting", {"config": ctx.config})


# {"action":"word_count","args":{"path":"/etc/hosts"}}
@plugin.action("word_count", args={"path": Field(str, min=1)})
def word_count(args, ctx):
    with open(args["path"], encoding="utf-8") as f:  # a raise becomes a PLUGIN_ERROR Observation
        words = len(f.read().split())
    return plugd.observation("word_count", "%d words in %s" % (words, args["path"]), words=words)


# {"action":"countdown","args":{"seconds":5}}: long-running, with progress and cancellation.
@plugin.action("countdown", args={"seconds": Field(int, min=1, max=3600)})
def countdown(args, ctx):
    print("countdown of", args["seconds"], "s")  # goes to stderr (plugd's log), never to the wire
    for left in range(args["seconds"], 0, -1):
        ctx.progress("%d...\n" % left)  # partial output; also tells plugd the action is alive
        if ctx.wait(1):
            # ctx.cancelled: plugd sent $/cancelRequest (timeout) or is stopping the plugin.
            return plugd.observation("countdown", "cancelled with %d s left" % left)
    return plugd.observation("countdown", "liftoff")


@plugin.on_dispose
def dispose():
    # Runs on `shutdown` and when stdin closes: close files, stop children, flush.
    pass


if __name__ == "__main__":
    plugin.run()
