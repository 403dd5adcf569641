"""plugd_sdk: write a plugd plugin in Python. One file, standard library only, Python 3.8+.

    import plugd_sdk as plugd

    plugin = plugd.Plugin("my-tool", "0.1.0")

    @plugin.action("shout", args={"text": str})
    def shout(args, ctx):
        return plugd.observation("shout", args["text"].upper())

    if __name__ == "__main__":
        plugin.run()

The same contract as the TypeScript SDK (@plugd/sdk): the initialize handshake, actions
whose args are checked (a bad field is an INVALID_ACTION Observation naming it), up to
`concurrency` actions at once on their own threads, `$/ping` answered from the reader
while actions run, `$/cancelRequest` (ctx.cancelled), `plugd/progress`, `plugd/log`,
stdout kept for frames only (print() and child processes write to stderr), exit when stdin
closes, a one-line refusal when started by hand without PLUGD_PROTOCOL=1, `ctx.execute(action)`
(another action run through plugd: `plugd/execute`), `idempotent` action types, and
newline-delimited JSON after the handshake (offered in initialize, switched to at `initialized`).
"""

import inspect
import json
import os
import signal
import sys
import threading
import time
import traceback

__all__ = [
    "Plugin", "Field", "Context", "observation", "error_observation", "work_timeout",
    "INVALID_ACTION", "PLUGIN_ERROR", "ACTION_TIMEOUT", "CALL_REFUSED", "PROTOCOL_VERSION", "PROTOCOL_ENV",
]
__version__ = "0.1.0"

PROTOCOL_VERSION = 1
PROTOCOL_ENV = "PLUGD_PROTOCOL"
INVALID_ACTION = "INVALID_ACTION"
PLUGIN_ERROR = "PLUGIN_ERROR"
ACTION_TIMEOUT = "ACTION_TIMEOUT"
CALL_REFUSED = "CALL_REFUSED"
DEFAULT_TIMEOUT_MS = 120000
MAX_HEADER_BYTES = 1024
MAX_FRAME_BYTES = 32 * 1024 * 1024  # as plugd's default maxFrameBytes
LOG_LEVELS = ("debug", "info", "warn", "error")

# JSON-RPC error codes (as vscode-jsonrpc names them).
_INVALID_PARAMS = -32602
_METHOD_NOT_FOUND = -32601
_INTERNAL_ERROR = -32603

_MISSING = object()
_TYPE_NAMES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array", dict: "object"}


def observation(kind, content, **extras):
    """An Observation: `observation("word_count", "12 words", words=12)`."""
    return {"observation": kind, "content": content, "extras": extras}


def error_observation(error_id, content):
    """An error Observation; details go in `content`, extras carry only the error_id."""
    return {"observation": "error", "content": content, "extras": {"error_id": error_id}}


def work_timeout(action_timeout_s, deadline, now=None):
    """Seconds the handler's own work may run: the action's `timeout` if given, never past the
    deadline less a margin to interrupt it and answer (20% of the time left, 0.3-5 s)."""
    left = deadline - (time.monotonic() if now is None else now)
    budget = left - min(5.0, max(0.3, left * 0.2))
    requested = action_timeout_s if action_timeout_s and action_timeout_s > 0 else float("inf")
    return max(0.05, min(requested, budget))


class Field(object):
    """One field of an action's args.

    Field(int, min=1, max=10, default=3), Field(str, choices=["a", "b"]), Field(list, items=str),
    Field(str, optional=True) (absent = None). A bare type (`str`) means Field(str).
    """

    def __init__(self, type_=object, default=_MISSING, optional=False, min=None, max=None, choices=None, items=None):
        self.type = type_
        self.default = default
        self.optional = optional
        self.min = min
        self.max = max
        self.choices = choices
        self.items = _as_field(items) if items is not None else None

    def check(self, value, path, problems):
        """The value to hand the handler; appends `path: message` to problems when it is wrong."""
        if not _is_type(value, self.type):
            problems.append("%s: expected %s, got %s" % (path, _type_name(self.type), _json_type(value)))
            return value
        if self.choices is not None and value not in self.choices:
            problems.append("%s: expected one of %s, got %s" % (path, ", ".join(json.dumps(c) for c in self.choices), json.dumps(value)))
        measure = len(value) if isinstance(value, (str, list, dict)) else value
        unit = " characters" if isinstance(value, str) else " items" if isinstance(value, (list, dict)) else ""
        if self.min is not None and isinstance(measure, (int, float)) and measure < self.min:
            problems.append("%s: must be at least %s%s, got %s" % (path, self.min, unit, measure))
        if self.max is not None and isinstance(measure, (int, float)) and measure > self.max:
            problems.append("%s: must be at most %s%s, got %s" % (path, self.max, unit, measure))
        if self.items is not None and isinstance(value, list):
            return [self.items.check(item, "%s[%d]" % (path, i), problems) for i, item in enumerate(value)]
        return value


