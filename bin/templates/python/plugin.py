#!/usr/bin/env python3
"""{{name}}: a plugd plugin written with plugd_sdk (plugd_sdk.py, beside this file)."""
import time

import plugd_sdk as plugd
from plugd_sdk import Field

plugin = plugd.Plugin("{{name}}", "0.1.0")


# {"action":"count","args":{"to":3}} -> "1 2 3"
# Bad args never reach the handler: plugd answers INVALID_ACTION naming the field ("args.to: ...").
@plugin.action("count", args={"to": Field(int, min=1, max=10000), "delay_ms": Field(int, min=0, max=60000, default=100)})
def count(args, ctx):
    stop_at = time.monotonic() + ctx.work_timeout()  # early enough to answer before plugd's deadline
    delay = args["delay_ms"] / 1000.0
    counted = []
    for n in range(1, args["to"] + 1):
        if n > 1 and delay > 0:
            if ctx.wait(min(delay, max(0.0, stop_at - time.monotonic()))):
                # ctx.cancelled: plugd cancelled the action ($/cancelRequest) or is stopping the plugin.
                return plugd.observation("count", "cancelled after %s" % _join(counted), counted=len(counted))
            if time.monotonic() >= stop_at:
                return plugd.observation("count", "stopped at the deadline after %s" % _join(counted), counted=len(counted))
        counted.append(n)
        ctx.progress("%d\n" % n)  # partial output; also tells plugd the action is alive
    ctx.log.debug("counted", {"to": args["to"]})
    return plugd.observation("count", _join(counted), counted=len(counted))


def _join(numbers):
    return " ".join(str(n) for n in numbers)


if __name__ == "__main__":
    plugin.run()
