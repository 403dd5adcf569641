#!/usr/bin/env python3
"""A plugin for the SDK's own tests: each action exercises one part of the contract."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import plugd_sdk as plugd
from plugd_sdk import Field

plugin = plugd.Plugin("fixture", "1.2.3", concurrency=4,
                      idempotent=["shout", "crash_once", {"action": "sleep", "args": {"seconds": [0]}}])


@plugin.on_initialize
def initialize(ctx):
    if ctx.config.get("fail"):
        raise RuntimeError("config says fail")


@plugin.action("shout", args={"text": str, "times": Field(int, min=1, max=5, default=1)})
def shout(args, ctx):
    return plugd.observation("shout", args["text"].upper() * args["times"], user=ctx.username)


@plugin.action("sleep", args={"seconds": Field(float, min=0)})
def sleep(args, ctx):
    ctx.progress("sleeping\n")
    ctx.log.info("sleep started", {"seconds": args["seconds"]})
    if ctx.wait(args["seconds"]):
        return plugd.observation("sleep", "cancelled")
    return plugd.observation("sleep", "slept")


@plugin.action("stray")
def stray(args, ctx):
    print("a stray print")
    os.write(1, b"raw bytes on fd 1\n")
    subprocess.run(["echo", "a child's stdout"], check=True)
    return plugd.observation("stray", "still framed")


@plugin.action("boom")
def boom(args, ctx):
    raise ValueError("kaboom")


@plugin.action("bad_return")
def bad_return(args, ctx):
    return {"content": 42}


@plugin.action("spawn_child")
def spawn_child(args, ctx):
    child = subprocess.Popen(["sleep", "300"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    return plugd.observation("spawn_child", str(child.pid))


@plugin.action("crash_once", args={"marker": str})
def crash_once(args, ctx):
    """Dies mid-action unless args.marker exists (created first): plugd runs it once more (idempotent)."""
    if not os.path.exists(args["marker"]):
        open(args["marker"], "w").close()
        os._exit(1)
    return plugd.observation("crash_once", "second try")


@plugin.action("relay", args={"call": dict})
def relay(args, ctx):
    """Runs args.call through plugd (ctx.execute) and answers with what came back."""
    got = ctx.execute(args["call"])
    return plugd.observation("relay", json.dumps(got, sort_keys=True), relayed=got.get("observation"))


if __name__ == "__main__":
    plugin.run()