def _as_field(spec):
    return spec if isinstance(spec, Field) else Field(spec)


def _is_type(value, type_):
    if type_ is object:
        return True
    if type_ is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if type_ is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, type_)


def _type_name(type_):
    return _TYPE_NAMES.get(type_, getattr(type_, "__name__", str(type_)))


def _json_type(value):
    if value is None:
        return "null"
    for type_ in (bool, int, float, str, list, dict):
        if isinstance(value, type_):
            return _TYPE_NAMES[type_]
    return type(value).__name__


def check_args(schema, args):
    """(parsed args, problems): unknown fields are kept, as a newer runtime may send more."""
    if not isinstance(args, dict):
        return args, ["args: expected object, got %s" % _json_type(args)]
    problems = []
    parsed = dict(args)
    for name, spec in schema.items():
        field = _as_field(spec)
        path = "args." + name
        if name not in args or args[name] is None:
            if field.default is not _MISSING:
                parsed[name] = field.default
            elif field.optional:
                parsed[name] = None
            else:
                problems.append("%s: required (%s)" % (path, _type_name(field.type)))
            continue
        parsed[name] = field.check(args[name], path, problems)
    return parsed, problems


class _Action(object):
    def __init__(self, fn, schema):
        self.fn = fn
        self.schema = schema


class Logger(object):
    """ctx.log: `plugd/log` notifications; plugd writes them to its log with the plugin's name."""

    def __init__(self, notify):
        self._notify = notify

    def _log(self, level, message, data):
        params = {"level": level, "message": str(message)}
        if data is not None:
            params["data"] = data
        try:
            json.dumps(params)
        except (TypeError, ValueError):
            params = {"level": level, "message": "%s (data not serializable)" % message}
        self._notify("plugd/log", params)

    def debug(self, message, data=None):
        self._log("debug", message, data)

    def info(self, message, data=None):
        self._log("info", message, data)

    def warn(self, message, data=None):
        self._log("warn", message, data)

    def error(self, message, data=None):
        self._log("error", message, data)


class Context(object):
    """What a handler gets beside its args.

    name, username, config   from initialize
    log                      ctx.log.info("message", {"data": 1})
    action                   the action as received
    timeout_ms, deadline     time left before plugd answers ACTION_TIMEOUT; deadline is time.monotonic()
    cancelled                a threading.Event set on $/cancelRequest or when the plugin stops
    progress(text)           partial output (plugd/progress)
    wait(seconds)            sleeps, returns True early when cancelled
    work_timeout()           seconds the handler's own work may run (see work_timeout)
    execute(action)          runs another action through plugd (plugd/execute); blocks, returns its Observation
    """

    def __init__(self, plugin, init, log, action=None, request_id=None, timeout_ms=DEFAULT_TIMEOUT_MS):
        self.name = init.get("name", plugin.name)
        self.username = init.get("username", "")
        self.config = init.get("config") or {}
        self.log = log
        self.action = action
        self.timeout_ms = timeout_ms
        self.deadline = time.monotonic() + timeout_ms / 1000.0
        self.cancelled = threading.Event()
        self._request_id = request_id
        self._plugin = plugin
        self.answered = False

    def progress(self, content):
        if self._request_id is None or self.answered or self.cancelled.is_set():
            return  # plugd has forgotten this id once it is answered
        self._plugin._notify("plugd/progress", {"id": self._request_id, "content": str(content)})

    def wait(self, seconds):
        return self.cancelled.wait(seconds)

    def work_timeout(self):
        return work_timeout((self.action or {}).get("timeout"), self.deadline)

    def execute(self, action):
        """Runs `action` through plugd, routed like any action, and returns its Observation.
        Never outlives this action: past its deadline it answers ACTION_TIMEOUT, once it is
        cancelled or answered CALL_REFUSED; plugd's refusals are CALL_REFUSED Observations."""
        if self._request_id is None:
            return error_observation(CALL_REFUSED, "ctx.execute works only inside an action served by plugd (not in initialize or plugin.call); the call was not sent")
        return self._plugin._execute(self, action)


class Plugin(object):
    """A plugin: register actions with @plugin.action(...), then call plugin.run()."""

    def __init__(self, name, version, concurrency=1, initialize=None, dispose=None, idempotent=None):
        self.name = name
        self.version = version
        self.concurrency = concurrency
        # Action types plugd may run a second time after this plugin crashed under one.
        self.idempotent = [_checked_rule(rule, i) for i, rule in enumerate(idempotent or [])]
        self._calls = {}  # plugd/execute requests sent, by their id: [threading.Event, answer]
        self._calls_lock = threading.Lock()
        self._next_call_id = 1
        self.actions = {}
        self._initialize = initialize
        self._dispose = dispose
        self._init = {}
        self._running = {}
        self._lock = threading.Lock()
        self._wire = None
        # Newline-delimited JSON after `initialized` {framing: "ndjson"} (offered in initialize).
        self._lines_in = False
        self._lines_out = False
        self._disposed = False
        self.log = Logger(self._notify)

    # ---- declaring -------------------------------------------------------------------
    def action(self, kind, args=None):
        """Decorator: `@plugin.action("count", args={"to": Field(int, min=1)})` on `def count(args, ctx)`.
        The handler may be a plain or an `async def` function and returns an Observation."""
        def register(fn):
            self.actions[kind] = _Action(fn, args or {})
            return fn
        return register

    def on_initialize(self, fn):
        """Decorator: runs before the plugin answers initialize, with a Context; a raise fails the start."""
        self._initialize = fn
        return fn

    def on_dispose(self, fn):
        """Decorator: runs on shutdown and when stdin closes: close files, stop children."""
        self._dispose = fn
        return fn

    # ---- running one action, no transport (what tests call) -----------------------------
    def call(self, action, ctx=None):
        """Runs one action through its handler; always an Observation (bad args: INVALID_ACTION,
        a raise or a bad return value: PLUGIN_ERROR)."""
        if ctx is None:
            ctx = Context(self, self._init, self.log, action=action)
        kind = action.get("action") if isinstance(action, dict) else None
        entry = self.actions.get(kind) if isinstance(kind, str) else None
        if entry is None:
            return error_observation(INVALID_ACTION, 'Plugin %s does not handle action type "%s"; it handles: %s.'
                                     % (self.name, kind, ", ".join(self.actions)))
        args, problems = check_args(entry.schema, action.get("args", {}))
        if problems:
            return error_observation(INVALID_ACTION, 'Invalid args for action "%s" (plugin %s): %s. Fix those fields and send the action again.'
                                     % (kind, self.name, "; ".join(problems)))
        try:
            result = entry.fn(args, ctx)
            if inspect.isawaitable(result):
                import asyncio
                result = asyncio.run(_awaited(result))
        except Exception:
            return error_observation(PLUGIN_ERROR, 'Plugin %s failed on "%s": %s' % (self.name, kind, traceback.format_exc().rstrip()))
        problem = _observation_problem(result)
        if problem:
            return error_observation(PLUGIN_ERROR, 'Plugin %s returned something that is not an Observation for "%s": %s.' % (self.name, kind, problem))
        return result

    # ---- the stdio server ----------------------------------------------------------------
    def run(self):
        """Serves the protocol on this process's stdin/stdout until exit or stdin EOF; never returns."""
        if os.environ.get(PROTOCOL_ENV) != "1":
            sys.stderr.write("%s: this is a plugd plugin; it speaks JSON-RPC on stdio and is started by plugd (set %s=1 to run it by hand).\n"
                             % (self.name, PROTOCOL_ENV))
            sys.stderr.flush()
            sys.exit(2)
        wire_in = _take_stdin()
        self._wire = _protect_stdout()
        reason = self.serve(wire_in)
        self._dispose_once()
        if reason == "input-closed":
            _kill_own_process_group()
        os._exit(0)  # handler threads may still run; nothing must outlive the plugin

    def serve(self, reader, writer=None):
        """The server over any pair of binary streams (for tests); returns "exit" or "input-closed"."""
        if writer is not None:
            self._wire = writer
        while True:
            try:
                message = _read_json_line(reader) if self._lines_in else _read_frame(reader)
            except (ValueError, OSError) as error:
                sys.stderr.write("%s: unreadable input from plugd (%s); stopping.\n" % (self.name, error))
                message = None
            if message is None:
                self._abort_all()
                return "input-closed"
            method, mid = message.get("method"), message.get("id")
            if not isinstance(method, str):
                self._on_response(message)  # the answer to a plugd/execute
                continue
            if mid is None:
                if method == "exit":
                    self._abort_all()
                    return "exit"
                if method == "$/cancelRequest":
                    ctx = self._running.get((message.get("params") or {}).get("id"))
                    if ctx is not None:
                        ctx.cancelled.set()
                elif method == "initialized" and isinstance(message.get("params"), dict) and message["params"].get("framing") == "ndjson":
                    # The bytes after this frame are lines; so is every frame written from now on.
                    self._lines_in = True
                    with self._lock:
                        self._lines_out = True
                continue  # unknown notifications need no answer
            if method == "$/ping":
                self._respond(mid, {})
            elif method == "run":
                self._start_run(mid, message.get("params"))
            elif method == "initialize":
                self._on_initialize(mid, message.get("params"))
            elif method == "shutdown":
                self._dispose_once()
                self._respond(mid, None)
            else:
                self._respond_error(mid, _METHOD_NOT_FOUND, "unknown method %s" % method)

    def _on_initialize(self, mid, params):
        if not isinstance(params, dict) or params.get("protocolVersion") != PROTOCOL_VERSION or not isinstance(params.get("name"), str):
            self._respond_error(mid, _INVALID_PARAMS, "bad initialize params: expected {protocolVersion: 1, name, username, config, trace}")
            return
        self._init = params
        try:
            if self._initialize is not None:
                self._initialize(Context(self, params, self.log))
        except Exception as error:  # the start fails with its message
            self._respond_error(mid, _INTERNAL_ERROR, str(error) or type(error).__name__)
            return
        result = {
            "name": self.name, "version": self.version, "protocolVersion": PROTOCOL_VERSION,
            "actions": list(self.actions), "capabilities": {"concurrency": self.concurrency, "progress": True},
            "framing": ["ndjson", "content-length"],
        }
        if self.idempotent:
            result["idempotent"] = self.idempotent
        self._respond(mid, result)

    def _start_run(self, mid, params):
        action = params.get("action") if isinstance(params, dict) else None
        if not isinstance(action, dict) or not isinstance(action.get("action"), str):
            self._respond_error(mid, _INVALID_PARAMS, "bad run params: params.action: expected an Action {action, args}")
            return
        timeout_ms = params.get("timeoutMs")
        if not isinstance(timeout_ms, (int, float)) or isinstance(timeout_ms, bool) or timeout_ms <= 0:
            seconds = action.get("timeout")
            timeout_ms = seconds * 1000 if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and seconds > 0 else DEFAULT_TIMEOUT_MS
        ctx = Context(self, self._init, self.log, action=action, request_id=mid, timeout_ms=timeout_ms)
        with self._lock:
            self._running[mid] = ctx
        # Its own thread: the reader keeps answering $/ping and $/cancelRequest meanwhile.
        threading.Thread(target=self._run_one, args=(mid, action, ctx), name="plugd-run-%s" % mid, daemon=True).start()

    def _run_one(self, mid, action, ctx):
        try:
            result = self.call(action, ctx)
        finally:
            ctx.answered = True
            with self._lock:
                self._running.pop(mid, None)
        self._respond(mid, result)

    def _abort_all(self):
        with self._lock:
            running = list(self._running.values())
        for ctx in running:
            ctx.cancelled.set()
        with self._calls_lock:
            calls, self._calls = list(self._calls.values()), {}
        for slot in calls:  # plugd is gone or stopping us: no answer will come
            slot[1] = error_observation(CALL_REFUSED, "plugin %s is stopping; the call got no answer" % self.name)
            slot[0].set()

    # ---- plugd/execute -----------------------------------------------------------------------
    def _execute(self, ctx, action):
        if not isinstance(action, dict) or not isinstance(action.get("action"), str) or not action["action"]:
            return error_observation(CALL_REFUSED, 'ctx.execute needs an Action {"action": "<type>", "args": {...}}, got %s; the call was not sent' % _json_type(action))
        if ctx.answered or ctx.cancelled.is_set():
            return error_observation(CALL_REFUSED, "the calling action was already %s; the call was not sent" % ("answered" if ctx.answered else "cancelled"))
        slot = [threading.Event(), None]
        with self._calls_lock:
            if self._disposed or self._wire is None:
                return error_observation(CALL_REFUSED, "plugin %s is stopping; the call was not sent" % self.name)
            call_id = self._next_call_id
            self._next_call_id += 1
            self._calls[call_id] = slot
        try:
            body = json.dumps({"action": action, "requestId": ctx._request_id}, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError) as error:
            body = None
            problem = "the action is not JSON-serializable (%s)" % error
        else:
            problem = "the call is %d bytes, over the frame limit of %d bytes" % (len(body), MAX_FRAME_BYTES) if len(body) > MAX_FRAME_BYTES else None
        if problem:
            self._forget_call(call_id)
            return error_observation(CALL_REFUSED, "%s; it was not sent" % problem)
        self._send({"id": call_id, "method": "plugd/execute", "params": {"action": action, "requestId": ctx._request_id}})
        # Wait for plugd's answer, but never past the calling action: its deadline or its cancel.
        while not slot[0].is_set():
            left = ctx.deadline - time.monotonic()
            if left <= 0 or ctx.cancelled.is_set():
                if self._forget_call(call_id):
                    if left <= 0:
                        return error_observation(ACTION_TIMEOUT, 'the call "%s" got no answer within the calling action\'s deadline' % action["action"])
                    return error_observation(CALL_REFUSED, 'the calling action was cancelled while its call "%s" ran' % action["action"])
                break  # answered meanwhile
            slot[0].wait(min(0.05, left))
        slot[0].wait()
        return slot[1]

    def _forget_call(self, call_id):
        with self._calls_lock:
            return self._calls.pop(call_id, None) is not None

    def _on_response(self, message):
        call_id = message.get("id")
        with self._calls_lock:
            slot = self._calls.pop(call_id, None) if isinstance(call_id, int) and not isinstance(call_id, bool) else None
        if slot is None:
            return  # not ours, or its caller gave up on it already
        result = message.get("result")
        if _observation_problem(result) is None:
            slot[1] = result
        else:
            error = message.get("error")
            why = error.get("message") if isinstance(error, dict) else None
            slot[1] = error_observation(CALL_REFUSED, "plugd refused the call: %s" % (why or "its answer was not an Observation"))
        slot[0].set()

    def _dispose_once(self):
        if self._disposed:
            return
        self._disposed = True
        if self._dispose is not None:
            try:
                self._dispose()
            except Exception:
                traceback.print_exc(file=sys.stderr)

    # ---- writing frames --------------------------------------------------------------------
    def _send(self, message):
        message = dict(jsonrpc="2.0", **message)
        try:
            body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except (TypeError, ValueError) as error:
            if "id" not in message:
                return
            body = json.dumps({"jsonrpc": "2.0", "id": message["id"], "error": {"code": _INTERNAL_ERROR, "message": "answer not serializable: %s" % error}}).encode("utf-8")
        with self._lock:
            if self._wire is None:
                return
            frame = body + b"\n" if self._lines_out else b"Content-Length: %d\r\n\r\n" % len(body) + body
            try:
                self._wire.write(frame)  # one write per frame: threads never interleave
                self._wire.flush()
            except (BrokenPipeError, OSError):
                pass  # plugd is gone; stdin EOF ends the plugin

    def _respond(self, mid, result):
        self._send({"id": mid, "result": result})

    def _respond_error(self, mid, code, message):
        self._send({"id": mid, "error": {"code": code, "message": message}})

    def _notify(self, method, params):
        self._send({"method": method, "params": params})


def _checked_rule(rule, index):
    """One `idempotent` rule as plugd's initialize schema takes it: "type" or
    {"action": "type", "args": {"name": [values]}}; a bad one fails at Plugin(...) naming it."""
    where = "idempotent[%d]" % index
    if isinstance(rule, str):
        if not rule:
            raise ValueError("%s: expected a non-empty action type" % where)
        return rule
    if not isinstance(rule, dict) or not isinstance(rule.get("action"), str) or not rule["action"]:
        raise ValueError('%s: expected an action type or {"action": "<type>", "args": {"<name>": [values]}}, got %s' % (where, json.dumps(rule, default=repr)))
    extra = set(rule) - {"action", "args"}
    if extra:
        raise ValueError("%s: unknown key(s) %s; only action and args" % (where, ", ".join(sorted(extra))))
    args = rule.get("args")
    if args is None:
        return {"action": rule["action"]}
    if not isinstance(args, dict):
        raise ValueError("%s.args: expected an object {name: [values]}, got %s" % (where, _json_type(args)))
    for name, values in args.items():
        ok = isinstance(values, list) and values and all(v is None or isinstance(v, (str, int, float, bool)) for v in values)
        if not ok:
            raise ValueError("%s.args.%s: expected a non-empty list of strings, numbers, booleans or null" % (where, name))
    return {"action": rule["action"], "args": args}


async def _awaited(awaitable):
    return await awaitable


def _observation_problem(result):
    if not isinstance(result, dict):
        return "expected an object {observation, content, extras}, got %s" % _json_type(result)
    if not isinstance(result.get("observation"), str):
        return "observation: expected string"
    if not isinstance(result.get("content"), str):
        return "content: expected string"
    if not isinstance(result.get("extras", {}), dict):
        return "extras: expected object"
    result.setdefault("extras", {})
    return None


def _read_frame(stream):
    """One JSON-RPC message, or None at EOF (also mid-frame: plugd is gone)."""
    length = None
    header_bytes = 0
    while True:
        line = _read_line(stream)
        if line is None:
            return None
        header_bytes += len(line)
        if header_bytes > MAX_HEADER_BYTES:
            raise ValueError("header block over %d bytes" % MAX_HEADER_BYTES)
        line = line.rstrip(b"\r\n")
        if not line:
            if length is None:
                raise ValueError("frame without Content-Length")
            break
        name, sep, value = line.decode("ascii", "replace").partition(":")
        if not sep:
            raise ValueError("not a header line: %r" % line[:80])
        if name.strip().lower() == "content-length":
            text = value.strip()
            if not text.isdigit() or int(text) > MAX_FRAME_BYTES:
                raise ValueError("bad Content-Length %r (0 to %d bytes)" % (text[:20], MAX_FRAME_BYTES))
            length = int(text)
    body = b""
    while len(body) < length:
        chunk = stream.read(length - len(body))
        if not chunk:
            return None
        body += chunk
    return json.loads(body.decode("utf-8"))


def _read_json_line(stream):
    """One JSON-RPC message as a line (negotiated framing), or None at EOF."""
    line = stream.readline(MAX_FRAME_BYTES + 1)
    if not line.endswith(b"\n"):
        if len(line) > MAX_FRAME_BYTES:
            raise ValueError("line over %d bytes" % MAX_FRAME_BYTES)
        return None
    message = json.loads(line.decode("utf-8"))
    if not isinstance(message, dict):
        raise ValueError("a line that is not a JSON-RPC message object: %r" % line[:80])
    return message


def _read_line(stream):
    line = stream.readline(MAX_HEADER_BYTES + 1)
    if not line or not line.endswith(b"\n"):
        if len(line) > MAX_HEADER_BYTES:
            raise ValueError("header line over %d bytes" % MAX_HEADER_BYTES)
        return None
    return line


def _take_stdin():
    """The frames plugd sends, read only here: fd 0 now reads /dev/null, so input() or a child
    process that inherits stdin cannot swallow a frame."""
    wire = os.fdopen(os.dup(0), "rb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return wire


def _protect_stdout():
    """Keeps the real stdout for frames only: fd 1 (print, os.write(1), child processes that
    inherit it) now points at stderr, so a stray print cannot corrupt the wire."""
    sys.stdout.flush()
    wire = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return wire


def _kill_own_process_group():
    """stdin closed: plugd is gone. Take down whatever this plugin started, when it leads its
    own process group (plugd spawns it so); otherwise the group is someone else's."""
    try:
        if os.getpgrp() == os.getpid():
            sys.stderr.flush()
            os.killpg(os.getpid(), signal.SIGKILL)
    except OSError:
        pass
